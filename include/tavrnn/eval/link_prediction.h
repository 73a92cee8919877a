#pragma once
// Graph reconstruction (MODEL.md section 7): how well the inner-product
// decoder sigmoid(z_i . z_j) ranks the edges of A_t above its non-edges,
// as ROC AUC and average precision with scikit-learn's definitions
// (version 1.2), ties in the scores included: AUC is the trapezoidal area
// of the ROC curve over distinct score values (tied pairs count one half),
// AP sklearn's step-wise sum over distinct thresholds,
// sum_i (R_i - R_{i-1}) P_i (not interpolated).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace tavrnn::eval {

// y_true: 0/1 per sample, y_score: any reals (finite). roc_auc_score
// throws Error when y_true has one class (undefined, as in sklearn);
// average_precision_score then returns sklearn's values (1 without
// negatives, 0 without positives).
double roc_auc_score(const std::vector<int>& y_true, const std::vector<double>& y_score);
double average_precision_score(const std::vector<int>& y_true, const std::vector<double>& y_score);

enum class NegativePairs {
  All,       // every off-diagonal non-edge (exhaustive; for small graphs)
  Balanced,  // as many non-edges as edges, drawn uniformly without
             // replacement (all of them if there are fewer), seeded
};

struct ReconstructionOptions {
  NegativePairs negatives = NegativePairs::All;
  std::uint64_t seed = 0;  // Balanced only
};

// The unordered node pairs {i < j} scored, with their truth and score.
struct ScoredPairs {
  std::vector<std::int64_t> first, second;  // i < j
  std::vector<int> y_true;                  // 1 where A_ij != 0
  std::vector<double> y_score;              // sigmoid(z_i . z_j) in float64
};

struct ReconstructionScores {
  double roc_auc = 0.0;
  double average_precision = 0.0;
  std::size_t positives = 0;  // edges scored
  std::size_t negatives = 0;  // non-edges scored
};

// z: [N, D] node embeddings, adjacency: [N, N] symmetric, entries 0 or
// non-zero (an edge), dense or sparse, any device/dtype; the diagonal (self
// loops) is ignored and each pair counted once (upper triangle). Scores
// are computed in float64 whatever z's dtype. Throws Error when A is not
// square, not symmetric, or has no edge or no non-edge between distinct
// nodes.
ScoredPairs scored_pairs(const torch::Tensor& z, const torch::Tensor& adjacency,
                         const ReconstructionOptions& options = {});
ReconstructionScores reconstruction_scores(const torch::Tensor& z, const torch::Tensor& adjacency,
                                           const ReconstructionOptions& options = {});

}  // namespace tavrnn::eval
