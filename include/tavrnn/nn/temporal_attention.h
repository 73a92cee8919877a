#pragma once
// Temporal attention over the recurrent states (MODEL.md section 4):
//   q = Linear_q(a_t), k_s = Linear_k(a_s), alpha = softmax_s(q.k_s / sqrt(H)),
//   h_t = sum_s alpha_s Linear_v(S_s)
// where a_s summarises state s: the history node's row (the last node), or
// the mean over nodes.
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>

#include "tavrnn/nn/attention_history.h"

namespace tavrnn::nn {

enum class AttentionSummary {
  LastNode,  // the last node's row: the history node when there is one (reference)
  Mean,      // the mean over nodes (graphs without a history node)
};

struct TemporalAttentionOptions {
  explicit TemporalAttentionOptions(int64_t hidden_size) : hidden_size_(hidden_size) {}
  /// Width H of the states.
  TORCH_ARG(int64_t, hidden_size);
  /// Attend over the last `width` states; 0 = all (the reference's behaviour).
  TORCH_ARG(int64_t, width) = 0;
  /// How a state [N', H] is summarised into [H] for queries and keys.
  TORCH_ARG(AttentionSummary, summary) = AttentionSummary::LastNode;
};

struct AttentionOutput {
  torch::Tensor state;    // h_t: [N', H]
  torch::Tensor weights;  // alpha: [w] over the states attended, oldest first
};

class TemporalAttentionImpl : public torch::nn::Cloneable<TemporalAttentionImpl> {
 public:
  explicit TemporalAttentionImpl(TemporalAttentionOptions options);
  void reset() override;
  void reset_parameters(at::Generator& generator);
  void pretty_print(std::ostream& stream) const override;

  // states: S = [h_1, ..., h_{t-1}, g_t], each [N', H]; the last is this
  // step's GRU output.
  // Every state is stacked anew: memory and copying quadratic in the
  // number of states. The direct form of the formula, kept for tests.
  AttentionOutput forward(const std::vector<torch::Tensor>& states);

  // One step of a sequence: attends over the states in `history` (within
  // the width) and `current` (this step's GRU output g_t), then appends
  // the result h_t and its key to `history`. The same arithmetic as
  // forward(), with each state stored once (attention_history.h).
  AttentionOutput step(AttentionHistory& history, const torch::Tensor& current);

  TemporalAttentionOptions options;
  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};

 private:
  torch::Tensor summarise(const torch::Tensor& state) const;  // [N', H] -> [H]
};
TORCH_MODULE(TemporalAttention);

// PyTorch's nn.Linear initialisation (kaiming-uniform a = sqrt(5), i.e.
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias), from `generator`.
void reset_linear(torch::nn::Linear& linear, at::Generator& generator);

}  // namespace tavrnn::nn
