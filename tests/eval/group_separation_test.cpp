#include "tavrnn/eval/group_separation.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/eval/clustering_metrics.h"

namespace tavrnn::eval {
namespace {

TEST(GroupSeparation, PerWindowSilhouetteOfGroupedUnits) {
  torch::manual_seed(2);
  const torch::Tensor z = torch::randn({3, 7, 2}, torch::kFloat32);
  const std::vector<int> groups = {0, 0, 1, 1, -1, 2, 2};  // unit 4 has no group
  const std::vector<double> s = group_silhouette_per_window(z, groups);
  ASSERT_EQ(s.size(), 3u);
  const torch::Tensor grouped = torch::tensor({0, 1, 2, 3, 5, 6});
  for (int64_t t = 0; t < 3; ++t) {
    EXPECT_DOUBLE_EQ(s[static_cast<std::size_t>(t)],
                     silhouette_score(z[t].index_select(0, grouped), {0, 0, 1, 1, 2, 2}));
  }
  EXPECT_THROW(group_silhouette_per_window(z, {0, 0, 0, 0, 0, 0, 0}), Error);
  EXPECT_THROW(group_silhouette_per_window(z, {0, 1}), Error);
}

TEST(GroupSeparation, ContrastIsMeanOfFirstSetMinusMeanOfSecond) {
  const SeparationContrast c =
      separation_contrast({0.5, 0.1, 0.7, 0.2, 0.9}, {1, 0, 1, 0, 3}, {1, 3}, {0});
  EXPECT_EQ(c.first_windows, (std::vector<std::size_t>{0, 2, 4}));
  EXPECT_EQ(c.second_values, (std::vector<double>{0.1, 0.2}));
  EXPECT_DOUBLE_EQ(c.first_mean, (0.5 + 0.7 + 0.9) / 3);
  EXPECT_DOUBLE_EQ(c.difference, c.first_mean - (0.1 + 0.2) / 2);
  EXPECT_THROW(separation_contrast({0.5}, {1}, {1}, {0}), Error);        // no second window
  EXPECT_THROW(separation_contrast({0.5, 0.1}, {1, 0}, {1}, {1}), Error);  // overlapping sets
}

}  // namespace
}  // namespace tavrnn::eval
