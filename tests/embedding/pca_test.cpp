#include "tavrnn/embedding/pca.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::embedding {
namespace {

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

TEST(Pca, RecoversPlantedComponentsAndVariances) {
  // x = S V + mean with S's columns orthogonal and centred (norms 12 and 5)
  // and V's rows orthonormal: the principal axes are V, the scores S (up to
  // sign), the variances |S_k|^2 / (n - 1).
  torch::manual_seed(3);
  const int64_t n = 40, d = 7;
  auto [q, r_unused] = torch::linalg::qr(torch::randn({d, d}, torch::kFloat64));
  const torch::Tensor v = q.narrow(1, 0, 2).t();  // [2, d]
  torch::Tensor s = torch::randn({n, 2}, torch::kFloat64);
  s = s - s.mean(0);
  auto [u, r2] = torch::linalg::qr(s);  // orthonormal, still centred
  s = u * torch::tensor({12.0, 5.0}, torch::kFloat64);
  const torch::Tensor mean = torch::randn({d}, torch::kFloat64);
  const PcaResult p = pca(s.mm(v) + mean, 2);

  const torch::Tensor signs = (p.scores * s).sum(0).sign();  // +-1 per component
  EXPECT_LT(max_abs_diff(p.scores, s * signs), 1e-10);
  EXPECT_LT(max_abs_diff(p.components, v * signs.unsqueeze(1)), 1e-12);
  EXPECT_LT(max_abs_diff(p.explained_variance,
                         torch::tensor({144.0, 25.0}, torch::kFloat64) / (n - 1)),
            1e-10);
  EXPECT_LT(max_abs_diff(p.explained_variance_ratio,
                         torch::tensor({144.0, 25.0}, torch::kFloat64) / 169.0),
            1e-12);
  EXPECT_LT(max_abs_diff(p.mean, mean), 1e-12);
}

TEST(Pca, ScoresAreCentredDataTimesOrthonormalComponents) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::randn({30, 6}, torch::kFloat64) * torch::arange(1, 7);
  const PcaResult p = pca(x, 4);
  EXPECT_LT(max_abs_diff(p.scores, (x - x.mean(0)).mm(p.components.t())), 1e-12);
  EXPECT_LT(max_abs_diff(p.components.mm(p.components.t()), torch::eye(4, torch::kFloat64)),
            1e-12);
  // Decreasing variances; ratios of all components sum to 1.
  EXPECT_TRUE((p.explained_variance.diff() <= 0).all().item<bool>());
  EXPECT_NEAR(pca(x, 6).explained_variance_ratio.sum().item<double>(), 1.0, 1e-12);
}

TEST(Pca, LargestScoreOfEachComponentIsPositiveSoNegatingDataKeepsScores) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({25, 5}, torch::kFloat64);
  const PcaResult p = pca(x, 3);
  const torch::Tensor largest = p.scores.abs().argmax(0);
  EXPECT_TRUE((p.scores.gather(0, largest.unsqueeze(0)) > 0).all().item<bool>());
  // Negating the data negates U before the flip; the convention undoes it.
  const PcaResult negated = pca(-x, 3);
  EXPECT_LT(max_abs_diff(negated.scores, p.scores), 1e-12);
  EXPECT_LT(max_abs_diff(negated.components, -p.components), 1e-12);
}

TEST(Pca, ConstantDataGivesZeroRatioNotNaN) {
  const PcaResult p = pca(torch::full({5, 3}, 2.0, torch::kFloat64), 2);
  EXPECT_TRUE(p.explained_variance_ratio.eq(0).all().item<bool>());
  EXPECT_TRUE(p.scores.eq(0).all().item<bool>());
}

TEST(Pca, KeepsFloat32) {
  const PcaResult p = pca(torch::randn({10, 4}), 2);
  EXPECT_EQ(p.scores.scalar_type(), torch::kFloat32);
}

TEST(Pca, RejectsComponentsBeyondRankBoundAndNonMatrixInput) {
  const torch::Tensor x = torch::randn({5, 3}, torch::kFloat64);
  EXPECT_THROW(pca(x, 0), Error);
  EXPECT_THROW(pca(x, 4), Error);
  EXPECT_THROW(pca(torch::randn({5}, torch::kFloat64), 1), Error);
  EXPECT_THROW(pca(torch::ones({5, 3}, torch::kInt64), 1), Error);
}

}  // namespace
}  // namespace tavrnn::embedding
