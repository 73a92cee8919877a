// One model trained over several graph sequences (Trainer::fit with a list).
#include <filesystem>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/train/trainer.h"
#include "tavrnn/util/error.h"
#include "tavrnn/util/runtime.h"
#include "train/training_fixtures.h"

// A named namespace: unity builds put this file beside trainer_test.cpp.
namespace tavrnn::train::shared_training {
namespace {

namespace fs = std::filesystem;

using fixtures::bitwise_equal;
using fixtures::kFeatures;
using fixtures::parameters_of;
using fixtures::sequence_of;
using fixtures::small_model;

TrainerOptions quiet_options(torch::ScalarType dtype = torch::kFloat64) {
  TrainerOptions o;
  o.progress = false;
  o.dtype = dtype;
  return o;
}

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("tavrnn-shared-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// The loss of one epoch of `data` under `model` with noise from `generator`,
// written out from the model's parts rather than through the trainer.
torch::Tensor epoch_loss(SequenceModel& model, const TrainingData& data, at::Generator& generator,
                         int64_t latent) {
  const auto like = torch::TensorOptions().dtype(torch::kFloat64);
  auto state = model.initial_state(data.n_nodes, static_cast<int64_t>(data.size()), like);
  const auto noise = draw_noise(generator, static_cast<int64_t>(data.size()), data.n_nodes, latent, torch::kCPU,
                                torch::kFloat64);
  const auto output = model.forward(data.steps, noise, state);
  return sequence_loss(output, data.targets).loss;
}

class SharedTrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    threads_ = num_threads();
    set_num_threads(1);
  }
  void TearDown() override { set_num_threads(threads_); }
  int threads_ = 1;
};

TEST_F(SharedTrainingTest, OneEpochOverTwoSequencesSumsTheirLossesAndGradients) {
  InMemoryWindows a(sequence_of(4, 18, 0.3, 1)), b(sequence_of(6, 11, 0.4, 2));
  TrainerOptions options = quiet_options();
  options.epochs = 1;
  options.validation_fraction = 0;
  options.keep_best = false;
  options.seed = 7;
  Trainer shared(small_model(), options);
  const auto result = shared.fit({&a, &b}, "", false);

  // The same from a fresh model of the same seed: sequence 0 draws from the
  // trainer's generator, sequence 1 from its own.
  Trainer fresh(small_model(), options);
  fresh.model().train(true);
  auto own = at::detail::createCPUGenerator(sequence_seed(options.seed, 1));
  const auto loss_a = epoch_loss(fresh.model(), a.data(), fresh.generator(), 4);
  const auto loss_b = epoch_loss(fresh.model(), b.data(), own, 4);
  (loss_a + loss_b).backward();

  ASSERT_EQ(result.state.log.size(), 1u);
  const double expected = loss_a.item<double>() + loss_b.item<double>();
  EXPECT_NEAR(result.state.log[0].loss, expected, 1e-12 * std::abs(expected));
  const auto trained = shared.model().module().parameters();
  const auto manual = fresh.model().module().parameters();
  ASSERT_EQ(trained.size(), manual.size());
  for (std::size_t i = 0; i < trained.size(); ++i) {
    ASSERT_TRUE(trained[i].grad().defined()) << "parameter " << i;
    EXPECT_TRUE(torch::allclose(trained[i].grad(), manual[i].grad(), 1e-10, 1e-12)) << "parameter " << i;
  }
}

TEST_F(SharedTrainingTest, OneSequenceInAListTrainsExactlyAsAlone) {
  const auto data = sequence_of(5, 16, 0.3, 3, torch::kFloat32);
  TrainerOptions options = quiet_options(torch::kFloat32);
  options.epochs = 6;
  Trainer alone(small_model(), options), listed(small_model(), options);
  alone.fit(data, "", false);
  InMemoryWindows windows(data);
  listed.fit(std::vector<WindowSource*>{&windows}, "", false);
  EXPECT_TRUE(bitwise_equal(parameters_of(alone), parameters_of(listed)));
}

void expect_resume_is_bitwise(TrainerOptions options, const fs::path& dir) {
  InMemoryWindows a(sequence_of(4, 18, 0.3, 4, torch::kFloat32)), b(sequence_of(7, 13, 0.35, 5, torch::kFloat32)),
      c(sequence_of(3, 22, 0.25, 6, torch::kFloat32));
  const std::vector<WindowSource*> sequences = {&a, &b, &c};
  options.epochs = 10;
  options.checkpoint_every = 5;
  Trainer whole(small_model(), options);
  const auto full = whole.fit(sequences, dir / "whole.pt", false);
  options.epochs = 5;
  Trainer first(small_model(), options);
  first.fit(sequences, dir / "split.pt", false);
  options.epochs = 10;
  Trainer second(small_model(), options);
  const auto resumed = second.fit(sequences, dir / "split.pt", true);
  EXPECT_TRUE(resumed.resumed);
  EXPECT_TRUE(bitwise_equal(parameters_of(whole), parameters_of(second)));
  ASSERT_EQ(resumed.state.log.size(), 10u);
  for (std::size_t e = 0; e < 10; ++e) {
    EXPECT_EQ(resumed.state.log[e].loss, full.state.log[e].loss) << "epoch " << e + 1;
    EXPECT_EQ(resumed.state.log[e].val_auc, full.state.log[e].val_auc) << "epoch " << e + 1;
  }
}

TEST_F(SharedTrainingTest, ThreeSequencesTenEpochsEqualFivePlusResumeFiveBitwise) {
  expect_resume_is_bitwise(quiet_options(torch::kFloat32), temp_dir("resume"));
}

TEST_F(SharedTrainingTest, ResumeIsBitwiseWithSampledLossAndAStepPerSequence) {
  TrainerOptions options = quiet_options(torch::kFloat32);
  options.sampled_non_edges = 3;
  options.step_per_sequence = true;
  expect_resume_is_bitwise(options, temp_dir("resume-sampled"));
}

TEST_F(SharedTrainingTest, AStepPerSequenceIsItsOwnDeterministicSchedule) {
  InMemoryWindows a(sequence_of(4, 18, 0.3, 8)), b(sequence_of(5, 12, 0.4, 9));
  TrainerOptions options = quiet_options();
  options.epochs = 4;
  options.validation_fraction = 0;
  options.keep_best = false;
  Trainer summed(small_model(), options);
  summed.fit({&a, &b}, "", false);
  options.step_per_sequence = true;
  Trainer stepped(small_model(), options), again(small_model(), options);
  stepped.fit({&a, &b}, "", false);
  again.fit({&a, &b}, "", false);
  EXPECT_TRUE(bitwise_equal(parameters_of(stepped), parameters_of(again)));
  EXPECT_FALSE(bitwise_equal(parameters_of(stepped), parameters_of(summed)));

  // One epoch with a step after each sequence is two Adam steps: the same as
  // an epoch on a alone (from the trainer's generator) followed by one on b.
  options.epochs = 1;
  Trainer one(small_model(), options);
  one.fit({&a, &b}, "", false);
  Trainer manual(small_model(), options);
  manual.model().train(true);
  torch::optim::Adam adam(manual.model().trainable_parameters(), torch::optim::AdamOptions(options.learning_rate));
  auto own = at::detail::createCPUGenerator(sequence_seed(options.seed, 1));
  adam.zero_grad();
  epoch_loss(manual.model(), a.data(), manual.generator(), 4).backward();
  adam.step();
  adam.zero_grad();
  epoch_loss(manual.model(), b.data(), own, 4).backward();
  adam.step();
  const auto got = parameters_of(one), want = parameters_of(manual);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(torch::allclose(got[i], want[i], 1e-10, 1e-12)) << "parameter " << i;
  }
}

TEST_F(SharedTrainingTest, AStepPerSequenceKeepsTheParametersTheBestEpochBeganWith) {
  // Held-out edges pick the epoch; its scores come from several parameter
  // sets, and what is kept is the set the epoch started from: the
  // parameters after best_epoch - 1 whole epochs.
  InMemoryWindows a(sequence_of(4, 18, 0.3, 13)), b(sequence_of(5, 14, 0.35, 14));
  TrainerOptions options = quiet_options();
  options.step_per_sequence = true;
  options.epochs = 12;
  options.early_stopping_patience = 4;
  Trainer kept(small_model(), options);
  const auto result = kept.fit({&a, &b}, "", false);
  const int64_t best = result.state.best_epoch;
  // A later epoch than the first, and not the last: the case where the
  // kept set is neither the initial nor the final one.
  ASSERT_GT(best, 1);
  ASSERT_LT(best, result.state.epochs_done);
  ASSERT_EQ(result.state.model_epoch(), best);
  TrainerOptions plain = options;
  plain.epochs = std::max<int64_t>(best - 1, 1);
  plain.early_stopping_patience = 0;
  Trainer reference(small_model(), plain);  // before fit: the initial parameters
  if (best > 1) reference.fit({&a, &b}, "", false);
  EXPECT_TRUE(bitwise_equal(parameters_of(kept), parameters_of(reference))) << "best epoch " << best;
}

TEST_F(SharedTrainingTest, SequencesOfAnotherFeatureWidthOrAnotherCountAreRefused) {
  InMemoryWindows a(sequence_of(3, 10, 0.3, 10));
  std::vector<torch::Tensor> adjacency = {torch::eye(6, torch::kFloat64)};
  std::vector<torch::Tensor> features = {torch::eye(6, torch::kFloat64)};
  InMemoryWindows wide(make_training_data(adjacency, features, torch::kCPU, torch::kFloat64));
  TrainerOptions options = quiet_options();
  options.epochs = 2;
  Trainer trainer(small_model(), options);
  try {
    trainer.fit({&a, &wide}, "", false);
    FAIL() << "a sequence with 6 features trained a model of 5";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sequence 2 have 6 node features, the model expects 5"), std::string::npos)
        << e.what();
  }
  const auto dir = temp_dir("count");
  InMemoryWindows b(sequence_of(3, 12, 0.3, 11)), c(sequence_of(3, 9, 0.3, 12));
  Trainer two(small_model(), options);
  two.fit({&a, &b}, dir / "m.pt", false);
  options.epochs = 4;
  Trainer three(small_model(), options);
  try {
    three.fit({&a, &b, &c}, dir / "m.pt", true);
    FAIL() << "a checkpoint of two sequences resumed over three";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("trained on 2 sequences, not 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(trainer.fit(std::vector<WindowSource*>{}, "", false), Error);
}

}  // namespace
}  // namespace tavrnn::train::shared_training
