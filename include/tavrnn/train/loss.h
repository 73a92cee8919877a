#pragma once
// The TAVRNN objective (MODEL.md section 5): per window a KL term between
// posterior and prior, and a weighted reconstruction term of A_t from z z^T.
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "tavrnn/nn/tavrnn.h"

namespace tavrnn::train {

// KL_t = (0.5 / N') mean_nodes( sum_Z( 2 log(sp + e) - 2 log(s + e)
//        + ((s + e)^2 + (mu - mp)^2) / (sp + e)^2 - 1 ) ), e = eps.
torch::Tensor kl_divergence(const torch::Tensor& mu, const torch::Tensor& sigma,
                            const torch::Tensor& prior_mu, const torch::Tensor& prior_sigma,
                            double eps = 1e-10);

// pos_weight = (N'^2 - E) / E and norm = N'^2 / (2 (N'^2 - E)) with E the ones
// of A (self loops included). Both are undefined for a complete A (E = N'^2;
// E = 0 cannot happen since A has self loops): then the documented fallback
// is pos_weight = 1, norm = 1 (plain mean BCE) and `degenerate` is set.
struct ReconstructionWeights {
  double pos_weight = 1.0;
  double norm = 1.0;
  bool degenerate = false;
};
ReconstructionWeights reconstruction_weights(double n_nodes, double edges);

// One window's reconstruction target: A, its loss weights, and what the
// fused kernels need, prepared once so that an epoch makes as few passes over
// the N'^2 logits as possible (see src/train/fused_reconstruction.h). A
// symmetric A on the CPU (every graph tavrnn builds) keeps its non-zeros as
// compressed rows; any other keeps the dense per-entry constants.
struct ReconstructionTarget {
  torch::Tensor adjacency;     // A [N', N'] as given: dense, or sparse COO
  int64_t n_nodes = 0;         // N'
  ReconstructionWeights weights;
  bool symmetric = false;
  torch::Tensor row_offsets;   // CSR of A's non-zeros (symmetric CPU A only)
  torch::Tensor columns;
  torch::Tensor values;
  torch::Tensor entry_weight;  // (1 + (pos_weight - 1) A) norm / N'^2 (other A)
  torch::Tensor entry_offset;  // -pos_weight A norm / N'^2 (other A)
  // Pairs i < j left out of the loss (held out for validation, where A is 0):
  // both (i, j) and (j, i) are dropped from the sum; the mean's divisor stays N'^2.
  torch::Tensor excluded_first, excluded_second;  // int64 [k], on the device of A
  static ReconstructionTarget make(const torch::Tensor& adjacency, const ReconstructionWeights& weights);
};

// norm * mean(BCEWithLogits(z z^T, A; pos_weight)), less the excluded pairs.
torch::Tensor reconstruction_nll(const torch::Tensor& z, const ReconstructionTarget& target);

// The optional second decoder head (docs/training.md, "Node features in the
// latent space"): FEAT_t = mean over nodes of the squared error, summed over
// the feature columns, of a linear map of z_t against X_t.
torch::Tensor feature_reconstruction_error(const torch::Tensor& reconstructed, const torch::Tensor& features);

struct SequenceLoss {
  torch::Tensor kl;    // [T]
  torch::Tensor nll;   // [T]
  torch::Tensor feat;  // [T] FEAT_t (zeros without a feature head)
  torch::Tensor loss;  // sum_t (KL_t + NLL_t + feature_weight FEAT_t)
};

class SampledReconstruction;

// `features` and `feature_weight` only with a feature head (output.x_hat set).
// With `sampled` (one per window, drawing from `generator`), NLL_t is the
// sampled estimate instead of the full loss.
SequenceLoss sequence_loss(const nn::SequenceOutput& output,
                           const std::vector<ReconstructionTarget>& targets, double eps = 1e-10,
                           const std::vector<torch::Tensor>* features = nullptr, double feature_weight = 0.0,
                           const std::vector<SampledReconstruction>* sampled = nullptr,
                           at::Generator* generator = nullptr);

}  // namespace tavrnn::train
