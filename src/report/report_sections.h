#pragma once
// The static parts of the report page, as HTML fragments: tables of the
// decoding scores, the other metrics, the run's settings and the windows, and
// the attention heatmap (inline SVG).
#include <string>

#include <nlohmann/json.hpp>

#include "tavrnn/report/report_content.h"

namespace tavrnn::report {

// "0.8500 ± 0.0236 (n = 2)" for {mean, sd, n}; numbers to 4 significant
// digits; strings escaped; anything else as compact JSON, escaped.
std::string format_metric(const nlohmann::json& value);

// run.json's settings: the run itself, then one table per section (graph
// settings, model, trainer, versions, timings, and any other object).
std::string settings_tables(const ReportContent& content);

// metrics.json's decoding: each decoder's scores beside its shuffled-label
// control, the protocol and the confusion matrices; a note when absent.
std::string decoding_tables(const ReportContent& content);

// The rest of metrics.json: clustering, unit groups, reconstruction; the
// sections present, and the other keys as plain rows (decoding is
// decoding_tables').
std::string metrics_tables(const ReportContent& content);

// One row per window: label, time span, purity, edge density.
std::string windows_table(const ReportContent& content);

// attention [T][T] as an SVG heatmap (viridis), with a colour bar.
std::string attention_heatmap(const std::vector<std::vector<double>>& attention);

}  // namespace tavrnn::report
