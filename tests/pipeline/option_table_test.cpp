#include "tavrnn/pipeline/option_table.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "error_message.h"
#include "tavrnn/pipeline/stage_settings.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {
namespace {

using test_support::error_of;

TEST(OptionTable, SetsTypedFieldsFromText) {
  GraphsSettings s;
  const OptionTable t = graphs_options(s);
  t.set("theta", std::string("0.3"));
  t.set("top-k", std::string("10"));
  t.set("history-node", std::nullopt);
  t.set("features", std::string("rows+rates"));
  EXPECT_DOUBLE_EQ(s.theta, 0.3);
  EXPECT_EQ(s.top_k, 10u);
  EXPECT_TRUE(s.history_node);
  EXPECT_EQ(s.features, "rows+rates");
  t.set("history-node", std::string("false"));
  EXPECT_FALSE(s.history_node);
}

TEST(OptionTable, ErrorsNameTheOptionAndWhatWasExpected) {
  GraphsSettings s;
  const OptionTable t = graphs_options(s);
  const auto theta = error_of([&] { t.set("theta", std::string("1.5")); });
  EXPECT_NE(theta.find("theta"), std::string::npos) << theta;
  EXPECT_NE(theta.find("[0, 1]"), std::string::npos) << theta;
  EXPECT_DOUBLE_EQ(s.theta, 0.0) << "a refused value must leave the setting alone";
  const auto features = error_of([&] { t.set("features", std::string("edges")); });
  EXPECT_NE(features.find("rows, identity, rows+rates"), std::string::npos) << features;
  const auto integer = error_of([&] { t.set("top-k", std::string("ten")); });
  EXPECT_NE(integer.find("top-k: expected"), std::string::npos) << integer;
  const auto unknown = error_of([&] { t.set("thetta", std::string("0.3")); });
  EXPECT_NE(unknown.find("thetta"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("theta"), std::string::npos) << "the known options are listed: " << unknown;
  EXPECT_THROW(t.set("theta", std::nullopt), Error) << "a value option given as a flag";
}

TEST(OptionTable, CompareAcceptsEveryModelOptionOfFit) {
  FitSettings fit;
  CompareSettings compare;
  const OptionTable fit_table = fit_options(fit);
  const OptionTable compare_table = compare_options(compare);
  // The grid's axes replace these: --models, --latent (a list), --seed (the
  // first). --stream says how `fit` reads its graphs file, not which model:
  // the grid holds the graphs in memory for all its cells.
  const std::vector<std::string> axes = {"model", "latent", "seed", "sample-z", "stream"};
  for (const auto& spec : fit_table.specs()) {
    if (std::find(axes.begin(), axes.end(), spec.name) != axes.end()) continue;
    EXPECT_NE(compare_table.find(spec.name), nullptr) << "compare lacks fit's option " << spec.name;
  }
  compare_table.set("attention-width", std::string("3"));
  compare_table.set("attention-summary", std::string("mean"));
  compare_table.set("freeze-gru-gates", std::nullopt);
  compare_table.set("latent", std::string("2,8"));
  EXPECT_EQ(compare.fit.model.config.attention_width, 3);
  EXPECT_EQ(compare.fit.model.config.attention_summary, "mean");
  EXPECT_TRUE(compare.fit.model.freeze_gru_gates);
  EXPECT_EQ(compare.latent, (std::vector<std::int64_t>{2, 8}));
}

TEST(OptionTable, NamesAreUniqueAndDocumented) {
  RecordingSettings recording;
  SimulateSettings simulate;
  GraphsSettings graphs;
  FitSettings fit;
  EmbedSettings embed;
  EvaluateSettings evaluate;
  CompareSettings compare;
  FiguresSettings figures;
  ReportSettings report;
  for (const OptionTable& t :
       {recording_options(recording), simulate_options(simulate), graphs_options(graphs), fit_options(fit),
        embed_options(embed), evaluate_options(evaluate), compare_options(compare), figures_options(figures),
        report_options(report)}) {
    for (const auto& spec : t.specs()) {
      EXPECT_FALSE(spec.help.empty()) << spec.name;
      EXPECT_TRUE(spec.set) << spec.name;
      EXPECT_EQ(spec.name.find("--"), std::string::npos) << spec.name;
    }
  }
}

TEST(OptionTable, SplitListDropsEmptyItems) {
  EXPECT_EQ(split_list("a,b,,c,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_list("").empty());
}

}  // namespace
}  // namespace tavrnn::pipeline
