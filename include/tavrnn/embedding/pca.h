#pragma once
// Principal component analysis by a thin SVD of the centred data: the one
// PCA of tavrnn, behind figures (population embeddings), t-SNE's
// initialisation, the PCA baselines (eval/baselines.h) and behaviour's first
// principal axis (recording/behaviour.h).
#include <torch/types.h>

#include <cstdint>

namespace tavrnn::embedding {

struct PcaResult {
  torch::Tensor scores;                    // [n, k] centred data projected on the components
  torch::Tensor components;                // [k, d] orthonormal rows, by decreasing variance
  torch::Tensor explained_variance;        // [k] variance along each component (divisor n - 1)
  torch::Tensor explained_variance_ratio;  // [k] that variance over the total variance
  torch::Tensor mean;                      // [d] the column means that were subtracted
};

// x: [n, d] floating point, any device -> k components (1 <= k <= min(n, d)),
// in x's dtype and on x's device.
//
// Sign convention (SVD signs are arbitrary): each component is oriented so
// that the score of largest absolute value in its column is positive (the
// first such score on ties). This is scikit-learn's svd_flip on U, which its
// PCA uses up to version 1.4, so scores equal sklearn.decomposition.PCA's.
PcaResult pca(const torch::Tensor& x, std::int64_t k);

}  // namespace tavrnn::embedding
