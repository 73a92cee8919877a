#include "tavrnn/train/trainer.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/util/runtime.h"
#include "train/training_fixtures.h"

namespace tavrnn::train {
namespace {

namespace fs = std::filesystem;

// T random symmetric graphs of n nodes with self loops, features = identity.
TrainingData random_data(int64_t t_steps, int64_t n, double density, std::uint64_t seed,
                         torch::ScalarType dtype = torch::kFloat32) {
  auto gen = at::detail::createCPUGenerator(seed);
  std::vector<torch::Tensor> adjacency, features;
  for (int64_t t = 0; t < t_steps; ++t) {
    auto u = torch::empty({n, n}, torch::kFloat64).uniform_(0, 1, gen);
    auto a = ((u + u.t()) / 2 < density).to(torch::kFloat64);
    a.fill_diagonal_(1.0);
    adjacency.push_back(a);
    features.push_back(torch::eye(n, torch::kFloat64));
  }
  return make_training_data(adjacency, features, torch::kCPU, dtype);
}

// Two communities: dense inside (p_in), sparse between (p_out); the
// structure an inner-product decoder can learn.
TrainingData community_data(int64_t t_steps, int64_t n, double p_in, double p_out, std::uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  const auto side = torch::arange(n, torch::kInt64) < n / 2;
  const auto same = side.unsqueeze(0) == side.unsqueeze(1);
  std::vector<torch::Tensor> adjacency, features;
  for (int64_t t = 0; t < t_steps; ++t) {
    auto u = torch::empty({n, n}, torch::kFloat64).uniform_(0, 1, gen);
    u = torch::triu(u, 1) + torch::triu(u, 1).t();
    auto a = torch::where(same, u < p_in, u < p_out).to(torch::kFloat64);
    a.fill_diagonal_(1.0);
    adjacency.push_back(a);
    features.push_back(torch::eye(n, torch::kFloat64));
  }
  return make_training_data(adjacency, features, torch::kCPU, torch::kFloat32);
}

ModelConfig config_for(const TrainingData& data) {
  ModelConfig c;
  c.x_dim = data.x_dim;
  c.hidden = 16;
  c.latent = 4;
  return c;
}

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("tavrnn-trainer-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

using fixtures::bitwise_equal;
using fixtures::parameters_of;

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    threads_ = num_threads();
    set_num_threads(1);
  }
  void TearDown() override { set_num_threads(threads_); }
  int threads_ = 1;
};

TEST_F(TrainerTest, SameSeedSameParametersOtherSeedOther) {
  const auto data = random_data(4, 20, 0.3, 1);
  const auto dir = temp_dir("seed");
  TrainerOptions options;
  options.epochs = 5;
  options.progress = false;
  Trainer a(config_for(data), options), b(config_for(data), options);
  a.fit(data, dir / "a.pt", false);
  b.fit(data, dir / "b.pt", false);
  EXPECT_TRUE(bitwise_equal(parameters_of(a), parameters_of(b)));
  options.seed = 1;
  Trainer c(config_for(data), options);
  c.fit(data, dir / "c.pt", false);
  EXPECT_FALSE(bitwise_equal(parameters_of(a), parameters_of(c)));
}

std::string trainer_json_reconstruction(const TrainerOptions& options) {
  return options.to_json().at("reconstruction").get<std::string>();
}

void expect_resume_is_bitwise(const TrainingData& data, TrainerOptions options, const std::filesystem::path& dir) {
  options.epochs = 10;
  options.progress = false;
  options.checkpoint_every = 5;
  Trainer whole(config_for(data), options);
  const auto full = whole.fit(data, dir / "whole.pt", false);

  options.epochs = 5;
  Trainer first(config_for(data), options);
  first.fit(data, dir / "split.pt", false);
  options.epochs = 10;
  Trainer second(config_for(data), options);  // fresh process state: new model, new generator
  const auto resumed = second.fit(data, dir / "split.pt", true);
  EXPECT_TRUE(resumed.resumed);
  EXPECT_TRUE(bitwise_equal(parameters_of(whole), parameters_of(second)));
  ASSERT_EQ(resumed.state.log.size(), 10u);
  for (std::size_t e = 0; e < 10; ++e) {
    EXPECT_EQ(resumed.state.log[e].loss, full.state.log[e].loss) << "epoch " << e + 1;
  }
}

TEST_F(TrainerTest, TenEpochsEqualFivePlusResumeFiveBitwise) {
  expect_resume_is_bitwise(random_data(5, 24, 0.25, 2), TrainerOptions{}, temp_dir("resume"));
}

TEST_F(TrainerTest, SampledLossTrainsAndResumesBitwise) {
  // The non-edges are drawn from the checkpointed generator: a resumed run
  // draws what the uninterrupted one drew.
  TrainerOptions options;
  options.sampled_non_edges = 3;
  const auto data = random_data(5, 24, 0.25, 2);
  expect_resume_is_bitwise(data, options, temp_dir("resume_sampled"));
  options.epochs = 40;
  options.validation_fraction = 0;
  options.early_stopping_patience = 0;
  options.progress = false;
  Trainer trainer(config_for(data), options);
  const auto result = trainer.fit(data, "", false);
  EXPECT_EQ(trainer_json_reconstruction(options), "sampled:3");
  // Noisy, but it learns: the last five epochs' mean loss is below the first five's.
  double early = 0, late = 0;
  for (std::size_t e = 0; e < 5; ++e) {
    early += result.state.log[e].loss;
    late += result.state.log[35 + e].loss;
  }
  EXPECT_LT(late, early);
}

TEST_F(TrainerTest, ResumeRefusesAnotherModel) {
  const auto data = random_data(3, 12, 0.3, 3);
  const auto dir = temp_dir("refuse");
  TrainerOptions options;
  options.epochs = 2;
  options.progress = false;
  Trainer a(config_for(data), options);
  a.fit(data, dir / "m.pt", false);
  auto other = config_for(data);
  other.latent = 6;
  options.epochs = 4;
  Trainer b(other, options);
  EXPECT_THROW(b.fit(data, dir / "m.pt", true), Error);
}

TEST_F(TrainerTest, LossFallsOnCommunityGraphs) {
  const auto data = community_data(4, 30, 0.6, 0.05, 4);
  const auto dir = temp_dir("falls");
  TrainerOptions options;
  options.epochs = 150;  // the loss plateaus for ~70 epochs before the communities separate
  options.progress = false;
  options.validation_fraction = 0.0;  // every edge and every epoch: this is about the objective
  options.early_stopping_patience = 0;
  Trainer trainer(config_for(data), options);
  const auto result = trainer.fit(data, dir / "m.pt", false);
  // Means of the first and last 5 epochs: each epoch's loss is one noisy sample.
  double first = 0, last = 0;
  for (int e = 0; e < 5; ++e) {
    first += result.state.log[e].loss / 5;
    last += result.state.log[result.state.log.size() - 1 - e].loss / 5;
  }
  EXPECT_LT(last, 0.8 * first) << "first " << first << " last " << last;
}

TEST_F(TrainerTest, EarlyStoppingStopsWhenTheLossStalls) {
  const auto data = random_data(3, 12, 0.3, 5);
  const auto dir = temp_dir("early");
  TrainerOptions options;
  options.epochs = 2000;
  options.progress = false;
  options.monitor = "loss";  // the training loss, as without held-out edges
  options.early_stopping_patience = 5;
  options.early_stopping_min_delta = 0.5;  // demands halving the loss: stalls at once
  Trainer trainer(config_for(data), options);
  const auto result = trainer.fit(data, dir / "m.pt", false);
  EXPECT_TRUE(result.state.stopped_early);
  EXPECT_LT(result.state.epochs_done, 20);
}

TEST_F(TrainerTest, CheckpointStoresConfigAndLoadsOnCpu) {
  const auto data = random_data(3, 12, 0.3, 6);
  const auto dir = temp_dir("config");
  TrainerOptions options;
  options.epochs = 3;
  options.progress = false;
  auto config = config_for(data);
  config.kind = ModelKind::Vgrnn;
  Trainer trainer(config, options);
  trainer.fit(data, dir / "m.pt", false);
  const auto saved = read_checkpoint_config(dir / "m.pt");
  const auto rebuilt = ModelConfig::from_json(saved.at("model"));
  EXPECT_EQ(rebuilt.to_json(), config.to_json());
  SequenceModel model(rebuilt);
  const auto state = load_checkpoint(dir / "m.pt", model, nullptr, nullptr, torch::kCPU);
  EXPECT_EQ(state.epochs_done, 3);
  use_kept_parameters(model, state);  // the trainer's model is its best epoch's
  std::vector<torch::Tensor> loaded;
  for (const auto& p : model.module().parameters()) loaded.push_back(p.detach().clone());
  EXPECT_TRUE(bitwise_equal(loaded, parameters_of(trainer)));
}

TEST_F(TrainerTest, LogsHeldOutScoresAndEndsWithTheBestEpochsParameters) {
  const auto data = community_data(4, 24, 0.5, 0.05, 3);
  TrainerOptions options;
  options.epochs = 40;
  options.progress = false;
  options.validation_fraction = 0.2;
  options.early_stopping_patience = 1000;  // never stops: every epoch is scored
  options.early_stopping_min_delta = 0.0;
  Trainer trainer(config_for(data), options);
  const auto result = trainer.fit(data, {}, false);
  ASSERT_EQ(result.state.log.size(), 40u);
  EXPECT_EQ(result.monitor, "val-auc");
  int64_t best_epoch = 0;
  double best = -1;
  for (const auto& r : result.state.log) {
    ASSERT_TRUE(r.has_validation()) << "epoch " << r.epoch;
    EXPECT_GE(r.val_auc, 0.0);
    EXPECT_LE(r.val_auc, 1.0);
    if (r.val_auc > best) best = r.val_auc, best_epoch = r.epoch;
  }
  EXPECT_EQ(result.state.model_epoch(), best_epoch);
  // Epoch e is scored before its step: its parameters are those of a run of
  // e - 1 epochs (same split, same noise), which keeps its last parameters.
  ASSERT_GT(best_epoch, 1) << "the test needs a best epoch after the first";
  options.epochs = best_epoch - 1;
  options.early_stopping_patience = 0;
  Trainer shorter(config_for(data), options);
  shorter.fit(data, {}, false);
  EXPECT_TRUE(bitwise_equal(parameters_of(trainer), parameters_of(shorter)));
}

TEST_F(TrainerTest, StopsWhenTheHeldOutScoreStallsAndCheckpointsBothParameterSets) {
  const auto data = community_data(3, 20, 0.5, 0.05, 4);
  const auto dir = temp_dir("kept");
  TrainerOptions options;
  options.epochs = 2000;
  options.progress = false;
  options.validation_fraction = 0.2;
  options.early_stopping_patience = 5;
  Trainer trainer(config_for(data), options);
  const auto result = trainer.fit(data, dir / "m.pt", false);
  EXPECT_TRUE(result.state.stopped_early);
  EXPECT_EQ(result.state.epochs_done, result.state.best_epoch + 5);
  EXPECT_EQ(result.state.model_epoch(), result.state.best_epoch);
  // The checkpoint holds the last step's parameters (a longer run resumes
  // from them) and the kept ones, which use_kept_parameters puts in place.
  SequenceModel model(config_for(data));
  const auto state = load_checkpoint(dir / "m.pt", model, nullptr, nullptr, torch::kCPU);
  EXPECT_EQ(state.kept_epoch, result.state.model_epoch());
  std::vector<torch::Tensor> last;
  for (const auto& p : model.module().parameters()) last.push_back(p.detach().clone());
  EXPECT_FALSE(bitwise_equal(last, parameters_of(trainer)));
  use_kept_parameters(model, state);
  std::vector<torch::Tensor> kept;
  for (const auto& p : model.module().parameters()) kept.push_back(p.detach().clone());
  EXPECT_TRUE(bitwise_equal(kept, parameters_of(trainer)));
  fs::remove_all(dir);
}

TEST_F(TrainerTest, MonitoringHeldOutScoresNeedsHeldOutEdges) {
  const auto data = random_data(2, 8, 0.3, 1);
  TrainerOptions options;
  options.validation_fraction = 0.0;
  options.monitor = "val-auc";
  EXPECT_THROW(Trainer(config_for(data), options), Error);
  options.monitor = "val-everything";
  options.validation_fraction = 0.1;
  EXPECT_THROW(Trainer(config_for(data), options), Error);
}

TEST_F(TrainerTest, FeatureHeadOnlyAtAPositiveWeight) {
  const auto data = community_data(3, 16, 0.5, 0.05, 5);
  auto config = config_for(data);
  // Weight 0: the paper's model, parameter for parameter (parity holds).
  SequenceModel plain(config);
  EXPECT_FALSE(plain.feature_decoder());
  EXPECT_EQ(plain.module().parameters().size(), 31u);
  EXPECT_EQ(config.to_json().count("feature_weight"), 0u);

  config.feature_weight = 0.5;
  const auto dir = temp_dir("feature-head");
  TrainerOptions options;
  options.epochs = 6;
  options.progress = false;
  options.early_stopping_patience = 0;
  Trainer trainer(config, options);
  const auto result = trainer.fit(data, dir / "m.pt", false);
  ASSERT_TRUE(trainer.model().feature_decoder());
  EXPECT_EQ(trainer.model().feature_decoder()->weight.sizes(), torch::IntArrayRef({data.x_dim, config.latent}));
  for (const auto& r : result.state.log) {
    EXPECT_GT(r.feat, 0.0);
    EXPECT_NEAR(r.loss, r.kl + r.nll + 0.5 * r.feat, 1e-4 * std::abs(r.loss));
  }
  // The head is drawn after the model: the model's own initial parameters
  // are the weight-0 model's.
  Trainer fresh_plain(config_for(data), options), fresh_head(config, options);
  const auto plain_init = parameters_of(fresh_plain), head_init = parameters_of(fresh_head);
  ASSERT_EQ(head_init.size(), plain_init.size() + 2);
  EXPECT_TRUE(bitwise_equal(plain_init, {head_init.begin(), head_init.begin() + 31}));
  // Saved and loaded with the model.
  const auto rebuilt = ModelConfig::from_json(read_checkpoint_config(dir / "m.pt").at("model"));
  EXPECT_DOUBLE_EQ(rebuilt.feature_weight, 0.5);
  SequenceModel loaded(rebuilt);
  load_checkpoint(dir / "m.pt", loaded, nullptr, nullptr, torch::kCPU);
  EXPECT_TRUE(torch::equal(loaded.feature_decoder()->weight, trainer.model().feature_decoder()->weight));
  fs::remove_all(dir);
}

TEST_F(TrainerTest, RateTargetReconstructsTheLastFeatureColumnOnly) {
  const auto data = community_data(3, 16, 0.5, 0.05, 6);
  auto config = config_for(data);
  config.feature_weight = 1.0;
  config.feature_target = "rate";
  TrainerOptions options;
  options.epochs = 3;
  options.progress = false;
  options.early_stopping_patience = 0;
  Trainer trainer(config, options);
  const auto result = trainer.fit(data, {}, false);
  EXPECT_EQ(trainer.model().feature_decoder()->weight.sizes(), torch::IntArrayRef({1, config.latent}));
  for (const auto& r : result.state.log) EXPECT_NEAR(r.loss, r.kl + r.nll + r.feat, 1e-4 * std::abs(r.loss));
  // The head of the last epoch against the last column by hand, with z = mu (no noise).
  const auto out = trainer.model().forward(data.steps, torch::zeros({3, 16, config.latent}));
  const auto& x = data.steps[0].features;
  const auto by_hand = (trainer.model().feature_decoder()->forward(out.z[0]) - x.narrow(1, x.size(1) - 1, 1))
                           .pow(2).sum(1).mean();
  EXPECT_NEAR(feature_reconstruction_error(out.x_hat[0], x.narrow(1, x.size(1) - 1, 1)).item<double>(),
              by_hand.item<double>(), 1e-6);
  config.feature_target = "everything";
  EXPECT_THROW(SequenceModel{config}, Error);
}

TEST(ReconstructionWeights, CompleteGraphUsesTheDocumentedFallback) {
  const auto w = reconstruction_weights(10, 100);
  EXPECT_TRUE(w.degenerate);
  EXPECT_EQ(w.pos_weight, 1.0);
  EXPECT_EQ(w.norm, 1.0);
  const auto ok = reconstruction_weights(10, 25);
  EXPECT_FALSE(ok.degenerate);
  EXPECT_DOUBLE_EQ(ok.pos_weight, 75.0 / 25.0);
  EXPECT_DOUBLE_EQ(ok.norm, 100.0 / 150.0);
}

TEST(NormalizedAdjacency, SparseAndDenseGiveTheSameProductAndGradient) {
  const auto data = random_data(1, 40, 0.05, 7, torch::kFloat64);
  const auto& a = data.adjacency[0];
  const auto dense = nn::NormalizedAdjacency::from(a, nn::AdjacencyFormat::Dense);
  const auto sparse = nn::NormalizedAdjacency::from(a, nn::AdjacencyFormat::Sparse);
  EXPECT_TRUE(sparse.is_sparse());
  auto x1 = torch::randn({40, 6}, torch::kFloat64).requires_grad_(true);
  auto x2 = x1.detach().clone().requires_grad_(true);
  const auto y1 = dense.apply(x1);
  const auto y2 = sparse.apply(x2);
  EXPECT_LT((y1 - y2).abs().max().item<double>(), 1e-13);
  y1.pow(2).sum().backward();
  y2.pow(2).sum().backward();
  EXPECT_LT((x1.grad() - x2.grad()).abs().max().item<double>(), 1e-12);
}

// The CSR kernel keeps a row's sums in 32-byte vectors for widths that are
// a multiple of one (1 to 12 of them) and runs a plain loop otherwise: every
// path, in both dtypes, against the dense product.
TEST(NormalizedAdjacency, SparseProductEqualsDenseAtEveryWidth) {
  for (const auto dtype : {torch::kFloat64, torch::kFloat32}) {
    const auto data = random_data(1, 57, 0.1, 11, dtype);
    const auto& a = data.adjacency[0];
    const auto dense = nn::NormalizedAdjacency::from(a, nn::AdjacencyFormat::Dense);
    const auto sparse = nn::NormalizedAdjacency::from(a, nn::AdjacencyFormat::Sparse);
    const double tol = dtype == torch::kFloat64 ? 1e-13 : 1e-5;
    for (const int64_t width : {1, 3, 4, 8, 12, 16, 24, 32, 40, 48, 64, 96, 100, 128}) {
      auto x1 = torch::randn({57, width}, torch::kFloat64).to(dtype).requires_grad_(true);
      auto x2 = x1.detach().clone().requires_grad_(true);
      const auto y1 = dense.apply(x1);
      const auto y2 = sparse.apply(x2);
      EXPECT_LT((y1 - y2).abs().max().item<double>(), tol) << "width " << width << " " << dtype;
      y1.pow(2).sum().backward();
      y2.pow(2).sum().backward();
      EXPECT_LT((x1.grad() - x2.grad()).abs().max().item<double>(), 10 * tol) << "width " << width;
    }
  }
}

TEST(NormalizedAdjacency, IsolatedNodeGetsZeroRow) {
  auto a = torch::zeros({3, 3}, torch::kFloat64);
  a[0][0] = a[0][1] = a[1][0] = a[1][1] = 1;  // node 2 has no edge, not even a self loop
  const auto a_hat = nn::NormalizedAdjacency::from(a, nn::AdjacencyFormat::Dense);
  EXPECT_EQ(a_hat.matrix()[2].abs().sum().item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(a_hat.matrix()[0][1].item<double>(), 0.5);
}

}  // namespace
}  // namespace tavrnn::train
