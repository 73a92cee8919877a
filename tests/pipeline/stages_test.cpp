#include "tavrnn/pipeline/stages.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "error_message.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/pipeline/run_pipeline.h"
#include "tavrnn/report/figure_manifest.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {
namespace {

namespace fs = std::filesystem;
using test_support::error_of;

class StagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { recording_ = new Recording(simulate({"small", 3}).recording); }
  static void TearDownTestSuite() { delete recording_; }
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tavrnn_stages_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static graphs::GraphSequence graphs_with(const std::string& features) {
    GraphsSettings g;
    g.windows = "sliding:200:100";
    g.theta = 0.3;
    g.history_node = true;
    g.features = features;
    return build_graphs(*recording_, g);
  }
  static FitSettings quick_fit() {
    FitSettings f;
    f.trainer.epochs = 3;
    f.trainer.progress = false;
    f.trainer.seed = 7;
    return f;
  }

  static Recording* recording_;
  fs::path dir_;
};
Recording* StagesTest::recording_ = nullptr;

TEST_F(StagesTest, InMemoryEvaluationEqualsTheFileRoundTrip) {
  const auto sequence = graphs_with("rows");
  const FittedModel fitted = fit(sequence, quick_fit());
  EvaluateSettings settings;
  settings.options.decoding.n_seeds = 2;
  const auto in_memory = evaluate(evaluation_input(fitted, sequence), &sequence, settings);
  train::save_embeddings(dir_ / "embeddings.npz", fitted.embeddings, sequence, fitted.config);
  const auto read_back = eval::read_embeddings(dir_ / "embeddings.npz");
  const auto from_file = evaluate(read_back, &sequence, settings);
  EXPECT_EQ(in_memory, from_file);
  EXPECT_TRUE(in_memory.contains("decoding"));
  // What the figures and the report take from the embeddings, too.
  const auto direct = evaluation_input(fitted, sequence);
  ASSERT_TRUE(direct.attention.defined());
  EXPECT_TRUE(direct.attention.equal(read_back.attention));
  EXPECT_EQ(direct.window_start_s, read_back.window_start_s);
  EXPECT_EQ(direct.window_stop_s, read_back.window_stop_s);
  ASSERT_EQ(direct.window_start_s.size(), sequence.size());
  EXPECT_DOUBLE_EQ(direct.window_stop_s[0] - direct.window_start_s[0], 200 * sequence.bin_width_s());
}

TEST_F(StagesTest, FiguresAndReportFromMemoryEqualThoseOfTheRunFolder) {
  const auto sequence = graphs_with("rows");
  EvaluateSettings evaluate_settings;
  evaluate_settings.options.decoding.n_seeds = 2;
  FiguresSettings figure_settings;
  figure_settings.population = "pca";  // the t-SNE maps are checked elsewhere; keep this quick

  // In memory: no file but the figures themselves.
  const FittedModel fitted = fit(sequence, quick_fit());
  const auto metrics = evaluate(evaluation_input(fitted, sequence), &sequence, evaluate_settings);
  const auto results = run_results(fitted, sequence, metrics);
  const auto in_memory = figures(results, figure_settings, dir_ / "memory");
  const std::string html = report_html(results, in_memory, ReportSettings{});

  // The same through a run folder, as the commands do it.
  graphs::save_graph_sequence(dir_ / "graphs.npz", sequence);
  const RunDirectory run(dir_ / "run");
  run_fit(dir_ / "graphs.npz", quick_fit(), run);
  run_evaluate(run, evaluate_settings);
  FiguresFiles files;
  files.out = dir_ / "files";
  run_figures(run, figure_settings, files);
  const auto from_files = report::read_figure_manifest(RunDirectory::figures_manifest_in(files.out));

  ASSERT_EQ(in_memory.size(), from_files.size());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < in_memory.size(); ++i) {
    names.push_back(in_memory[i].name);
    EXPECT_EQ(in_memory[i].name, from_files[i].name);
    EXPECT_EQ(io::read_file_bytes(in_memory[i].png), io::read_file_bytes(from_files[i].png))
        << in_memory[i].name << ": the PNG drawn from memory differs from the run folder's";
  }
  for (const char* expected : {"training_loss", "attention", "connectivity", "unit_embeddings",
                               "population_embeddings", "confusion_matrix"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  EXPECT_NE(html.find("id=\"attention-heatmap\""), std::string::npos);
  EXPECT_NE(html.find("confusion_matrix"), std::string::npos) << "the figures are inlined";
  EXPECT_EQ(html.find("not evaluated"), std::string::npos) << "the metrics were given";
}

TEST_F(StagesTest, FitInMemoryIsSeededAndWritesNoCheckpoint) {
  const auto sequence = graphs_with("rows");
  const FittedModel a = fit(sequence, quick_fit());
  const FittedModel b = fit(sequence, quick_fit());
  EXPECT_TRUE(a.embeddings.mu.equal(b.embeddings.mu));
  EXPECT_EQ(a.result.state.epochs_done, 3);
  auto other = quick_fit();
  other.trainer.seed = 8;
  EXPECT_FALSE(fit(sequence, other).embeddings.mu.equal(a.embeddings.mu));
  Checkpointing to_file;
  to_file.checkpoint = dir_ / "model.pt";
  const FittedModel c = fit(sequence, quick_fit(), to_file);
  EXPECT_TRUE(fs::exists(dir_ / "model.pt"));
  EXPECT_TRUE(c.embeddings.mu.equal(a.embeddings.mu)) << "checkpointing must not change the numbers";
}

TEST_F(StagesTest, EmbedsWithAModelTrainedOnRowsPlusRates) {
  // rows+rates graphs have N' + 1 features per node: embedding must compare
  // features with features, not nodes with features.
  const auto sequence = graphs_with("rows+rates");
  ASSERT_EQ(sequence.feature_dim(), sequence.n_nodes() + 1);
  const FittedModel fitted = fit(sequence, quick_fit());
  const auto again = embed(fitted.model(), sequence, {});
  EXPECT_TRUE(again.mu.equal(fitted.embeddings.mu));
  // Through the files, as `tavrnn embed` does.
  Checkpointing to_file;
  to_file.checkpoint = dir_ / "model.pt";
  fit(sequence, quick_fit(), to_file);
  auto loaded = load_model(dir_ / "model.pt", {});
  EXPECT_TRUE(embed(*loaded, sequence, {}).mu.equal(fitted.embeddings.mu));
  // Graphs built another way are refused by name.
  const auto message = error_of([&] { embed(fitted.model(), graphs_with("rows"), {}); });
  EXPECT_NE(message.find("node features"), std::string::npos) << message;
}

TEST_F(StagesTest, RunPipelineFromAConfigBuiltInCode) {
  RunConfig config;
  config.seed = 2;
  config.sections["simulate"] = {{"preset", std::string("small")}};
  config.sections["graphs"] = {{"features", std::string("rows")}, {"history-node", std::nullopt},
                               {"theta", std::string("0.3")}, {"windows", std::string("sliding:200:100")}};
  config.sections["fit"] = {{"epochs", std::string("3")}};
  config.sections["evaluate"] = {};
  config.sections["figures"] = {{"population", std::string("pca")}};
  config.sections["report"] = {};
  RunOptions options;
  options.out = dir_ / "run";
  std::string printed;
  options.print = [&](const std::string& text) { printed += text; };
  const RunResult first = run_pipeline(config, options);
  EXPECT_EQ(first.stages_run, (std::vector<std::string>{"simulate", "graphs", "fit", "evaluate", "figures", "report"}));
  const RunDirectory& out = first.directory;
  for (const auto& file : {out.recording(), out.graphs(), out.fit().embeddings(), out.fit().metrics(),
                           out.figures_manifest(), out.report(), out.record()}) {
    EXPECT_TRUE(fs::exists(file)) << file;
  }
  EXPECT_NE(printed.find("== [3/6] fit"), std::string::npos) << printed;
  const RunResult second = run_pipeline(config, options);
  EXPECT_TRUE(second.stages_run.empty());
  EXPECT_EQ(second.stages_skipped.size(), 6u);
  // A key the stage does not have is refused before any stage runs.
  config.sections["fit"].push_back({"epochz", std::string("3")});
  options.out = dir_ / "bad";
  const auto message = error_of([&] { run_pipeline(config, options); });
  EXPECT_NE(message.find("[fit] epochz: unknown key"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir_ / "bad"));
}

}  // namespace
}  // namespace tavrnn::pipeline
