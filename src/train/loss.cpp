#include "tavrnn/train/loss.h"

#include <torch/torch.h>

#include "fused_reconstruction.h"
#include "tavrnn/train/sampled_reconstruction.h"
#include "nn/sparse_product.h"

namespace tavrnn::train {

namespace F = torch::nn::functional;

torch::Tensor kl_divergence(const torch::Tensor& mu, const torch::Tensor& sigma,
                            const torch::Tensor& prior_mu, const torch::Tensor& prior_sigma,
                            double eps) {
  const auto sp = prior_sigma + eps;
  const auto s = sigma + eps;
  const auto term = 2 * torch::log(sp) - 2 * torch::log(s) +
                    (s.pow(2) + (mu - prior_mu).pow(2)) / sp.pow(2) - 1;
  return (0.5 / static_cast<double>(mu.size(0))) * term.sum(1).mean();
}

ReconstructionWeights reconstruction_weights(double n_nodes, double edges) {
  const double n2 = n_nodes * n_nodes;
  ReconstructionWeights w;
  if (edges <= 0.0 || edges >= n2) {
    w.degenerate = true;
    return w;
  }
  w.pos_weight = (n2 - edges) / edges;
  w.norm = n2 / (2.0 * (n2 - edges));
  return w;
}

ReconstructionTarget ReconstructionTarget::make(const torch::Tensor& adjacency,
                                                const ReconstructionWeights& weights) {
  ReconstructionTarget t;
  t.adjacency = adjacency;
  t.weights = weights;
  t.n_nodes = adjacency.size(0);
  t.symmetric = adjacency.device().is_cpu() && nn::detail::is_symmetric(adjacency);
  if (t.symmetric) {
    const auto csr = nn::detail::to_csr(adjacency);  // columns ascending within a row
    t.row_offsets = csr.row_offsets;
    t.columns = csr.columns;
    t.values = csr.values;
    return t;
  }
  // Any other A (never a correlation graph): dense per-entry constants.
  const auto dense = adjacency.is_sparse() ? adjacency.to_dense() : adjacency;
  t.adjacency = dense;
  const double scale = weights.norm / static_cast<double>(dense.numel());
  t.entry_weight = (dense * (weights.pos_weight - 1.0) + 1.0) * scale;
  t.entry_offset = dense * (-weights.pos_weight * scale);
  return t;
}

namespace {

torch::Tensor all_pairs_nll(const torch::Tensor& z, const ReconstructionTarget& target) {
  if (z.device().is_cpu() && target.symmetric) return detail::fused_symmetric_bce(z, target);
  if (z.device().is_cpu()) return detail::fused_inner_product_bce(z, target.entry_weight, target.entry_offset);
  const auto logits = torch::mm(z, z.t());
  const auto dense = target.adjacency.is_sparse() ? target.adjacency.to_dense() : target.adjacency;
  const auto pos_weight = torch::full({}, target.weights.pos_weight, logits.options());
  const auto bce = F::binary_cross_entropy_with_logits(
      logits, dense,
      F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(pos_weight).reduction(torch::kMean));
  return target.weights.norm * bce;
}

}  // namespace

torch::Tensor reconstruction_nll(const torch::Tensor& z, const ReconstructionTarget& target) {
  auto nll = all_pairs_nll(z, target);
  if (!target.excluded_first.defined() || target.excluded_first.numel() == 0) return nll;
  // An excluded pair has A = 0 (held-out edges were removed from A), so each
  // of its two entries added norm / N'^2 * softplus(z_i . z_j) to the mean.
  const auto logits = (z.index_select(0, target.excluded_first) * z.index_select(0, target.excluded_second)).sum(1);
  const double scale = 2.0 * target.weights.norm / static_cast<double>(target.n_nodes * target.n_nodes);
  return nll - scale * F::softplus(logits).sum();
}

torch::Tensor feature_reconstruction_error(const torch::Tensor& reconstructed, const torch::Tensor& features) {
  return (reconstructed - features).pow(2).sum(1).mean();
}

SequenceLoss sequence_loss(const nn::SequenceOutput& output,
                           const std::vector<ReconstructionTarget>& targets, double eps,
                           const std::vector<torch::Tensor>* features, double feature_weight,
                           const std::vector<SampledReconstruction>* sampled, at::Generator* generator) {
  std::vector<torch::Tensor> kl, nll, feat;
  const bool with_features = feature_weight > 0 && features != nullptr && !output.x_hat.empty();
  for (std::size_t t = 0; t < output.mu.size(); ++t) {
    kl.push_back(kl_divergence(output.mu[t], output.sigma[t], output.prior_mu[t],
                               output.prior_sigma[t], eps));
    nll.push_back(sampled != nullptr && generator != nullptr ? (*sampled)[t].nll(output.z[t], *generator)
                                                             : reconstruction_nll(output.z[t], targets[t]));
    if (with_features) feat.push_back(feature_reconstruction_error(output.x_hat[t], (*features)[t]));
  }
  SequenceLoss loss;
  loss.kl = torch::stack(kl);
  loss.nll = torch::stack(nll);
  loss.loss = loss.kl.sum() + loss.nll.sum();
  if (with_features) {
    loss.feat = torch::stack(feat);
    loss.loss = loss.loss + feature_weight * loss.feat.sum();
  } else {
    loss.feat = torch::zeros_like(loss.kl);
  }
  return loss;
}

}  // namespace tavrnn::train
