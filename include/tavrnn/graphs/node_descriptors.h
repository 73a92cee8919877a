#pragma once
// Node features whose width does not depend on the number of units: a few
// numbers per unit and window read off the window's activity and graph, so
// that one model can take recordings of any size (`--features descriptors`;
// the columns are documented in docs/graphs.md). Every graph quantity is
// computed on the units alone: the history node's star and the self loops
// are left out (the history node is linked to every unit, which would make
// every unit's clustering and return probabilities about it).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

namespace tavrnn::graphs {

// rate_z, degree, strength, clustering, return_2, return_3, return_4, history
inline constexpr std::size_t kDescriptorWidth = 8;
const std::vector<std::string>& descriptor_names();

// One window's descriptors, [N', kDescriptorWidth], of weights' dtype and
// device. adjacency and weights: [N', N'], each dense or sparse COO (W on
// A's edges); n_units: N (N' = N + 1 with a history node at index N);
// rate_z: the units' z-scored rates (N values). The history node's row is
// 0 but for its last column, 1.
torch::Tensor node_descriptors(const torch::Tensor& adjacency, const torch::Tensor& weights,
                               std::size_t n_units, const std::vector<double>& rate_z,
                               bool history_node);

}  // namespace tavrnn::graphs
