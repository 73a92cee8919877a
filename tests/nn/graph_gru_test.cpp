#include "tavrnn/nn/graph_gru.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "by_hand.h"

#include "tavrnn/nn/normalized_adjacency.h"

namespace tavrnn::nn {
namespace {

constexpr int64_t kNodes = 6;
constexpr int64_t kInput = 5;
constexpr int64_t kHidden = 4;

using by_hand::kTolerance;
using by_hand::max_abs_diff;
using by_hand::random_normal;

// A ring of kNodes with self loops and one chord: degrees 3 and 4.
torch::Tensor ring_graph() {
  auto a = torch::eye(kNodes, torch::kFloat64);
  for (int64_t i = 0; i < kNodes; ++i) {
    a.index_put_({i, (i + 1) % kNodes}, 1.0);
    a.index_put_({(i + 1) % kNodes, i}, 1.0);
  }
  a.index_put_({0, 3}, 1.0);
  a.index_put_({3, 0}, 1.0);
  return a;
}


// Glorot Thetas from `gen`, and non-zero biases (reset leaves them zero,
// which would hide a bias added to the wrong gate).
GraphGRU float64_gru(at::Generator& gen) {
  GraphGRU gru(GraphGRUOptions(kInput, kHidden));
  gru->to(torch::kFloat64);
  gru->reset_parameters(gen);
  torch::NoGradGuard no_grad;
  for (auto& item : gru->named_parameters()) {
    if (item.key().find("bias") != std::string::npos) item.value().normal_(0, 0.5, gen);
  }
  return gru;
}

torch::Tensor sigmoid_by_hand(const torch::Tensor& x) { return 1.0 / (1.0 + torch::exp(-x)); }

// MODEL.md section 4, one gate at a time: GCN(x) = A_hat x Theta + b.
torch::Tensor gru_by_hand(const GraphGRU& gru, const torch::Tensor& u, const torch::Tensor& h,
                          const torch::Tensor& a_hat) {
  auto gcn = [&](const GraphConv& gate, const torch::Tensor& x) {
    return torch::mm(torch::mm(a_hat, x), gate->weight.detach()) + gate->bias.detach();
  };
  const auto s = sigmoid_by_hand(gcn(gru->xz, u) + gcn(gru->hz, h));
  const auto r = sigmoid_by_hand(gcn(gru->xr, u) + gcn(gru->hr, h));
  const auto candidate = torch::tanh(gcn(gru->xh, u) + gcn(gru->hh, r * h));
  return s * h + (1.0 - s) * candidate;
}

TEST(GraphGRU, RegistersSixGateConvolutionsInOrder) {
  GraphGRU gru(GraphGRUOptions(kInput, kHidden));
  const auto named = gru->named_parameters();
  const std::vector<std::string> expected = {"xz.weight", "xz.bias", "hz.weight", "hz.bias",
                                             "xr.weight", "xr.bias", "hr.weight", "hr.bias",
                                             "xh.weight", "xh.bias", "hh.weight", "hh.bias"};
  EXPECT_EQ(named.keys(), expected);
  EXPECT_EQ(gru->parameters().size(), 12u);
  for (const std::string gate : {"xz", "xr", "xh"}) {
    EXPECT_EQ(named[gate + ".weight"].sizes(), (std::vector<int64_t>{kInput, kHidden})) << gate;
    EXPECT_EQ(named[gate + ".bias"].sizes(), (std::vector<int64_t>{kHidden})) << gate;
  }
  for (const std::string gate : {"hz", "hr", "hh"}) {
    EXPECT_EQ(named[gate + ".weight"].sizes(), (std::vector<int64_t>{kHidden, kHidden})) << gate;
  }
}

TEST(GraphGRU, OneStepMatchesTheGateEquationsRecomputedByHand) {
  auto gen = at::detail::createCPUGenerator(31);
  GraphGRU gru = float64_gru(gen);
  const auto a = ring_graph();
  const auto u = random_normal({kNodes, kInput}, gen);
  const auto h = torch::tanh(random_normal({kNodes, kHidden}, gen));
  const auto expected = gru_by_hand(gru, u, h, by_hand::normalised_adjacency(a));
  for (auto format : {AdjacencyFormat::Dense, AdjacencyFormat::Sparse}) {
    const auto g = gru->forward(u, h, NormalizedAdjacency::from(a, format));
    EXPECT_LT(max_abs_diff(g, expected), kTolerance)
        << (format == AdjacencyFormat::Sparse ? "sparse" : "dense");
  }
}

TEST(GraphGRU, ThreeStepsMatchTheHandRecurrence) {
  auto gen = at::detail::createCPUGenerator(32);
  GraphGRU gru = float64_gru(gen);
  const auto a = ring_graph();
  const auto a_hat = NormalizedAdjacency::from(a, AdjacencyFormat::Dense);
  auto h = torch::zeros({kNodes, kHidden}, torch::kFloat64);
  auto h_hand = h.clone();
  for (int step = 0; step < 3; ++step) {
    const auto u = random_normal({kNodes, kInput}, gen);
    h = gru->forward(u, h, a_hat);
    h_hand = gru_by_hand(gru, u, h_hand, by_hand::normalised_adjacency(a));
  }
  EXPECT_LT(max_abs_diff(h, h_hand), kTolerance);
}

TEST(GraphGRU, ZeroInputAndZeroStateGiveOneMinusUpdateTimesTanhOfBiases) {
  auto gen = at::detail::createCPUGenerator(33);
  GraphGRU gru = float64_gru(gen);
  const auto u = torch::zeros({kNodes, kInput}, torch::kFloat64);
  const auto h = torch::zeros({kNodes, kHidden}, torch::kFloat64);
  const auto g = gru->forward(u, h, NormalizedAdjacency::from(ring_graph())).detach().contiguous();
  // Every product with A_hat vanishes: s = sigmoid(b_xz + b_hz), h_cand =
  // tanh(b_xh + b_hh), g = (1 - s) h_cand on every node, whatever the graph.
  const auto b_xz = gru->xz->bias.detach().contiguous();
  const auto b_hz = gru->hz->bias.detach().contiguous();
  const auto b_xh = gru->xh->bias.detach().contiguous();
  const auto b_hh = gru->hh->bias.detach().contiguous();
  const auto gv = g.accessor<double, 2>();
  for (int64_t j = 0; j < kHidden; ++j) {
    const double s = 1.0 / (1.0 + std::exp(-(b_xz[j].item<double>() + b_hz[j].item<double>())));
    const double candidate = std::tanh(b_xh[j].item<double>() + b_hh[j].item<double>());
    for (int64_t i = 0; i < kNodes; ++i) {
      EXPECT_NEAR(gv[i][j], (1.0 - s) * candidate, kTolerance) << i << "," << j;
    }
  }
}

TEST(GraphGRU, ZeroInputZeroStateAndZeroBiasesStayAtZero) {
  GraphGRU gru(GraphGRUOptions(kInput, kHidden));
  gru->to(torch::kFloat64);  // biases start at zero
  const auto g = gru->forward(torch::zeros({kNodes, kInput}, torch::kFloat64),
                              torch::zeros({kNodes, kHidden}, torch::kFloat64),
                              NormalizedAdjacency::from(ring_graph()));
  EXPECT_EQ(g.abs().max().item<double>(), 0.0);
}

TEST(GraphGRU, OpenUpdateGateKeepsTheState) {
  auto gen = at::detail::createCPUGenerator(34);
  GraphGRU gru = float64_gru(gen);
  {
    torch::NoGradGuard no_grad;
    gru->xz->bias.fill_(60.0);  // s = sigmoid(60 + O(1)) = 1 to double precision
  }
  const auto u = random_normal({kNodes, kInput}, gen);
  const auto h = torch::tanh(random_normal({kNodes, kHidden}, gen));
  EXPECT_LT(max_abs_diff(gru->forward(u, h, NormalizedAdjacency::from(ring_graph())), h), kTolerance);
}

TEST(GraphGRU, ClosedUpdateAndResetGatesGiveTheCandidateFromTheInputAlone) {
  auto gen = at::detail::createCPUGenerator(35);
  GraphGRU gru = float64_gru(gen);
  {
    torch::NoGradGuard no_grad;
    gru->xz->bias.fill_(-60.0);  // s = 0: g = h_cand
    gru->xr->bias.fill_(-60.0);  // r = 0: GCN_hh(r * h) = b_hh
  }
  const auto a = ring_graph();
  const auto u = random_normal({kNodes, kInput}, gen);
  const auto h = torch::tanh(random_normal({kNodes, kHidden}, gen));
  const auto expected = torch::tanh(torch::mm(torch::mm(by_hand::normalised_adjacency(a), u), gru->xh->weight.detach()) +
                                    gru->xh->bias.detach() + gru->hh->bias.detach());
  EXPECT_LT(max_abs_diff(gru->forward(u, h, NormalizedAdjacency::from(a)), expected), kTolerance);
}

TEST(GraphGRU, StateStaysWithinMinusOneAndOneUnderLargeInputs) {
  auto gen = at::detail::createCPUGenerator(36);
  GraphGRU gru = float64_gru(gen);
  const auto a_hat = NormalizedAdjacency::from(ring_graph());
  auto h = torch::zeros({kNodes, kHidden}, torch::kFloat64);
  double largest = 0.0;
  for (int step = 0; step < 20; ++step) {
    // g is a convex combination of h and tanh(...), so |g| <= 1 once |h| <= 1.
    h = gru->forward(random_normal({kNodes, kInput}, gen, 20.0), h, a_hat).detach();
    largest = std::max(largest, h.abs().max().item<double>());
    ASSERT_LE(h.abs().max().item<double>(), 1.0 + 1e-12) << "step " << step;
  }
  EXPECT_GT(largest, 0.5);  // the inputs were large enough to push the state far from zero
}

TEST(GraphGRU, EveryGateParameterReceivesAGradient) {
  auto gen = at::detail::createCPUGenerator(37);
  GraphGRU gru = float64_gru(gen);
  const auto u = random_normal({kNodes, kInput}, gen);
  const auto h = torch::tanh(random_normal({kNodes, kHidden}, gen));
  const auto upstream = random_normal({kNodes, kHidden}, gen);
  (gru->forward(u, h, NormalizedAdjacency::from(ring_graph(), AdjacencyFormat::Sparse)) * upstream)
      .sum()
      .backward();
  for (const auto& item : gru->named_parameters()) {
    ASSERT_TRUE(item.value().grad().defined()) << item.key();
    EXPECT_GT(item.value().grad().abs().sum().item<double>(), 0.0) << item.key();
  }
}

TEST(GraphGRU, ResetParametersIsDeterministicPerSeedAndZeroesBiases) {
  auto gen = at::detail::createCPUGenerator(38);
  GraphGRU first = float64_gru(gen);
  GraphGRU second = float64_gru(gen);
  auto seed_a = at::detail::createCPUGenerator(7);
  auto seed_b = at::detail::createCPUGenerator(7);
  first->reset_parameters(seed_a);
  second->reset_parameters(seed_b);
  const auto p = first->named_parameters();
  const auto q = second->named_parameters();
  for (const auto& item : p) {
    EXPECT_TRUE(torch::equal(item.value(), q[item.key()])) << item.key();
    if (item.key().find("bias") != std::string::npos) {
      EXPECT_EQ(item.value().abs().max().item<double>(), 0.0) << item.key();
    }
  }
  // The six gates draw in turn: no two Thetas of the same shape coincide.
  EXPECT_FALSE(torch::equal(p["xz.weight"], p["xr.weight"]));
  EXPECT_FALSE(torch::equal(p["hz.weight"], p["hh.weight"]));
}

TEST(GraphGRU, RejectsInputsOfTheWrongWidth) {
  GraphGRU gru(GraphGRUOptions(kInput, kHidden));
  gru->to(torch::kFloat64);
  const auto a_hat = NormalizedAdjacency::from(ring_graph(), AdjacencyFormat::Dense);
  const auto u = torch::ones({kNodes, kInput}, torch::kFloat64);
  const auto h = torch::ones({kNodes, kHidden}, torch::kFloat64);
  EXPECT_THROW(gru->forward(torch::ones({kNodes, kInput + 1}, torch::kFloat64), h, a_hat), c10::Error);
  EXPECT_THROW(gru->forward(u, torch::ones({kNodes, kHidden + 1}, torch::kFloat64), a_hat), c10::Error);
  EXPECT_THROW(gru->forward(torch::ones({kNodes + 1, kInput}, torch::kFloat64), h, a_hat), c10::Error);
  EXPECT_NO_THROW(gru->forward(u, h, a_hat));
}

TEST(GraphGRU, PrettyPrintStatesWidths) {
  GraphGRU gru(GraphGRUOptions(kInput, kHidden));
  std::ostringstream text;
  gru->pretty_print(text);
  EXPECT_EQ(text.str(), "tavrnn::nn::GraphGRU(input_size=5, hidden_size=4)");
}

}  // namespace
}  // namespace tavrnn::nn
