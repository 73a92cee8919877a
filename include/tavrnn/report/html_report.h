#pragma once
// `tavrnn report`: one self-contained HTML page about a run (docs/report.md),
// in reading order: decoding against its shuffled-label control, interactive
// maps of the population and unit embeddings, the attention weights, the
// other metrics, training curves, windows, the static figures, and last the
// run's settings. The page has no network reference and no external file:
// Chart.js, the data and the figures are inside it.
#include <filesystem>
#include <string>
#include <string_view>

#include "tavrnn/report/report_content.h"

namespace tavrnn::report {

// Reads Chart.js (options.chartjs); throws Error naming the file and the
// Debian package libjs-chart.js when it is missing.
std::string read_chartjs(const std::filesystem::path& path);

// The page for gathered content, with `chartjs` (its source) inlined. Pure:
// no I/O.
std::string render_html_report(const ReportContent& content, std::string_view chartjs);

struct HtmlReportResult {
  std::filesystem::path path;  // the page written
  std::size_t bytes = 0;
  double seconds = 0.0;        // gathering, maps and rendering
};

// Gathers RUN's content (gather_report_content), renders it and writes the
// page atomically to `out` (empty = RUN/report.html). Throws Error naming the
// file on missing or corrupt input.
HtmlReportResult write_html_report(const std::filesystem::path& run, const std::filesystem::path& out = {},
                                   const ReportOptions& options = {});

}  // namespace tavrnn::report
