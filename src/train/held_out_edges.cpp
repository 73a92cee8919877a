#include "tavrnn/train/held_out_edges.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/eval/link_prediction.h"
#include "tavrnn/util/error.h"

namespace tavrnn::train {

int64_t HeldOutPairs::edges() const { return empty() ? 0 : first.numel() / 2; }

namespace detail {

// The first k entries of torch::randperm(n, generator), leaving the
// generator where randperm leaves it, in O(k) memory: LibTorch's CPU
// randperm is a forward Fisher-Yates shuffle (entry i swapped with i +
// random() % (n - i), for i < n - 1), whose first k entries are final after
// k steps; the other n - 1 - k draws are made and dropped. At N' = 10,000
// the non-edges are 5 10^7: the whole permutation took 2.8 s and 400 MB per
// window. HoldOutEdges.FirstEntriesOfRandpermAreLibTorchs checks it against
// randperm itself.
torch::Tensor randperm_prefix(int64_t n, int64_t k, at::Generator& generator) {
  auto out = torch::empty({k}, torch::kInt64);
  int64_t* first = out.data_ptr<int64_t>();
  auto* cpu = at::check_generator<at::CPUGeneratorImpl>(generator);
  std::lock_guard<std::mutex> lock(generator.mutex());
  std::unordered_map<int64_t, int64_t> moved;  // position -> value, where not the identity
  const auto at = [&](int64_t position) {
    const auto found = moved.find(position);
    return found == moved.end() ? position : found->second;
  };
  for (int64_t i = 0; i < n - 1; ++i) {
    const auto z = static_cast<int64_t>(cpu->random() % static_cast<uint64_t>(n - i));
    if (i >= k) continue;
    const int64_t j = i + z, value_i = at(i);
    first[i] = at(j);
    moved[j] = value_i;
  }
  if (k == n && n > 0) first[n - 1] = at(n - 1);
  return out;
}

// The pairs i < j with A_ij = 0, in the row-major order of the dense path's
// enumeration, at the given ranks, found from the edges alone (the dense
// list has N'^2 / 2 entries: 800 MB at N' = 10,000).
std::pair<torch::Tensor, torch::Tensor> upper_edges(const torch::Tensor& coalesced) {
  const torch::Tensor rows = coalesced.indices()[0], columns = coalesced.indices()[1];
  const torch::Tensor upper = rows.lt(columns).logical_and_(coalesced.values().ne(0));
  return {rows.masked_select(upper), columns.masked_select(upper)};
}

torch::Tensor non_edges_at(const torch::Tensor& ranks, const torch::Tensor& upper_rows,
                           const torch::Tensor& upper_columns, int64_t n) {
  const auto edges_per_row = torch::bincount(upper_rows, {}, n);
  const int64_t* e = edges_per_row.data_ptr<int64_t>();
  std::vector<int64_t> before(static_cast<std::size_t>(n) + 1, 0);  // non-edges in rows < i
  std::vector<int64_t> edge_start(static_cast<std::size_t>(n) + 1, 0);
  for (int64_t i = 0; i < n; ++i) {
    before[i + 1] = before[i] + (n - 1 - i) - e[i];
    edge_start[i + 1] = edge_start[i] + e[i];
  }
  const int64_t* columns = upper_columns.data_ptr<int64_t>();  // ascending within each row
  const int64_t* rank = ranks.data_ptr<int64_t>();
  auto out = torch::empty({ranks.numel(), 2}, torch::kInt64);
  int64_t* pair = out.data_ptr<int64_t>();
  for (int64_t m = 0; m < ranks.numel(); ++m) {
    const auto row = std::upper_bound(before.begin(), before.end(), rank[m]) - before.begin() - 1;
    int64_t column = row + 1 + (rank[m] - before[row]);
    for (int64_t q = edge_start[row]; q < edge_start[row + 1] && columns[q] <= column; ++q) ++column;
    pair[2 * m] = row;
    pair[2 * m + 1] = column;
  }
  return out;
}


}  // namespace detail

namespace {

// Upper-triangle pairs (i < j) where `mask` holds, as [k, 2] int64.
torch::Tensor upper_pairs(const torch::Tensor& mask) {
  return torch::triu(mask, 1).nonzero();
}

torch::Tensor draw(const torch::Tensor& pairs, int64_t k, at::Generator& generator) {
  const auto order = torch::randperm(pairs.size(0), generator, torch::kLong);
  return pairs.index_select(0, order.narrow(0, 0, k));
}

int64_t held_out_count(double fraction, int64_t edges, int64_t non_edges) {
  const auto k = static_cast<int64_t>(std::llround(fraction * static_cast<double>(edges)));
  return std::min({k, edges - 1, non_edges});
}

void fill_pairs(HeldOutPairs& held, const torch::Tensor& positive, const torch::Tensor& negative, int64_t k) {
  const auto pairs = torch::cat({positive, negative});
  held.first = pairs.select(1, 0).contiguous();
  held.second = pairs.select(1, 1).contiguous();
  held.truth = torch::cat({torch::ones({k}, torch::kFloat64), torch::zeros({k}, torch::kFloat64)});
}

torch::Tensor hold_out_dense(const torch::Tensor& a_any, double fraction, at::Generator& generator,
                             HeldOutPairs& held) {
  const auto a = a_any.to(torch::kCPU);
  const auto edge_pairs = upper_pairs(a != 0);
  const auto non_edge_pairs = upper_pairs(a == 0);
  const int64_t k = held_out_count(fraction, edge_pairs.size(0), non_edge_pairs.size(0));
  if (k < 1) return a_any;
  const auto positive = draw(edge_pairs, k, generator);
  const auto negative = draw(non_edge_pairs, k, generator);
  fill_pairs(held, positive, negative, k);
  auto removed = a.clone();
  removed.index_put_({positive.select(1, 0), positive.select(1, 1)}, 0);
  removed.index_put_({positive.select(1, 1), positive.select(1, 0)}, 0);
  return removed.to(a_any.device());
}

// The same draws as the dense path from a sparse A, without any N' x N' tensor.
torch::Tensor hold_out_sparse(const torch::Tensor& a_any, double fraction, at::Generator& generator,
                              HeldOutPairs& held) {
  const auto a = a_any.to(torch::kCPU).coalesce();
  const int64_t n = a.size(0);
  const auto rows = a.indices()[0], columns = a.indices()[1];
  const auto [upper_rows, upper_columns] = detail::upper_edges(a);
  const auto edge_pairs = torch::stack({upper_rows, upper_columns}, 1);
  const int64_t edges = edge_pairs.size(0);
  const int64_t non_edges = n * (n - 1) / 2 - edges;
  const int64_t k = held_out_count(fraction, edges, non_edges);
  if (k < 1) return a_any;
  const auto positive = draw(edge_pairs, k, generator);
  const auto ranks = detail::randperm_prefix(non_edges, k, generator);
  const auto negative = detail::non_edges_at(ranks, upper_rows, upper_columns.contiguous(), n);
  fill_pairs(held, positive, negative, k);
  const auto keys = rows * n + columns;
  const auto i = positive.select(1, 0), j = positive.select(1, 1);
  const auto keep = torch::isin(keys, torch::cat({i * n + j, j * n + i})).logical_not_();
  const auto kept_indices = torch::stack({rows.masked_select(keep), columns.masked_select(keep)});
  return torch::sparse_coo_tensor(kept_indices, a.values().masked_select(keep), a.sizes())
      ._coalesced_(true)
      .to(a_any.device());
}

}  // namespace

EdgeSplit hold_out_edges(const std::vector<torch::Tensor>& adjacency, double fraction, std::uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  return hold_out_edges(adjacency, fraction, generator);
}

EdgeSplit hold_out_edges(const std::vector<torch::Tensor>& adjacency, double fraction, at::Generator& generator) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw Error(fmt::format("`validation`: expected a fraction of edges in [0, 1), found {}", fraction));
  }
  EdgeSplit split;
  if (fraction == 0.0) {
    split.training_adjacency = adjacency;
    split.held_out.resize(adjacency.size());
    return split;
  }
  for (const auto& a_any : adjacency) {
    split.held_out.emplace_back();
    split.training_adjacency.push_back(a_any.is_sparse() ? hold_out_sparse(a_any, fraction, generator,
                                                                           split.held_out.back())
                                                         : hold_out_dense(a_any, fraction, generator,
                                                                          split.held_out.back()));
  }
  return split;
}

void ValidationAccumulator::add(const std::vector<torch::Tensor>& mu, const std::vector<HeldOutPairs>& held_out) {
  std::vector<torch::Tensor> logits;
  for (std::size_t t = 0; t < held_out.size() && t < mu.size(); ++t) {
    if (held_out[t].empty()) continue;
    const auto& m = mu[t];
    const auto first = held_out[t].first.to(m.device());
    const auto second = held_out[t].second.to(m.device());
    logits.push_back((m.index_select(0, first) * m.index_select(0, second)).sum(1));
  }
  if (logits.empty()) return;
  const auto all = torch::cat(logits).detach().to(torch::kCPU, torch::kFloat64);
  const double* value = all.data_ptr<double>();
  std::size_t offset = 0;
  for (std::size_t t = 0; t < held_out.size() && t < mu.size(); ++t) {
    const HeldOutPairs& held = held_out[t];
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
      loss_sum_ += std::max(l, 0.0) + std::log1p(std::exp(-std::abs(l))) - (y[i] ? l : 0.0);
    }
    pairs_ += static_cast<int64_t>(k);
    offset += k;
    auc_sum_ += eval::roc_auc_score(y, s);
    ap_sum_ += eval::average_precision_score(y, s);
    ++windows_;
  }
}

ValidationScores ValidationAccumulator::scores() const {
  ValidationScores scores;
  if (windows_ == 0) return scores;
  scores.windows = windows_;
  scores.loss = loss_sum_ / static_cast<double>(pairs_);
  scores.roc_auc = auc_sum_ / static_cast<double>(windows_);
  scores.average_precision = ap_sum_ / static_cast<double>(windows_);
  return scores;
}

std::array<double, 5> ValidationAccumulator::sums() const {
  return {loss_sum_, auc_sum_, ap_sum_, static_cast<double>(pairs_), static_cast<double>(windows_)};
}

ValidationAccumulator ValidationAccumulator::from_sums(const std::array<double, 5>& sums) {
  ValidationAccumulator a;
  a.loss_sum_ = sums[0];
  a.auc_sum_ = sums[1];
  a.ap_sum_ = sums[2];
  a.pairs_ = static_cast<int64_t>(sums[3]);
  a.windows_ = static_cast<std::size_t>(sums[4]);
  return a;
}

ValidationScores validation_scores(const std::vector<torch::Tensor>& mu,
                                   const std::vector<HeldOutPairs>& held_out) {
  ValidationAccumulator accumulator;
  accumulator.add(mu, held_out);
  return accumulator.scores();
}

}  // namespace tavrnn::train
