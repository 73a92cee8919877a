#include "tavrnn/eval/link_prediction.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <torch/torch.h>

#include "feature_matrix.h"
#include "nn/sparse_product.h"
#include "util/random_stream.h"
#include "tavrnn/train/held_out_edges.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

// sklearn's _binary_clf_curve: cumulative true and false positives at each
// distinct score, scores in decreasing order.
struct Curve {
  std::vector<double> tps, fps;
};

Curve binary_clf_curve(const std::vector<int>& y_true, const std::vector<double>& y_score,
                       const char* what) {
  if (y_true.empty()) throw Error(fmt::format("{}: no samples", what));
  if (y_true.size() != y_score.size()) {
    throw Error(fmt::format("{}: y_true has {} samples but y_score has {}", what, y_true.size(),
                            y_score.size()));
  }
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] != 0 && y_true[i] != 1) {
      throw Error(fmt::format("{}: y_true must be 0 or 1, found {} at {}", what, y_true[i], i));
    }
    if (!std::isfinite(y_score[i])) {
      throw Error(fmt::format("{}: y_score must be finite, found {} at {}", what, y_score[i], i));
    }
  }
  std::vector<std::size_t> order(y_true.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return y_score[a] > y_score[b]; });
  Curve c;
  double tp = 0.0;
  for (std::size_t r = 0; r < order.size(); ++r) {
    tp += y_true[order[r]];
    // One point per distinct score: after the last of a run of equal scores.
    if (r + 1 == order.size() || y_score[order[r + 1]] != y_score[order[r]]) {
      c.tps.push_back(tp);
      c.fps.push_back(static_cast<double>(r + 1) - tp);
    }
  }
  return c;
}

}  // namespace

double roc_auc_score(const std::vector<int>& y_true, const std::vector<double>& y_score) {
  const Curve c = binary_clf_curve(y_true, y_score, "roc_auc_score");
  const double p = c.tps.back(), n = c.fps.back();
  if (p == 0.0 || n == 0.0) {
    throw Error("roc_auc_score: only one class present in y_true; ROC AUC is not defined");
  }
  // Trapezoids between consecutive ROC points, starting from (0, 0): a run
  // of tied scores is one straight segment, i.e. ties count one half.
  double area = 0.0, fpr_prev = 0.0, tpr_prev = 0.0;
  for (std::size_t i = 0; i < c.tps.size(); ++i) {
    const double fpr = c.fps[i] / n, tpr = c.tps[i] / p;
    area += (fpr - fpr_prev) * (tpr + tpr_prev) / 2.0;
    fpr_prev = fpr;
    tpr_prev = tpr;
  }
  return area;
}

double average_precision_score(const std::vector<int>& y_true,
                               const std::vector<double>& y_score) {
  const Curve c = binary_clf_curve(y_true, y_score, "average_precision_score");
  const double p = c.tps.back();
  // sklearn sets recall to 1 everywhere without positives (with a warning);
  // the sum is then 0.
  if (p == 0.0) return 0.0;
  double ap = 0.0, recall_prev = 0.0;
  for (std::size_t i = 0; i < c.tps.size(); ++i) {
    const double recall = c.tps[i] / p;
    const double precision = c.tps[i] / (c.tps[i] + c.fps[i]);
    ap += (recall - recall_prev) * precision;
    recall_prev = recall;
  }
  return ap;
}

namespace {

// Every edge i < j and all or |edges| of the non-edges, from A densified.
std::tuple<torch::Tensor, torch::Tensor, int64_t> dense_pairs(const torch::Tensor& adjacency,
                                                              const ReconstructionOptions& options) {
  torch::Tensor A = adjacency.is_sparse() ? adjacency.to_dense() : adjacency;
  A = A.detach().to(torch::kCPU).ne(0);
  if (!A.equal(A.t())) throw Error("reconstruction: the adjacency is not symmetric");
  const auto n = A.size(0);
  const torch::Tensor upper = torch::triu_indices(n, n, 1);  // row-major pairs i < j
  const torch::Tensor is_edge = A.index({upper[0], upper[1]});
  const torch::Tensor edges = is_edge.nonzero().squeeze(1);
  torch::Tensor non_edges = is_edge.logical_not().nonzero().squeeze(1);
  if (edges.numel() == 0 || non_edges.numel() == 0) {
    throw Error(fmt::format("reconstruction: the graph has {} edges and {} non-edges between "
                            "distinct nodes; both are needed",
                            edges.numel(), non_edges.numel()));
  }
  if (options.negatives == NegativePairs::Balanced && non_edges.numel() > edges.numel()) {
    std::vector<int64_t> pool(non_edges.data_ptr<int64_t>(),
                              non_edges.data_ptr<int64_t>() + non_edges.numel());
    // Partial Fisher-Yates: the first |edges| slots are a uniform sample.
    RandomStream random(options.seed);
    const auto m = static_cast<std::size_t>(edges.numel());
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t j = i + static_cast<std::size_t>(random.uniform_int(pool.size() - i));
      std::swap(pool[i], pool[j]);
    }
    pool.resize(m);
    std::sort(pool.begin(), pool.end());
    non_edges = torch::tensor(pool, torch::kInt64);
  }
  const torch::Tensor chosen = torch::cat({edges, non_edges});
  return {upper[0].index_select(0, chosen), upper[1].index_select(0, chosen), edges.numel()};
}

// The first m entries of a partial Fisher-Yates shuffle of 0..n-1 driven by
// `random` (slot i swapped with i + uniform_int(n - i)), sorted: the dense
// path's balanced sample of non-edge ranks, with only the moved slots stored.
std::vector<int64_t> sampled_ranks(int64_t n, int64_t m, RandomStream& random) {
  std::unordered_map<int64_t, int64_t> moved;
  auto slot = [&](int64_t i) {
    const auto it = moved.find(i);
    return it == moved.end() ? i : it->second;
  };
  std::vector<int64_t> out(static_cast<std::size_t>(m));
  for (int64_t i = 0; i < m; ++i) {
    const int64_t j = i + static_cast<int64_t>(random.uniform_int(static_cast<std::size_t>(n - i)));
    const int64_t at_j = slot(j);
    moved[j] = slot(i);
    out[static_cast<std::size_t>(i)] = at_j;
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The balanced pairs of a sparse A without any N x N tensor (at 10,000
// nodes the dense path enumerates 5 10^7 pairs per window): the same pairs,
// in the same order, as the dense path draws.
std::tuple<torch::Tensor, torch::Tensor, int64_t> balanced_pairs_sparse(const torch::Tensor& adjacency,
                                                                        std::uint64_t seed) {
  const torch::Tensor a = adjacency.detach().to(torch::kCPU).coalesce();
  if (!nn::detail::is_symmetric(a)) throw Error("reconstruction: the adjacency is not symmetric");
  const int64_t n = a.size(0);
  const auto [edge_rows, edge_columns] = train::detail::upper_edges(a);
  const int64_t edges = edge_rows.numel();
  const int64_t non_edges = n * (n - 1) / 2 - edges;
  if (edges == 0 || non_edges == 0) {
    throw Error(fmt::format("reconstruction: the graph has {} edges and {} non-edges between "
                            "distinct nodes; both are needed",
                            edges, non_edges));
  }
  torch::Tensor negative_ranks = torch::arange(non_edges, torch::kInt64);
  if (non_edges > edges) {
    RandomStream random(seed);
    negative_ranks = torch::tensor(sampled_ranks(non_edges, edges, random), torch::kInt64);
  }
  const torch::Tensor negative =
      train::detail::non_edges_at(negative_ranks, edge_rows, edge_columns.contiguous(), n);
  return {torch::cat({edge_rows, negative.select(1, 0)}), torch::cat({edge_columns, negative.select(1, 1)}),
          edges};
}

}  // namespace

ScoredPairs scored_pairs(const torch::Tensor& z, const torch::Tensor& adjacency,
                         const ReconstructionOptions& options) {
  const torch::Tensor Z = detail::feature_matrix(z, "reconstruction: z");
  if (!adjacency.defined() || adjacency.dim() != 2 || adjacency.size(0) != adjacency.size(1)) {
    throw Error("reconstruction: the adjacency must be a square [N, N] matrix");
  }
  if (adjacency.size(0) != Z.size(0)) {
    throw Error(fmt::format("reconstruction: z has {} nodes but the adjacency has {}", Z.size(0),
                            adjacency.size(0)));
  }
  torch::Tensor first, second;
  int64_t n_edges = 0;
  if (adjacency.is_sparse() && options.negatives == NegativePairs::Balanced) {
    std::tie(first, second, n_edges) = balanced_pairs_sparse(adjacency, options.seed);
  } else {
    std::tie(first, second, n_edges) = dense_pairs(adjacency, options);
  }
  const torch::Tensor dot = (Z.index_select(0, first) * Z.index_select(0, second)).sum(1);
  // 1 / (1 + exp(-x)), the formula numpy users write; saturates to 1.0 for
  // x > 37 and so creates the same ties a numpy recomputation sees.
  const torch::Tensor score = (1.0 + (-dot).exp()).reciprocal();
  ScoredPairs out;
  out.first.assign(first.data_ptr<int64_t>(), first.data_ptr<int64_t>() + first.numel());
  out.second.assign(second.data_ptr<int64_t>(), second.data_ptr<int64_t>() + second.numel());
  out.y_true.assign(static_cast<std::size_t>(n_edges), 1);
  out.y_true.resize(static_cast<std::size_t>(first.numel()), 0);
  out.y_score.assign(score.data_ptr<double>(), score.data_ptr<double>() + score.numel());
  return out;
}

ReconstructionScores reconstruction_scores(const torch::Tensor& z, const torch::Tensor& adjacency,
                                           const ReconstructionOptions& options) {
  const ScoredPairs pairs = scored_pairs(z, adjacency, options);
  ReconstructionScores s;
  s.roc_auc = roc_auc_score(pairs.y_true, pairs.y_score);
  s.average_precision = average_precision_score(pairs.y_true, pairs.y_score);
  for (const int y : pairs.y_true) (y == 1 ? s.positives : s.negatives) += 1;
  return s;
}

}  // namespace tavrnn::eval
