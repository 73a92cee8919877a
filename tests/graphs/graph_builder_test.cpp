#include "tavrnn/graphs/graph_builder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/graphs/correlation.h"

namespace tavrnn::graphs {
namespace {

// r of 4 units: |r| 0.9 (0-1), 0.5 (0-2), 0.3 (1-3), 0 elsewhere.
torch::Tensor small_r(torch::ScalarType dtype = torch::kFloat64) {
  return torch::tensor(
      {{1.0, -0.9, 0.5, 0.0}, {-0.9, 1.0, 0.0, 0.3}, {0.5, 0.0, 1.0, 0.0}, {0.0, 0.3, 0.0, 1.0}},
      dtype);
}

torch::Tensor dense(const torch::Tensor& a) { return a.is_sparse() ? a.to_dense() : a; }

Recording poisson_recording(std::size_t n, std::size_t bins, double rate, uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor y = torch::poisson(
      torch::full({static_cast<int64_t>(n), static_cast<int64_t>(bins)}, rate, torch::kFloat64));
  std::vector<double> values(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
  return Recording(Activity{n, bins, values}, 0.05);
}

TEST(GraphFromCorrelation, ThresholdGivesBinaryAdjacencyWithSelfLoops) {
  GraphBuilderOptions o;
  o.theta = 0.5;
  WindowGraphInfo info;
  const Graph g = graph_from_correlation(small_r(), o, info);
  const torch::Tensor expected = torch::tensor(
      {{1.0, 1.0, 1.0, 0.0}, {1.0, 1.0, 0.0, 0.0}, {1.0, 0.0, 1.0, 0.0}, {0.0, 0.0, 0.0, 1.0}},
      torch::kFloat64);
  EXPECT_TRUE(dense(g.adjacency).equal(expected));
  EXPECT_TRUE(g.weights.equal(small_r().abs()));
  EXPECT_EQ(info.edges, 8u);
  EXPECT_FALSE(info.degenerate);
}

TEST(GraphFromCorrelation, ThetaZeroKeepsEveryNonZeroEntryNotEveryEntry) {
  GraphBuilderOptions o;
  o.theta = 0.0;
  WindowGraphInfo info;
  const Graph g = graph_from_correlation(small_r(), o, info);
  EXPECT_TRUE(dense(g.adjacency).equal(small_r().ne(0).to(torch::kFloat64)));
}

TEST(GraphFromCorrelation, HistoryNodeIsARowAndColumnOfOnes) {
  GraphBuilderOptions o;
  o.theta = 0.6;
  o.history_node = true;
  WindowGraphInfo info;
  const Graph g = graph_from_correlation(small_r(), o, info);
  ASSERT_EQ(g.weights.size(0), 5);
  const torch::Tensor a = dense(g.adjacency);
  EXPECT_TRUE(a[4].eq(1).all().item<bool>());
  EXPECT_TRUE(a.select(1, 4).eq(1).all().item<bool>());
  EXPECT_TRUE(g.weights[4].eq(1).all().item<bool>());
  EXPECT_TRUE(g.weights.select(1, 4).eq(1).all().item<bool>());
  EXPECT_EQ(info.edges, 6u + 9u);  // units: 4 self loops + 0-1 twice; history: 2 * 4 + 1
}

TEST(GraphFromCorrelation, TopKKeepsTheStrongestEdgesOfEitherEnd) {
  GraphBuilderOptions o;
  o.theta = 0.0;
  o.top_k = 1;
  WindowGraphInfo info;
  const Graph g = graph_from_correlation(small_r(), o, info);
  // Strongest neighbour: 0 -> 1, 1 -> 0, 2 -> 0, 3 -> 1; the union keeps
  // 0-1, 0-2 and 1-3, so here it removes nothing that theta kept.
  const torch::Tensor a = dense(g.adjacency);
  EXPECT_TRUE(a.equal(a.t()));
  EXPECT_EQ(a[0][2].item<double>(), 1.0);
  EXPECT_EQ(a[1][3].item<double>(), 1.0);
  // With a weak extra edge 2-3, top-1 drops it: it is neither end's strongest.
  torch::Tensor r = small_r();
  r[2][3] = r[3][2] = 0.1;
  const torch::Tensor b = dense(graph_from_correlation(r, o, info).adjacency);
  EXPECT_EQ(b[2][3].item<double>(), 0.0);
  o.top_k.reset();
  EXPECT_EQ(dense(graph_from_correlation(r, o, info).adjacency)[2][3].item<double>(), 1.0);
}

TEST(GraphFromCorrelation, WindowWithoutEdgesAndCompleteWindowAreFlagged) {
  GraphBuilderOptions o;
  o.theta = 0.95;
  WindowGraphInfo info;
  graph_from_correlation(small_r(), o, info);
  EXPECT_TRUE(info.degenerate);
  EXPECT_EQ(info.degeneracy, GraphDegeneracy::NoEdges);
  o.history_node = true;  // the history node's star does not count as connectivity
  graph_from_correlation(small_r(), o, info);
  EXPECT_EQ(info.degeneracy, GraphDegeneracy::NoEdges);
  o.theta = 0.0;
  graph_from_correlation(torch::full({3, 3}, 0.5, torch::kFloat64), o, info);
  EXPECT_EQ(info.degeneracy, GraphDegeneracy::Complete);
  o.history_node = false;
  graph_from_correlation(torch::ones({1, 1}, torch::kFloat64), o, info);  // N' = 1
  EXPECT_EQ(info.degeneracy, GraphDegeneracy::Complete);
}

TEST(GraphFromCorrelation, SparseStorageWhenItHalvesTheBytesAndBytesAccounted) {
  GraphBuilderOptions o;
  o.theta = 0.5;
  WindowGraphInfo info;
  const torch::Tensor r = torch::eye(40, torch::kFloat32);  // 40 edges of 1600 entries
  const Graph g = graph_from_correlation(r, o, info);
  EXPECT_EQ(info.storage, AdjacencyStorage::Sparse);
  EXPECT_TRUE(g.adjacency.is_sparse());
  EXPECT_EQ(info.bytes, 1600u * 4 + 40u * (16 + 4));
  const Graph dense = graph_from_correlation(small_r(torch::kFloat32), o, info);
  EXPECT_EQ(info.storage, AdjacencyStorage::Dense);
  EXPECT_FALSE(dense.adjacency.is_sparse());
  EXPECT_EQ(info.bytes, 2u * 16 * 4);
  o.storage = StoragePolicy::Sparse;
  EXPECT_TRUE(graph_from_correlation(small_r(), o, info).adjacency.is_sparse());
}

TEST(CorrelationGraphBuilder, BuildsOneGraphPerWindowWithItsMetadata) {
  Recording rec = poisson_recording(12, 600, 0.8, 1);
  std::vector<int> codes(600, 0);
  std::fill(codes.begin() + 300, codes.end(), 1);
  rec.set_labels(Categorical{codes, {"rest", "play"}});
  GraphBuilderOptions o;
  o.theta = 0.1;
  o.history_node = true;
  o.features = NodeFeatures::Rows;
  o.rmt = parse_rmt_options("shuffle:20");
  o.seed = 4;
  const WindowPlan plan = WindowPlan::sliding(rec, 200, 100);
  const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, plan);
  ASSERT_EQ(seq.size(), 5u);
  EXPECT_EQ(seq.n_nodes(), 13u);
  EXPECT_EQ(seq.history_node_index(), std::optional<std::size_t>(12));
  EXPECT_EQ(seq.graph(0).weights.scalar_type(), torch::kFloat32);
  EXPECT_EQ(seq.info(3).ranges[0].begin, 300u);
  EXPECT_EQ(seq.info(3).label, 1);
  EXPECT_EQ(seq.info(2).purity, 0.5);
  EXPECT_EQ(seq.info(2).surrogates, 20u);
  EXPECT_GT(seq.info(2).lambda_high, seq.info(2).lambda_low);
  EXPECT_TRUE(seq.features(1).equal(seq.graph(1).weights));
  EXPECT_EQ(seq.label_names, (std::vector<std::string>{"rest", "play"}));
  EXPECT_EQ(seq.settings().rmt, "shuffle:20");
  EXPECT_EQ(seq.settings().windows, "sliding:200:100");
}

TEST(CorrelationGraphBuilder, SelectedWindowGetsTheSameGraphAsInTheFullPlan) {
  const Recording rec = poisson_recording(10, 500, 1.0, 2);
  GraphBuilderOptions o;
  o.theta = 0.05;
  o.rmt = parse_rmt_options("shuffle:30");
  const WindowPlan plan = WindowPlan::sliding(rec, 100, 100);
  const GraphSequence all = CorrelationGraphBuilder(o).build(rec, plan);
  const GraphSequence some = CorrelationGraphBuilder(o).build(rec, plan.select({3, 1}));
  EXPECT_EQ(some.info(0).source_index, 3u);
  EXPECT_TRUE(torch::allclose(some.graph(0).weights, all.graph(3).weights, 0, 1e-6));
  EXPECT_TRUE(torch::allclose(some.graph(1).weights, all.graph(1).weights, 0, 1e-6));
  EXPECT_EQ(some.info(0).lambda_high, all.info(3).lambda_high);
}

TEST(CorrelationGraphBuilder, Float64GraphsEqualPearsonOfTheWindow) {
  const Recording rec = poisson_recording(8, 300, 0.6, 3);
  GraphBuilderOptions o;
  o.dtype = torch::kFloat64;
  const GraphSequence seq =
      CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 150, 150));
  const torch::Tensor counts =
      torch::tensor(rec.activity().to_doubles(), torch::kFloat64).reshape({8, 300});
  const torch::Tensor r = pearson_correlation(counts.slice(1, 150, 300)).r;
  EXPECT_TRUE(torch::allclose(seq.graph(1).weights, r.abs(), 0, 1e-14));
}

TEST(CorrelationGraphBuilder, BadOptionsAreClearErrors) {
  GraphBuilderOptions o;
  o.theta = 1.5;
  EXPECT_THROW(CorrelationGraphBuilder{o}, Error);
  o.theta = 0.5;
  o.dtype = torch::kInt64;
  EXPECT_THROW(CorrelationGraphBuilder{o}, Error);
  o.dtype = torch::kFloat32;
  o.top_k = 0;
  EXPECT_THROW(CorrelationGraphBuilder{o}, Error);
}

}  // namespace
}  // namespace tavrnn::graphs
