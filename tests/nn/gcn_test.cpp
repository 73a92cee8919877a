#include "tavrnn/nn/gcn.h"

#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "by_hand.h"

#include "error_message.h"
#include "tavrnn/nn/normalized_adjacency.h"

namespace tavrnn::nn {
namespace {

using test_support::error_of;


using by_hand::kTolerance;
using by_hand::max_abs_diff;
using by_hand::random_normal;

// 4 nodes with self loops; degrees 3, 3, 2, 2.
torch::Tensor small_graph() {
  return torch::tensor({1.0, 1.0, 0.0, 1.0,  //
                        1.0, 1.0, 1.0, 0.0,  //
                        0.0, 1.0, 1.0, 0.0,  //
                        1.0, 0.0, 0.0, 1.0},
                       torch::kFloat64)
      .view({4, 4});
}

// Symmetric 0/1 with self loops, about `density` of the off-diagonal entries.
torch::Tensor random_graph(int64_t n, double density, at::Generator& gen) {
  auto u = torch::empty({n, n}, torch::kFloat64).uniform_(0, 1, gen);
  auto a = (torch::triu(u, 1) > 1.0 - density).to(torch::kFloat64);
  a = a + a.t();
  a.fill_diagonal_(1.0);
  return a;
}


GraphConv float64_conv(GraphConvOptions options, at::Generator& gen) {
  GraphConv conv(options);
  conv->to(torch::kFloat64);
  conv->reset_parameters(gen);
  if (conv->bias.defined()) {
    torch::NoGradGuard no_grad;
    conv->bias.normal_(0, 1, gen);  // reset leaves it zero, which would hide a bias that is dropped
  }
  return conv;
}

// --- NormalizedAdjacency -------------------------------------------------

TEST(NormalizedAdjacency, EntriesAreEdgeOverSqrtOfBothDegrees) {
  const auto a = small_graph();
  const auto a_hat = NormalizedAdjacency::from(a, AdjacencyFormat::Dense);
  ASSERT_FALSE(a_hat.is_sparse());
  EXPECT_EQ(a_hat.n_nodes(), 4);
  const auto m = a_hat.matrix();
  EXPECT_LT(max_abs_diff(m, by_hand::normalised_adjacency(a)), kTolerance);
  EXPECT_NEAR(m[0][1].item<double>(), 1.0 / 3.0, kTolerance);             // degrees 3, 3
  EXPECT_NEAR(m[1][2].item<double>(), 1.0 / std::sqrt(6.0), kTolerance);  // degrees 3, 2
  EXPECT_NEAR(m[3][3].item<double>(), 0.5, kTolerance);                   // self loop, degree 2
  EXPECT_EQ(m[0][2].item<double>(), 0.0);
}

TEST(NormalizedAdjacency, UsesAdjacencyAsGivenWithoutAddingSelfLoops) {
  // Path 0 - 1 - 2, no self loops: degrees 1, 2, 1.
  const auto a = torch::tensor({0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0}, torch::kFloat64).view({3, 3});
  for (auto format : {AdjacencyFormat::Dense, AdjacencyFormat::Sparse}) {
    const auto m = NormalizedAdjacency::from(a, format).matrix().to_dense();
    EXPECT_LT(m.diagonal().abs().max().item<double>(), kTolerance);
    EXPECT_NEAR(m[0][1].item<double>(), 1.0 / std::sqrt(2.0), kTolerance);
    EXPECT_NEAR(m[2][1].item<double>(), 1.0 / std::sqrt(2.0), kTolerance);
  }
}

TEST(NormalizedAdjacency, IsolatedNodeGetsZeroRowAndColumnNotNaN) {
  auto a = small_graph();
  a[2].zero_();
  a.select(1, 2).zero_();  // node 2 now has degree 0, not even a self loop
  for (auto format : {AdjacencyFormat::Dense, AdjacencyFormat::Sparse}) {
    const auto m = NormalizedAdjacency::from(a, format).matrix().to_dense();
    EXPECT_TRUE(torch::isfinite(m).all().item<bool>());
    EXPECT_EQ(m[2].abs().sum().item<double>(), 0.0);
    EXPECT_EQ(m.select(1, 2).abs().sum().item<double>(), 0.0);
    EXPECT_LT(max_abs_diff(m, by_hand::normalised_adjacency(a)), kTolerance);
  }
}

TEST(NormalizedAdjacency, AutoPicksSparseBelowTheDensityThreshold) {
  const auto identity = torch::eye(10, torch::kFloat64);  // 10 non-zeros of 100
  EXPECT_TRUE(NormalizedAdjacency::from(identity, AdjacencyFormat::Auto, 0.2).is_sparse());
  EXPECT_FALSE(NormalizedAdjacency::from(identity, AdjacencyFormat::Auto, 0.09).is_sparse());
  EXPECT_FALSE(NormalizedAdjacency::from(identity, AdjacencyFormat::Auto).is_sparse());       // default 0.05
  EXPECT_FALSE(NormalizedAdjacency::from(identity, AdjacencyFormat::Dense, 0.9).is_sparse());
  EXPECT_TRUE(NormalizedAdjacency::from(small_graph(), AdjacencyFormat::Sparse).is_sparse());
  EXPECT_TRUE(NormalizedAdjacency::from(identity, AdjacencyFormat::Sparse).matrix().is_sparse());
}

TEST(NormalizedAdjacency, AcceptsSparseCooInputAsTheSameGraph) {
  const auto a = small_graph();
  const auto from_sparse = NormalizedAdjacency::from(a.to_sparse(), AdjacencyFormat::Dense);
  EXPECT_LT(max_abs_diff(from_sparse.matrix(), by_hand::normalised_adjacency(a)), kTolerance);
}

TEST(NormalizedAdjacency, RejectsANonSquareMatrixNamingItsShape) {
  const auto a = torch::ones({3, 4}, torch::kFloat64);
  const std::string message = error_of([&] { NormalizedAdjacency::from(a); });
  EXPECT_NE(message.find("square"), std::string::npos) << message;
  EXPECT_NE(message.find("[3, 4]"), std::string::npos) << message;
  EXPECT_NE(error_of([&] { NormalizedAdjacency::from(torch::ones({4}, torch::kFloat64)); }), "");
}

TEST(NormalizedAdjacency, SparseAndDenseProductsAgreeForEveryWidth) {
  auto gen = at::detail::createCPUGenerator(11);
  const auto a = random_graph(13, 0.2, gen);
  const auto dense = NormalizedAdjacency::from(a, AdjacencyFormat::Dense);
  const auto sparse = NormalizedAdjacency::from(a, AdjacencyFormat::Sparse);
  const auto expected_matrix = by_hand::normalised_adjacency(a);
  // Widths that take each vectorised kernel (multiples of 4 doubles) and the plain loop.
  for (int64_t width : {1, 3, 4, 5, 8, 12, 16, 20, 24, 32, 48}) {
    const auto x = random_normal({13, width}, gen);
    const auto expected = torch::mm(expected_matrix, x);
    EXPECT_LT(max_abs_diff(dense.apply(x), expected), kTolerance) << "width " << width;
    EXPECT_LT(max_abs_diff(sparse.apply(x), expected), kTolerance) << "width " << width;
  }
}

TEST(NormalizedAdjacency, GradientIsTransposedProductForAnAsymmetricGraph) {
  auto gen = at::detail::createCPUGenerator(12);
  auto a = (torch::empty({7, 7}, torch::kFloat64).uniform_(0, 1, gen) < 0.4).to(torch::kFloat64);
  a.fill_diagonal_(1.0);
  a.index_put_({0, 6}, 1.0);
  a.index_put_({6, 0}, 0.0);  // certainly not symmetric
  const auto expected_matrix = by_hand::normalised_adjacency(a);
  ASSERT_GT((expected_matrix - expected_matrix.t()).abs().max().item<double>(), 0.01);
  const auto upstream = random_normal({7, 8}, gen);
  for (auto format : {AdjacencyFormat::Dense, AdjacencyFormat::Sparse}) {
    const auto a_hat = NormalizedAdjacency::from(a, format);
    const auto x = random_normal({7, 8}, gen).requires_grad_(true);
    const auto y = a_hat.apply(x);
    EXPECT_LT(max_abs_diff(y, torch::mm(expected_matrix, x.detach())), kTolerance);
    (y * upstream).sum().backward();
    EXPECT_LT(max_abs_diff(x.grad(), torch::mm(expected_matrix.t(), upstream)), kTolerance)
        << (format == AdjacencyFormat::Sparse ? "sparse" : "dense");
  }
}

TEST(NormalizedAdjacency, ConversionToFloat32KeepsFormatAndValues) {
  const auto a = small_graph();
  for (auto format : {AdjacencyFormat::Dense, AdjacencyFormat::Sparse}) {
    const auto converted = NormalizedAdjacency::from(a, format).to(torch::kCPU, torch::kFloat32);
    EXPECT_EQ(converted.is_sparse(), format == AdjacencyFormat::Sparse);
    EXPECT_EQ(converted.matrix().scalar_type(), torch::kFloat32);
    const auto x = torch::arange(12, torch::kFloat32).view({4, 3});
    const auto expected = torch::mm(by_hand::normalised_adjacency(a), x.to(torch::kFloat64));
    EXPECT_LT(max_abs_diff(converted.apply(x), expected), 1e-4);
  }
}

// --- GraphConv -----------------------------------------------------------

TEST(GraphConv, MatchesNormalisedAdjacencyTimesFeaturesTimesThetaPlusBias) {
  auto gen = at::detail::createCPUGenerator(21);
  const auto a = small_graph();
  const auto a_hat = NormalizedAdjacency::from(a, AdjacencyFormat::Dense);
  // 3 -> 5 multiplies by A_hat first, 5 -> 2 by Theta first: both orders.
  for (auto [in, out] : std::vector<std::pair<int64_t, int64_t>>{{3, 5}, {5, 2}, {4, 4}}) {
    GraphConv conv = float64_conv(GraphConvOptions(in, out), gen);
    const auto x = random_normal({4, in}, gen);
    const auto expected = torch::mm(torch::mm(by_hand::normalised_adjacency(a), x), conv->weight.detach()) +
                          conv->bias.detach();
    EXPECT_LT(max_abs_diff(conv->forward(x, a_hat), expected), kTolerance) << in << " -> " << out;
  }
}

TEST(GraphConv, DenseAndSparseAdjacencyGiveTheSameOutput) {
  auto gen = at::detail::createCPUGenerator(22);
  const auto a = random_graph(15, 0.15, gen);
  const auto dense = NormalizedAdjacency::from(a, AdjacencyFormat::Dense);
  const auto sparse = NormalizedAdjacency::from(a, AdjacencyFormat::Sparse);
  for (auto [in, out] : std::vector<std::pair<int64_t, int64_t>>{{6, 8}, {8, 3}, {5, 5}}) {
    GraphConv conv = float64_conv(GraphConvOptions(in, out), gen);
    const auto x = random_normal({15, in}, gen);
    const auto expected = torch::mm(torch::mm(by_hand::normalised_adjacency(a), x), conv->weight.detach()) +
                          conv->bias.detach();
    EXPECT_LT(max_abs_diff(conv->forward(x, dense), expected), kTolerance);
    EXPECT_LT(max_abs_diff(conv->forward(x, sparse), expected), kTolerance);
  }
}

// Identity features are a sparse identity; a layer wider than its input
// (VGAE on a graph of fewer nodes than its hidden width) multiplied A_hat by
// the sparse X first, which has no kernel.
TEST(GraphConv, SparseFeaturesWiderOutputThanInputOnEitherAdjacency) {
  auto gen = at::detail::createCPUGenerator(24);
  const auto a = random_graph(6, 0.4, gen);
  const auto diagonal = torch::arange(6, torch::kInt64);
  const auto identity = torch::sparse_coo_tensor(torch::stack({diagonal, diagonal}), torch::ones({6}, torch::kFloat64),
                                                 {6, 6}).coalesce();
  GraphConv conv = float64_conv(GraphConvOptions(6, 9), gen);
  const auto expected = torch::mm(by_hand::normalised_adjacency(a), conv->weight.detach()) + conv->bias.detach();
  for (const auto format : {AdjacencyFormat::Dense, AdjacencyFormat::Sparse}) {
    EXPECT_LT(max_abs_diff(conv->forward(identity, NormalizedAdjacency::from(a, format)), expected), kTolerance);
  }
}

TEST(GraphConv, WithoutBiasRegistersOnlyThetaAndAddsNoOffset) {
  auto gen = at::detail::createCPUGenerator(23);
  GraphConv conv = float64_conv(GraphConvOptions(3, 2).bias(false), gen);
  EXPECT_FALSE(conv->bias.defined());
  const auto named = conv->named_parameters();
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(named.keys()[0], "weight");
  const auto a = small_graph();
  const auto x = random_normal({4, 3}, gen);
  const auto expected = torch::mm(torch::mm(by_hand::normalised_adjacency(a), x), conv->weight.detach());
  EXPECT_LT(max_abs_diff(conv->forward(x, NormalizedAdjacency::from(a)), expected), kTolerance);
}

TEST(GraphConv, RegistersThetaAsInByOutAndBiasAsOut) {
  GraphConv conv(3, 7);
  const auto named = conv->named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named.keys()[0], "weight");
  EXPECT_EQ(named.keys()[1], "bias");
  EXPECT_EQ(named["weight"].sizes(), (std::vector<int64_t>{3, 7}));
  EXPECT_EQ(named["bias"].sizes(), (std::vector<int64_t>{7}));
  EXPECT_TRUE(named["weight"].requires_grad());
  EXPECT_EQ(conv->parameters().size(), 2u);
}

TEST(GraphConv, IsolatedNodeOutputIsTheBiasAlone) {
  auto gen = at::detail::createCPUGenerator(24);
  auto a = small_graph();
  a[3].zero_();
  a.select(1, 3).zero_();
  GraphConv conv = float64_conv(GraphConvOptions(3, 4), gen);
  const auto x = random_normal({4, 3}, gen);
  for (auto format : {AdjacencyFormat::Dense, AdjacencyFormat::Sparse}) {
    const auto out = conv->forward(x, NormalizedAdjacency::from(a, format));
    EXPECT_LT(max_abs_diff(out[3], conv->bias.detach()), kTolerance);
  }
}

TEST(GraphConv, GlorotUniformThetaWithinBoundAndZeroBias) {
  GraphConv conv(50, 30);
  conv->to(torch::kFloat64);
  {
    torch::NoGradGuard no_grad;
    conv->bias.fill_(3.0);
  }
  auto gen = at::detail::createCPUGenerator(25);
  conv->reset_parameters(gen);
  const double bound = std::sqrt(6.0 / (50.0 + 30.0));
  const double largest = conv->weight.detach().abs().max().item<double>();
  EXPECT_LE(largest, bound);
  EXPECT_GT(largest, 0.95 * bound);  // 1500 draws: all below 0.95 bound has probability 0.95^1500
  EXPECT_EQ(conv->bias.detach().abs().max().item<double>(), 0.0);

  const auto first = conv->weight.detach().clone();
  auto same_seed = at::detail::createCPUGenerator(25);
  conv->reset_parameters(same_seed);
  EXPECT_TRUE(torch::equal(conv->weight.detach(), first));
  auto other_seed = at::detail::createCPUGenerator(26);
  conv->reset_parameters(other_seed);
  EXPECT_FALSE(torch::equal(conv->weight.detach(), first));
}

TEST(GraphConv, GradientsAreTheClosedFormsOfALinearMap) {
  auto gen = at::detail::createCPUGenerator(27);
  const auto a = small_graph();
  GraphConv conv = float64_conv(GraphConvOptions(3, 2), gen);
  const auto x = random_normal({4, 3}, gen).requires_grad_(true);
  const auto upstream = random_normal({4, 2}, gen);
  (conv->forward(x, NormalizedAdjacency::from(a)) * upstream).sum().backward();
  const auto a_hat = by_hand::normalised_adjacency(a);
  // y = A_hat X Theta + b: dL/dTheta = (A_hat X)^T G, dL/db = column sums of G,
  // dL/dX = A_hat^T G Theta^T.
  EXPECT_LT(max_abs_diff(conv->weight.grad(), torch::mm(torch::mm(a_hat, x.detach()).t(), upstream)),
            kTolerance);
  EXPECT_LT(max_abs_diff(conv->bias.grad(), upstream.sum(0)), kTolerance);
  EXPECT_LT(max_abs_diff(x.grad(), torch::mm(torch::mm(a_hat.t(), upstream), conv->weight.detach().t())),
            kTolerance);
}

TEST(GraphConv, RejectsFeaturesOfTheWrongWidth) {
  const auto a_hat = NormalizedAdjacency::from(small_graph(), AdjacencyFormat::Dense);
  GraphConv widening(3, 5);
  GraphConv narrowing(5, 2);
  widening->to(torch::kFloat64);
  narrowing->to(torch::kFloat64);
  EXPECT_THROW(widening->forward(torch::ones({4, 4}, torch::kFloat64), a_hat), c10::Error);
  EXPECT_THROW(narrowing->forward(torch::ones({4, 4}, torch::kFloat64), a_hat), c10::Error);
  // Wrong number of nodes for this (dense) graph.
  EXPECT_THROW(widening->forward(torch::ones({5, 3}, torch::kFloat64), a_hat), c10::Error);
  EXPECT_THROW(narrowing->forward(torch::ones({5, 5}, torch::kFloat64), a_hat), c10::Error);
}

TEST(GraphConv, PrettyPrintStatesWidthsAndBias) {
  GraphConv conv(GraphConvOptions(3, 7).bias(false));
  std::ostringstream text;
  conv->pretty_print(text);
  EXPECT_EQ(text.str(), "tavrnn::nn::GraphConv(in_features=3, out_features=7, bias=false)");
}

}  // namespace
}  // namespace tavrnn::nn
