#pragma once
// Unit-group separation (MODEL.md section 7, DishBrain): how well the node
// embeddings of one window separate the recorded unit groups, as the
// silhouette of the units by group, and how that separation differs between
// windows of two kinds (e.g. high- versus low-performance windows).
#include <cstddef>
#include <vector>

#include <torch/types.h>

namespace tavrnn::eval {

// node_embeddings: [T, N, D] (any device/floating dtype), groups: N codes;
// units with a negative code (no group) are left out. Returns
// silhouette_score(z_t, groups) for each window t. Throws Error unless the
// grouped units form between 2 and (units - 1) groups.
std::vector<double> group_silhouette_per_window(const torch::Tensor& node_embeddings,
                                                const std::vector<int>& groups);

struct SeparationContrast {
  std::vector<std::size_t> first_windows, second_windows;  // window indices of each set
  std::vector<double> first_values, second_values;         // their per-window values
  double first_mean = 0.0, second_mean = 0.0;
  double difference = 0.0;                                 // first_mean - second_mean
};

// Splits windows by label: those whose label is in `first_labels` against
// those whose label is in `second_labels`. Throws Error if the sets share a
// label, if sizes differ, or if either set matches no window.
SeparationContrast separation_contrast(const std::vector<double>& per_window,
                                       const std::vector<int>& window_labels,
                                       const std::vector<int>& first_labels,
                                       const std::vector<int>& second_labels);

}  // namespace tavrnn::eval
