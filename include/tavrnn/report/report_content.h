#pragma once
// What an HTML report shows, as plain values: made from a run's results
// (run_results.h; a run folder's files or a program's in-memory values) and
// its figures. The rendering (html_report.h) does no I/O and no maths.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/report/figure.h"
#include "tavrnn/report/run_results.h"

namespace tavrnn::report {

struct ReportOptions {
  // figures.json's directory; empty = RUN/figures (skipped when it has no manifest).
  std::filesystem::path figures_dir;
  // The run's graphs (edge density, silent units); empty = the file run.json
  // names, skipped when that is gone.
  std::filesystem::path graphs;
  // Chart.js, inlined in the page (Debian package libjs-chart.js).
  std::filesystem::path chartjs = "/usr/share/javascript/chart.js/chart.min.js";
  // Windows with a precomputed unit map (evenly spaced, first and last included).
  std::size_t max_windows = 12;
  // Seeds the random start of every t-SNE map.
  std::uint64_t seed = 0;
};

// One window of the run.
struct ReportWindow {
  int label = -1;                    // code into label_names, -1 unlabelled
  double start_s = 0.0, stop_s = 0.0;
  double purity = 0.0;
  std::optional<double> density;     // off-diagonal density of A between units (with graphs)
};

// Points of a 2-D map, one per window (population) or unit.
struct ScatterMap {
  std::string method;                // "t-SNE (perplexity 9.7)" or "PCA"
  std::vector<double> x, y;
};

struct UnitMap {
  std::size_t window = 0;
  ScatterMap map;
  std::vector<bool> silent;          // per unit: zero row of W in this window (with graphs)
};

struct ReportFigure {
  FigureFile entry;
  std::string svg;                   // the file's text when entry.svg is set
  std::string png;                   // the file's bytes when there is no SVG
};

struct ReportContent {
  std::filesystem::path run_dir;
  std::string generated;             // local date and time the report was made
  std::string model;
  nlohmann::json run;                // run.json, null when absent
  nlohmann::json metrics;            // metrics.json, null when absent
  TrainingCurves training;           // empty without a training log
  std::vector<std::string> label_names, group_names, unit_ids;
  std::vector<int> groups;           // per unit; empty when the recording had none
  std::vector<ReportWindow> windows;
  std::string population_source;     // what evaluate decoded, in words (e.g. the units' Gram matrix)
  ScatterMap population;             // one point per window
  std::vector<UnitMap> unit_maps;
  std::vector<std::vector<double>> attention;  // [T][T], empty when absent
  std::vector<ReportFigure> figures;
  std::vector<std::string> notes;    // what was missing and skipped, for the reader
};

// The content for `results` (embeddings required; each other member
// optional, a note says what was left out) and `figures`: computes the 2-D
// maps. options.figures_dir and options.graphs are not used. Throws Error
// when results hold no embeddings.
ReportContent report_content(const RunResults& results, std::vector<ReportFigure> figures,
                             const ReportOptions& options = {});

// Each figure's SVG text (or PNG bytes when it has no SVG), read from its file.
std::vector<ReportFigure> read_report_figures(const std::vector<FigureFile>& figures);

// Reads RUN's results (embeddings.npz required; read_run_results with
// options.graphs) and the figure manifest, then report_content. Throws Error
// naming the file when RUN or its embeddings are missing or a file present
// is corrupt.
ReportContent gather_report_content(const std::filesystem::path& run, const ReportOptions& options = {});

}  // namespace tavrnn::report
