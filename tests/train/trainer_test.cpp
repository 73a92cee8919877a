#include "tavrnn/train/trainer.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/util/runtime.h"

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

std::vector<torch::Tensor> parameters_of(Trainer& trainer) {
  std::vector<torch::Tensor> out;
  for (const auto& p : trainer.model().module().parameters()) out.push_back(p.detach().clone());
  return out;
}

bool bitwise_equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

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

TEST_F(TrainerTest, TenEpochsEqualFivePlusResumeFiveBitwise) {
  const auto data = random_data(5, 24, 0.25, 2);
  const auto dir = temp_dir("resume");
  TrainerOptions options;
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
  std::vector<torch::Tensor> loaded;
  for (const auto& p : model.module().parameters()) loaded.push_back(p.detach().clone());
  EXPECT_TRUE(bitwise_equal(loaded, parameters_of(trainer)));
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
