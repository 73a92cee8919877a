#pragma once
// The pieces of write_run_figures (run_figures.cpp): what it reads from a
// run, and one function per figure. Private to src/report.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/eval/mean_sd.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/report/figure.h"
#include "tavrnn/report/run_figures.h"
#include "tavrnn/report/run_results.h"

namespace tavrnn::report::detail {

namespace fs = std::filesystem;

// ---- inputs (run_figure_inputs.cpp) ----

struct ConfusionCounts {
  std::vector<std::string> labels;    // names of the rows/columns
  std::vector<std::int64_t> counts;   // [K, K] row-major, rows true, columns predicted
};
// decoding.logistic_regression.confusion_matrix of evaluate's metrics, label
// codes named by label_names; nullopt when they hold none (decoding skipped).
// `origin` names the metrics in errors.
std::optional<ConfusionCounts> confusion_from_metrics(const nlohmann::json& metrics,
                                                      const std::vector<std::string>& label_names,
                                                      const std::string& origin);

// The unit groups figures colour and order by.
struct UnitGrouping {
  std::vector<int> codes;  // one per unit; empty: no groups
  std::vector<std::string> names;
  std::string name_of(int code) const;
};

// ---- figures ----

FigureFile training_figure(const fs::path& out, const TrainingCurves& log);
FigureFile attention_figure(const fs::path& out, const torch::Tensor& attention);
FigureFile connectivity_figure(const fs::path& out, const graphs::GraphSequence& sequence,
                               const UnitGrouping& groups, const std::vector<std::string>& label_names,
                               const std::vector<std::size_t>& windows, ConnectivityMatrix matrix);
// Rows: the windows of each label set (first row `first`, second `second`).
FigureFile unit_embedding_figure(const fs::path& out, const eval::EmbeddingsFile& embeddings,
                                 const UnitGrouping& groups, const std::vector<std::size_t>& first,
                                 const std::vector<std::size_t>& second, std::uint64_t seed);
FigureFile population_figure(const fs::path& out, const eval::EmbeddingsFile& embeddings,
                             const std::string& readout, PopulationMap map,
                             std::uint64_t seed);
FigureFile decoding_accuracy_figure(const fs::path& out, const std::vector<DecodingCell>& cells);
FigureFile confusion_figure(const fs::path& out, const ConfusionCounts& confusion);

// ---- shared by the figures (run_figure_layout.cpp) ----

// Cell (row, col) of a rows x cols grid laid over `area`, with gaps between
// cells as fractions of a cell.
PageBox grid_cell(const PageBox& area, std::size_t rows, std::size_t cols, std::size_t row, std::size_t col,
                  double gap_x = 0.25, double gap_y = 0.35);
// A 2-D map of the rows of x [n, d] (n >= 4): seeded t-SNE, perplexity
// min(30, (n - 1) / 3). Returns [n, 2] float64 on the CPU.
torch::Tensor tsne_map(const torch::Tensor& x, std::uint64_t seed);
std::vector<double> column(const torch::Tensor& xy, std::int64_t j);
std::string window_name(std::size_t t, int label, const std::vector<std::string>& label_names);

}  // namespace tavrnn::report::detail
