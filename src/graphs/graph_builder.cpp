#include "tavrnn/graphs/graph_builder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <string>
#include <vector>

#include "tavrnn/util/error.h"
#include "tavrnn/graphs/correlation.h"
#include "tavrnn/util/progress.h"

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

Graph graph_from_correlation(const torch::Tensor& r, const GraphBuilderOptions& options,
                             WindowGraphInfo& info) {
  const int64_t n = r.size(0);
  const torch::Tensor w_units = r.abs();
  torch::Tensor a_units = options.theta > 0 ? w_units.ge(options.theta) : w_units.gt(0);
  if (options.top_k && static_cast<int64_t>(*options.top_k) < n - 1) {
    torch::Tensor scores = w_units.clone();
    scores.diagonal().fill_(-1.0);  // a unit is never its own neighbour
    const torch::Tensor nearest = std::get<1>(scores.topk(static_cast<int64_t>(*options.top_k), 1));
    torch::Tensor chosen = torch::zeros_like(a_units).scatter_(1, nearest, true);
    a_units.logical_and_(chosen.logical_or(chosen.t()));
  }
  a_units.diagonal().fill_(true);
  const int64_t unit_edges = a_units.sum().item<int64_t>();

  torch::Tensor weights = w_units, adjacency = a_units.to(r.scalar_type());
  if (options.history_node) {
    // Row and column of ones, self loop included (MODEL.md section 2, step 5).
    weights = torch::constant_pad_nd(weights, {0, 1, 0, 1}, 1.0);
    adjacency = torch::constant_pad_nd(adjacency, {0, 1, 0, 1}, 1.0);
  } else {
    weights = weights.clone();  // never alias the caller's r
  }
  weights.diagonal().fill_(1.0);
  const int64_t nodes = weights.size(0);
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

  const std::size_t element = weights.element_size();
  const bool sparse = options.storage == StoragePolicy::Sparse ||
                      (options.storage == StoragePolicy::Auto &&
                       2 * coo_bytes(info.edges, element) <= total * element);
  info.storage = sparse ? AdjacencyStorage::Sparse : AdjacencyStorage::Dense;
  if (sparse) adjacency = adjacency.to_sparse().coalesce();
  info.bytes = total * element + (sparse ? coo_bytes(info.edges, element) : total * element);
  return {weights, adjacency};
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
  RandomMatrixFilter check(options_.rmt);  // validates the filter's options now
}

GraphSequence CorrelationGraphBuilder::build(const Recording& recording,
                                             const WindowPlan& plan) const {
  if (plan.size() == 0) throw Error("graph builder: the window plan has no windows");
  const Activity& activity = recording.activity();
  // The recording's doubles as they are: each window is copied into the
  // builder's dtype and device when its turn comes (never the whole
  // recording at once: 10,000 units x 48,000 bins would be 1.9 GB).
  const torch::Tensor counts = torch::from_blob(
      const_cast<double*>(activity.values.data()),
      {static_cast<int64_t>(activity.n_units), static_cast<int64_t>(activity.n_bins)},
      torch::kFloat64);
  const RandomMatrixFilter filter(options_.rmt);

  const std::vector<Window>& windows = plan.windows();
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
        // In float64 whatever the graphs' dtype: the counts are exact there.
        const torch::Tensor rate =
            y.to(torch::kCPU, torch::kFloat64).mean(1).div_(recording.bin_width_s()).contiguous();
        info.unit_rate_hz.assign(rate.data_ptr<double>(), rate.data_ptr<double>() + rate.numel());
        info.zero_variance_units =
            static_cast<std::size_t>(pearson.zero_variance.sum().item<int64_t>());
        const RandomMatrixFilter::Result filtered =
            filter.apply(y, pearson.r, pearson.zero_variance, options_.seed, window.source_index);
        info.components_kept = filtered.filtered.components_kept;
        info.lambda_low = filtered.bounds.low;
        info.lambda_high = filtered.bounds.high;
        info.surrogates = filtered.bounds.surrogates;
        graphs[k] = graph_from_correlation(filtered.filtered.r, options_, info);
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
  GraphSequence sequence(std::move(graphs), std::move(infos), settings, recording.n_units(),
                         recording.bin_width_s());
  sequence.unit_ids = recording.unit_ids();
  sequence.groups = recording.groups();
  if (recording.labels()) sequence.label_names = recording.labels()->names;
  return sequence;
}

}  // namespace tavrnn::graphs
