#include "report/report_sections.h"

#include <gtest/gtest.h>

#include "report/report_maps.h"

namespace tavrnn::report {
namespace {

TEST(FormatMetric, MeanSdAndUserStringsAreFormattedAndEscaped) {
  EXPECT_EQ(format_metric({{"mean", 0.85}, {"sd", 0.0236}, {"n", 2}}), "0.85 ± 0.0236 (n = 2)");
  EXPECT_EQ(format_metric(3), "3");
  EXPECT_EQ(format_metric(0.123456), "0.1235");
  EXPECT_EQ(format_metric("<b>"), "&lt;b&gt;");
}

TEST(MetricsTables, RenderWhatIsPresentAndEscapeLabelNames) {
  ReportContent c;
  c.label_names = {"<high>"};
  c.metrics = {{"model", "tavrnn"},
               {"decoding", {{"skipped", "fewer than two classes"}}},
               {"groups", {{"by_label", {{"<high>", {{"silhouette_score", {{"mean", 0.5}, {"sd", 0.1}, {"n", 3}}}}}}}}}};
  const std::string html = metrics_tables(c);
  EXPECT_NE(html.find("fewer than two classes"), std::string::npos);
  EXPECT_NE(html.find("&lt;high&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<high>"), std::string::npos);
  EXPECT_EQ(html.find("Clustering"), std::string::npos);  // absent section, no table
}

TEST(AttentionHeatmap, OneCellPerWeightAndLongRunsInBlocks) {
  const std::vector<std::vector<double>> a = {{1, 0, 0}, {0.5, 0.5, 0}, {0.2, 0.3, 0.5}};
  const std::string svg = attention_heatmap(a);
  EXPECT_NE(svg.find("step 2 attends state 1: 0.300"), std::string::npos);
  std::size_t titles = 0;
  for (auto at = svg.find("<title>"); at != std::string::npos; at = svg.find("<title>", at + 1)) ++titles;
  EXPECT_EQ(titles, 9u);
  const std::vector<std::vector<double>> big(500, std::vector<double>(500, 0.1));
  EXPECT_LT(attention_heatmap(big).size(), 2'000'000u);
}

TEST(MappedWindows, EvenlySpacedWithFirstAndLast) {
  EXPECT_EQ(mapped_windows(30, 4), (std::vector<std::size_t>{0, 10, 19, 29}));
  EXPECT_EQ(mapped_windows(3, 12), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(mapped_windows(1, 12), (std::vector<std::size_t>{0}));
}

TEST(MapPerplexity, LoweredForFewPointsSoTinyRunsUsePca) {
  EXPECT_EQ(map_perplexity(1000), 30.0);
  EXPECT_DOUBLE_EQ(map_perplexity(31), 10.0);
  EXPECT_LT(map_perplexity(10), kMinPerplexity);
}

}  // namespace
}  // namespace tavrnn::report
