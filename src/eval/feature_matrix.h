#pragma once
// The metrics accept feature matrices on any device and of any floating
// dtype; they compute on CPU in float64 so that results can be compared
// with scikit-learn to 1e-9 whatever the embeddings were stored as.
#include <string>

#include <torch/types.h>

namespace tavrnn::eval::detail {

// x: [n, d] floating, finite -> contiguous CPU float64 copy or view.
// Throws Error naming `what` (e.g. "silhouette_score: X") otherwise, or when
// it has fewer than `min_rows` rows.
torch::Tensor feature_matrix(const torch::Tensor& x, const std::string& what,
                             std::int64_t min_rows = 1);

// Euclidean distances between the rows of a and b ([n, d], [m, d] -> [n, m])
// from coordinate differences, not from |a|^2 + |b|^2 - 2ab: that shortcut
// loses all precision for near-duplicate points (sqrt of a rounding error).
torch::Tensor euclidean_distances(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace tavrnn::eval::detail
