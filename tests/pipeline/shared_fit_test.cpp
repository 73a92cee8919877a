#include "tavrnn/pipeline/shared_fit.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "error_message.h"
#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {
namespace {

namespace fs = std::filesystem;
using test_support::error_of;

class SharedFitTest : public ::testing::Test {
 protected:
  // Two recordings of the same simulated preparation with different units.
  static void SetUpTestSuite() {
    first_ = new Recording(simulate({"small", 3, 24, 600}).recording);
    second_ = new Recording(simulate({"small", 4, 40, 480}).recording);
  }
  static void TearDownTestSuite() {
    delete first_;
    delete second_;
  }
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tavrnn_shared_fit_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static graphs::GraphSequence graphs_of(const Recording& recording, const std::string& features) {
    GraphsSettings g;
    g.windows = "sliding:60s:60s";
    g.theta = 0.3;
    g.history_node = true;
    g.features = features;
    return build_graphs(recording, g);
  }
  static FitSettings quick_fit() {
    FitSettings f;
    f.trainer.epochs = 3;
    f.trainer.progress = false;
    f.trainer.seed = 5;
    return f;
  }

  static Recording* first_;
  static Recording* second_;
  fs::path dir_;
};
Recording* SharedFitTest::first_ = nullptr;
Recording* SharedFitTest::second_ = nullptr;

TEST_F(SharedFitTest, DescriptorsOfRecordingsOfOtherSizesTrainOneModelAndEmbedEach) {
  const std::vector<graphs::GraphSequence> sequences = {graphs_of(*first_, "descriptors"),
                                                        graphs_of(*second_, "descriptors")};
  const SharedFit fitted = fit_shared(sequences, {"day1", "day2"}, quick_fit());
  ASSERT_EQ(fitted.embeddings.size(), 2u);
  EXPECT_EQ(fitted.names, (std::vector<std::string>{"day1", "day2"}));
  EXPECT_EQ(fitted.result.state.epochs_done, 3);
  for (std::size_t s = 0; s < 2; ++s) {
    const auto& mu = fitted.embeddings[s].mu;
    EXPECT_EQ(mu.size(0), static_cast<int64_t>(sequences[s].size()));
    EXPECT_EQ(mu.size(1), static_cast<int64_t>(sequences[s].n_nodes()));
    EXPECT_EQ(mu.size(2), fitted.config.latent);
    EXPECT_TRUE(torch::isfinite(mu).all().item<bool>());
  }
  EXPECT_NE(sequences[0].n_nodes(), sequences[1].n_nodes());
  // The shared model embeds each sequence as embed() does afterwards.
  const auto again = embed(fitted.model(), sequences[1], EmbedSettings{});
  EXPECT_TRUE(torch::equal(again.mu, fitted.embeddings[1].mu));
}

TEST_F(SharedFitTest, RowsOfRecordingsOfOtherSizesAreRefusedWithTheWayOut) {
  const std::vector<graphs::GraphSequence> sequences = {graphs_of(*first_, "rows"), graphs_of(*second_, "rows")};
  const std::string message = error_of([&] { fit_shared(sequences, {"a", "b"}, quick_fit()); });
  EXPECT_NE(message.find("sequences 'a' and 'b' have different node features"), std::string::npos) << message;
  EXPECT_NE(message.find("--features descriptors"), std::string::npos) << message;
  const std::vector<graphs::GraphSequence> same = {graphs_of(*first_, "descriptors"),
                                                   graphs_of(*first_, "descriptors")};
  EXPECT_NE(error_of([&] { fit_shared(same, {"a", "a"}, quick_fit()); }).find("two sequences are named 'a'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { fit_shared(same, {"a"}, quick_fit()); }).find("one of each per sequence"),
            std::string::npos);
}

TEST_F(SharedFitTest, NamesComeFromTheFilesOrTheListAndMustBePlainAndDistinct) {
  const std::vector<fs::path> files = {"x/day07.npz", "y/day11.npz"};
  EXPECT_EQ(sequence_names(files, ""), (std::vector<std::string>{"day07", "day11"}));
  EXPECT_EQ(sequence_names(files, "a,b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(error_of([&] { sequence_names(files, "a"); }).find("1 names for 2 graphs files"), std::string::npos);
  EXPECT_NE(error_of([&] { sequence_names(files, "a,"); }).find("name is empty"), std::string::npos);
  EXPECT_NE(error_of([&] { sequence_names(files, "a,b/c"); }).find("not a plain file name"), std::string::npos);
  const std::vector<fs::path> same_stem = {"x/g.npz", "y/g.npz"};
  EXPECT_NE(error_of([&] { sequence_names(same_stem, ""); }).find("--names"), std::string::npos);
}

TEST_F(SharedFitTest, RunFolderKeepsEachSequencesEmbeddingsAndResumes) {
  const auto a = graphs_of(*first_, "descriptors");
  const auto b = graphs_of(*second_, "descriptors");
  graphs::save_graph_sequence(dir_ / "a.npz", a);
  graphs::save_graph_sequence(dir_ / "b.npz", b);
  const std::vector<fs::path> files = {dir_ / "a.npz", dir_ / "b.npz"};
  FitSettings settings = quick_fit();
  const RunDirectory run(dir_ / "run");
  run_fit_shared(files, {"a", "b"}, settings, run);
  const auto record = nlohmann::json::parse(std::ifstream(run.record()));
  ASSERT_EQ(record.at("sequences").size(), 2u);
  EXPECT_EQ(record.at("sequences")[1].at("name"), "b");
  EXPECT_EQ(record.at("sequences")[1].at("units"), b.n_units());
  EXPECT_EQ(record.at("sequences")[1].at("embeddings"), "embeddings/b.npz");
  const auto read = eval::read_embeddings(run.sequence_embeddings("b"));
  EXPECT_EQ(read.n_units(), b.n_units());
  EXPECT_EQ(read.n_windows(), b.size());
  EXPECT_NE(error_of([&] { run_fit_shared(files, {"a", "b"}, settings, run); }).find("already holds a model"),
            std::string::npos);
  // Resumed to more epochs, over other graphs: refused.
  settings.trainer.epochs = 5;
  const std::vector<fs::path> swapped = {dir_ / "b.npz", dir_ / "a.npz"};
  EXPECT_NE(error_of([&] { run_fit_shared(swapped, {"b", "a"}, settings, run, ExistingModel::Resume); })
                .find("trained on other graphs"),
            std::string::npos);
  run_fit_shared(files, {"a", "b"}, settings, run, ExistingModel::Resume);
  const auto resumed = nlohmann::json::parse(std::ifstream(run.record()));
  EXPECT_EQ(resumed.at("epochs_done"), 5);
  EXPECT_EQ(resumed.at("resumed"), true);
}

}  // namespace
}  // namespace tavrnn::pipeline
