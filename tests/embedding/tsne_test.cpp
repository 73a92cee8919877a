#include "tavrnn/embedding/tsne.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "embedding/tsne_objective.h"
#include "tavrnn/util/error.h"

namespace tavrnn::embedding {
namespace {

// `clusters` Gaussian blobs of `per_cluster` points in `d` dims, centres 10
// standard deviations apart; labels [n].
std::pair<torch::Tensor, torch::Tensor> blobs(int64_t clusters, int64_t per_cluster, int64_t d,
                                              uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor centres = torch::randn({clusters, d}, torch::kFloat64) * 10;
  const torch::Tensor labels = torch::arange(clusters).repeat_interleave(per_cluster);
  return {centres.index_select(0, labels) + torch::randn({clusters * per_cluster, d},
                                                         torch::kFloat64),
          labels};
}

TEST(TsneAffinities, EachRowHasTheTargetPerplexity) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({80, 5}, torch::kFloat64) * 3;
  const torch::Tensor p = conditional_probabilities(squared_euclidean_distances(x), 10.0);
  EXPECT_LT((p.sum(1) - 1).abs().max().item<double>(), 1e-12);
  EXPECT_TRUE(p.diagonal().eq(0).all().item<bool>());
  const torch::Tensor entropy = -(p * p.clamp_min(1e-300).log()).sum(1);
  EXPECT_LT((entropy - std::log(10.0)).abs().max().item<double>(), 1e-5);
}

TEST(TsneAffinities, JointIsSymmetricSumsToOneAndHasNoZeroPair) {
  torch::manual_seed(2);
  const torch::Tensor x = torch::randn({50, 4}, torch::kFloat64);
  const torch::Tensor d = squared_euclidean_distances(x);
  const torch::Tensor c = conditional_probabilities(d, 5.0);
  const torch::Tensor p = joint_probabilities(d, 5.0);
  EXPECT_TRUE(p.equal(p.t()));
  EXPECT_NEAR(p.sum().item<double>(), 1.0, 1e-12);
  EXPECT_TRUE(p.diagonal().eq(0).all().item<bool>());
  EXPECT_GE((p + torch::eye(50, torch::kFloat64)).min().item<double>(), DBL_EPSILON);
  // (p_{j|i} + p_{i|j}) / 2n wherever the floor does not bind.
  const torch::Tensor expected = (c + c.t()) / 100;
  const torch::Tensor unfloored = expected > 1e-12;
  EXPECT_LT((p - expected).masked_select(unfloored).abs().max().item<double>(), 1e-15);
}

TEST(TsneAffinities, DistancesOfRowsMatchTheDefinition) {
  const torch::Tensor x = torch::tensor({{0.0, 0.0}, {3.0, 4.0}, {1.0, 1.0}}, torch::kFloat64);
  const torch::Tensor expected =
      torch::tensor({{0.0, 25.0, 2.0}, {25.0, 0.0, 13.0}, {2.0, 13.0, 0.0}}, torch::kFloat64);
  EXPECT_LT((squared_euclidean_distances(x) - expected).abs().max().item<double>(), 1e-12);
}

// The analytic gradient against autograd of the same KL, for the Cauchy
// kernel of a 2-D map (dof 1) and the lighter-tailed t of a 3-D one (dof 2).
// (With exaggerated P, which no longer sums to 1, the method's update is by
// definition the same formula with P scaled, not a gradient of the KL.)
TEST(TsneObjective, GradientAndKlMatchAutograd) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({30, 6}, torch::kFloat64);
  const torch::Tensor p = joint_probabilities(squared_euclidean_distances(x), 8.0);
  for (const int64_t k : {2, 3}) {
    const double dof = std::max<double>(k - 1, 1);
    const torch::Tensor y = torch::randn({30, k}, torch::kFloat64) * 2;
    const detail::KlObjective ours = detail::kl_objective(p, y, dof, true);

    const torch::Tensor yg = y.clone().requires_grad_(true);
    const torch::Tensor diff = yg.unsqueeze(1) - yg.unsqueeze(0);
    const torch::Tensor eye = torch::eye(30, torch::kFloat64);
    const torch::Tensor w = (1 + diff.square().sum(2) / dof).pow(-(dof + 1) / 2) * (1 - eye);
    const torch::Tensor q = w / w.sum();
    // The identity turns the diagonal's 0 * log(0) into 0 * log(1).
    const torch::Tensor kl = (p * ((p + eye).log() - (q + eye).log())).sum();
    kl.backward();
    const double scale = yg.grad().abs().max().item<double>();
    EXPECT_LT((ours.gradient - yg.grad()).abs().max().item<double>(), 1e-10 * scale) << "k " << k;
    EXPECT_NEAR(ours.kl.item<double>(), kl.item<double>(), 1e-10) << "k " << k;
  }
}

TEST(Tsne, LearningRateAutoIsNOverFourExaggerationAtLeast50) {
  TsneOptions o;
  EXPECT_EQ(tsne_learning_rate(o, 100), 50.0);
  EXPECT_EQ(tsne_learning_rate(o, 4800), 100.0);
  o.early_exaggeration = 4;
  EXPECT_EQ(tsne_learning_rate(o, 4800), 300.0);
  o.learning_rate = 200.0;
  EXPECT_EQ(tsne_learning_rate(o, 4800), 200.0);
}

TEST(Tsne, SeparatesBlobsAndLowersKlBelowTheStart) {
  const auto [x, labels] = blobs(3, 30, 10, 4);
  TsneOptions o;
  o.perplexity = 10;
  const TsneResult r = tsne(x, o);
  ASSERT_EQ(r.embedding.sizes(), (torch::IntArrayRef{90, 2}));
  // Every point's nearest embedded neighbour is in its own blob.
  const torch::Tensor d =
      squared_euclidean_distances(r.embedding) + torch::eye(90, torch::kFloat64) * 1e300;
  EXPECT_TRUE(labels.index_select(0, d.argmin(1)).equal(labels));
  // KL of the PCA start (points nearly on top of each other) is far higher.
  o.iterations = o.exploration_iterations = 0;
  const TsneResult start = tsne(x, o);
  EXPECT_EQ(start.iterations, 0);
  EXPECT_LT(r.kl_divergence, 0.5 * start.kl_divergence);
  EXPECT_GT(r.kl_divergence, 0.0);
}

TEST(Tsne, SameSeedSameEmbeddingOtherSeedOtherEmbedding) {
  const auto [x, labels] = blobs(2, 20, 5, 5);
  TsneOptions o;
  o.perplexity = 5;
  o.iterations = 300;
  o.init = TsneInit::Random;
  o.seed = 11;
  const TsneResult a = tsne(x, o), b = tsne(x, o);
  EXPECT_TRUE(a.embedding.equal(b.embedding));
  EXPECT_EQ(a.kl_divergence, b.kl_divergence);
  o.seed = 12;
  EXPECT_FALSE(tsne(x, o).embedding.equal(a.embedding));
}

TEST(Tsne, StopsAtTheFirstCheckWhenTheGradientNormIsBelowTheThreshold) {
  const auto [x, labels] = blobs(2, 20, 5, 6);
  TsneOptions o;
  o.perplexity = 5;
  o.min_grad_norm = 1e300;
  // The exploration phase stops at iteration 50; the main phase, which then
  // starts early, stops at its first check (iteration 100).
  EXPECT_EQ(tsne(x, o).iterations, 100);
}

TEST(Tsne, KeepsInputDtypeAndRejectsBadOptions) {
  const auto [x, labels] = blobs(2, 10, 3, 7);
  TsneOptions o;
  o.perplexity = 5;
  o.iterations = 60;
  o.exploration_iterations = 50;
  EXPECT_EQ(tsne(x.to(torch::kFloat32), o).embedding.scalar_type(), torch::kFloat32);
  o.perplexity = 20;  // = n
  EXPECT_THROW(tsne(x, o), Error);
  o.perplexity = 5;
  o.dimensions = 4;  // > d for the PCA start
  EXPECT_THROW(tsne(x, o), Error);
  o.dimensions = 2;
  o.learning_rate = -1.0;
  EXPECT_THROW(tsne(x, o), Error);
  EXPECT_THROW(tsne(torch::randn({5}), {}), Error);
}

TEST(Tsne, GivenStartAndPrecomputedPGiveTheSameMapAsFromData) {
  const auto [x, labels] = blobs(2, 15, 4, 8);
  TsneOptions o;
  o.perplexity = 5;
  o.iterations = 120;
  o.exploration_iterations = 60;
  o.initial_embedding = torch::randn({30, 2}, torch::kFloat64) * 1e-4;
  const TsneResult from_data = tsne(x, o);
  const TsneResult from_p =
      tsne_from_joint_probabilities(joint_probabilities(squared_euclidean_distances(x), 5), o);
  EXPECT_TRUE(from_p.embedding.equal(from_data.embedding));
  o.initial_embedding = torch::zeros({30, 3}, torch::kFloat64);
  EXPECT_THROW(tsne(x, o), Error);
  // Without data there is nothing to take principal components of.
  o.initial_embedding = torch::Tensor();
  EXPECT_THROW(tsne_from_joint_probabilities(torch::eye(30, torch::kFloat64), o), Error);
}

}  // namespace
}  // namespace tavrnn::embedding
