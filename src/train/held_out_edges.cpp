#include "tavrnn/train/held_out_edges.h"

#include <cmath>

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/eval/link_prediction.h"
#include "tavrnn/util/error.h"

namespace tavrnn::train {

int64_t HeldOutPairs::edges() const { return empty() ? 0 : first.numel() / 2; }

namespace {

// Upper-triangle pairs (i < j) where `mask` holds, as [k, 2] int64.
torch::Tensor upper_pairs(const torch::Tensor& mask) {
  return torch::triu(mask, 1).nonzero();
}

torch::Tensor draw(const torch::Tensor& pairs, int64_t k, at::Generator& generator) {
  const auto order = torch::randperm(pairs.size(0), generator, torch::kLong);
  return pairs.index_select(0, order.narrow(0, 0, k));
}

}  // namespace

EdgeSplit hold_out_edges(const std::vector<torch::Tensor>& adjacency, double fraction, std::uint64_t seed) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw Error(fmt::format("`validation`: expected a fraction of edges in [0, 1), found {}", fraction));
  }
  EdgeSplit split;
  if (fraction == 0.0) {
    split.training_adjacency = adjacency;
    split.held_out.resize(adjacency.size());
    return split;
  }
  auto generator = at::detail::createCPUGenerator(seed);
  for (const auto& a_any : adjacency) {
    const auto a = a_any.to(torch::kCPU);
    const auto edge_pairs = upper_pairs(a != 0);
    const auto non_edge_pairs = upper_pairs(a == 0);
    const int64_t edges = edge_pairs.size(0);
    int64_t k = static_cast<int64_t>(std::llround(fraction * static_cast<double>(edges)));
    k = std::min({k, edges - 1, non_edge_pairs.size(0)});
    HeldOutPairs held;
    torch::Tensor training = a_any;
    if (k >= 1) {
      const auto positive = draw(edge_pairs, k, generator);
      const auto negative = draw(non_edge_pairs, k, generator);
      const auto pairs = torch::cat({positive, negative});
      held.first = pairs.select(1, 0).contiguous();
      held.second = pairs.select(1, 1).contiguous();
      held.truth = torch::cat({torch::ones({k}, torch::kFloat64), torch::zeros({k}, torch::kFloat64)});
      auto removed = a.clone();
      removed.index_put_({positive.select(1, 0), positive.select(1, 1)}, 0);
      removed.index_put_({positive.select(1, 1), positive.select(1, 0)}, 0);
      training = removed.to(a_any.device());
    }
    split.training_adjacency.push_back(training);
    split.held_out.push_back(std::move(held));
  }
  return split;
}

ValidationScores validation_scores(const std::vector<torch::Tensor>& mu,
                                   const std::vector<HeldOutPairs>& held_out) {
  std::vector<torch::Tensor> logits;
  for (std::size_t t = 0; t < held_out.size() && t < mu.size(); ++t) {
    if (held_out[t].empty()) continue;
    const auto& m = mu[t];
    const auto first = held_out[t].first.to(m.device());
    const auto second = held_out[t].second.to(m.device());
    logits.push_back((m.index_select(0, first) * m.index_select(0, second)).sum(1));
  }
  ValidationScores scores;
  if (logits.empty()) return scores;
  const auto all = torch::cat(logits).detach().to(torch::kCPU, torch::kFloat64);
  const double* value = all.data_ptr<double>();
  double loss_sum = 0;
  int64_t pairs = 0;
  std::size_t offset = 0;
  for (const auto& held : held_out) {
    if (held.empty()) continue;
    const auto k = static_cast<std::size_t>(held.first.numel());
    const double* truth = held.truth.data_ptr<double>();
    std::vector<int> y(k);
    std::vector<double> s(k);
    for (std::size_t i = 0; i < k; ++i) {
      const double l = value[offset + i];
      y[i] = truth[i] > 0.5 ? 1 : 0;
      s[i] = l;
      // BCE with logits, stably: softplus(l) - y l.
      loss_sum += std::max(l, 0.0) + std::log1p(std::exp(-std::abs(l))) - (y[i] ? l : 0.0);
    }
    pairs += static_cast<int64_t>(k);
    offset += k;
    scores.roc_auc += eval::roc_auc_score(y, s);
    scores.average_precision += eval::average_precision_score(y, s);
    ++scores.windows;
  }
  scores.loss = loss_sum / static_cast<double>(pairs);
  scores.roc_auc /= static_cast<double>(scores.windows);
  scores.average_precision /= static_cast<double>(scores.windows);
  return scores;
}

}  // namespace tavrnn::train
