#include "tavrnn/eval/link_prediction.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

TEST(RankingMetrics, TiedScoresCountOneHalfInAuc) {
  EXPECT_DOUBLE_EQ(roc_auc_score({1, 0}, {0.5, 0.5}), 0.5);
  // Positive-negative pairs: 0.9>0.5, 0.9>0.1, 0.5=0.5 (1/2), 0.5>0.1.
  EXPECT_DOUBLE_EQ(roc_auc_score({1, 1, 0, 0}, {0.9, 0.5, 0.5, 0.1}), 3.5 / 4.0);
  EXPECT_DOUBLE_EQ(roc_auc_score({0, 0, 1, 1}, {0.1, 0.2, 0.3, 0.4}), 1.0);
}

TEST(RankingMetrics, AveragePrecisionStepsOverDistinctThresholds) {
  // Thresholds 0.9: P 1, R 1/2; 0.5 (a tied positive and negative): P 2/3, R 1.
  EXPECT_DOUBLE_EQ(average_precision_score({1, 1, 0, 0}, {0.9, 0.5, 0.5, 0.1}),
                   0.5 * 1.0 + 0.5 * 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(average_precision_score({1, 1}, {0.2, 0.1}), 1.0);
  EXPECT_DOUBLE_EQ(average_precision_score({0, 0}, {0.2, 0.1}), 0.0);  // sklearn's value
}

TEST(RankingMetrics, UndefinedOrMalformedInputsThrow) {
  EXPECT_THROW(roc_auc_score({1, 1}, {0.2, 0.1}), Error);
  EXPECT_THROW(roc_auc_score({1, 2}, {0.2, 0.1}), Error);
  EXPECT_THROW(average_precision_score({1, 0}, {0.2}), Error);
  EXPECT_THROW(roc_auc_score({1, 0}, {std::nan(""), 0.1}), Error);
}

// Nodes 0-2 in one direction, 3-5 in the opposite one; edges inside groups.
struct Graph {
  torch::Tensor z, a;
};
Graph two_groups() {
  Graph g;
  g.z = torch::tensor({1.0, 1.1, 0.9, -1.0, -1.1, -0.9}, torch::kFloat64).unsqueeze(1);
  g.a = torch::zeros({6, 6}, torch::kFloat32);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j)
      if ((i < 3) == (j < 3)) g.a[i][j] = 1.0;  // diagonal included: ignored
  return g;
}

TEST(Reconstruction, ExhaustiveScoresEveryUpperTrianglePair) {
  const Graph g = two_groups();
  const ScoredPairs p = scored_pairs(g.z, g.a);
  ASSERT_EQ(p.y_true.size(), 15u);  // 6 * 5 / 2
  for (std::size_t i = 0; i < p.first.size(); ++i) EXPECT_LT(p.first[i], p.second[i]);
  const ReconstructionScores s = reconstruction_scores(g.z, g.a);
  EXPECT_EQ(s.positives, 6u);
  EXPECT_EQ(s.negatives, 9u);
  EXPECT_DOUBLE_EQ(s.roc_auc, 1.0);
  EXPECT_DOUBLE_EQ(s.average_precision, 1.0);
  EXPECT_DOUBLE_EQ(p.y_score[0], 1.0 / (1.0 + std::exp(-1.1)));  // pair (0, 1)
}

TEST(Reconstruction, BalancedSamplingDrawsAsManyNonEdgesAsEdgesSeeded) {
  torch::manual_seed(8);
  const torch::Tensor z = torch::randn({30, 4}, torch::kFloat64);
  torch::Tensor a = (torch::rand({30, 30}) < 0.1).to(torch::kFloat64);
  a = torch::triu(a, 1) + torch::triu(a, 1).t();
  ReconstructionOptions options;
  options.negatives = NegativePairs::Balanced;
  options.seed = 4;
  const ScoredPairs p = scored_pairs(z, a, options);
  const auto positives = std::count(p.y_true.begin(), p.y_true.end(), 1);
  EXPECT_EQ(positives, a.sum().item<double>() / 2);
  EXPECT_EQ(static_cast<std::size_t>(positives) * 2, p.y_true.size());
  for (std::size_t i = 0; i < p.first.size(); ++i) {
    EXPECT_EQ(a[p.first[i]][p.second[i]].item<double>() != 0.0, p.y_true[i] == 1);
  }
  EXPECT_EQ(scored_pairs(z, a, options).first, p.first);
  options.seed = 5;
  EXPECT_NE(scored_pairs(z, a, options).first, p.first);
}

TEST(Reconstruction, SparseGraphsGetTheDensePathsPairsAndScores) {
  torch::manual_seed(9);
  for (const double density : {0.05, 0.3, 0.8}) {  // 0.8: fewer non-edges than edges (all taken)
    const torch::Tensor z = torch::randn({40, 3}, torch::kFloat64);
    torch::Tensor a = (torch::rand({40, 40}) < density).to(torch::kFloat64);
    a = torch::triu(a, 1) + torch::triu(a, 1).t() + torch::eye(40, torch::kFloat64);  // self loops too
    ReconstructionOptions options;
    options.negatives = NegativePairs::Balanced;
    options.seed = 11;
    const ScoredPairs dense = scored_pairs(z, a, options);
    const ScoredPairs sparse = scored_pairs(z, a.to_sparse(), options);
    EXPECT_EQ(sparse.first, dense.first) << density;
    EXPECT_EQ(sparse.second, dense.second) << density;
    EXPECT_EQ(sparse.y_true, dense.y_true) << density;
    EXPECT_EQ(sparse.y_score, dense.y_score) << density;
  }
  torch::Tensor asymmetric = torch::zeros({4, 4}, torch::kFloat64);
  asymmetric[0][1] = 1.0;
  ReconstructionOptions balanced;
  balanced.negatives = NegativePairs::Balanced;
  EXPECT_THROW(scored_pairs(torch::randn({4, 2}, torch::kFloat64), asymmetric.to_sparse(), balanced), Error);
  EXPECT_THROW(scored_pairs(torch::randn({4, 2}, torch::kFloat64), torch::eye(4).to_sparse(), balanced), Error);
}

TEST(Reconstruction, RefusesAsymmetricOrEdgelessGraphs) {
  const Graph g = two_groups();
  torch::Tensor asymmetric = g.a.clone();
  asymmetric[0][5] = 1.0;
  EXPECT_THROW(reconstruction_scores(g.z, asymmetric), Error);
  EXPECT_THROW(reconstruction_scores(g.z, torch::eye(6)), Error);
  EXPECT_THROW(reconstruction_scores(g.z, torch::ones({6, 6})), Error);
  EXPECT_THROW(reconstruction_scores(g.z, torch::zeros({5, 5})), Error);
}

}  // namespace
}  // namespace tavrnn::eval
