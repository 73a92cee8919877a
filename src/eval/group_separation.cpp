#include "tavrnn/eval/group_separation.h"

#include <algorithm>

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/eval/clustering_metrics.h"

namespace tavrnn::eval {

std::vector<double> group_silhouette_per_window(const torch::Tensor& node_embeddings,
                                                const std::vector<int>& groups) {
  if (!node_embeddings.defined() || node_embeddings.dim() != 3) {
    throw Error("group separation: expected node embeddings [T, N, D]");
  }
  if (static_cast<std::size_t>(node_embeddings.size(1)) != groups.size()) {
    throw Error(fmt::format("group separation: {} group codes for {} nodes per window",
                            groups.size(), node_embeddings.size(1)));
  }
  std::vector<int64_t> grouped;
  std::vector<int> codes;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i] >= 0) {
      grouped.push_back(static_cast<int64_t>(i));
      codes.push_back(groups[i]);
    }
  }
  const torch::Tensor index = torch::tensor(grouped, torch::kInt64).to(node_embeddings.device());
  std::vector<double> out;
  for (int64_t t = 0; t < node_embeddings.size(0); ++t) {
    out.push_back(silhouette_score(node_embeddings[t].index_select(0, index), codes));
  }
  return out;
}

SeparationContrast separation_contrast(const std::vector<double>& per_window,
                                       const std::vector<int>& window_labels,
                                       const std::vector<int>& first_labels,
                                       const std::vector<int>& second_labels) {
  if (per_window.size() != window_labels.size()) {
    throw Error(fmt::format("separation contrast: {} values but {} window labels",
                            per_window.size(), window_labels.size()));
  }
  auto contains = [](const std::vector<int>& set, int v) {
    return std::find(set.begin(), set.end(), v) != set.end();
  };
  for (const int label : first_labels) {
    if (contains(second_labels, label)) {
      throw Error(fmt::format("separation contrast: label {} is in both sets", label));
    }
  }
  SeparationContrast c;
  for (std::size_t t = 0; t < per_window.size(); ++t) {
    if (contains(first_labels, window_labels[t])) {
      c.first_windows.push_back(t);
      c.first_values.push_back(per_window[t]);
    } else if (contains(second_labels, window_labels[t])) {
      c.second_windows.push_back(t);
      c.second_values.push_back(per_window[t]);
    }
  }
  if (c.first_windows.empty() || c.second_windows.empty()) {
    throw Error(fmt::format("separation contrast: {} windows in the first set and {} in the "
                            "second; both need at least one",
                            c.first_windows.size(), c.second_windows.size()));
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0.0;
    for (const double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  c.first_mean = mean(c.first_values);
  c.second_mean = mean(c.second_values);
  c.difference = c.first_mean - c.second_mean;
  return c;
}

}  // namespace tavrnn::eval
