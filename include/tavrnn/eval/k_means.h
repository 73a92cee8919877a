#pragma once
// k-means as scikit-learn's KMeans(algorithm="lloyd", init="k-means++")
// (version 1.2): greedy k-means++ seeding (2 + floor(ln k) candidates per
// centre, the one that lowers the potential most is kept), Lloyd iterations
// until the labels stop changing or the centres move less than
// tol * mean feature variance (squared, summed), n_init restarts keeping the
// lowest inertia. Random draws come from tavrnn's seeded stream, so a seed
// gives the same clustering everywhere but not numpy's.
// An emptied cluster is re-seeded with the sample farthest from its centre
// (largest first, ties by index), as sklearn does.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace tavrnn::eval {

struct KMeansOptions {
  std::size_t n_clusters = 8;  // k, 1 <= k <= n_samples
  std::size_t n_init = 10;     // restarts from independent seedings; 0: automatic_restarts
  std::size_t max_iter = 300;  // Lloyd iterations per restart
  double tol = 1e-4;           // relative to the mean variance of the features
  std::uint64_t seed = 0;
};

struct KMeansResult {
  std::vector<int> labels;  // cluster of each sample, in [0, k)
  torch::Tensor centers;    // [k, d] float64 CPU
  double inertia = 0.0;     // sum of squared distances to the assigned centres
  std::size_t n_iter = 0;   // Lloyd iterations of the kept run
  std::size_t restarts = 0; // seedings tried
};

// The restarts that n_init = 0 asks for: 10 (scikit-learn 1.2's default,
// the paper's) while one restart's distance product n * k * d stays within
// 10^7, else 1 (scikit-learn >= 1.4's n_init="auto" for k-means++ seeding).
// With many clusters each restart's inertia already averages over them: on
// 10,000 units in 1,252 groups 10 restarts moved the ARI by under 0.01 and
// took 10 times as long.
std::size_t automatic_restarts(std::size_t n_samples, std::size_t n_clusters, std::size_t n_features);

// x: [n, d], any device and floating dtype (computed in float64 on CPU).
// Throws Error when n < k or k < 1.
KMeansResult k_means(const torch::Tensor& x, const KMeansOptions& options);

// Lloyd iterations from given centres ([k, d]): sklearn's
// KMeans(init=centers, n_init=1), deterministic.
KMeansResult k_means_from(const torch::Tensor& x, const torch::Tensor& initial_centers,
                          std::size_t max_iter = 300, double tol = 1e-4);

}  // namespace tavrnn::eval
