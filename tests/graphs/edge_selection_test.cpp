#include "graphs/edge_selection.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/util/error.h"

namespace tavrnn::graphs {
namespace {

// A symmetric correlation-like r with unit diagonal, some exact zeros and ties.
torch::Tensor random_r(int64_t n, std::uint64_t seed, torch::ScalarType dtype) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto u = torch::empty({n, n}, torch::kFloat64).uniform_(-1, 1, gen);
  u = (torch::triu(u, 1) + torch::triu(u, 1).t()).mul_(20).round_().div_(20);  // ties, zeros
  u.fill_diagonal_(1.0);
  return u.to(dtype);
}

// The dense definition the block reader must reproduce (MODEL.md section 2).
torch::Tensor dense_adjacency(const torch::Tensor& r, double theta, std::optional<std::size_t> top_k) {
  const int64_t n = r.size(0);
  const auto w = r.abs();
  auto a = theta > 0 ? w.ge(theta) : w.gt(0);
  if (top_k && static_cast<int64_t>(*top_k) < n - 1) {
    auto scores = w.clone();
    scores.diagonal().fill_(-1.0);
    const auto nearest = std::get<1>(scores.topk(static_cast<int64_t>(*top_k), 1));
    const auto chosen = torch::zeros_like(a).scatter_(1, nearest, true);
    a.logical_and_(chosen.logical_or(chosen.t()));
  }
  a.diagonal().fill_(true);
  return a;
}

TEST(SelectUnitEdges, BlockByBlockEqualsTheDenseDefinition) {
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    const auto r = random_r(37, 4, dtype);
    for (const double theta : {0.0, 0.3, 0.95}) {
      for (const std::optional<std::size_t> k : {std::optional<std::size_t>(), std::optional<std::size_t>(3),
                                                 std::optional<std::size_t>(36)}) {
        const auto expected = dense_adjacency(r, theta, k);
        // 100 bytes: one row per block; 1 MiB: the whole matrix at once.
        for (const std::size_t block : {std::size_t{100}, std::size_t{1} << 20}) {
          const auto e = detail::select_unit_edges(r, theta, k, block);
          auto got = torch::zeros_like(expected);
          got.index_put_({e.rows, e.columns}, true);
          EXPECT_TRUE(got.equal(expected)) << theta << " " << (k ? *k : 0) << " " << block;
          EXPECT_EQ(e.size(), expected.sum().item<int64_t>());
          const auto keys = e.rows * 37 + e.columns;
          EXPECT_TRUE(keys.slice(0, 1).gt(keys.slice(0, 0, -1)).all().item<bool>()) << "row-major, no repeats";
          auto w = r.abs();
          w.diagonal().fill_(1.0);
          EXPECT_TRUE(e.magnitudes.equal(w.index({e.rows, e.columns})));
        }
      }
    }
  }
}

TEST(GraphFromCorrelation, WeightsOnEdgesAreTheFullWeightsMaskedByA) {
  const auto r = random_r(23, 9, torch::kFloat32);
  for (const bool history : {false, true}) {
    GraphBuilderOptions o;
    o.theta = 0.4;
    o.history_node = history;
    o.weights = WeightStorage::Full;
    o.storage = StoragePolicy::Dense;
    WindowGraphInfo full_info, edge_info;
    const Graph full = graph_from_correlation(r, o, full_info);
    o.weights = WeightStorage::Edges;
    o.storage = StoragePolicy::Auto;
    const Graph edges = graph_from_correlation(r, o, edge_info);
    ASSERT_TRUE(edges.weights.is_sparse());
    ASSERT_TRUE(edges.adjacency.is_sparse());
    EXPECT_EQ(edge_info.storage, AdjacencyStorage::Sparse);
    EXPECT_TRUE(edges.adjacency.to_dense().equal(full.adjacency));
    EXPECT_TRUE(edges.weights.to_dense().equal(full.weights * full.adjacency));
    EXPECT_TRUE(edges.weights.indices().equal(edges.adjacency.indices()));
    EXPECT_EQ(edge_info.edges, full_info.edges);
    EXPECT_EQ(edge_info.edges, static_cast<std::size_t>(edges.adjacency._nnz()));
    // COO indices (16 bytes) and A's and W's values per edge.
    EXPECT_EQ(edge_info.bytes, edge_info.edges * (16 + 4 + 4));
  }
}

TEST(GraphFromCorrelation, WeightsOnEdgesWithDenseStorageIsRefused) {
  GraphBuilderOptions o;
  o.weights = WeightStorage::Edges;
  o.storage = StoragePolicy::Dense;
  EXPECT_THROW(CorrelationGraphBuilder{o}, Error);
}

}  // namespace
}  // namespace tavrnn::graphs
