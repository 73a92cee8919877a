#pragma once
// Clustering metrics with scikit-learn's names and definitions
// (sklearn.metrics, version 1.2), including its values for degenerate
// inputs: two identical trivial labelings score 1 (ARI, NMI), labelings
// with no shared information score 0 (NMI).
#include <vector>

#include <torch/types.h>

namespace tavrnn::eval {

// Label agreement, invariant to renaming clusters. Throws Error when the
// lengths differ.
double adjusted_rand_score(const std::vector<int>& labels_true, const std::vector<int>& labels_pred);
// Mutual information over the arithmetic mean of the two entropies
// (sklearn's default average_method="arithmetic"), natural logarithms.
double normalized_mutual_info_score(const std::vector<int>& labels_true,
                                    const std::vector<int>& labels_pred);

// Geometry of a labelling of the rows of x ([n, d], any device/floating
// dtype, Euclidean distances in float64). Each throws Error unless the
// number of distinct labels is in [2, n - 1], as sklearn does.
// Per-sample silhouette (b - a) / max(a, b); 0 for a sample alone in its
// cluster and where a = b = 0 (sklearn's nan_to_num).
std::vector<double> silhouette_samples(const torch::Tensor& x, const std::vector<int>& labels);
double silhouette_score(const torch::Tensor& x, const std::vector<int>& labels);
// Mean over clusters of the largest (s_i + s_j) / d(c_i, c_j); 0 when every
// cluster's spread or every centroid distance is within 1e-8 of 0 (sklearn).
double davies_bouldin_score(const torch::Tensor& x, const std::vector<int>& labels);
// Between- over within-cluster dispersion, times (n - k) / (k - 1); 1 when
// the within-cluster dispersion is exactly 0 (sklearn).
double calinski_harabasz_score(const torch::Tensor& x, const std::vector<int>& labels);

}  // namespace tavrnn::eval
