#pragma once
// The sampled reconstruction loss (docs/training.md, "Sampled loss"): every
// edge of A_t plus K non-edges drawn per node, each weighted so that its
// expectation is the full loss norm * mean(BCEWithLogits(z z^T, A; pw)) over
// all N'^2 pairs. Per window it costs O(E + N' K) instead of O(N'^2 Z):
// the loss for graphs of tens of thousands of nodes.
#include <cstdint>

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "tavrnn/train/loss.h"

namespace tavrnn::train {

class SampledReconstruction {
 public:
  // The target must outlive this object (it keeps a pointer to it). Its
  // excluded pairs (held out for validation) are never drawn.
  SampledReconstruction(const ReconstructionTarget& target, int64_t non_edges_per_node);

  // An unbiased estimate of reconstruction_nll(z, target): the edges' terms
  // exactly, and for each node i, K non-edges j drawn uniformly with
  // replacement from row i's m_i non-edges, each term weighted m_i / K.
  // z: [N', Z] on the CPU; differentiable in z. Draws from `generator`.
  torch::Tensor nll(const torch::Tensor& z, at::Generator& generator) const;

  int64_t non_edges_per_node() const { return per_node_; }

 private:
  const ReconstructionTarget* target_;
  int64_t per_node_;
  // Per row, the columns never drawn: A's non-zeros and the excluded pairs,
  // sorted (CSR). A row's non-edges are the other N' - count columns.
  torch::Tensor blocked_offsets_, blocked_columns_;
};

// "full" -> 0, "sampled:K" -> K (K >= 1); Error naming `option` otherwise.
int64_t parse_reconstruction(const std::string& text, const std::string& option = "reconstruction");

}  // namespace tavrnn::train
