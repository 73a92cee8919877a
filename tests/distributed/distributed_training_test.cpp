// Data-parallel training: ranks in threads of this process, each with its
// own c10d Gloo group over loopback, against one process training the same
// sequences (MODEL.md section 5; docs/distributed.md).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <thread>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/distributed/process_group.h"
#include "tavrnn/train/trainer.h"
#include "tavrnn/util/error.h"
#include "train/training_fixtures.h"

namespace tavrnn::distributed::training_test {
namespace {

namespace fs = std::filesystem;
using train::InMemoryWindows;
using train::Trainer;
using train::TrainerOptions;
using train::TrainingData;
using train::WindowSource;

using train::fixtures::parameters_of;
using train::fixtures::sequence_of;
using train::fixtures::small_model;

// Four sequences of other sizes, as four recordings would be.
std::vector<TrainingData> study() {
  return {sequence_of(6, 14, 0.3, 1), sequence_of(4, 20, 0.25, 2), sequence_of(7, 11, 0.35, 3),
          sequence_of(5, 17, 0.3, 4)};
}

TrainerOptions options_for(int64_t epochs) {
  TrainerOptions o;
  o.progress = false;
  o.dtype = torch::kFloat64;
  o.epochs = epochs;
  o.seed = 7;
  return o;
}

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("tavrnn-distributed-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

struct RankResult {
  std::vector<torch::Tensor> parameters;
  std::vector<train::EpochRecord> log;
  std::string error;
};

// One process over every sequence.
RankResult train_alone(const std::vector<TrainingData>& data, TrainerOptions options,
                       const fs::path& checkpoint = {}, bool resume = false) {
  std::vector<InMemoryWindows> windows(data.begin(), data.end());
  std::vector<WindowSource*> sources;
  for (auto& w : windows) sources.push_back(&w);
  Trainer trainer(small_model(), options);
  RankResult out;
  out.log = trainer.fit(sources, checkpoint, resume).state.log;
  out.parameters = parameters_of(trainer);
  return out;
}

// `ranks` threads, each a rank of one group training its share.
std::vector<RankResult> train_spread(const std::vector<TrainingData>& data, int ranks, TrainerOptions options,
                                     const fs::path& checkpoint = {}, bool resume = false,
                                     const std::function<void(int, TrainerOptions&)>& adjust = {}) {
  const int port = free_local_port();
  std::vector<RankResult> results(static_cast<std::size_t>(ranks));
  std::vector<std::thread> threads;
  for (int rank = 0; rank < ranks; ++rank) {
    threads.emplace_back([&, rank] {
      RankResult& out = results[static_cast<std::size_t>(rank)];
      try {
        GroupOptions group;
        group.master_port = port;
        group.rank = rank;
        group.world_size = ranks;
        group.timeout = std::chrono::seconds(30);
        TrainerOptions mine = options;
        mine.group = std::make_shared<ProcessGroup>(group);
        if (adjust) adjust(rank, mine);
        std::vector<InMemoryWindows> windows(data.begin(), data.end());
        std::vector<WindowSource*> sources;
        for (std::size_t s = 0; s < windows.size(); ++s) {
          sources.push_back(sequence_owner(s, ranks) == rank ? &windows[s] : nullptr);
        }
        Trainer trainer(small_model(), mine);
        out.log = trainer.fit(sources, checkpoint, resume).state.log;
        out.parameters = parameters_of(trainer);
      } catch (const std::exception& e) {
        out.error = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

// max |a - b| / max |b| over each parameter tensor, the largest of them.
double largest_relative_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const double scale = b[i].abs().max().item<double>();
    const double diff = (a[i] - b[i]).abs().max().item<double>();
    worst = std::max(worst, scale > 0 ? diff / scale : diff);
  }
  return worst;
}

void expect_like_alone(const std::vector<RankResult>& spread, const RankResult& alone) {
  for (std::size_t r = 0; r < spread.size(); ++r) {
    ASSERT_TRUE(spread[r].error.empty()) << "rank " << r << ": " << spread[r].error;
    const double difference = largest_relative_difference(spread[r].parameters, alone.parameters);
    EXPECT_LE(difference, 1e-10) << "rank " << r;
    if (r == 0) std::printf("%zu ranks against one process: largest relative difference %.3g\n", spread.size(), difference);
    ASSERT_EQ(spread[r].log.size(), alone.log.size());
    for (std::size_t e = 0; e < alone.log.size(); ++e) {
      EXPECT_NEAR(spread[r].log[e].loss, alone.log[e].loss, 1e-10 * std::abs(alone.log[e].loss)) << "epoch " << e;
      EXPECT_NEAR(spread[r].log[e].val_auc, alone.log[e].val_auc, 1e-10) << "epoch " << e;
    }
  }
  // Every rank holds the same bits.
  for (std::size_t r = 1; r < spread.size(); ++r) {
    for (std::size_t i = 0; i < spread[0].parameters.size(); ++i) {
      EXPECT_TRUE(torch::equal(spread[r].parameters[i], spread[0].parameters[i])) << "rank " << r << " tensor " << i;
    }
  }
}

TEST(DistributedTraining, TwoRanksTrainAsOneProcessToRounding) {
  const auto data = study();
  TrainerOptions options = options_for(20);
  options.early_stopping_patience = 0;  // the last epoch's parameters
  const RankResult alone = train_alone(data, options);
  expect_like_alone(train_spread(data, 2, options), alone);
}

TEST(DistributedTraining, ThreeRanksWithSampledLossAndKeptBestEpoch) {
  const auto data = study();
  TrainerOptions options = options_for(20);
  options.sampled_non_edges = 3;  // each sequence's own generator draws its non-edges
  const RankResult alone = train_alone(data, options);
  expect_like_alone(train_spread(data, 3, options), alone);
}

TEST(DistributedTraining, ResumesWithAnotherRankCount) {
  const auto data = study();
  const auto dir = temp_dir("resume");
  const RankResult alone = train_alone(data, options_for(20));
  // 10 epochs on two ranks, then to 20 on three, then the same on one.
  const auto first = train_spread(data, 2, options_for(10), dir / "model.pt");
  for (const auto& r : first) ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_TRUE(fs::exists(dir / "model.pt"));
  fs::copy_file(dir / "model.pt", dir / "copy.pt");
  expect_like_alone(train_spread(data, 3, options_for(20), dir / "model.pt", true), alone);
  const RankResult resumed_alone = train_alone(data, options_for(20), dir / "copy.pt", true);
  EXPECT_LE(largest_relative_difference(resumed_alone.parameters, alone.parameters), 1e-10);
  fs::remove_all(dir);
}

TEST(DistributedTraining, RanksWithOtherSettingsRefuseToStart) {
  const auto data = study();
  const auto results = train_spread(data, 2, options_for(3), {}, false,
                                    [](int rank, TrainerOptions& o) { o.learning_rate = rank == 0 ? 1e-2 : 2e-2; });
  for (const auto& r : results) EXPECT_NE(r.error.find("different settings or graphs"), std::string::npos) << r.error;
}

TEST(DistributedTraining, MoreRanksThanSequencesIsAnError) {
  const std::vector<TrainingData> data = {sequence_of(4, 10, 0.3, 1), sequence_of(4, 12, 0.3, 2)};
  for (const auto& r : train_spread(data, 3, options_for(2))) {
    EXPECT_NE(r.error.find("at least as many sequences"), std::string::npos) << r.error;
  }
}

TEST(DistributedTraining, StepPerSequenceCannotBeSpread) {
  TrainerOptions options = options_for(2);
  options.step_per_sequence = true;
  for (const auto& r : train_spread(study(), 2, options)) {
    EXPECT_NE(r.error.find("step-per-sequence"), std::string::npos) << r.error;
  }
}

TEST(DistributedTraining, AStoreNobodyHoldsFailsWithinTheTimeout) {
  GroupOptions group;
  group.master_port = free_local_port();  // nothing listens there
  group.rank = 1;
  group.world_size = 2;
  group.timeout = std::chrono::seconds(2);
  const auto started = std::chrono::steady_clock::now();
  try {
    ProcessGroup unreachable(group);
    FAIL() << "connected to a store nobody holds";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot reach the rendezvous store at 127.0.0.1:" + std::to_string(group.master_port)),
              std::string::npos)
        << message;
  }
  // Generous: the point is that it returns, not how fast.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

TEST(DistributedTraining, ARankThatLeavesStopsTheOthersWithAnError) {
  const auto data = study();
  const int port = free_local_port();
  std::string error;
  std::thread leaver([&] {
    GroupOptions group;
    group.master_port = port;
    group.rank = 1;
    group.world_size = 2;
    group.timeout = std::chrono::seconds(10);
    ProcessGroup joined(group);  // joins, then goes away without training
  });
  try {
    GroupOptions group;
    group.master_port = port;
    group.world_size = 2;
    group.timeout = std::chrono::seconds(10);
    TrainerOptions options = options_for(5);
    options.group = std::make_shared<ProcessGroup>(group);
    std::vector<InMemoryWindows> windows(data.begin(), data.end());
    std::vector<WindowSource*> sources;
    for (std::size_t s = 0; s < windows.size(); ++s) sources.push_back(s % 2 == 0 ? &windows[s] : nullptr);
    Trainer trainer(small_model(), options);
    trainer.fit(sources, {}, false);
  } catch (const Error& e) {
    error = e.what();
  }
  leaver.join();
  std::printf("rank 0 after rank 1 left: %s\n", error.c_str());
  EXPECT_NE(error.find("rank 0 of 2"), std::string::npos) << error;
  EXPECT_NE(error.find("failed"), std::string::npos) << error;
}

TEST(DistributedTraining, EnvironmentAsTorchrunSetsIt) {
  ::setenv("MASTER_ADDR", "10.1.2.3", 1);
  ::setenv("MASTER_PORT", "29123", 1);
  ::setenv("RANK", "2", 1);
  ::setenv("WORLD_SIZE", "4", 1);
  ::setenv("TAVRNN_DIST_TIMEOUT", "17", 1);
  const GroupOptions o = GroupOptions::from_environment();
  EXPECT_EQ(o.master_addr, "10.1.2.3");
  EXPECT_EQ(o.master_port, 29123);
  EXPECT_EQ(o.rank, 2);
  EXPECT_EQ(o.world_size, 4);
  EXPECT_EQ(o.timeout, std::chrono::seconds(17));
  ::setenv("RANK", "two", 1);
  EXPECT_THROW(GroupOptions::from_environment(), Error);
  ::setenv("RANK", "4", 1);
  EXPECT_THROW(GroupOptions::from_environment().check(), Error);
  for (const char* name : {"MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE", "TAVRNN_DIST_TIMEOUT"}) ::unsetenv(name);
}

}  // namespace
}  // namespace tavrnn::distributed::training_test
