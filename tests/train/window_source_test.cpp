// Training from a graphs file read piece by piece (GraphFileWindows) against
// the same graphs in memory, and truncated back-propagation (bptt_windows).
#include "tavrnn/train/window_source.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/train/embeddings.h"
#include "tavrnn/train/trainer.h"
#include "tavrnn/util/runtime.h"

namespace tavrnn::train {
namespace {

namespace fs = std::filesystem;

class WindowSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    threads_ = num_threads();
    set_num_threads(1);
    torch::manual_seed(9);
    const torch::Tensor y = torch::poisson(torch::full({10, 900}, 0.7, torch::kFloat64));
    std::vector<double> values(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
    Recording rec(Activity{10, 900, values}, 0.025);
    graphs::GraphBuilderOptions o;
    o.theta = 0.06;
    o.history_node = true;
    o.features = graphs::NodeFeatures::RowsAndRates;
    o.storage = graphs::StoragePolicy::Sparse;
    o.weights = graphs::WeightStorage::Edges;
    sequence_ = graphs::CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 100, 100));
    path_ = fs::temp_directory_path() / ("tavrnn-window-source-" + std::to_string(::getpid()) + ".npz");
    graphs::save_graph_sequence(path_, sequence_);
  }
  void TearDown() override {
    fs::remove(path_);
    set_num_threads(threads_);
  }

  ModelConfig config() const {
    ModelConfig c;
    c.x_dim = static_cast<int64_t>(sequence_.feature_dim());
    c.hidden = 8;
    c.latent = 3;
    c.history_node = true;
    return c;
  }
  static TrainerOptions options(int64_t bptt, int64_t sampled = 0) {
    TrainerOptions o;
    o.epochs = 6;
    o.bptt_windows = bptt;
    o.sampled_non_edges = sampled;
    o.early_stopping_patience = 0;
    o.progress = false;
    o.seed = 4;
    return o;
  }
  struct Fitted {
    std::vector<torch::Tensor> parameters;
    std::vector<EpochRecord> log;
  };
  Fitted fit(WindowSource& windows, const TrainerOptions& o) const {
    Trainer trainer(config(), o);
    const TrainingResult result = trainer.fit(windows, {}, false);
    Fitted f;
    for (const auto& p : trainer.model().module().parameters()) f.parameters.push_back(p.detach().clone());
    f.log = result.state.log;
    return f;
  }
  Fitted fit_in_memory(const TrainerOptions& o) const {
    InMemoryWindows windows(make_training_data(sequence_, torch::kCPU, torch::kFloat32));
    return fit(windows, o);
  }
  Fitted fit_streamed(const TrainerOptions& o) const {
    GraphFileWindows windows(path_, torch::kCPU, torch::kFloat32);
    return fit(windows, o);
  }
  static void expect_bitwise(const Fitted& a, const Fitted& b, const std::string& what) {
    ASSERT_EQ(a.parameters.size(), b.parameters.size());
    for (std::size_t i = 0; i < a.parameters.size(); ++i) {
      EXPECT_TRUE(a.parameters[i].equal(b.parameters[i])) << what << ", parameter " << i;
    }
    ASSERT_EQ(a.log.size(), b.log.size());
    for (std::size_t e = 0; e < a.log.size(); ++e) {
      EXPECT_EQ(a.log[e].loss, b.log[e].loss) << what << ", epoch " << e;
      EXPECT_EQ(a.log[e].val_auc, b.log[e].val_auc) << what << ", epoch " << e;
      EXPECT_EQ(a.log[e].val_loss, b.log[e].val_loss) << what << ", epoch " << e;
    }
  }

  graphs::GraphSequence sequence_;
  fs::path path_;
  int threads_ = 1;
};

TEST_F(WindowSourceTest, StreamedTrainingIsInMemoryTrainingBitForBit) {
  ASSERT_EQ(sequence_.size(), 9u);
  for (const int64_t bptt : {0, 4}) {
    const Fitted memory = fit_in_memory(options(bptt));
    expect_bitwise(memory, fit_streamed(options(bptt)), "bptt " + std::to_string(bptt));
    EXPECT_GT(memory.log.back().val_auc, 0.0);  // held-out edges were drawn and scored
  }
  expect_bitwise(fit_in_memory(options(3, 4)), fit_streamed(options(3, 4)), "sampled loss, bptt 3");
}

TEST_F(WindowSourceTest, PiecesAsLongAsTheSequenceAreTheFullPassAndShorterOnesDiffer) {
  const Fitted full = fit_in_memory(options(0));
  expect_bitwise(full, fit_in_memory(options(9)), "bptt 9 of 9 windows");
  expect_bitwise(full, fit_in_memory(options(50)), "bptt 50 of 9 windows");
  const Fitted truncated = fit_in_memory(options(2));
  ASSERT_EQ(truncated.log.size(), full.log.size());
  EXPECT_NE(truncated.log.back().loss, full.log.back().loss);
  for (const auto& r : truncated.log) EXPECT_TRUE(std::isfinite(r.loss));
  EXPECT_LT(truncated.log.back().loss, truncated.log.front().loss);  // it still learns
}

TEST_F(WindowSourceTest, EmbeddingInPiecesFromTheFileIsEmbeddingInMemory) {
  Trainer trainer(config(), options(0));
  InMemoryWindows memory(make_training_data(sequence_, torch::kCPU, torch::kFloat32));
  trainer.fit(memory, {}, false);
  auto gen_a = at::detail::createCPUGenerator(7), gen_b = at::detail::createCPUGenerator(7);
  const Embeddings whole = embed(trainer.model(), memory, sequence_.history_node_index(), true, gen_a);
  GraphFileWindows file(path_, torch::kCPU, torch::kFloat32);
  const Embeddings pieces = embed(trainer.model(), file, file.header().history_node_index(), true, gen_b, 4);
  EXPECT_TRUE(whole.mu.equal(pieces.mu));
  EXPECT_TRUE(whole.sigma.equal(pieces.sigma));
  EXPECT_TRUE(whole.z.equal(pieces.z));
  EXPECT_TRUE(whole.attention.equal(pieces.attention));
  EXPECT_TRUE(whole.population_history.equal(pieces.population_history));
}

TEST_F(WindowSourceTest, WindowsReadOutOfOrderHoldOutWhatAPassInOrderHoldsOut) {
  const GraphFileWindows file(path_, torch::kCPU, torch::kFloat32);
  const auto in_order = file.with_held_out_edges(0.2, 11);
  std::vector<HeldOutPairs> expected;
  for (std::size_t t = 0; t < 5; ++t) expected.push_back(in_order->windows(t, 1).held_out.front());
  const auto out_of_order = file.with_held_out_edges(0.2, 11);
  const TrainingData late = out_of_order->windows(3, 2);
  for (std::size_t k = 0; k < 2; ++k) {
    ASSERT_FALSE(expected[3 + k].empty());
    EXPECT_TRUE(late.held_out[k].first.equal(expected[3 + k].first)) << k;
    EXPECT_TRUE(late.held_out[k].second.equal(expected[3 + k].second)) << k;
  }
}

TEST_F(WindowSourceTest, ANegativePieceLengthIsAClearError) {
  try {
    Trainer trainer(config(), options(-1));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("`bptt`"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tavrnn::train
