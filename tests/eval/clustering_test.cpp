#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "test_tensors.h"
#include "tavrnn/util/error.h"
#include "tavrnn/eval/clustering_metrics.h"
#include "tavrnn/eval/k_means.h"

namespace tavrnn::eval {
namespace {

using test_support::column;

TEST(ClusteringMetrics, AdjustedRandScoreKnownValues) {
  EXPECT_DOUBLE_EQ(adjusted_rand_score({0, 0, 1, 1}, {5, 5, 3, 3}), 1.0);  // renaming
  EXPECT_DOUBLE_EQ(adjusted_rand_score({0, 0, 1, 1}, {0, 1, 0, 1}), -0.5);  // sklearn's doc example
  // Pairs of {0,0,0,1,1,1} vs {0,0,1,1,2,2}: tp 2, fp 1, fn 4, tn 8 (x2 ordered).
  EXPECT_NEAR(adjusted_rand_score({0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 2, 2}),
              2.0 * (4 * 16 - 8 * 2) / double((4 + 8) * (8 + 16) + (4 + 2) * (2 + 16)), 1e-15);
  EXPECT_DOUBLE_EQ(adjusted_rand_score({1, 1, 1}, {2, 2, 2}), 1.0);  // trivial, as sklearn
  EXPECT_THROW(adjusted_rand_score({0, 1}, {0}), Error);
}

TEST(ClusteringMetrics, NormalizedMutualInfoKnownValues) {
  EXPECT_DOUBLE_EQ(normalized_mutual_info_score({0, 0, 1, 1}, {1, 1, 0, 0}), 1.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_info_score({0, 0, 0}, {4, 4, 4}), 1.0);  // both trivial
  EXPECT_DOUBLE_EQ(normalized_mutual_info_score({0, 0, 1, 1}, {0, 0, 0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_info_score({0, 0, 1, 1}, {0, 1, 0, 1}), 0.0);
  // {0,0,1,1} vs {0,0,0,1}: MI = H(pred) - H(pred | true) with natural logs.
  const double h_true = std::log(2.0);
  const double h_pred = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25));
  const double mi = h_pred - 0.5 * std::log(2.0);
  EXPECT_NEAR(normalized_mutual_info_score({0, 0, 1, 1}, {0, 0, 0, 1}), mi / ((h_true + h_pred) / 2),
              1e-15);
}

TEST(ClusteringMetrics, SilhouetteOfTwoPairsByHand) {
  // {0, 1} and {4, 5}: for 0, a = 1, b = (4 + 5) / 2 = 4.5; for 1, a = 1, b = 3.5.
  const std::vector<double> s = silhouette_samples(column({0, 1, 4, 5}), {0, 0, 1, 1});
  EXPECT_DOUBLE_EQ(s[0], 3.5 / 4.5);
  EXPECT_DOUBLE_EQ(s[1], 2.5 / 3.5);
  EXPECT_DOUBLE_EQ(silhouette_score(column({0, 1, 4, 5}), {0, 0, 1, 1}),
                   (3.5 / 4.5 + 2.5 / 3.5) * 2 / 4);
}

// Silhouette by its definition, one sample at a time: mean distance to its
// own cluster's other members (a) and the least mean distance to another
// cluster (b), (b - a) / max(a, b).
std::vector<double> silhouette_by_definition(const torch::Tensor& x, const std::vector<int>& labels) {
  const torch::Tensor d = torch::cdist(x, x, 2.0, 2);
  std::map<int, std::vector<int64_t>> members;
  for (std::size_t i = 0; i < labels.size(); ++i) members[labels[i]].push_back(static_cast<int64_t>(i));
  std::vector<double> out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    double a = 0.0, b = std::numeric_limits<double>::infinity();
    for (const auto& [label, who] : members) {
      double sum = 0.0;
      for (int64_t j : who) sum += d[static_cast<int64_t>(i)][j].item<double>();
      if (label == labels[i]) {
        a = who.size() > 1 ? sum / static_cast<double>(who.size() - 1) : 0.0;
      } else {
        b = std::min(b, sum / static_cast<double>(who.size()));
      }
    }
    out.push_back(members[labels[i]].size() > 1 ? (b - a) / std::max(a, b) : 0.0);
  }
  return out;
}

TEST(ClusteringMetrics, SilhouetteWithFewOrManyClustersFollowsTheDefinition) {
  torch::manual_seed(12);
  for (int k : {3, 45}) {  // 45 > 32: the clusters' sums are gathered by index, not by a product
    const torch::Tensor x = torch::randn({3 * k + 5, 4}, torch::kFloat64);
    std::vector<int> labels;
    for (int64_t i = 0; i < x.size(0); ++i) labels.push_back(static_cast<int>((i * 7) % k));
    const std::vector<double> got = silhouette_samples(x, labels);
    const std::vector<double> want = silhouette_by_definition(x, labels);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << "k " << k << " sample " << i;
  }
}

TEST(ClusteringMetrics, SilhouetteOfSingletonAndDuplicatesIsZeroNotNaN) {
  const std::vector<double> s = silhouette_samples(column({0, 0, 3, 0}), {0, 0, 1, 2});
  EXPECT_EQ(s[2], 0.0);  // alone in its cluster
  EXPECT_EQ(s[3], 0.0);  // alone too
  EXPECT_EQ(s[0], 0.0);  // a = 0 and b = 0 (a duplicate in another cluster)
}

TEST(ClusteringMetrics, SilhouetteRefusesOneOrNLabels) {
  EXPECT_THROW(silhouette_score(column({0, 1, 2}), {0, 0, 0}), Error);
  EXPECT_THROW(silhouette_score(column({0, 1, 2}), {0, 1, 2}), Error);
  EXPECT_THROW(davies_bouldin_score(column({0, 1, 2}), {0, 0, 0}), Error);
  EXPECT_THROW(calinski_harabasz_score(column({0, 1, 2}), {0, 1, 2}), Error);
}

TEST(ClusteringMetrics, DaviesBouldinAndCalinskiHarabaszByHand) {
  const torch::Tensor x = column({0, 2, 10, 12});
  const std::vector<int> labels = {0, 0, 1, 1};
  // Spreads 1 and 1, centroids 1 and 11: (1 + 1) / 10 for both clusters.
  EXPECT_DOUBLE_EQ(davies_bouldin_score(x, labels), 0.2);
  // Between: 2 * 25 * 2 = 100, within: 4 * 1 = 4; (4 - 2) / (2 - 1) = 2.
  EXPECT_DOUBLE_EQ(calinski_harabasz_score(x, labels), 100.0 * 2 / 4);
  // Zero within-cluster dispersion: sklearn's 1.0 and 0.0.
  EXPECT_DOUBLE_EQ(calinski_harabasz_score(column({0.5, 0.5, 2, 2}), labels), 1.0);
  EXPECT_DOUBLE_EQ(davies_bouldin_score(column({0.5, 0.5, 2, 2}), labels), 0.0);
}

TEST(KMeans, RecoversSeparatedBlobsAndIsSeeded) {
  torch::manual_seed(6);
  std::vector<torch::Tensor> parts;
  std::vector<int> truth;
  for (int k = 0; k < 4; ++k) {
    parts.push_back(torch::randn({25, 3}, torch::kFloat64) * 0.2 + 5.0 * k);
    truth.insert(truth.end(), 25, k);
  }
  const torch::Tensor x = torch::cat(parts).to(torch::kFloat32);
  KMeansOptions options;
  options.n_clusters = 4;
  options.seed = 9;
  const KMeansResult r = k_means(x, options);
  EXPECT_DOUBLE_EQ(adjusted_rand_score(truth, r.labels), 1.0);
  EXPECT_EQ(r.centers.sizes(), (std::vector<int64_t>{4, 3}));
  const KMeansResult again = k_means(x, options);
  EXPECT_EQ(again.labels, r.labels);
  EXPECT_EQ(again.inertia, r.inertia);
}

TEST(KMeans, LloydFromGivenCentresConvergesToTheFixedPoint) {
  const torch::Tensor x = column({0, 1, 2, 10, 11, 12});
  const KMeansResult r = k_means_from(x, column({0, 1}));
  EXPECT_EQ(r.labels, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  EXPECT_NEAR(r.centers[0][0].item<double>(), 1.0, 1e-12);
  EXPECT_NEAR(r.centers[1][0].item<double>(), 11.0, 1e-12);
  EXPECT_NEAR(r.inertia, 4.0, 1e-12);
}

TEST(KMeans, DuplicatePointsAndMoreClustersThanSamples) {
  KMeansOptions options;
  options.n_clusters = 2;
  const KMeansResult r = k_means(column({1, 1, 1, 1}), options);  // one distinct point
  EXPECT_EQ(r.inertia, 0.0);
  options.n_clusters = 5;
  EXPECT_THROW(k_means(column({1, 2, 3}), options), Error);
}

TEST(KMeans, AutomaticRestartsAreTenForSmallProblemsAndOneForLargeOnes) {
  EXPECT_EQ(automatic_restarts(32, 4, 32), 10U);
  EXPECT_EQ(automatic_restarts(1000, 124, 32), 10U);
  EXPECT_EQ(automatic_restarts(10000, 1252, 32), 1U);
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({60, 2}, torch::kFloat64);
  KMeansOptions options;
  options.n_clusters = 3;
  options.seed = 4;
  const KMeansResult ten = k_means(x, options);
  options.n_init = 0;
  const KMeansResult automatic = k_means(x, options);
  EXPECT_EQ(ten.restarts, 10U);
  EXPECT_EQ(automatic.restarts, 10U);
  EXPECT_EQ(automatic.labels, ten.labels);
  EXPECT_EQ(automatic.inertia, ten.inertia);
}

// Lloyd assigns samples in blocks of rows: every block, the last partial one
// included, must pick each sample's nearest final centre.
TEST(KMeans, EverySampleEndsAtItsNearestCentreAcrossRowBlocks) {
  torch::manual_seed(8);
  const torch::Tensor x = torch::randn({700, 3}, torch::kFloat64);
  const KMeansResult r = k_means_from(x, x.narrow(0, 0, 9).clone());
  const torch::Tensor nearest = torch::cdist(x, r.centers).argmin(1);
  for (int64_t i = 0; i < x.size(0); ++i) {
    ASSERT_EQ(r.labels[static_cast<std::size_t>(i)], nearest[i].item<int64_t>()) << "sample " << i;
  }
  EXPECT_EQ(r.restarts, 1U);
}

}  // namespace
}  // namespace tavrnn::eval
