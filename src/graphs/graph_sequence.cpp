#include "tavrnn/graphs/graph_sequence.h"

#include <fmt/format.h>

#include "tavrnn/error.h"

namespace tavrnn::graphs {

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
}

std::optional<std::size_t> GraphSequence::history_node_index() const {
  if (!settings_.history_node) return std::nullopt;
  return n_units_;
}

torch::Tensor GraphSequence::dense_adjacency(std::size_t t) const {
  const torch::Tensor& a = graph(t).adjacency;
  return a.is_sparse() ? a.to_dense() : a;
}

torch::Tensor GraphSequence::features(std::size_t t) const {
  const Graph& g = graph(t);
  if (settings_.features == NodeFeatures::Rows) return g.weights;
  return torch::eye(static_cast<int64_t>(n_nodes()), g.weights.options());
}

GraphSequence GraphSequence::to(torch::Device device, torch::ScalarType dtype) const {
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
