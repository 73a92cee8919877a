#pragma once
// Unsupervised model selection (docs/training.md, "Validation"): as VGAE and
// VGRNN evaluate link prediction, a seeded fraction of each window's edges,
// and as many of its non-edges, is held out. The held-out edges are removed
// from the graph the model is trained on (its encoder never sees them) and
// every held-out pair is left out of the reconstruction loss, so how well the
// decoder ranks them is a score no training step has looked at.
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace tavrnn::train {

struct HeldOutPairs {
  torch::Tensor first, second;  // int64 [k]: node pairs i < j (on the data's device in TrainingData)
  torch::Tensor truth;          // float64 [k]: 1 for a held-out edge, 0 for a non-edge
  int64_t edges() const;        // k / 2: as many edges as non-edges are held out
  bool empty() const { return !first.defined() || first.numel() == 0; }
};

struct EdgeSplit {
  std::vector<torch::Tensor> training_adjacency;  // A_t without the held-out edges
  std::vector<HeldOutPairs> held_out;             // one per window (possibly empty)
};

// fraction in [0, 1): per window round(fraction * E) of its E edges between
// distinct nodes (none when that leaves fewer than one edge), and as many
// non-edges (fewer if the window has fewer), drawn uniformly without
// replacement from a generator seeded with `seed`. fraction 0 holds out
// nothing and returns the adjacency unchanged.
EdgeSplit hold_out_edges(const std::vector<torch::Tensor>& adjacency, double fraction, std::uint64_t seed);
// The same drawing from `generator`, which is advanced: a sequence split in
// consecutive pieces with one generator draws what it draws in one piece.
EdgeSplit hold_out_edges(const std::vector<torch::Tensor>& adjacency, double fraction, at::Generator& generator);

namespace detail {
// torch::randperm(n, generator).narrow(0, 0, k), and the generator advanced
// as randperm advances it, in O(k) memory (the sparse path's non-edges).
torch::Tensor randperm_prefix(int64_t n, int64_t k, at::Generator& generator);
// The edges i < j with a nonzero weight of a coalesced sparse COO matrix,
// in row-major order: {rows, columns}.
std::pair<torch::Tensor, torch::Tensor> upper_edges(const torch::Tensor& coalesced);
// The non-edges i < j of a graph at the given ranks of their row-major
// enumeration ([k, 2] pairs), found from its upper edges alone (row-major
// COO rows and columns, i < j): no N' x N' tensor.
torch::Tensor non_edges_at(const torch::Tensor& ranks, const torch::Tensor& upper_rows,
                           const torch::Tensor& upper_columns, int64_t n);
}  // namespace detail

// The validation scores of one epoch: the decoder's logits mu_i . mu_j on the
// held-out pairs, per window, as mean balanced BCE, and ROC AUC and average
// precision averaged over the windows that hold out both kinds of pair.
struct ValidationScores {
  double loss = 0, roc_auc = 0, average_precision = 0;
  std::size_t windows = 0;  // windows scored
};
ValidationScores validation_scores(const std::vector<torch::Tensor>& mu,
                                   const std::vector<HeldOutPairs>& held_out);

// The same scores over a sequence scored in consecutive pieces (truncated
// back-propagation): add() each piece's mu and pairs in order.
class ValidationAccumulator {
 public:
  void add(const std::vector<torch::Tensor>& mu, const std::vector<HeldOutPairs>& held_out);
  ValidationScores scores() const;
  // Its running sums (loss, AUC, AP, pairs, windows), to add up the
  // accumulators of several ranks; from_sums rebuilds one from their total.
  std::array<double, 5> sums() const;
  static ValidationAccumulator from_sums(const std::array<double, 5>& sums);

 private:
  double loss_sum_ = 0, auc_sum_ = 0, ap_sum_ = 0;
  int64_t pairs_ = 0;
  std::size_t windows_ = 0;
};

}  // namespace tavrnn::train
