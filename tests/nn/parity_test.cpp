// Parity with the independent PyTorch implementation of MODEL.md
// (../shared/fixtures/parity, see its README): forward outputs, every
// gradient, and 5 Adam steps, in float64, to 1e-9 relative / 1e-12 absolute.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/io/npz.h"
#include "tavrnn/nn/tavrnn.h"
#include "tavrnn/util/ndarray_tensor.h"
#include "tavrnn/train/loss.h"

namespace tavrnn {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  io::NpzArrays arrays;
  fs::path path;

  torch::Tensor get(const std::string& key) const {
    return to_tensor(io::require_array(arrays, key, path), torch::kFloat64, path.string() + ": " + key);
  }
  double scalar(const std::string& key) const { return get(key).item<double>(); }
};

Fixture load(const std::string& name) {
  const fs::path path = fs::path(TAVRNN_SHARED_DIR) / "fixtures" / "parity" / (name + ".npz");
  return Fixture{io::read_npz(path), path};
}

// |actual - expected| <= 1e-9 |expected| + 1e-12, element by element.
void expect_close(const torch::Tensor& actual, const torch::Tensor& expected, const std::string& what) {
  ASSERT_EQ(actual.sizes(), expected.sizes()) << what;
  const auto a = actual.detach().to(torch::kFloat64);
  const auto diff = (a - expected).abs();
  const auto allowed = expected.abs() * 1e-9 + 1e-12;
  const auto excess = (diff - allowed).max().item<double>();
  EXPECT_LE(excess, 0.0) << what << ": max |diff| " << diff.max().item<double>()
                         << ", max |expected| " << expected.abs().max().item<double>();
}

struct Case {
  std::string fixture;
  nn::AttentionSummary summary;
};

class ParityTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    fixture_ = load(GetParam().fixture);
    x_ = fixture_.get("X");
    a_ = fixture_.get("A");
    noise_ = fixture_.get("noise");
    for (int64_t t = 0; t < a_.size(0); ++t) {
      steps_.push_back({nn::NormalizedAdjacency::from(a_[t], nn::AdjacencyFormat::Dense), x_[t]});
      targets_.push_back(train::ReconstructionTarget::make(
          a_[t], train::reconstruction_weights(static_cast<double>(a_.size(1)),
                                               a_[t].sum().item<double>())));
    }
  }

  nn::Tavrnn make_model(bool train_gru_gates) const {
    auto options = nn::TavrnnOptions(x_.size(2))
                       .hidden(32)
                       .latent(8)
                       .attention_width(static_cast<int64_t>(fixture_.scalar("attention_width")))
                       .attention_summary(GetParam().summary)
                       .train_gru_gates(train_gru_gates);
    nn::Tavrnn model(options);
    model->to(torch::kFloat64);
    torch::NoGradGuard no_grad;
    for (auto& item : model->named_parameters()) {
      item.value().copy_(fixture_.get("param/" + item.key()));
    }
    return model;
  }

  train::SequenceLoss run(nn::Tavrnn& model, nn::SequenceOutput* output = nullptr) const {
    nn::SequenceOutput out = model->forward(steps_, noise_);
    train::SequenceLoss loss = train::sequence_loss(out, targets_);
    if (output) *output = std::move(out);
    return loss;
  }

  Fixture fixture_;
  torch::Tensor x_, a_, noise_;
  std::vector<nn::StepGraph> steps_;
  std::vector<train::ReconstructionTarget> targets_;
};

TEST_P(ParityTest, ForwardMatchesKlNllMuSigmaZHAndAttention) {
  nn::Tavrnn model = make_model(true);
  nn::SequenceOutput out;
  const train::SequenceLoss loss = run(model, &out);
  expect_close(loss.kl, fixture_.get("kl"), "kl");
  expect_close(loss.nll, fixture_.get("nll"), "nll");
  expect_close(loss.loss, fixture_.get("loss"), "loss");
  expect_close(torch::stack(out.mu), fixture_.get("mu"), "mu");
  expect_close(torch::stack(out.sigma), fixture_.get("sigma"), "sigma");
  expect_close(torch::stack(out.z), fixture_.get("z"), "z");
  expect_close(torch::stack(out.h), fixture_.get("h"), "h");
  const int64_t t_steps = a_.size(0);
  auto alpha = torch::zeros({t_steps, t_steps}, torch::kFloat64);
  for (int64_t t = 0; t < t_steps; ++t) {
    const auto& w = out.alpha[static_cast<std::size_t>(t)];
    alpha[t].narrow(0, t + 1 - w.size(0), w.size(0)).copy_(w.detach());
  }
  expect_close(alpha, fixture_.get("alpha"), "alpha");
}

TEST_P(ParityTest, EveryGradientMatches) {
  nn::Tavrnn model = make_model(true);
  run(model).loss.backward();
  int checked = 0;
  for (const auto& item : model->named_parameters()) {
    const auto expected = fixture_.get("grad/" + item.key());
    if (item.key() == "attention.key.bias") {
      // Zero in exact arithmetic (softmax ignores a shared shift); the
      // fixture holds rounding noise near 1e-17: compare absolutely.
      EXPECT_LT(item.value().grad().abs().max().item<double>(), 1e-12) << item.key();
    } else {
      expect_close(item.value().grad(), expected, "grad/" + item.key());
    }
    ++checked;
  }
  EXPECT_EQ(checked, 31);  // every parameter of the fixture README's table, GRU gates included
}

void expect_adam_losses(const ParityTest& test, nn::Tavrnn model, const torch::Tensor& expected,
                        const std::function<train::SequenceLoss(nn::Tavrnn&)>& run) {
  torch::optim::Adam adam(model->trainable_parameters(), torch::optim::AdamOptions(1e-2));
  std::vector<double> losses;
  for (int step = 0; step < 5; ++step) {
    adam.zero_grad();
    auto loss = run(model).loss;
    loss.backward();
    adam.step();
    losses.push_back(loss.item<double>());
  }
  losses.push_back(run(model).loss.item<double>());
  expect_close(torch::tensor(losses, torch::kFloat64), expected, "adam losses");
  (void)test;
}

TEST_P(ParityTest, FiveAdamStepsWithEveryParameterTrained) {
  expect_adam_losses(*this, make_model(true), fixture_.get("adam_all/loss"),
                     [this](nn::Tavrnn& m) { return run(m); });
}

TEST_P(ParityTest, FiveAdamStepsWithFrozenGruGatesLikeTheReference) {
  nn::Tavrnn model = make_model(false);
  EXPECT_EQ(model->trainable_parameters().size(), 31u - 12u);  // the 6 gate GCNs hold 12
  expect_adam_losses(*this, model, fixture_.get("adam_frozen_gru/loss"),
                     [this](nn::Tavrnn& m) { return run(m); });
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ParityTest,
    ::testing::Values(Case{"parity_small", nn::AttentionSummary::LastNode},
                      Case{"parity_small_nohist", nn::AttentionSummary::Mean}),
    [](const ::testing::TestParamInfo<Case>& info) {
      return info.param.fixture == "parity_small" ? std::string("HistoryNodeRowsAllSteps")
                                                  : std::string("NoHistoryIdentityWidth2");
    });

}  // namespace
}  // namespace tavrnn
