#include "tavrnn/graphs/node_descriptors.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/util/error.h"

namespace tavrnn::graphs {
namespace {

// A [N + 1, N + 1] graph with a history node from the units' symmetric 0/1
// adjacency (no diagonal): self loops on the diagonal, the history node's
// row and column of ones, as the builder makes them.
torch::Tensor with_history_node(const torch::Tensor& units) {
  const int64_t n = units.size(0);
  torch::Tensor a = torch::ones({n + 1, n + 1}, torch::kFloat64);
  a.narrow(0, 0, n).narrow(1, 0, n).copy_(units);
  a.fill_diagonal_(1.0);
  return a;
}

// The descriptors from their definitions, with dense matrix powers.
torch::Tensor by_definition(const torch::Tensor& units_a, const torch::Tensor& units_w,
                            const std::vector<double>& rate_z) {
  const int64_t n = units_a.size(0);
  const torch::Tensor degree = units_a.sum(1);
  const torch::Tensor P = units_a / degree.clamp_min(1.0).unsqueeze(1);
  const torch::Tensor A3 = torch::linalg_matrix_power(units_a, 3).diagonal();
  torch::Tensor out = torch::zeros({n + 1, 8}, torch::kFloat64);
  out.select(1, 0).narrow(0, 0, n).copy_(torch::tensor(rate_z, torch::kFloat64));
  out.select(1, 1).narrow(0, 0, n).copy_(degree / static_cast<double>(n - 1));
  out.select(1, 2).narrow(0, 0, n).copy_((units_a * units_w).sum(1) / static_cast<double>(n - 1));
  out.select(1, 3).narrow(0, 0, n).copy_(
      torch::where(degree >= 2, A3 / (degree * (degree - 1)).clamp_min(1.0), torch::zeros_like(degree)));
  for (int64_t k = 2; k <= 4; ++k) {
    out.select(1, 2 + k).narrow(0, 0, n).copy_(torch::linalg_matrix_power(P, k).diagonal());
  }
  out[n][7] = 1.0;
  return out;
}

TEST(NodeDescriptors, ATriangleWithATailByHand) {
  // Units 0-1-2 a triangle, 3 hangs on 2, 4 alone; history node 5.
  torch::Tensor units = torch::zeros({5, 5}, torch::kFloat64);
  for (auto [i, j] : std::vector<std::pair<int, int>>{{0, 1}, {1, 2}, {0, 2}, {2, 3}}) {
    units[i][j] = 1.0;
    units[j][i] = 1.0;
  }
  const torch::Tensor a = with_history_node(units);
  const torch::Tensor w = a * 0.5;
  const torch::Tensor x = node_descriptors(a, w, 5, {0.1, 0.2, 0.3, 0.4, 0.5}, true);
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{6, 8}));
  EXPECT_DOUBLE_EQ(x[0][0].item<double>(), 0.1);
  EXPECT_DOUBLE_EQ(x[2][1].item<double>(), 3.0 / 4.0);  // 3 of 4 possible partners
  EXPECT_DOUBLE_EQ(x[2][2].item<double>(), 1.5 / 4.0);  // three edges of weight 0.5
  EXPECT_DOUBLE_EQ(x[0][3].item<double>(), 1.0);        // both neighbours linked
  EXPECT_NEAR(x[2][3].item<double>(), 1.0 / 3.0, 1e-15);  // one of three neighbour pairs
  EXPECT_EQ(x[3][3].item<double>(), 0.0);                 // a single neighbour
  // From 3 the walk must go to 2 and come back with probability 1/3.
  EXPECT_NEAR(x[3][4].item<double>(), 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(x[3][5].item<double>(), 0.0, 1e-15);  // no odd cycle through 3
  for (int64_t c = 1; c < 8; ++c) EXPECT_EQ(x[4][c].item<double>(), 0.0) << c;  // isolated
  for (int64_t c = 0; c < 7; ++c) EXPECT_EQ(x[5][c].item<double>(), 0.0) << c;  // history node
  EXPECT_EQ(x[5][7].item<double>(), 1.0);
  EXPECT_LT((x - by_definition(units, torch::full({5, 5}, 0.5, torch::kFloat64),
                               {0.1, 0.2, 0.3, 0.4, 0.5}))
                .abs()
                .max()
                .item<double>(),
            1e-14);
}

TEST(NodeDescriptors, RandomGraphsEqualTheirDefinitionsDenseOrSparse) {
  torch::manual_seed(21);
  for (const double density : {0.1, 0.5}) {
    const int64_t n = 40;
    torch::Tensor upper = (torch::rand({n, n}, torch::kFloat64) < density).to(torch::kFloat64).triu(1);
    const torch::Tensor units = upper + upper.t();
    torch::Tensor r = torch::rand({n, n}, torch::kFloat64);
    r = (r + r.t()) / 2;
    const torch::Tensor a = with_history_node(units);
    torch::Tensor w = a.clone();
    w.narrow(0, 0, n).narrow(1, 0, n).copy_(units * r);
    w.fill_diagonal_(1.0);
    std::vector<double> rates;
    for (int64_t i = 0; i < n; ++i) rates.push_back(0.1 * static_cast<double>(i) - 2.0);
    const torch::Tensor dense = node_descriptors(a, w, n, rates, true);
    const torch::Tensor expected = by_definition(units, r, rates);
    EXPECT_LT((dense - expected).abs().max().item<double>(), 1e-12) << "density " << density;
    // W on A's edges only, both sparse, in float32: the same to float32.
    const torch::Tensor sparse =
        node_descriptors(a.to_sparse().to(torch::kFloat32), w.to_sparse().to(torch::kFloat32), n, rates, true);
    EXPECT_EQ(sparse.scalar_type(), torch::kFloat32);
    EXPECT_FALSE(sparse.is_sparse());
    EXPECT_LT((sparse.to(torch::kFloat64) - expected).abs().max().item<double>(), 1e-5);
  }
}

TEST(NodeDescriptors, WithoutAHistoryNodeAndBadShapes) {
  const torch::Tensor units = torch::ones({3, 3}, torch::kFloat64);
  const torch::Tensor x = node_descriptors(units, units, 3, {0, 0, 0}, false);
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{3, 8}));
  EXPECT_DOUBLE_EQ(x[0][3].item<double>(), 1.0);  // a triangle
  EXPECT_EQ(x.select(1, 7).abs().sum().item<double>(), 0.0);
  EXPECT_THROW(node_descriptors(units, units, 4, {0, 0, 0, 0}, false), Error);
  EXPECT_THROW(node_descriptors(units, units, 3, {0, 0}, false), Error);
}

// From a recording: the width is 8 whatever the number of units, the rate
// column is rows+rates' own, and the file keeps what is needed.
TEST(NodeDescriptors, SequencesOfAnySizeHaveTheSameWidth) {
  for (const int64_t units : {6, 25}) {
    torch::manual_seed(3);
    const torch::Tensor y = torch::poisson(torch::full({units, 300}, 0.8, torch::kFloat64));
    Recording rec(Activity{static_cast<std::size_t>(units), 300,
                           std::vector<double>(y.data_ptr<double>(), y.data_ptr<double>() + y.numel())},
                  0.05);
    GraphBuilderOptions o;
    o.theta = 0.05;
    o.history_node = true;
    o.features = NodeFeatures::Descriptors;
    const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 100, 100));
    EXPECT_EQ(seq.feature_dim(), kDescriptorWidth);
    o.features = NodeFeatures::RowsAndRates;
    const GraphSequence with_rates =
        CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 100, 100));
    for (std::size_t t = 0; t < seq.size(); ++t) {
      const torch::Tensor x = seq.features(t);
      ASSERT_EQ(x.sizes(), (std::vector<int64_t>{units + 1, 8}));
      EXPECT_TRUE(x.select(1, 0).equal(with_rates.features(t).select(1, units + 1)));
      EXPECT_TRUE(x.isfinite().all().item<bool>());
    }
  }
  EXPECT_EQ(parse_node_features("descriptors"), NodeFeatures::Descriptors);
  EXPECT_EQ(descriptor_names().size(), kDescriptorWidth);
}

}  // namespace
}  // namespace tavrnn::graphs
