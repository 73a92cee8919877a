#pragma once
// The TAVRNN model (MODEL.md section 4): a variational graph GRU whose state
// is re-weighted over time by temporal attention. With attention(false) it is
// VGRNN, the same model without attention.
#include <memory>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>

#include "tavrnn/nn/gcn.h"
#include "tavrnn/nn/graph_gru.h"
#include "tavrnn/nn/temporal_attention.h"

namespace tavrnn::nn {

struct TavrnnOptions {
  explicit TavrnnOptions(int64_t x_dim) : x_dim_(x_dim) {}
  /// Width of the node features X_t (N' for rows of W or the identity).
  TORCH_ARG(int64_t, x_dim);
  /// Hidden width H (reference: 32).
  TORCH_ARG(int64_t, hidden) = 32;
  /// Latent width Z of the node embeddings (reference: 8).
  TORCH_ARG(int64_t, latent) = 8;
  /// Temporal attention on (TAVRNN) or off (VGRNN).
  TORCH_ARG(bool, attention) = true;
  /// Attend over the last w states; 0 = all (reference).
  TORCH_ARG(int64_t, attention_width) = 0;
  /// Summary of a state for attention: last node (history node) or mean.
  TORCH_ARG(AttentionSummary, attention_summary) = AttentionSummary::LastNode;
  /// Train the six GRU gate GCNs (the paper); false reproduces the reference
  /// notebook, whose gates keep their initial values.
  TORCH_ARG(bool, train_gru_gates) = true;
};

// One window's graph as the model consumes it.
struct StepGraph {
  NormalizedAdjacency a_hat;  // D^-1/2 A D^-1/2
  torch::Tensor features;     // X_t: [N', x_dim]
};

// Everything one pass over the T windows produces, per step.
struct SequenceOutput {
  std::vector<torch::Tensor> mu, sigma;          // posterior: [N', Z]
  std::vector<torch::Tensor> prior_mu, prior_sigma;  // prior from h_{t-1}: [N', Z]
  std::vector<torch::Tensor> z;                  // sample mu + sigma * eps: [N', Z]
  std::vector<torch::Tensor> h;                  // state passed on: [N', H]
  std::vector<torch::Tensor> alpha;              // attention weights [w] (ones(1) without)
  std::vector<torch::Tensor> x_hat;              // features decoded from z (feature head only)
};

// Where a pass over a sequence stands between two calls of forward: the
// state passed on and, with attention, the states attended. Handing it from
// one call to the next runs a sequence in pieces with the same arithmetic as
// in one call; truncate() between two pieces stops back-propagation there
// (truncated back-propagation through time).
struct RecurrentState {
  torch::Tensor h;                           // h_{t-1}: [N', H]
  std::shared_ptr<AttentionHistory> history;  // h_1..h_{t-1} (attention only)
  int64_t steps = 0;                          // windows run so far
  void truncate();
};

class TavrnnImpl : public torch::nn::Cloneable<TavrnnImpl> {
 public:
  explicit TavrnnImpl(TavrnnOptions options);
  void reset() override;
  // Initialises every parameter from `generator` in registration order,
  // as PyTorch would (Glorot for GCNs, nn.Linear's default for linears).
  void reset_parameters(at::Generator& generator);
  void pretty_print(std::ostream& stream) const override;

  // noise: [T, N', Z] standard normal draws (zeros give z = mu).
  SequenceOutput forward(const std::vector<StepGraph>& steps, const torch::Tensor& noise);
  // The state before the first of `windows` windows of N' nodes: h = 0 and,
  // with attention, room for `windows` states; dtype and device of `like`.
  RecurrentState initial_state(int64_t n_nodes, int64_t windows, const torch::TensorOptions& like) const;
  // The next steps of a sequence from `state`, which is advanced.
  SequenceOutput forward(const std::vector<StepGraph>& steps, const torch::Tensor& noise, RecurrentState& state);

  // The parameters an optimiser should update: all, or all but the GRU
  // gates when train_gru_gates is false.
  std::vector<torch::Tensor> trainable_parameters();

  TavrnnOptions options;
  torch::nn::Linear phi_x{nullptr}, phi_z{nullptr};
  GraphConv enc{nullptr}, enc_mean{nullptr}, enc_std{nullptr};
  torch::nn::Linear prior{nullptr}, prior_mean{nullptr}, prior_std{nullptr};
  GraphGRU gru{nullptr};
  TemporalAttention attention{nullptr};

 private:
  // enc_mean and enc_std of one step: [mu, the pre-softplus sigma].
  std::vector<torch::Tensor> encode_moments(const torch::Tensor& encoded, const NormalizedAdjacency& a_hat);
};
TORCH_MODULE(Tavrnn);

}  // namespace tavrnn::nn
