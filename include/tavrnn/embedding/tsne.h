#pragma once
// Exact t-SNE (van der Maaten & Hinton 2008, with the optimiser of
// scikit-learn's TSNE(method="exact")) for figures of n up to a few
// thousand points: O(n^2) memory and time per iteration, no approximation.
// Parameters and defaults are documented in docs/figures.md.
#include <torch/types.h>

#include <cstdint>
#include <optional>

namespace tavrnn::embedding {

enum class TsneInit {
  Pca,     // first `dimensions` principal components, scaled so column 0 has std 1e-4
  Random,  // seeded standard normal * 1e-4
};

struct TsneOptions {
  std::int64_t dimensions = 2;       // of the embedding
  double perplexity = 30.0;          // effective number of neighbours; must be < n
  double early_exaggeration = 12.0;  // P is multiplied by this while exploring
  std::int64_t exploration_iterations = 250;  // with exaggeration and early_momentum
  std::int64_t iterations = 1000;             // in total, exploration included
  // nullopt = "auto": max(n / early_exaggeration / 4, 50) (scikit-learn >= 1.2).
  std::optional<double> learning_rate;
  double early_momentum = 0.5;
  double momentum = 0.8;
  double min_gain = 0.01;
  TsneInit init = TsneInit::Pca;
  std::uint64_t seed = 0;  // for TsneInit::Random; the result is a function of (x, options)
  // [n, dimensions] start used instead of `init` when defined, e.g. the map
  // of a neighbouring window so that successive figures stay aligned.
  torch::Tensor initial_embedding;
  // Stopping rules, checked every check_every iterations as scikit-learn does:
  // the gradient norm falls to min_grad_norm, or the KL divergence has not
  // improved for more than iterations_without_progress iterations.
  std::int64_t check_every = 50;
  double min_grad_norm = 1e-7;
  std::int64_t iterations_without_progress = 300;
};

struct TsneResult {
  torch::Tensor embedding;  // [n, dimensions], x's dtype and device
  double kl_divergence = 0.0;  // KL(P || Q) of the returned embedding, P not exaggerated
  std::int64_t iterations = 0;  // gradient steps taken (< options.iterations if stopped early)
};

// x: [n, d] floating point, n >= 2, any device. The computation runs in
// float64 on x's device.
TsneResult tsne(const torch::Tensor& x, const TsneOptions& options = {});

// The optimisation alone, from a joint P (e.g. joint_probabilities() of
// distances other than Euclidean): p [n, n] symmetric, summing to 1, zero
// diagonal; `perplexity` is not used and init must be Random or an
// initial_embedding be given. Float64 on p's device.
TsneResult tsne_from_joint_probabilities(const torch::Tensor& p, const TsneOptions& options);

// The learning rate tsne() uses for n points.
double tsne_learning_rate(const TsneOptions& options, std::int64_t n);

// Perplexity calibration. squared_distances: [n, n] (the diagonal is
// ignored) -> [n, n] row-stochastic p_{j|i} = exp(-beta_i d_ij) / sum_k ...,
// p_{i|i} = 0, with beta_i found per point by the binary search of
// scikit-learn's _binary_search_perplexity: entropy (natural log) within
// 1e-5 of log(perplexity), at most 100 bisection steps, starting at beta = 1.
torch::Tensor conditional_probabilities(const torch::Tensor& squared_distances,
                                        double perplexity);

// The symmetric joint P of t-SNE: (p_{j|i} + p_{i|j}) / sum (the sum is 2n),
// off-diagonal entries at least DBL_EPSILON, zero diagonal. [n, n] -> [n, n].
torch::Tensor joint_probabilities(const torch::Tensor& squared_distances, double perplexity);

// Squared Euclidean distances between the rows of x: [n, d] -> [n, n],
// float64, exact zeros on the diagonal.
torch::Tensor squared_euclidean_distances(const torch::Tensor& x);

}  // namespace tavrnn::embedding
