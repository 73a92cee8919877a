// A sequence run in pieces with a RecurrentState carried between them, and
// truncated back-propagation through time (RecurrentState::truncate).
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/nn/tavrnn.h"

namespace tavrnn::nn {
namespace {

struct Sequence {
  std::vector<StepGraph> steps;
  torch::Tensor noise;
};

Sequence random_sequence(int64_t windows, int64_t nodes, int64_t latent, std::uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  Sequence s;
  for (int64_t t = 0; t < windows; ++t) {
    auto u = torch::empty({nodes, nodes}, torch::kFloat64).uniform_(0, 1, gen);
    auto a = ((u + u.t()) / 2 < 0.3).to(torch::kFloat64);
    a.fill_diagonal_(1.0);
    s.steps.push_back({NormalizedAdjacency::from(a, AdjacencyFormat::Sparse),
                       torch::empty({nodes, 5}, torch::kFloat64).normal_(0, 1, gen)});
  }
  s.noise = torch::empty({windows, nodes, latent}, torch::kFloat64).normal_(0, 1, gen);
  return s;
}

Tavrnn model(int64_t attention_width, bool attention = true) {
  auto gen = at::detail::createCPUGenerator(3);
  Tavrnn m(TavrnnOptions(5).hidden(6).latent(3).attention(attention).attention_width(attention_width));
  m->to(torch::kFloat64);
  m->reset_parameters(gen);
  return m;
}

std::vector<StepGraph> part(const Sequence& s, int64_t begin, int64_t count) {
  return {s.steps.begin() + begin, s.steps.begin() + begin + count};
}

torch::Tensor sum_of_mu(const SequenceOutput& out) {
  auto total = torch::zeros({}, torch::kFloat64);
  for (const auto& mu : out.mu) total = total + (mu * mu).sum();
  return total;
}

std::vector<torch::Tensor> gradients(Tavrnn& m) {
  std::vector<torch::Tensor> out;
  for (const auto& p : m->parameters()) {
    out.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
    if (p.grad().defined()) p.mutable_grad().zero_();
  }
  return out;
}

const auto kOptions = torch::TensorOptions().dtype(torch::kFloat64);

TEST(RecurrentState, PiecesCarryingTheStateAreTheWholeSequenceBitForBit) {
  const Sequence s = random_sequence(7, 6, 3, 1);
  for (const int64_t width : {0, 2}) {
    for (const bool attention : {true, false}) {
      Tavrnn m = model(width, attention);
      const SequenceOutput whole = m->forward(s.steps, s.noise);
      RecurrentState state = m->initial_state(6, 7, kOptions);
      std::vector<torch::Tensor> mu, h;
      for (const auto& [begin, count] : std::vector<std::pair<int64_t, int64_t>>{{0, 3}, {3, 1}, {4, 3}}) {
        const SequenceOutput out = m->forward(part(s, begin, count), s.noise.narrow(0, begin, count), state);
        mu.insert(mu.end(), out.mu.begin(), out.mu.end());
        h.insert(h.end(), out.h.begin(), out.h.end());
      }
      EXPECT_EQ(state.steps, 7);
      ASSERT_EQ(mu.size(), 7u);
      for (std::size_t t = 0; t < 7; ++t) {
        EXPECT_TRUE(mu[t].equal(whole.mu[t])) << "width " << width << ", window " << t;
        EXPECT_TRUE(h[t].equal(whole.h[t])) << "width " << width << ", window " << t;
      }
    }
  }
}

// The truncated gradient of the second piece's loss is the gradient of that
// loss with the first piece run as constants (under NoGradGuard).
TEST(RecurrentState, TruncateCutsTheGradientBetweenPieces) {
  const Sequence s = random_sequence(6, 6, 3, 2);
  for (const int64_t width : {0, 4}) {
    Tavrnn m = model(width);
    // Oracle: piece one without a graph, piece two with one.
    RecurrentState oracle_state = m->initial_state(6, 6, kOptions);
    {
      torch::NoGradGuard no_grad;
      m->forward(part(s, 0, 3), s.noise.narrow(0, 0, 3), oracle_state);
    }
    sum_of_mu(m->forward(part(s, 3, 3), s.noise.narrow(0, 3, 3), oracle_state)).backward();
    const auto expected = gradients(m);
    // Both pieces with graphs, the first one's backward done, then truncated.
    RecurrentState state = m->initial_state(6, 6, kOptions);
    sum_of_mu(m->forward(part(s, 0, 3), s.noise.narrow(0, 0, 3), state)).backward();
    gradients(m);  // zeroes them
    state.truncate();
    sum_of_mu(m->forward(part(s, 3, 3), s.noise.narrow(0, 3, 3), state)).backward();
    const auto second = gradients(m);
    // And without truncation the second piece's gradient reaches the first.
    RecurrentState untruncated = m->initial_state(6, 6, kOptions);
    const auto one = m->forward(part(s, 0, 3), s.noise.narrow(0, 0, 3), untruncated);
    sum_of_mu(m->forward(part(s, 3, 3), s.noise.narrow(0, 3, 3), untruncated)).backward();
    const auto through = gradients(m);
    double largest_change = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_TRUE(torch::allclose(second[i], expected[i], 1e-12, 1e-12)) << "width " << width << ", parameter " << i;
      largest_change = std::max(largest_change, (through[i] - expected[i]).abs().max().item<double>());
    }
    EXPECT_GT(largest_change, 1e-6) << "width " << width;
  }
}

}  // namespace
}  // namespace tavrnn::nn
