#include "tavrnn/nn/temporal_attention.h"

#include <cmath>

#include <torch/torch.h>

namespace tavrnn::nn {

void reset_linear(torch::nn::Linear& linear, at::Generator& generator) {
  torch::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(linear->options.in_features()));
  linear->weight.uniform_(-bound, bound, generator);
  if (linear->bias.defined()) linear->bias.uniform_(-bound, bound, generator);
}

TemporalAttentionImpl::TemporalAttentionImpl(TemporalAttentionOptions options_)
    : options(std::move(options_)) {
  reset();
}

void TemporalAttentionImpl::reset() {
  const int64_t h = options.hidden_size();
  query = register_module("query", torch::nn::Linear(h, h));
  key = register_module("key", torch::nn::Linear(h, h));
  value = register_module("value", torch::nn::Linear(h, h));
}

void TemporalAttentionImpl::reset_parameters(at::Generator& generator) {
  reset_linear(query, generator);
  reset_linear(key, generator);
  reset_linear(value, generator);
}

void TemporalAttentionImpl::pretty_print(std::ostream& stream) const {
  stream << "tavrnn::nn::TemporalAttention(hidden_size=" << options.hidden_size()
         << ", width=" << (options.width() == 0 ? std::string("all") : std::to_string(options.width()))
         << ", summary="
         << (options.summary() == AttentionSummary::LastNode ? "last-node" : "mean") << ")";
}

AttentionOutput TemporalAttentionImpl::forward(const std::vector<torch::Tensor>& states) {
  TORCH_CHECK(!states.empty(), "temporal attention: expected at least one state");
  const auto n = static_cast<int64_t>(states.size());
  const int64_t w = options.width() > 0 ? std::min(options.width(), n) : n;
  std::vector<torch::Tensor> window(states.end() - w, states.end());
  const auto stacked = torch::stack(window);  // [w, N', H]
  const auto summaries = options.summary() == AttentionSummary::LastNode
                             ? stacked.select(1, stacked.size(1) - 1)  // [w, H]
                             : stacked.mean(1);
  const auto q = query->forward(summaries[w - 1]);           // [H]
  const auto k = key->forward(summaries);                     // [w, H]
  const double scale = std::sqrt(static_cast<double>(options.hidden_size()));
  const auto alpha = torch::softmax(torch::mv(k, q) / scale, 0);  // [w]
  // sum_s alpha_s (S_s V^T + b) = (sum_s alpha_s S_s) V^T + b since the
  // weights sum to 1: one [N', H] x [H, H] product instead of w of them.
  const auto mixed = (alpha.view({w, 1, 1}) * stacked).sum(0);
  return {value->forward(mixed), alpha};
}

torch::Tensor TemporalAttentionImpl::summarise(const torch::Tensor& state) const {
  return options.summary() == AttentionSummary::LastNode ? state.select(0, state.size(0) - 1)
                                                         : state.mean(0);
}

AttentionOutput TemporalAttentionImpl::step(AttentionHistory& history, const torch::Tensor& current) {
  const int64_t available = history.size() + 1;
  const int64_t w = options.width() > 0 ? std::min(options.width(), available) : available;
  const int64_t begin = history.size() - (w - 1);
  const auto summary = summarise(current);
  const auto q = query->forward(summary);
  const double scale = std::sqrt(static_cast<double>(options.hidden_size()));
  const auto scores = torch::cat({history.scores(q, begin), torch::dot(key->forward(summary), q).view({1})});
  const auto alpha = torch::softmax(scores / scale, 0);  // [w], oldest first
  auto mixed = alpha[w - 1] * current;
  if (w > 1) mixed = mixed + history.mix(alpha.slice(0, 0, w - 1), begin).view_as(current);
  auto state = value->forward(mixed);
  history.append(state, key->forward(summarise(state)));
  return {std::move(state), alpha};
}

}  // namespace tavrnn::nn
