#include "tavrnn/train/held_out_edges.h"

#include <cmath>
#include <set>
#include <utility>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::train {
namespace {

// A symmetric 0/1 graph with self loops and about `density` of its pairs as edges.
torch::Tensor random_graph(int64_t n, double density, std::uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto u = torch::empty({n, n}, torch::kFloat64).uniform_(0, 1, gen);
  u = torch::triu(u, 1) + torch::triu(u, 1).t();
  auto a = (u < density).to(torch::kFloat64);
  a.fill_diagonal_(1.0);
  return a;
}

int64_t edges_between_distinct_nodes(const torch::Tensor& a) {
  return torch::triu(a, 1).count_nonzero().item<int64_t>();
}

TEST(HoldOutEdges, HoldsOutTheFractionOfEdgesAndAsManyNonEdgesAndRemovesTheEdges) {
  const std::vector<torch::Tensor> graphs = {random_graph(40, 0.2, 1), random_graph(40, 0.1, 2)};
  const EdgeSplit split = hold_out_edges(graphs, 0.1, 7);
  ASSERT_EQ(split.held_out.size(), 2u);
  ASSERT_EQ(split.training_adjacency.size(), 2u);
  for (std::size_t t = 0; t < graphs.size(); ++t) {
    const auto& a = graphs[t];
    const auto& held = split.held_out[t];
    const auto& trained = split.training_adjacency[t];
    const int64_t edges = edges_between_distinct_nodes(a);
    const int64_t k = std::llround(0.1 * static_cast<double>(edges));
    ASSERT_GT(k, 0);
    EXPECT_EQ(held.edges(), k);
    ASSERT_EQ(held.first.numel(), 2 * k);
    EXPECT_DOUBLE_EQ(held.truth.sum().item<double>(), static_cast<double>(k));
    EXPECT_EQ(edges_between_distinct_nodes(trained), edges - k);
    EXPECT_TRUE(torch::equal(trained, trained.t()));
    EXPECT_TRUE(torch::equal(trained.diagonal(), a.diagonal()));
    std::set<std::pair<int64_t, int64_t>> seen;
    for (int64_t i = 0; i < held.first.numel(); ++i) {
      const int64_t u = held.first[i].item<int64_t>(), v = held.second[i].item<int64_t>();
      EXPECT_LT(u, v);
      EXPECT_TRUE(seen.insert({u, v}).second) << "pair drawn twice";
      const bool edge = held.truth[i].item<double>() > 0.5;
      EXPECT_EQ(a[u][v].item<double>() != 0, edge);
      EXPECT_EQ(trained[u][v].item<double>(), 0.0);  // removed edge or non-edge
      EXPECT_EQ(trained[v][u].item<double>(), 0.0);
    }
    // Everything not held out is as it was.
    auto untouched = a.clone();
    for (int64_t i = 0; i < held.first.numel(); ++i) {
      const int64_t u = held.first[i].item<int64_t>(), v = held.second[i].item<int64_t>();
      untouched.index_put_({u, v}, 0);
      untouched.index_put_({v, u}, 0);
    }
    EXPECT_TRUE(torch::equal(untouched, trained));
  }
}

TEST(HoldOutEdges, SparseGraphsGetTheDensePathsPairsAndTrainingGraphs) {
  // The sparse path finds the non-edges from the edges alone; it must draw
  // exactly what the dense enumeration draws, so that storing a graph sparse
  // never changes a run.
  std::vector<torch::Tensor> dense, sparse;
  for (const auto& [n, density] : std::vector<std::pair<int64_t, double>>{{40, 0.2}, {57, 0.05}, {25, 0.6}}) {
    dense.push_back(random_graph(n, density, static_cast<std::uint64_t>(n)));
    sparse.push_back(dense.back().to_sparse());
  }
  const EdgeSplit a = hold_out_edges(dense, 0.15, 11), b = hold_out_edges(sparse, 0.15, 11);
  for (std::size_t t = 0; t < dense.size(); ++t) {
    ASSERT_FALSE(a.held_out[t].empty());
    EXPECT_TRUE(torch::equal(a.held_out[t].first, b.held_out[t].first)) << t;
    EXPECT_TRUE(torch::equal(a.held_out[t].second, b.held_out[t].second)) << t;
    EXPECT_TRUE(torch::equal(a.held_out[t].truth, b.held_out[t].truth)) << t;
    ASSERT_TRUE(b.training_adjacency[t].is_sparse());
    EXPECT_TRUE(torch::equal(a.training_adjacency[t], b.training_adjacency[t].to_dense())) << t;
  }
}

TEST(HoldOutEdges, FirstEntriesOfRandpermAreLibTorchs) {
  // The sparse path relies on LibTorch's CPU randperm being a forward
  // Fisher-Yates shuffle; should a LibTorch release change it, this fails.
  for (const auto& [n, k] : std::vector<std::pair<int64_t, int64_t>>{
           {1, 1}, {2, 1}, {7, 7}, {7, 3}, {1000, 17}, {300000, 2500}, {(int64_t{1} << 24) + 77, 1000}}) {
    auto a = at::detail::createCPUGenerator(42), b = at::detail::createCPUGenerator(42);
    const auto whole = torch::randperm(n, a, torch::kLong);
    const auto prefix = detail::randperm_prefix(n, k, b);
    EXPECT_TRUE(prefix.equal(whole.narrow(0, 0, k))) << n << " " << k;
    // Both generators in the same state afterwards.
    EXPECT_TRUE(torch::randperm(50, a, torch::kLong).equal(torch::randperm(50, b, torch::kLong))) << n;
  }
}

TEST(HoldOutEdges, SameSeedSamePairsOtherSeedOther) {
  const std::vector<torch::Tensor> graphs = {random_graph(30, 0.3, 3)};
  const auto a = hold_out_edges(graphs, 0.2, 5), b = hold_out_edges(graphs, 0.2, 5),
             c = hold_out_edges(graphs, 0.2, 6);
  EXPECT_TRUE(torch::equal(a.held_out[0].first, b.held_out[0].first));
  EXPECT_TRUE(torch::equal(a.held_out[0].second, b.held_out[0].second));
  EXPECT_FALSE(torch::equal(a.held_out[0].first, c.held_out[0].first) &&
               torch::equal(a.held_out[0].second, c.held_out[0].second));
}

TEST(HoldOutEdges, ZeroFractionOrTooFewEdgesHoldsOutNothing) {
  auto one_edge = torch::eye(5, torch::kFloat64);
  one_edge.index_put_({0, 1}, 1.0);
  one_edge.index_put_({1, 0}, 1.0);
  const std::vector<torch::Tensor> graphs = {one_edge, random_graph(20, 0.3, 4)};
  const auto off = hold_out_edges(graphs, 0.0, 1);
  for (std::size_t t = 0; t < graphs.size(); ++t) {
    EXPECT_TRUE(off.held_out[t].empty());
    EXPECT_TRUE(torch::equal(off.training_adjacency[t], graphs[t]));
  }
  const auto on = hold_out_edges(graphs, 0.4, 1);
  EXPECT_TRUE(on.held_out[0].empty());  // its only edge stays
  EXPECT_TRUE(torch::equal(on.training_adjacency[0], one_edge));
  EXPECT_FALSE(on.held_out[1].empty());
  EXPECT_THROW(hold_out_edges(graphs, 1.0, 1), Error);
  EXPECT_THROW(hold_out_edges(graphs, -0.1, 1), Error);
}

TEST(ValidationScores, ScoresTheInnerProductsOfTheHeldOutPairsPerWindow) {
  // Window 0: the edge (0, 1) scores above the non-edge (0, 2): AUC 1.
  // Window 1: the edge (1, 2) scores below the non-edge (0, 1): AUC 0.
  const auto mu0 = torch::tensor({{1.0, 0.0}, {2.0, 0.0}, {-1.0, 0.0}}, torch::kFloat64);
  const auto mu1 = torch::tensor({{1.0, 0.0}, {1.0, 0.0}, {-1.0, 0.0}}, torch::kFloat64);
  HeldOutPairs w0, w1;
  w0.first = torch::tensor({0, 0}, torch::kLong);
  w0.second = torch::tensor({1, 2}, torch::kLong);
  w0.truth = torch::tensor({1.0, 0.0}, torch::kFloat64);
  w1.first = torch::tensor({1, 0}, torch::kLong);
  w1.second = torch::tensor({2, 1}, torch::kLong);
  w1.truth = torch::tensor({1.0, 0.0}, torch::kFloat64);
  const ValidationScores s = validation_scores({mu0, mu1}, {w0, w1});
  EXPECT_EQ(s.windows, 2u);
  EXPECT_DOUBLE_EQ(s.roc_auc, 0.5);            // (1 + 0) / 2
  EXPECT_DOUBLE_EQ(s.average_precision, 0.75);  // (1 + 0.5) / 2
  // Logits 2, -1 (window 0) and -1, 1 (window 1); BCE = softplus(l) - y l.
  const auto softplus = [](double l) { return std::log1p(std::exp(l)); };
  const double expected = (softplus(2) - 2 + softplus(-1) + softplus(-1) + 1 + softplus(1)) / 4;
  EXPECT_NEAR(s.loss, expected, 1e-12);
}

}  // namespace
}  // namespace tavrnn::train
