#include "tavrnn/eval/run_evaluation.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

// Windows labelled 0 or 1 whose units' mu lie along one of two directions
// per group, at norms from 0.05 to 3: the groups differ in direction only.
EmbeddingsFile two_directions(std::size_t windows_per_label) {
  EmbeddingsFile e;
  e.model = "tavrnn";
  const int64_t units = 40, t = static_cast<int64_t>(2 * windows_per_label);
  e.mu = torch::zeros({t, units, 2}, torch::kFloat64);
  for (int64_t w = 0; w < t; ++w) {
    const int label = static_cast<int>(w % 2);
    e.window_label.push_back(label);
    e.window_purity.push_back(1.0);
    for (int64_t u = 0; u < units; ++u) {
      const double norm = 0.05 + 2.95 * static_cast<double>(u % 20) / 19.0;
      const bool first_group = u < 20;
      // Label 1 stretches every mu by 1.5, so windows are decodable and
      // directions stay as they are.
      const double scale = label == 1 ? 1.5 : 1.0;
      e.mu[w][u][0] = scale * norm * (first_group ? 1.0 : 0.5);
      e.mu[w][u][1] = scale * norm * (first_group ? 0.5 : 1.0);
    }
  }
  e.label_names = {"a", "b"};
  for (int64_t u = 0; u < units; ++u) {
    e.unit_ids.push_back("u" + std::to_string(u));
    e.groups.push_back(u < 20 ? 0 : 1);
  }
  e.group_names = {"g0", "g1"};
  e.population_mean = e.mu.mean(1);
  return e;
}

TEST(RunEvaluation, FewWindowsDecodeWithAsManyNeighboursAsATrainingSetHolds) {
  // 3 windows per label, as the paper's DishBrain selection: 3 folds of 2,
  // so a training set holds 4 windows, fewer than the default 5 neighbours.
  const EmbeddingsFile e = two_directions(3);
  EvaluationOptions options;
  options.decoding.n_seeds = 1;
  const auto m = evaluate_embeddings(e, nullptr, options);
  const auto& d = m["decoding"];
  ASSERT_FALSE(d.contains("skipped")) << d.dump();
  EXPECT_EQ(d["n_splits"], 3);
  EXPECT_EQ(d["k_neighbors"]["n_neighbors"], 4);
  EXPECT_EQ(d["neighbors_note"], "4 neighbours instead of 5: a training set has 4 windows");
  EXPECT_TRUE(m["groups"].contains("adjusted_rand_score"));
}

TEST(RunEvaluation, EnoughWindowsKeepTheRequestedNeighbours) {
  const EmbeddingsFile e = two_directions(10);
  EvaluationOptions options;
  options.decoding.n_seeds = 1;
  const auto m = evaluate_embeddings(e, nullptr, options);
  EXPECT_EQ(m["decoding"]["k_neighbors"]["n_neighbors"], 5);
  EXPECT_FALSE(m["decoding"].contains("neighbors_note"));
}

TEST(RunEvaluation, AngularGeometryClustersUnitsByDirection) {
  const EmbeddingsFile e = two_directions(3);
  EvaluationOptions options;
  options.decoding.n_seeds = 1;
  const auto euclidean = evaluate_embeddings(e, nullptr, options)["groups"];
  options.group_geometry = "angular";
  const auto angular = evaluate_embeddings(e, nullptr, options)["groups"];
  EXPECT_EQ(euclidean["geometry"], "euclidean");
  EXPECT_EQ(angular["geometry"], "angular");
  // By length the units split into near and far, not by group
  // (scikit-learn's KMeans: ARI -0.03 on such a window).
  EXPECT_LT(euclidean["adjusted_rand_score"]["mean"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(angular["adjusted_rand_score"]["mean"].get<double>(), 1.0);
  EXPECT_GT(angular["silhouette_score"]["mean"].get<double>(),
            euclidean["silhouette_score"]["mean"].get<double>());
}

TEST(RunEvaluation, UnknownGroupGeometryIsAnError) {
  EvaluationOptions options;
  options.group_geometry = "cosine";
  EXPECT_THROW(evaluate_embeddings(two_directions(3), nullptr, options), Error);
}

}  // namespace
}  // namespace tavrnn::eval
