#pragma once
// The tables of `tavrnn compare`: one row per model x width x seed x metric
// (results.csv, long format for pandas/MATLAB) and mean +- sd per model and
// width (summary.md), from each cell's metrics.json.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tavrnn::eval {

struct ComparisonRow {
  std::string model;
  int64_t latent = 0;
  std::uint64_t seed = 0;
  std::string metric;  // e.g. "decoding.logistic_regression.accuracy_score"
  double value = 0.0;
};

// The headline numbers of one cell's metrics.json (those present; a skipped
// section gives none). Throws Error when the file is missing or not JSON.
std::vector<ComparisonRow> comparison_rows(const std::filesystem::path& metrics_json,
                                           const std::string& model, int64_t latent,
                                           std::uint64_t seed);

// model,latent,seed,metric,value with a header line.
std::string results_csv(const std::vector<ComparisonRow>& rows);

// Markdown: one table, rows model x width (in first-seen order), columns the
// headline metrics as mean +- sd over seeds.
std::string summary_markdown(const std::vector<ComparisonRow>& rows, std::size_t windows,
                             std::size_t units);

}  // namespace tavrnn::eval
