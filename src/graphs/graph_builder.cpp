#include "tavrnn/graphs/graph_builder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <string>
#include <vector>

#include "tavrnn/util/error.h"
#include "tavrnn/graphs/correlation.h"
#include "tavrnn/recording/activity_tensor.h"
#include "tavrnn/util/progress.h"
#include "edge_selection.h"

namespace tavrnn::graphs {
namespace {

// Bytes of A stored as COO: two int64 indices and one value per entry.
std::size_t coo_bytes(std::size_t nnz, std::size_t element) { return nnz * (2 * 8 + element); }

std::string describe_ranges(const std::vector<BinRange>& ranges) {
  std::string text;
  for (const auto& r : ranges)
    text += fmt::format("{}[{}, {})", text.empty() ? "" : "+", r.begin, r.end);
  return text;
}

}  // namespace

const char* weight_storage_name(WeightStorage storage) {
  switch (storage) {
    case WeightStorage::Auto:
      return "auto";
    case WeightStorage::Full:
      return "full";
    case WeightStorage::Edges:
      return "edges";
  }
  return "auto";
}

std::optional<WeightStorage> parse_weight_storage(const std::string& text) {
  for (const WeightStorage w : {WeightStorage::Auto, WeightStorage::Full, WeightStorage::Edges}) {
    if (text == weight_storage_name(w)) return w;
  }
  return std::nullopt;
}

Graph graph_from_correlation(const torch::Tensor& r, const GraphBuilderOptions& options,
                             WindowGraphInfo& info) {
  const int64_t n = r.size(0);
  const detail::UnitEdges edges = detail::select_unit_edges(r, options.theta, options.top_k);
  const int64_t unit_edges = edges.size();
  const int64_t nodes = n + (options.history_node ? 1 : 0);
  info.edges = static_cast<std::size_t>(unit_edges + (options.history_node ? 2 * n + 1 : 0));
  const auto total = static_cast<std::size_t>(nodes * nodes);
  if (info.edges == total) {
    info.degeneracy = GraphDegeneracy::Complete;
  } else if (unit_edges == n) {
    info.degeneracy = GraphDegeneracy::NoEdges;
  } else {
    info.degeneracy = GraphDegeneracy::None;
  }
  info.degenerate = info.degeneracy != GraphDegeneracy::None;

  const std::size_t element = r.element_size();
  const bool weights_on_edges = options.weights == WeightStorage::Edges;
  const bool sparse = weights_on_edges || options.storage == StoragePolicy::Sparse ||
                      (options.storage == StoragePolicy::Auto &&
                       2 * coo_bytes(info.edges, element) <= total * element);
  info.storage = sparse ? AdjacencyStorage::Sparse : AdjacencyStorage::Dense;

  torch::Tensor full_weights;  // W = |r| whole, diagonal 1, history row and column of ones
  if (!weights_on_edges) {
    full_weights = options.history_node ? torch::constant_pad_nd(r.abs(), {0, 1, 0, 1}, 1.0) : r.abs();
    full_weights.diagonal().fill_(1.0);
  }
  if (!sparse) {
    auto adjacency = torch::zeros({nodes, nodes}, r.options());
    adjacency.index_put_({edges.rows, edges.columns}, 1.0);
    if (options.history_node) {
      adjacency.select(0, n).fill_(1.0);
      adjacency.select(1, n).fill_(1.0);
    }
    info.bytes = 2 * total * element;
    return {full_weights, adjacency};
  }

  torch::Tensor indices = torch::stack({edges.rows, edges.columns}), magnitudes = edges.magnitudes;
  if (options.history_node) {
    // Row and column of ones, self loop included (MODEL.md section 2, step
    // 5); coalescing puts them in row-major order (no entry repeats).
    const auto units = torch::arange(n, indices.options());
    const auto last = torch::full({n + 1}, n, indices.options());
    const auto column = torch::stack({units, last.narrow(0, 0, n)});
    const auto row = torch::stack({last, torch::arange(n + 1, indices.options())});
    indices = torch::cat({indices, column, row}, 1);
    magnitudes = torch::cat({magnitudes, torch::ones({2 * n + 1}, magnitudes.options())});
  }
  const auto weights = torch::sparse_coo_tensor(indices, magnitudes, {nodes, nodes}).coalesce();
  const auto adjacency =  // W's indices, shared
      torch::sparse_coo_tensor(weights.indices(), torch::ones_like(weights.values()), {nodes, nodes})._coalesced_(true);
  info.bytes = coo_bytes(info.edges, element) +
               (weights_on_edges ? info.edges * element : total * element);
  return {weights_on_edges ? weights : full_weights, adjacency};
}

CorrelationGraphBuilder::CorrelationGraphBuilder(GraphBuilderOptions options)
    : options_(std::move(options)) {
  if (!(options_.theta >= 0.0 && options_.theta <= 1.0)) {
    throw Error(fmt::format("graph builder: theta must be in [0, 1], found {}", options_.theta));
  }
  if (options_.dtype != torch::kFloat32 && options_.dtype != torch::kFloat64) {
    throw Error(fmt::format("graph builder: dtype must be float32 or float64, found {}",
                            c10::toString(options_.dtype)));
  }
  if (options_.top_k && *options_.top_k == 0) {
    throw Error("graph builder: `top-k` must be at least 1, found 0");
  }
  if (options_.weights == WeightStorage::Edges && options_.storage == StoragePolicy::Dense) {
    throw Error("graph builder: `weights edges` keeps W on A's edges, so A must be stored sparse; "
                "`storage dense` contradicts it (use storage auto or sparse, or weights full)");
  }
  RandomMatrixFilter check(options_.rmt);  // validates the filter's options now
}

GraphSequence CorrelationGraphBuilder::build(const Recording& recording,
                                             const WindowPlan& plan) const {
  if (plan.size() == 0) throw Error("graph builder: the window plan has no windows");
  const Activity& activity = recording.activity();
  // The recording's values as they are stored: each window is copied into
  // the builder's dtype and device when its turn comes (never the whole
  // recording at once: 10,000 units x 48,000 bins would be 1.9 GB).
  const torch::Tensor counts = activity_tensor(activity);
  const RandomMatrixFilter filter(options_.rmt);

  const std::vector<Window>& windows = plan.windows();
  GraphBuilderOptions resolved = options_;
  if (resolved.weights == WeightStorage::Auto) {
    const std::size_t nodes = recording.n_units() + (options_.history_node ? 1 : 0);
    const std::size_t dense_bytes = windows.size() * nodes * nodes * c10::elementSize(options_.dtype);
    resolved.weights = dense_bytes <= options_.full_weights_max_bytes || options_.storage == StoragePolicy::Dense
                           ? WeightStorage::Full
                           : WeightStorage::Edges;
    if (resolved.weights == WeightStorage::Edges) {
      spdlog::info("W is kept on A's edges only: {} windows of dense W ({} x {}) would take {:.1f} GB "
                   "(`weights full` keeps it whole; docs/graphs.md)",
                   windows.size(), nodes, nodes, static_cast<double>(dense_bytes) / 1e9);
    }
  }
  std::vector<Graph> graphs(windows.size());
  std::vector<WindowGraphInfo> infos(windows.size());
  ProgressBar bar("graphs", windows.size());
  std::size_t done = 0;
  for_each_window_correlation(
      counts, windows, options_.max_batch_bytes,
      [&](std::size_t k, const torch::Tensor& y, const PearsonCorrelation& pearson) {
        const Window& window = windows[k];
        WindowGraphInfo& info = infos[k];
        info.ranges = window.ranges;
        info.label = window.label;
        info.purity = window.purity;
        info.source_index = window.source_index;
        info.n_bins = window.n_bins();
        // From the recording's own values summed in float64 whatever the
        // graphs' dtype (exact; sum then divide, as mean() does).
        const torch::Tensor rate = window_activity(counts, window)
                                       .sum(1, false, torch::kFloat64)
                                       .div_(static_cast<double>(window.n_bins()))
                                       .div_(recording.bin_width_s())
                                       .contiguous();
        info.unit_rate_hz.assign(rate.data_ptr<double>(), rate.data_ptr<double>() + rate.numel());
        info.zero_variance_units =
            static_cast<std::size_t>(pearson.zero_variance.sum().item<int64_t>());
        const RandomMatrixFilter::Result filtered =
            filter.apply(y, pearson.r, pearson.zero_variance, options_.seed, window.source_index);
        info.components_kept = filtered.filtered.components_kept;
        info.lambda_low = filtered.bounds.low;
        info.lambda_high = filtered.bounds.high;
        info.surrogates = filtered.bounds.surrogates;
        graphs[k] = graph_from_correlation(filtered.filtered.r, resolved, info);
        bar.update(++done);
      },
      torch::TensorOptions().dtype(options_.dtype).device(options_.device));
  bar.finish();

  // After the bar, so that warnings do not break its line.
  for (std::size_t k = 0; k < infos.size(); ++k) {
    const WindowGraphInfo& info = infos[k];
    if (!info.degenerate) continue;
    const std::string where = fmt::format("window {} (plan index {}, bins {})", k,
                                          info.source_index, describe_ranges(info.ranges));
    if (info.degeneracy == GraphDegeneracy::Complete) {
      spdlog::warn(
          "{}: A is complete (every entry 1 at theta {}): the loss weights pos_weight and "
          "norm are undefined there; the model uses pos_weight = 1, norm = 1 "
          "(docs/graphs.md)",
          where, options_.theta);
    } else {
      spdlog::warn(
          "{}: A has no edge between units at theta {} (only self loops{}): the graph "
          "carries no connectivity; lower `theta` or check the window (docs/graphs.md)",
          where, options_.theta, options_.history_node ? " and the history node" : "");
    }
  }

  GraphSequenceSettings settings;
  settings.theta = options_.theta;
  settings.history_node = options_.history_node;
  settings.features = options_.features;
  settings.top_k = options_.top_k;
  settings.rmt = options_.rmt.describe();
  settings.windows = plan.description();
  settings.seed = options_.seed;
  settings.weights_on_edges = resolved.weights == WeightStorage::Edges;
  GraphSequence sequence(std::move(graphs), std::move(infos), settings, recording.n_units(),
                         recording.bin_width_s());
  sequence.unit_ids = recording.unit_ids();
  sequence.groups = recording.groups();
  if (recording.labels()) sequence.label_names = recording.labels()->names;
  return sequence;
}

}  // namespace tavrnn::graphs
