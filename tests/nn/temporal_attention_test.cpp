#include "tavrnn/nn/temporal_attention.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "by_hand.h"

namespace tavrnn::nn {
namespace {

constexpr int64_t kStateNodes = 4;  // N', the last one standing for the history node
constexpr int64_t kStateWidth = 3;  // H

using by_hand::kTolerance;
using by_hand::max_abs_diff;

std::vector<torch::Tensor> random_states(int64_t count, at::Generator& gen, double scale = 2.0) {
  std::vector<torch::Tensor> states;
  for (int64_t t = 0; t < count; ++t) {
    states.push_back(torch::empty({kStateNodes, kStateWidth}, torch::kFloat64).normal_(0, scale, gen));
  }
  return states;
}

TemporalAttention float64_attention(TemporalAttentionOptions options, at::Generator& gen) {
  TemporalAttention attention(options);
  attention->to(torch::kFloat64);
  attention->reset_parameters(gen);
  return attention;
}

struct HandAttention {
  std::vector<double> weights;
  torch::Tensor state;
};

// MODEL.md section 4 written out for the states states[first..]: summaries,
// q from the newest, scores q.k_s / sqrt(H), a softmax in doubles, and the
// weighted sum of Linear_v applied to each state on its own.
HandAttention attend_by_hand(const TemporalAttention& attention, const std::vector<torch::Tensor>& states,
                             std::size_t first, AttentionSummary summary) {
  torch::NoGradGuard no_grad;
  auto summarise = [&](const torch::Tensor& s) {
    return summary == AttentionSummary::LastNode ? s[s.size(0) - 1] : s.mean(0);
  };
  auto linear = [](const torch::nn::Linear& layer, const torch::Tensor& x) {
    return torch::matmul(x, layer->weight.t()) + layer->bias;
  };
  const auto q = linear(attention->query, summarise(states.back()));
  std::vector<double> scores;
  for (std::size_t s = first; s < states.size(); ++s) {
    const auto k = linear(attention->key, summarise(states[s]));
    scores.push_back(torch::dot(q, k).item<double>() / std::sqrt(static_cast<double>(kStateWidth)));
  }
  const double top = *std::max_element(scores.begin(), scores.end());
  double total = 0.0;
  HandAttention out;
  for (double score : scores) {
    out.weights.push_back(std::exp(score - top));
    total += out.weights.back();
  }
  out.state = torch::zeros({kStateNodes, kStateWidth}, torch::kFloat64);
  for (std::size_t i = 0; i < out.weights.size(); ++i) {
    out.weights[i] /= total;
    out.state += out.weights[i] * linear(attention->value, states[first + i]);
  }
  return out;
}

void expect_matches_hand(const AttentionOutput& actual, const HandAttention& expected) {
  ASSERT_EQ(actual.weights.dim(), 1);
  ASSERT_EQ(actual.weights.size(0), static_cast<int64_t>(expected.weights.size()));
  for (std::size_t i = 0; i < expected.weights.size(); ++i) {
    EXPECT_NEAR(actual.weights[static_cast<int64_t>(i)].item<double>(), expected.weights[i], kTolerance) << i;
  }
  EXPECT_LT(max_abs_diff(actual.state, expected.state), kTolerance);
}

TEST(TemporalAttention, RegistersQueryKeyAndValueLinears) {
  TemporalAttention attention(TemporalAttentionOptions{kStateWidth});
  const auto named = attention->named_parameters();
  const std::vector<std::string> expected = {"query.weight", "query.bias", "key.weight",
                                             "key.bias",     "value.weight", "value.bias"};
  EXPECT_EQ(named.keys(), expected);
  for (const auto& item : named) {
    const bool is_weight = item.key().find("weight") != std::string::npos;
    const std::vector<int64_t> shape =
        is_weight ? std::vector<int64_t>{kStateWidth, kStateWidth} : std::vector<int64_t>{kStateWidth};
    EXPECT_EQ(item.value().sizes(), shape) << item.key();
  }
}

TEST(TemporalAttention, DefaultsAttendOverEveryStateWithTheLastNode) {
  const TemporalAttentionOptions options(kStateWidth);
  EXPECT_EQ(options.width(), 0);
  EXPECT_EQ(options.summary(), AttentionSummary::LastNode);
  TemporalAttention attention(options);
  std::ostringstream text;
  attention->pretty_print(text);
  EXPECT_EQ(text.str(), "tavrnn::nn::TemporalAttention(hidden_size=3, width=all, summary=last-node)");
}

TEST(TemporalAttention, OutputIsTheWeightedSumOfValuesRecomputedByHand) {
  auto gen = at::detail::createCPUGenerator(41);
  for (auto summary : {AttentionSummary::LastNode, AttentionSummary::Mean}) {
    TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth).summary(summary), gen);
    const auto states = random_states(5, gen);
    expect_matches_hand(attention->forward(states), attend_by_hand(attention, states, 0, summary));
  }
}

TEST(TemporalAttention, ScoresAreQueryOfNewestDotKeyOverSqrtHidden) {
  // Identity query and key, identity value, no biases: with two states whose
  // last rows are a_1 = (1, 0, 0), a_2 = (2, 1, 0), q = a_2 and the scores are
  // 2 / sqrt(3) and 5 / sqrt(3), so alpha_1 = 1 / (1 + e^(3 / sqrt(3))).
  auto gen = at::detail::createCPUGenerator(42);
  TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth), gen);
  {
    torch::NoGradGuard no_grad;
    for (auto* layer : {&attention->query, &attention->key, &attention->value}) {
      (*layer)->weight.copy_(torch::eye(kStateWidth, torch::kFloat64));
      (*layer)->bias.zero_();
    }
  }
  auto states = random_states(2, gen);
  states[0][kStateNodes - 1].copy_(torch::tensor({1.0, 0.0, 0.0}, torch::kFloat64));
  states[1][kStateNodes - 1].copy_(torch::tensor({2.0, 1.0, 0.0}, torch::kFloat64));
  const auto out = attention->forward(states);
  const double alpha_1 = 1.0 / (1.0 + std::exp(3.0 / std::sqrt(3.0)));
  ASSERT_EQ(out.weights.size(0), 2);
  EXPECT_NEAR(out.weights[0].item<double>(), alpha_1, kTolerance);
  EXPECT_NEAR(out.weights[1].item<double>(), 1.0 - alpha_1, kTolerance);
  EXPECT_LT(max_abs_diff(out.state, alpha_1 * states[0] + (1.0 - alpha_1) * states[1]), kTolerance);
}

TEST(TemporalAttention, WeightsAreNonNegativeAndSumToOne) {
  auto gen = at::detail::createCPUGenerator(43);
  TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth), gen);
  for (int64_t count = 1; count <= 7; ++count) {
    const auto out = attention->forward(random_states(count, gen, 5.0));
    ASSERT_EQ(out.weights.sizes(), (std::vector<int64_t>{count}));
    EXPECT_GE(out.weights.min().item<double>(), 0.0) << count;
    EXPECT_NEAR(out.weights.sum().item<double>(), 1.0, kTolerance) << count;
  }
}

TEST(TemporalAttention, OneStepSequenceAttendsOnlyToItself) {
  auto gen = at::detail::createCPUGenerator(44);
  TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth), gen);
  const auto states = random_states(1, gen);
  const auto out = attention->forward(states);
  ASSERT_EQ(out.weights.sizes(), (std::vector<int64_t>{1}));
  EXPECT_DOUBLE_EQ(out.weights[0].item<double>(), 1.0);
  // h_1 = Linear_v(g_1).
  const auto expected = torch::matmul(states[0], attention->value->weight.detach().t()) +
                        attention->value->bias.detach();
  EXPECT_LT(max_abs_diff(out.state, expected), kTolerance);
}

TEST(TemporalAttention, WidthLimitsAttentionToTheNewestStates) {
  auto gen = at::detail::createCPUGenerator(45);
  TemporalAttention narrow = float64_attention(TemporalAttentionOptions(kStateWidth).width(2), gen);
  const auto states = random_states(5, gen);
  const auto out = narrow->forward(states);
  ASSERT_EQ(out.weights.sizes(), (std::vector<int64_t>{2}));
  expect_matches_hand(out, attend_by_hand(narrow, states, 3, AttentionSummary::LastNode));

  // What lies outside the window does not matter.
  auto changed = states;
  for (std::size_t t = 0; t < 3; ++t) changed[t] = changed[t] * -3.0 + 1.0;
  const auto out_changed = narrow->forward(changed);
  EXPECT_LT(max_abs_diff(out_changed.weights, out.weights), kTolerance);
  EXPECT_LT(max_abs_diff(out_changed.state, out.state), kTolerance);
}

TEST(TemporalAttention, WidthOfOneGivesValueOfTheNewestState) {
  auto gen = at::detail::createCPUGenerator(46);
  TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth).width(1), gen);
  const auto states = random_states(4, gen);
  const auto out = attention->forward(states);
  ASSERT_EQ(out.weights.sizes(), (std::vector<int64_t>{1}));
  const auto expected = torch::matmul(states.back(), attention->value->weight.detach().t()) +
                        attention->value->bias.detach();
  EXPECT_LT(max_abs_diff(out.state, expected), kTolerance);
}

TEST(TemporalAttention, WidthBeyondTheSequenceAttendsOverEveryState) {
  auto gen = at::detail::createCPUGenerator(47);
  TemporalAttention wide = float64_attention(TemporalAttentionOptions(kStateWidth).width(8), gen);
  const auto states = random_states(3, gen);
  const auto out = wide->forward(states);
  ASSERT_EQ(out.weights.sizes(), (std::vector<int64_t>{3}));
  expect_matches_hand(out, attend_by_hand(wide, states, 0, AttentionSummary::LastNode));
}

TEST(TemporalAttention, LastNodeSummaryReadsOnlyTheLastNodeForTheWeights) {
  auto gen = at::detail::createCPUGenerator(48);
  TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth), gen);
  const auto states = random_states(4, gen);
  auto changed = states;
  for (auto& s : changed) {
    s = s.clone();
    s.narrow(0, 0, kStateNodes - 1).normal_(0, 2.0, gen);
  }
  const auto before = attention->forward(states);
  const auto after = attention->forward(changed);
  EXPECT_LT(max_abs_diff(after.weights, before.weights), kTolerance);
  EXPECT_GT((after.state - before.state).abs().max().item<double>(), 1e-3);  // the values did change
}

TEST(TemporalAttention, MeanSummaryReadsTheMeanOverNodes) {
  auto gen = at::detail::createCPUGenerator(49);
  TemporalAttention attention =
      float64_attention(TemporalAttentionOptions(kStateWidth).summary(AttentionSummary::Mean), gen);
  const auto states = random_states(4, gen);
  const auto before = attention->forward(states);

  // Moving mass between two nodes keeps every mean, so the weights stay.
  auto same_mean = states;
  for (auto& s : same_mean) {
    s = s.clone();
    const auto shift = torch::empty({kStateWidth}, torch::kFloat64).normal_(0, 2.0, gen);
    s[0] += shift;
    s[kStateNodes - 1] -= shift;
  }
  EXPECT_LT(max_abs_diff(attention->forward(same_mean).weights, before.weights), kTolerance);

  // Shifting one state's nodes other than the last changes its mean, and the weights.
  auto other_mean = states;
  other_mean[0] = other_mean[0].clone();
  other_mean[0].narrow(0, 0, kStateNodes - 1) += 3.0;
  EXPECT_GT((attention->forward(other_mean).weights - before.weights).abs().max().item<double>(), 1e-6);
}

TEST(TemporalAttention, EqualSummariesGiveUniformWeights) {
  auto gen = at::detail::createCPUGenerator(50);
  TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth), gen);
  auto states = random_states(5, gen);
  const auto shared_last_row = torch::tensor({0.7, -1.2, 2.0}, torch::kFloat64);
  for (auto& s : states) s[kStateNodes - 1].copy_(shared_last_row);
  const auto out = attention->forward(states);
  for (int64_t i = 0; i < 5; ++i) EXPECT_NEAR(out.weights[i].item<double>(), 0.2, kTolerance) << i;
  EXPECT_LT(max_abs_diff(out.state, attend_by_hand(attention, states, 0, AttentionSummary::LastNode).state),
            kTolerance);
}

TEST(TemporalAttention, KeyBiasShiftsEveryScoreAlikeAndSoChangesNothing) {
  auto gen = at::detail::createCPUGenerator(51);
  TemporalAttention attention = float64_attention(TemporalAttentionOptions(kStateWidth), gen);
  const auto states = random_states(4, gen);
  const auto before = attention->forward(states);
  {
    torch::NoGradGuard no_grad;
    attention->key->bias.normal_(0, 5.0, gen);
  }
  const auto after = attention->forward(states);
  EXPECT_LT(max_abs_diff(after.weights, before.weights), 1e-10);
  EXPECT_LT(max_abs_diff(after.state, before.state), 1e-10);
}

TEST(TemporalAttention, RejectsAnEmptySequence) {
  TemporalAttention attention(TemporalAttentionOptions{kStateWidth});
  try {
    attention->forward({});
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least one state"), std::string::npos) << e.what();
  }
}

TEST(TemporalAttention, RejectsStatesOfMismatchedShapes) {
  TemporalAttention attention(TemporalAttentionOptions{kStateWidth});
  attention->to(torch::kFloat64);
  const auto good = torch::ones({kStateNodes, kStateWidth}, torch::kFloat64);
  EXPECT_THROW(attention->forward({good, torch::ones({kStateNodes + 1, kStateWidth}, torch::kFloat64)}), c10::Error);
  EXPECT_THROW(attention->forward({torch::ones({kStateNodes, kStateWidth + 1}, torch::kFloat64)}), c10::Error);
  EXPECT_NO_THROW(attention->forward({good, good}));
}

TEST(ResetLinear, DrawsWeightAndBiasWithinOneOverSqrtFanIn) {
  torch::nn::Linear linear(9, 40);  // fan_in 9: bound 1/3; fan_out would give 0.158
  linear->to(torch::kFloat64);
  auto gen = at::detail::createCPUGenerator(52);
  reset_linear(linear, gen);
  const double bound = 1.0 / 3.0;
  const double largest = linear->weight.detach().abs().max().item<double>();
  EXPECT_LE(largest, bound);
  EXPECT_GT(largest, 0.8 * bound);  // 360 draws
  EXPECT_LE(linear->bias.detach().abs().max().item<double>(), bound);
  EXPECT_GT(linear->bias.detach().abs().max().item<double>(), 0.0);

  torch::nn::Linear again(9, 40);
  again->to(torch::kFloat64);
  auto same_seed = at::detail::createCPUGenerator(52);
  reset_linear(again, same_seed);
  EXPECT_TRUE(torch::equal(again->weight, linear->weight));
  EXPECT_TRUE(torch::equal(again->bias, linear->bias));
}

}  // namespace
}  // namespace tavrnn::nn

namespace tavrnn::nn {
namespace {

struct SequenceRun {
  std::vector<torch::Tensor> states;   // h_t per step
  std::vector<torch::Tensor> weights;  // alpha_t per step
  std::vector<torch::Tensor> gradients;  // d loss / d (GRU outputs), then d loss / d parameters
};

// A recurrence like the model's: each step's GRU stand-in g_t mixes its
// input with the previous attended state, so gradients flow through every
// earlier state along two paths (the recurrence and the attention).
SequenceRun run_sequence(TemporalAttention& attention, const std::vector<torch::Tensor>& inputs,
                         bool stored_once) {
  std::vector<torch::Tensor> leaves;
  for (const auto& x : inputs) leaves.push_back(x.detach().clone().requires_grad_(true));
  SequenceRun run;
  std::vector<torch::Tensor> states;
  AttentionHistory history(static_cast<int64_t>(inputs.size()), kStateNodes * kStateWidth,
                           kStateWidth, inputs.front());
  torch::Tensor h = torch::zeros_like(inputs.front());
  torch::Tensor loss = torch::zeros({}, torch::kFloat64);
  for (std::size_t t = 0; t < leaves.size(); ++t) {
    const auto g = torch::tanh(leaves[t] + 0.5 * h);
    AttentionOutput out;
    if (stored_once) {
      out = attention->step(history, g);
    } else {
      states.push_back(g);
      out = attention->forward(states);
      states.back() = out.state;
    }
    h = out.state;
    run.states.push_back(out.state.detach());
    run.weights.push_back(out.weights.detach());
    loss = loss + (out.state * out.state).sum() * static_cast<double>(t + 1) + out.weights.sum();
  }
  std::vector<torch::Tensor> wrt = leaves;
  for (const auto& p : attention->parameters()) wrt.push_back(p);
  run.gradients = torch::autograd::grad({loss}, wrt);
  return run;
}

// With width 1 the weights are constant, so query and key get no gradient.
void expect_same_sequence(const SequenceRun& a, const SequenceRun& b, bool every_gradient_nonzero) {
  ASSERT_EQ(a.states.size(), b.states.size());
  for (std::size_t t = 0; t < a.states.size(); ++t) {
    EXPECT_LT(max_abs_diff(a.states[t], b.states[t]), 1e-12) << "state " << t;
    EXPECT_LT(max_abs_diff(a.weights[t], b.weights[t]), 1e-12) << "weights " << t;
  }
  ASSERT_EQ(a.gradients.size(), b.gradients.size());
  for (std::size_t i = 0; i < a.gradients.size(); ++i) {
    ASSERT_TRUE(a.gradients[i].defined() && b.gradients[i].defined()) << i;
    if (every_gradient_nonzero) EXPECT_GT(b.gradients[i].abs().max().item<double>(), 0.0) << i;
    EXPECT_LT(max_abs_diff(a.gradients[i], b.gradients[i]), 1e-10) << "gradient " << i;
  }
}

TEST(TemporalAttentionStep, MatchesTheStackedFormInValuesAndGradients) {
  for (const int64_t width : {0, 1, 3}) {
    for (const auto summary : {AttentionSummary::LastNode, AttentionSummary::Mean}) {
      SCOPED_TRACE("width " + std::to_string(width) +
                   (summary == AttentionSummary::Mean ? ", mean" : ", last node"));
      auto gen = at::detail::createCPUGenerator(11);
      auto attention = float64_attention(
          TemporalAttentionOptions(kStateWidth).width(width).summary(summary), gen);
      const auto inputs = random_states(7, gen, 1.0);
      expect_same_sequence(run_sequence(attention, inputs, false),
                           run_sequence(attention, inputs, true), width != 1);
    }
  }
}

TEST(TemporalAttentionStep, HistoryHoldsEachStateOnceAndRefusesMore) {
  auto gen = at::detail::createCPUGenerator(12);
  auto attention = float64_attention(TemporalAttentionOptions(kStateWidth), gen);
  const auto inputs = random_states(3, gen);
  AttentionHistory history(3, kStateNodes * kStateWidth, kStateWidth, inputs.front());
  for (std::size_t t = 0; t < inputs.size(); ++t) {
    const auto out = attention->step(history, inputs[t]);
    EXPECT_EQ(history.size(), static_cast<int64_t>(t + 1));
    EXPECT_EQ(out.weights.size(0), static_cast<int64_t>(t + 1));
  }
  EXPECT_THROW(attention->step(history, inputs.front()), std::exception);
}

}  // namespace
}  // namespace tavrnn::nn
