#include "tavrnn/eval/baselines.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/embedding/pca.h"
#include "tavrnn/util/error.h"
#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/simulate/simulate.h"
#include "tavrnn/recording/windows.h"

namespace tavrnn::eval {
namespace {

TEST(PrincipalComponentScores, FullRankScoresRebuildTheCentredData) {
  torch::manual_seed(1);
  const auto x = torch::randn({12, 5}, torch::kFloat64) * 3 + 1;
  const auto scores = principal_component_scores(x, 5);
  const auto centred = x - x.mean(0, true);
  // scores = U S, so scores^T scores = S^2 (diagonal) and the Gram matrices agree.
  EXPECT_TRUE(torch::allclose(torch::mm(scores, scores.t()), torch::mm(centred, centred.t()), 1e-10, 1e-10));
  const auto gram = torch::mm(scores.t(), scores);
  EXPECT_LT((gram - torch::diag(gram.diagonal())).abs().max().item<double>(), 1e-9);
  // Variance decreasing along the components.
  const auto variance = gram.diagonal();
  for (int i = 1; i < 5; ++i) EXPECT_GE(variance[i - 1].item<double>(), variance[i].item<double>());
}

TEST(PrincipalComponentScores, AreThePcaScoresWithItsLargestScorePositiveConvention) {
  torch::manual_seed(2);
  const auto x = torch::randn({20, 4}, torch::kFloat64);
  const auto a = principal_component_scores(x, 3);
  EXPECT_TRUE(torch::equal(a, embedding::pca(x, 3).scores));  // one PCA, one sign convention
  const auto largest = a.abs().argmax(0);
  EXPECT_TRUE((a.gather(0, largest.unsqueeze(0)) > 0).all().item<bool>());
  // Negating the data negates the scores before the flip; the convention undoes it.
  EXPECT_TRUE(torch::allclose(principal_component_scores(-x, 3), a, 1e-10, 1e-10));
  EXPECT_EQ(principal_component_scores(x, 10).size(1), 4);  // k clipped to min(n, p)
  EXPECT_EQ(principal_component_scores(x.to(torch::kFloat32), 2).scalar_type(), torch::kFloat64);
}

class BaselinesOnSimulation : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sim = simulate("small", 5);
    recording_ = std::make_unique<Recording>(std::move(sim.recording));
    graphs::GraphBuilderOptions options;
    options.theta = 0.3;
    options.history_node = true;
    const auto plan = WindowPlan::sliding(*recording_, 300, 300);
    sequence_ = graphs::CorrelationGraphBuilder(options).build(*recording_, plan);
  }
  std::unique_ptr<Recording> recording_;
  graphs::GraphSequence sequence_;
};

TEST_F(BaselinesOnSimulation, ShapesAndRates) {
  const auto t = static_cast<int64_t>(sequence_.size());
  const auto n = static_cast<int64_t>(sequence_.n_units());
  const auto rates = baseline_embeddings(BaselineKind::Rates, recording_.get(), sequence_, 8);
  EXPECT_EQ(rates.mu.sizes(), (std::vector<int64_t>{t, n, 1}));
  EXPECT_EQ(rates.population_mean.sizes(), (std::vector<int64_t>{t, n}));
  // Unit 0's rate in window 1 by hand.
  const auto& r = sequence_.info(1).ranges.front();
  double sum = 0;
  for (auto b = r.begin; b < r.end; ++b) sum += recording_->activity().at(0, b);
  EXPECT_NEAR(rates.population_mean[1][0].item<double>(),
              sum / static_cast<double>(r.end - r.begin) / recording_->bin_width_s(), 1e-12);
  for (auto kind : {BaselineKind::PcaActivity, BaselineKind::CorrPca}) {
    const auto e = baseline_embeddings(kind, recording_.get(), sequence_, 4);
    EXPECT_EQ(e.mu.sizes(), (std::vector<int64_t>{t, n, 4})) << baseline_kind_name(kind);
    EXPECT_EQ(e.population_mean.sizes(), (std::vector<int64_t>{t, 4})) << baseline_kind_name(kind);
    EXPECT_TRUE(torch::isfinite(e.mu).all().item<bool>());
  }
}

TEST_F(BaselinesOnSimulation, CorrPcaSeparatesThePlantedStates) {
  // small: state_a couples A-B and C-D, state_b A-C and B-D; the first
  // principal component of the correlation triangles splits the windows.
  const auto e = baseline_embeddings(BaselineKind::CorrPca, nullptr, sequence_, 2);
  double mean[2] = {0, 0};
  int count[2] = {0, 0};
  for (std::size_t t = 0; t < sequence_.size(); ++t) {
    const int label = sequence_.info(t).label;
    if (label < 0 || sequence_.info(t).purity < 1.0) continue;
    mean[label] += e.population_mean[static_cast<int64_t>(t)][0].item<double>();
    ++count[label];
  }
  ASSERT_GT(count[0], 0);
  ASSERT_GT(count[1], 0);
  EXPECT_GT(std::abs(mean[0] / count[0] - mean[1] / count[1]), 0.5);
}

TEST_F(BaselinesOnSimulation, ActivityBaselinesNeedTheMatchingRecording) {
  EXPECT_THROW(baseline_embeddings(BaselineKind::Rates, nullptr, sequence_, 2), Error);
  auto other = simulate("hippocampus-like", 1);
  EXPECT_THROW(baseline_embeddings(BaselineKind::PcaActivity, &other.recording, sequence_, 2), Error);
  EXPECT_THROW(parse_baseline_kind("pca"), Error);
  EXPECT_THROW(baseline_embeddings(BaselineKind::CorrPca, nullptr, sequence_, 0), Error);
}

}  // namespace
}  // namespace tavrnn::eval
