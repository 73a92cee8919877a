#include "tavrnn/eval/k_means.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <torch/torch.h>

#include "feature_matrix.h"
#include "util/random_stream.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

// Squared distances [n, k] as scikit-learn computes them for the seeding,
// ||x||^2 - 2 x.c + ||c||^2 clipped at 0: one matrix product (differences of
// coordinates, [n, k, d], cost n k d elementwise). x_norms: [n, 1].
torch::Tensor squared_distances(const torch::Tensor& x, const torch::Tensor& x_norms,
                                const torch::Tensor& centers) {
  const auto center_norms = centers.square().sum(1).unsqueeze(0);
  return torch::addmm(x_norms + center_norms, x, centers.t(), /*beta=*/1, /*alpha=*/-2).clamp_min_(0);
}

// sklearn.cluster._kmeans._kmeans_plusplus (greedy variant).
torch::Tensor k_means_plusplus(const torch::Tensor& x, std::size_t k, RandomStream& random) {
  const auto n = x.size(0);
  const torch::Tensor x_norms = x.square().sum(1, /*keepdim=*/true);
  const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
  torch::Tensor centers = torch::empty({static_cast<int64_t>(k), x.size(1)}, x.options());
  const auto first = static_cast<int64_t>(random.uniform_int(static_cast<std::uint64_t>(n)));
  centers[0] = x[first];
  torch::Tensor closest = squared_distances(x, x_norms, x.narrow(0, first, 1)).squeeze(1);  // [n]
  double potential = closest.sum().item<double>();
  for (std::size_t c = 1; c < k; ++c) {
    const torch::Tensor cumulative = closest.cumsum(0);
    const double* cum = cumulative.data_ptr<double>();
    std::vector<int64_t> candidates;
    for (std::size_t t = 0; t < trials; ++t) {
      const double target = random.uniform() * potential;
      // numpy.searchsorted(side="left"): first index with cumulative >= target.
      const auto at = std::lower_bound(cum, cum + n, target) - cum;
      candidates.push_back(std::min<int64_t>(at, n - 1));
    }
    const torch::Tensor candidate_rows = x.index_select(0, torch::tensor(candidates));
    const torch::Tensor with_candidate =
        torch::minimum(closest.unsqueeze(0), squared_distances(x, x_norms, candidate_rows).t());  // [trials, n]
    const torch::Tensor potentials = with_candidate.sum(1);
    const int64_t best = potentials.argmin().item<int64_t>();  // first of equal potentials
    potential = potentials[best].item<double>();
    closest = with_candidate[best].clone();
    centers[static_cast<int64_t>(c)] = x[candidates[static_cast<std::size_t>(best)]];
  }
  return centers;
}

struct LloydRun {
  torch::Tensor labels;  // [n] int64
  torch::Tensor centers;
  double inertia = 0.0;
  std::size_t n_iter = 0;
};

// New centres from the labels: means of the members; an empty cluster
// takes the sample farthest from its current centre, which leaves its old
// cluster (sklearn's _relocate_empty_clusters_dense).
torch::Tensor update_centers(const torch::Tensor& x, const torch::Tensor& labels,
                             const torch::Tensor& old_centers) {
  const int64_t k = old_centers.size(0);
  torch::Tensor sums = torch::zeros_like(old_centers).index_add_(0, labels, x);
  torch::Tensor counts = torch::bincount(labels, {}, k).to(torch::kFloat64);
  const torch::Tensor empty_clusters = counts.eq(0.0).nonzero().squeeze(1);
  const std::vector<int64_t> empty(empty_clusters.data_ptr<int64_t>(),
                                   empty_clusters.data_ptr<int64_t>() + empty_clusters.numel());
  if (!empty.empty()) {
    const torch::Tensor far = (x - old_centers.index_select(0, labels)).square().sum(1);
    std::vector<int64_t> order(static_cast<std::size_t>(x.size(0)));
    std::iota(order.begin(), order.end(), 0);
    const double* d = far.data_ptr<double>();
    std::stable_sort(order.begin(), order.end(), [d](int64_t a, int64_t b) { return d[a] > d[b]; });
    for (std::size_t e = 0; e < empty.size() && e < order.size(); ++e) {
      const int64_t sample = order[e];
      const int64_t old = labels[sample].item<int64_t>();
      sums[old] -= x[sample];
      counts[old] -= 1.0;
      sums[empty[e]] = x[sample];
      counts[empty[e]] = 1.0;
    }
  }
  // A cluster left with no weight keeps a zero centre, as in sklearn.
  return sums / counts.clamp_min(1.0).unsqueeze(1);
}

// The nearest centre of each sample as sklearn's Lloyd step finds it
// (_update_chunk_dense): argmin of ||c||^2 - 2 x.c, ||x||^2 left out since
// it does not change the argmin, in chunks of rows so that the [rows, k]
// block stays in cache: a whole [n, k] matrix per iteration (10,000 units,
// 1,252 groups: 100 MB) spent its time in page faults.
torch::Tensor nearest_centers(const torch::Tensor& x, const torch::Tensor& centers) {
  constexpr int64_t chunk_rows = 256;  // sklearn's chunk size
  const auto center_norms = centers.square().sum(1).unsqueeze(0);
  const auto centers_t = centers.t().contiguous();
  torch::Tensor labels = torch::empty({x.size(0)}, torch::kInt64);
  for (int64_t start = 0; start < x.size(0); start += chunk_rows) {
    const int64_t rows = std::min(chunk_rows, x.size(0) - start);
    const torch::Tensor block = torch::addmm(center_norms, x.narrow(0, start, rows), centers_t, /*beta=*/1, /*alpha=*/-2);
    labels.narrow(0, start, rows).copy_(block.argmin(1));
  }
  return labels;
}

// sklearn.cluster._kmeans._kmeans_single_lloyd.
LloydRun lloyd(const torch::Tensor& x, torch::Tensor centers, std::size_t max_iter, double tol) {
  LloydRun run;
  torch::Tensor labels_old = torch::full({x.size(0)}, -1, torch::kInt64);
  bool strict = false;
  std::size_t i = 0;
  for (; i < max_iter; ++i) {
    const torch::Tensor labels = nearest_centers(x, centers);
    const torch::Tensor next = update_centers(x, labels, centers);
    const double shift = (next - centers).square().sum().item<double>();
    centers = next;
    run.labels = labels;
    if (labels.equal(labels_old)) {
      strict = true;
      break;
    }
    if (shift <= tol) break;
    labels_old = labels;
  }
  run.n_iter = std::min(i + 1, max_iter);
  // Without strict convergence the labels were assigned by the previous
  // centres; assign them again so that labels and centres agree.
  if (!strict) run.labels = nearest_centers(x, centers);
  run.centers = centers;
  run.inertia = (x - centers.index_select(0, run.labels)).square().sum().item<double>();
  return run;
}

void check_k(int64_t n, std::size_t k) {
  if (k < 1) throw Error("k_means: n_clusters must be at least 1, found 0");
  if (static_cast<std::size_t>(n) < k) {
    throw Error(fmt::format("k_means: {} samples cannot form n_clusters={} clusters", n, k));
  }
}

// sklearn's _tolerance: tol times the mean of the per-feature variances.
double absolute_tolerance(const torch::Tensor& centred, double tol) {
  return tol == 0.0 ? 0.0 : centred.var(0, /*unbiased=*/false).mean().item<double>() * tol;
}

KMeansResult result(const LloydRun& run, const torch::Tensor& mean) {
  KMeansResult out;
  const torch::Tensor labels = run.labels.contiguous();
  out.labels.assign(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + labels.numel());
  out.centers = run.centers + mean;
  out.inertia = run.inertia;
  out.n_iter = run.n_iter;
  return out;
}

}  // namespace

std::size_t automatic_restarts(std::size_t n_samples, std::size_t n_clusters, std::size_t n_features) {
  const double work = static_cast<double>(n_samples) * static_cast<double>(n_clusters) *
                      static_cast<double>(n_features);
  return work <= 1e7 ? 10 : 1;
}

KMeansResult k_means(const torch::Tensor& x, const KMeansOptions& options) {
  const torch::Tensor X = detail::feature_matrix(x, "k_means: X");
  check_k(X.size(0), options.n_clusters);
  if (options.max_iter < 1) throw Error("k_means: max_iter must be at least 1");
  const std::size_t restarts =
      options.n_init > 0 ? options.n_init
                         : automatic_restarts(static_cast<std::size_t>(X.size(0)), options.n_clusters,
                                              static_cast<std::size_t>(X.size(1)));
  // Centring first, as sklearn does: distances are unchanged and rounding smaller.
  const torch::Tensor mean = X.mean(0);
  const torch::Tensor centred = X - mean;
  const double tol = absolute_tolerance(centred, options.tol);
  RandomStream random(options.seed);
  LloydRun best;
  bool have = false;
  for (std::size_t r = 0; r < restarts; ++r) {
    LloydRun run = lloyd(centred, k_means_plusplus(centred, options.n_clusters, random),
                         options.max_iter, tol);
    if (!have || run.inertia < best.inertia) {
      best = std::move(run);
      have = true;
    }
  }
  KMeansResult out = result(best, mean);
  out.restarts = restarts;
  return out;
}

KMeansResult k_means_from(const torch::Tensor& x, const torch::Tensor& initial_centers,
                          std::size_t max_iter, double tol) {
  const torch::Tensor X = detail::feature_matrix(x, "k_means: X");
  const torch::Tensor C = detail::feature_matrix(initial_centers, "k_means: initial centers");
  check_k(X.size(0), static_cast<std::size_t>(C.size(0)));
  if (C.size(1) != X.size(1)) {
    throw Error(fmt::format("k_means: initial centers have {} features, X has {}", C.size(1),
                            X.size(1)));
  }
  if (max_iter < 1) throw Error("k_means: max_iter must be at least 1");
  const torch::Tensor mean = X.mean(0);
  const torch::Tensor centred = X - mean;
  KMeansResult out = result(lloyd(centred, C - mean, max_iter, absolute_tolerance(centred, tol)), mean);
  out.restarts = 1;
  return out;
}

}  // namespace tavrnn::eval
