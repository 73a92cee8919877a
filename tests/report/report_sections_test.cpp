#include "report/report_sections.h"

#include <gtest/gtest.h>

#include <string>

#include "report/report_maps.h"
#include "tavrnn/report/html_report.h"

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
  EXPECT_NE(decoding_tables(c).find("fewer than two classes"), std::string::npos);
  const std::string html = metrics_tables(c);
  EXPECT_EQ(html.find("fewer than two classes"), std::string::npos);  // decoding has its own section
  EXPECT_NE(html.find("&lt;high&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<high>"), std::string::npos);
  EXPECT_EQ(html.find("Clustering"), std::string::npos);  // absent section, no table
}

TEST(DecodingTables, ScoresSitBesideTheirShuffledLabelControl) {
  ReportContent c;
  EXPECT_NE(decoding_tables(c).find("tavrnn evaluate"), std::string::npos);  // no metrics.json
  c.metrics = {{"decoding",
                {{"folds", 5},
                 {"logistic_regression",
                  {{"scores", {{"accuracy_score", {{"mean", 0.9}, {"sd", 0.01}, {"n", 2}}}}},
                   {"shuffled_labels", {{"accuracy_score", {{"mean", 0.25}, {"sd", 0.02}, {"n", 2}}}}}}}}}};
  const std::string html = decoding_tables(c);
  const auto header = html.find("<th>logistic_regression</th><th>logistic_regression, shuffled labels</th>");
  const auto row = html.find("<tr><th>accuracy_score</th><td class=\"num\">0.9 ± 0.01 (n = 2)</td>"
                             "<td class=\"num\">0.25 ± 0.02 (n = 2)</td></tr>");
  EXPECT_NE(header, std::string::npos) << html;
  EXPECT_NE(row, std::string::npos) << html;
  EXPECT_LT(header, row);
}

TEST(RenderHtmlReport, OpensWithDecodingThenThePopulationAndAttentionMapsAndEndsWithSettings) {
  ReportContent c;
  c.model = "tavrnn";
  c.run = {{"epochs", 20}, {"trainer", {{"learning_rate", 0.01}}}};
  c.metrics = {{"model", "tavrnn"},
               {"decoding",
                {{"logistic_regression",
                  {{"scores", {{"accuracy_score", 0.9}}}, {"shuffled_labels", {{"accuracy_score", 0.25}}}}}}},
               {"clustering", {{"adjusted_rand_score", 0.4}}}};
  c.attention = {{1.0, 0.0}, {0.4, 0.6}};
  c.notes = {"no training_log.csv in RUN"};
  const std::string html = render_html_report(c, "");
  const auto at = [&](const std::string& text, std::size_t from = 0) {
    const auto i = html.find(text, from);
    EXPECT_NE(i, std::string::npos) << text;
    return i;
  };
  const auto section = [&](const std::string& id) { return at("<section id=\"" + id + "\">"); };
  // Decoding beside its shuffled control, the population map, the attention map, in that order, first.
  const auto decoding = section("decoding");
  const auto control = at("logistic_regression, shuffled labels");
  const auto population = at("<canvas id=\"population-chart\"");
  const auto attention = at("<svg id=\"attention-heatmap\"");
  EXPECT_LT(decoding, control);
  EXPECT_LT(control, section("embeddings"));
  EXPECT_LT(section("embeddings"), population);
  EXPECT_LT(population, section("attention"));
  EXPECT_LT(section("attention"), attention);
  EXPECT_LT(attention, section("metrics"));
  // Every other section comes before the settings tables, and only the notes after them.
  const auto settings = section("settings");
  for (const char* id : {"decoding", "embeddings", "attention", "metrics", "training", "windows", "figures"}) {
    EXPECT_LT(section(id), settings) << id;
  }
  EXPECT_LT(at("<h3>Trainer</h3>", settings), section("notes"));  // the settings tables are in it
  EXPECT_LT(settings, section("notes"));
  // The decoding tables appear once: in their own section, not again under Metrics.
  EXPECT_EQ(html.find("logistic_regression, shuffled labels"), html.rfind("logistic_regression, shuffled labels"));
  EXPECT_NE(html.find("Clustering of the labelled windows", section("metrics")), std::string::npos);
  // The navigation lists the sections in page order.
  const auto nav = at("<nav>");
  std::size_t previous = nav;
  for (const char* id : {"decoding", "embeddings", "attention", "metrics", "training", "windows", "figures",
                         "settings"}) {
    const auto link = at(std::string("<a href=\"#") + id + "\">", nav);
    EXPECT_LT(previous, link) << id;
    previous = link;
  }
  EXPECT_LT(previous, at("</nav>"));
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
