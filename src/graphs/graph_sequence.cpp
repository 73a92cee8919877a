#include "tavrnn/graphs/graph_sequence.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tavrnn/graphs/node_descriptors.h"
#include "tavrnn/util/error.h"

namespace tavrnn::graphs {

namespace {

// Mean and standard deviation of every unit's rate over every window, in
// two passes; nullopt when a window has no rates recorded.
std::optional<std::pair<double, double>> rate_scale(const std::vector<WindowGraphInfo>& info,
                                                    std::size_t n_units) {
  double sum = 0;
  std::size_t count = 0;
  for (const auto& window : info) {
    if (window.unit_rate_hz.size() != n_units) return std::nullopt;
    for (double r : window.unit_rate_hz) sum += r;
    count += n_units;
  }
  if (count == 0) return std::pair<double, double>{0.0, 1.0};
  const double mean = sum / static_cast<double>(count);
  double squares = 0;
  for (const auto& window : info) {
    for (double r : window.unit_rate_hz) squares += (r - mean) * (r - mean);
  }
  const double sd = std::sqrt(squares / static_cast<double>(count));
  return std::pair<double, double>{mean, sd > 0 ? sd : 1.0};
}

}  // namespace

GraphSequence::GraphSequence(std::vector<Graph> graphs, std::vector<WindowGraphInfo> info,
                             GraphSequenceSettings settings, std::size_t n_units,
                             double bin_width_s)
    : graphs_(std::move(graphs)),
      info_(std::move(info)),
      settings_(std::move(settings)),
      n_units_(n_units),
      bin_width_s_(bin_width_s) {
  if (graphs_.size() != info_.size()) {
    throw Error(
        fmt::format("graph sequence: {} graphs but {} window infos", graphs_.size(), info_.size()));
  }
  const auto nodes = static_cast<int64_t>(n_nodes());
  for (std::size_t t = 0; t < graphs_.size(); ++t) {
    const Graph& g = graphs_[t];
    for (const auto& [name, tensor] :
         {std::pair<const char*, const torch::Tensor&>{"W", g.weights}, {"A", g.adjacency}}) {
      if (!tensor.defined() || tensor.dim() != 2 || tensor.size(0) != nodes ||
          tensor.size(1) != nodes) {
        throw Error(fmt::format(
            "graph sequence: window {}: expected {} of shape [{}, {}], found {}", t, name, nodes,
            nodes,
            tensor.defined() ? fmt::format("{} dimensions", tensor.dim()) : std::string("none")));
      }
    }
    if (g.weights.scalar_type() != graphs_[0].weights.scalar_type() ||
        g.adjacency.scalar_type() != g.weights.scalar_type()) {
      throw Error(
          fmt::format("graph sequence: window {}: W and A must share one floating dtype "
                      "across windows",
                      t));
    }
  }
  rate_scale_ = rate_scale(info_, n_units_);
}

GraphSequence GraphSequence::without_graphs(std::vector<WindowGraphInfo> info, GraphSequenceSettings settings,
                                            std::size_t n_units, double bin_width_s) {
  GraphSequence header({}, {}, std::move(settings), n_units, bin_width_s);
  header.info_ = std::move(info);
  header.has_graphs_ = false;
  header.rate_scale_ = rate_scale(header.info_, n_units);
  return header;
}

GraphSequence GraphSequence::with_graphs(std::size_t begin, std::vector<Graph> graphs) const {
  if (begin > size() || graphs.size() > size() - begin) {
    throw Error(fmt::format("graph sequence: windows {} to {} of a sequence of {}", begin,
                            begin + graphs.size(), size()));
  }
  const auto first = info_.begin() + static_cast<std::ptrdiff_t>(begin);
  std::vector<WindowGraphInfo> info(first, first + static_cast<std::ptrdiff_t>(graphs.size()));
  GraphSequence part(std::move(graphs), std::move(info), settings_, n_units_, bin_width_s_);
  part.rate_scale_ = rate_scale_;
  part.unit_ids = unit_ids;
  part.groups = groups;
  part.label_names = label_names;
  return part;
}

const Graph& GraphSequence::graph(std::size_t t) const {
  if (!has_graphs_) {
    throw Error(fmt::format("graph sequence: window {}: its graph was not loaded (this sequence holds the "
                            "windows' infos only; read the graphs with GraphFileReader)",
                            t));
  }
  return graphs_.at(t);
}

std::optional<std::size_t> GraphSequence::history_node_index() const {
  if (!settings_.history_node) return std::nullopt;
  return n_units_;
}

torch::Tensor GraphSequence::dense_adjacency(std::size_t t) const {
  const torch::Tensor& a = graph(t).adjacency;
  return a.is_sparse() ? a.to_dense() : a;
}

torch::Tensor GraphSequence::dense_weights(std::size_t t) const {
  const torch::Tensor& w = graph(t).weights;
  return w.is_sparse() ? w.to_dense() : w;
}

std::vector<bool> GraphSequence::silent_units(std::size_t t) const {
  const auto n = static_cast<int64_t>(n_units_);
  const torch::Tensor& w = graph(t).weights;
  std::vector<bool> silent(n_units_, true);
  if (!w.is_sparse()) {
    const auto units = w.to(torch::kCPU, torch::kFloat64).narrow(0, 0, n).narrow(1, 0, n).abs();
    const auto off_diagonal = (units.sum(1) - units.diagonal()).contiguous();
    const double* row = off_diagonal.data_ptr<double>();
    for (int64_t u = 0; u < n; ++u) silent[u] = row[u] == 0.0;
    return silent;
  }
  const auto coo = w.to(torch::kCPU).coalesce();
  const auto rows = coo.indices()[0], columns = coo.indices()[1];
  const auto linked = rows.ne(columns).logical_and_(rows.lt(n)).logical_and_(columns.lt(n))
                          .logical_and_(coo.values().ne(0));
  const auto with_edges = rows.masked_select(linked).contiguous();
  const int64_t* u = with_edges.data_ptr<int64_t>();
  for (int64_t k = 0; k < with_edges.numel(); ++k) silent[u[k]] = false;
  const std::vector<double>& rate = info(t).unit_rate_hz;
  if (rate.size() == n_units_) {
    for (std::size_t i = 0; i < n_units_; ++i) silent[i] = silent[i] && rate[i] == 0.0;
  }
  return silent;
}

const char* node_features_name(NodeFeatures features) {
  switch (features) {
    case NodeFeatures::Rows:
      return "rows";
    case NodeFeatures::Identity:
      return "identity";
    case NodeFeatures::RowsAndRates:
      return "rows+rates";
    case NodeFeatures::Descriptors:
      return "descriptors";
  }
  return "identity";
}

std::optional<NodeFeatures> parse_node_features(const std::string& text) {
  for (NodeFeatures f : {NodeFeatures::Rows, NodeFeatures::Identity, NodeFeatures::RowsAndRates,
                         NodeFeatures::Descriptors}) {
    if (text == node_features_name(f)) return f;
  }
  return std::nullopt;
}

std::size_t GraphSequence::feature_dim() const {
  switch (settings_.features) {
    case NodeFeatures::RowsAndRates:
      return n_nodes() + 1;
    case NodeFeatures::Descriptors:
      return kDescriptorWidth;
    default:
      return n_nodes();
  }
}

std::vector<double> GraphSequence::rate_z(std::size_t t) const {
  if (!rate_scale_) {
    for (std::size_t k = 0; k < size(); ++k) {
      if (info_[k].unit_rate_hz.size() == n_units_) continue;
      throw Error(fmt::format(
          "graph sequence: node features {} need every window's unit rates; window {} "
          "has {} of {} (graphs written before rates were recorded: rebuild them with "
          "`tavrnn graphs`)",
          node_features_name(settings_.features), k, info_[k].unit_rate_hz.size(), n_units_));
    }
  }
  const auto [mean, sd] = *rate_scale_;
  std::vector<double> z(n_units_);
  for (std::size_t i = 0; i < n_units_; ++i) z[i] = (info_.at(t).unit_rate_hz[i] - mean) / sd;
  return z;
}

torch::Tensor GraphSequence::features(std::size_t t) const {
  const Graph& g = graph(t);
  if (settings_.features == NodeFeatures::Rows) return g.weights;
  if (settings_.features == NodeFeatures::Identity) {
    return torch::eye(static_cast<int64_t>(n_nodes()), g.weights.options().layout(torch::kStrided));
  }
  if (settings_.features == NodeFeatures::Descriptors) {
    return node_descriptors(g.adjacency, g.weights, n_units_, rate_z(t), settings_.history_node);
  }
  const std::vector<double> z = rate_z(t);
  std::vector<double> column(n_nodes(), 0.0);
  std::copy(z.begin(), z.end(), column.begin());
  const torch::Tensor c = torch::tensor(column, torch::kFloat64)
                              .to(g.weights.device(), g.weights.scalar_type())
                              .unsqueeze(1);
  if (!g.weights.is_sparse()) return torch::cat({g.weights, c}, 1);
  // Sparse rows: the rate column appended as entries (i, N') of each row.
  const auto w = g.weights.coalesce();
  const auto nodes = static_cast<int64_t>(n_nodes());
  const auto node = torch::arange(nodes, w.indices().options());
  const auto indices = torch::cat({w.indices(), torch::stack({node, torch::full_like(node, nodes)})}, 1);
  const auto values = torch::cat({w.values(), c.squeeze(1)});
  return torch::sparse_coo_tensor(indices, values, {nodes, nodes + 1}).coalesce();  // row-major again
}

GraphSequence GraphSequence::to(torch::Device device, torch::ScalarType dtype) const {
  if (!has_graphs_) return *this;
  std::vector<Graph> moved;
  moved.reserve(graphs_.size());
  std::vector<WindowGraphInfo> info = info_;
  for (std::size_t t = 0; t < graphs_.size(); ++t) {
    const Graph& g = graphs_[t];
    Graph m{g.weights.to(device, dtype), g.adjacency.to(device, dtype)};
    // Bytes change with the element size; the storage does not.
    const std::size_t element = m.weights.element_size();
    const std::size_t dense = n_nodes() * n_nodes() * element;
    info[t].bytes = dense + (m.adjacency.is_sparse() ? info[t].edges * (16 + element) : dense);
    moved.push_back(std::move(m));
  }
  GraphSequence out(std::move(moved), std::move(info), settings_, n_units_, bin_width_s_);
  out.unit_ids = unit_ids;
  out.groups = groups;
  out.label_names = label_names;
  return out;
}

}  // namespace tavrnn::graphs
