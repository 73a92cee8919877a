#include "test_tensors.h"
#include "tavrnn/graphs/correlation.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::graphs {
namespace {

using test_support::poisson;

TEST(PearsonCorrelation, ConstantUnitGetsZeroRowNotNaN) {
  torch::Tensor y = poisson(6, 50, 1.0, 1);
  y[2].fill_(3.0);
  const PearsonCorrelation c = pearson_correlation(y);
  EXPECT_FALSE(c.r.isnan().any().item<bool>());
  EXPECT_EQ(c.r[2].abs().sum().item<double>(), 1.0);  // only the diagonal
  EXPECT_EQ(c.r.select(1, 2).abs().sum().item<double>(), 1.0);
  EXPECT_EQ(c.r[2][2].item<double>(), 1.0);
  EXPECT_TRUE(c.zero_variance[2].item<bool>());
  EXPECT_EQ(c.zero_variance.sum().item<int64_t>(), 1);
}

TEST(PearsonCorrelation, DiagonalIsOneAndMatrixExactlySymmetricInRange) {
  const PearsonCorrelation c = pearson_correlation(poisson(40, 300, 0.7, 2, torch::kFloat32));
  EXPECT_TRUE(c.r.diagonal().eq(1.0).all().item<bool>());
  EXPECT_TRUE(c.r.equal(c.r.t()));
  EXPECT_LE(c.r.abs().max().item<float>(), 1.0f);
}

TEST(PearsonCorrelation, MatchesTheDefinitionOnOnePair) {
  const torch::Tensor y =
      torch::tensor({{1.0, 2.0, 3.0, 5.0}, {2.0, 1.0, 4.0, 3.0}}, torch::kFloat64);
  // x - mean = (-1.75, -0.75, 0.25, 2.25), y - mean = (-0.5, -1.5, 1.5, 0.5):
  // sum of products 3.5; squared norms 8.75 and 5.
  const double expected = 3.5 / std::sqrt(8.75 * 5.0);
  EXPECT_NEAR(pearson_correlation(y).r[0][1].item<double>(), expected, 1e-15);
}

TEST(PearsonCorrelation, BatchOfWindowsEqualsEachWindowAlone) {
  torch::Tensor y = torch::stack({poisson(10, 80, 0.5, 3), poisson(10, 80, 2.0, 4)});
  y[1][7].zero_();
  const PearsonCorrelation batch = pearson_correlation(y);
  for (int64_t t = 0; t < 2; ++t) {
    const PearsonCorrelation one = pearson_correlation(y[t]);
    EXPECT_TRUE(torch::allclose(batch.r[t], one.r, 0, 1e-15)) << "window " << t;
    EXPECT_TRUE(batch.zero_variance[t].equal(one.zero_variance));
  }
}

TEST(PearsonCorrelation, WindowsTooLargeToBatchReuseOneSetOfBuffersWithTheSameNumbers) {
  const torch::Tensor counts = poisson(12, 300, 0.8, 6);
  const std::vector<Window> windows = {Window{{{0, 100}}}, Window{{{100, 200}}}, Window{{{150, 250}}},
                                       Window{{{200, 260}}}};
  std::vector<const void*> r_buffers;
  std::vector<torch::Tensor> seen;
  for_each_window_correlation(counts, windows, /*max_batch_bytes=*/1,
                              [&](std::size_t k, const torch::Tensor& y, const PearsonCorrelation& c) {
                                const PearsonCorrelation alone = pearson_correlation(
                                    window_activity(counts, windows[k]).to(torch::kFloat32));
                                EXPECT_TRUE(c.r.equal(alone.r)) << k;
                                EXPECT_TRUE(c.zero_variance.equal(alone.zero_variance)) << k;
                                EXPECT_TRUE(y.equal(window_activity(counts, windows[k]).to(torch::kFloat32)));
                                r_buffers.push_back(c.r.data_ptr());
                              },
                              torch::TensorOptions().dtype(torch::kFloat32));
  ASSERT_EQ(r_buffers.size(), 4u);
  EXPECT_EQ(r_buffers[0], r_buffers[1]);  // same size: the same buffer
  EXPECT_EQ(r_buffers[1], r_buffers[2]);
}

TEST(PearsonCorrelation, Float32AgreesWithFloat64) {
  const torch::Tensor y = poisson(50, 400, 0.7, 5);
  const auto r64 = pearson_correlation(y).r;
  const auto r32 = pearson_correlation(y.to(torch::kFloat32)).r;
  EXPECT_EQ(r32.scalar_type(), torch::kFloat32);
  EXPECT_LT((r32.to(torch::kFloat64) - r64).abs().max().item<double>(), 1e-5);
}

TEST(PearsonCorrelation, NonFloatingInputIsAClearError) {
  EXPECT_THROW(pearson_correlation(torch::ones({3, 4}, torch::kInt64)), Error);
  EXPECT_THROW(pearson_correlation(torch::ones({4}, torch::kFloat64)), Error);
}

TEST(WindowActivity, ConcatenatedSegmentJoinsItsRangesInOrder) {
  const torch::Tensor activity = torch::arange(20, torch::kFloat64).reshape({2, 10});
  Window w;
  w.ranges = {{1, 3}, {6, 8}};
  const torch::Tensor y = window_activity(activity, w);
  EXPECT_TRUE(
      y.equal(torch::tensor({{1.0, 2.0, 6.0, 7.0}, {11.0, 12.0, 16.0, 17.0}}, torch::kFloat64)));
  w.ranges = {{8, 11}};
  EXPECT_THROW(window_activity(activity, w), Error);
}

TEST(WindowCorrelations, BatchingUnderAnyMemoryBudgetGivesTheSameMatrices) {
  const torch::Tensor activity = poisson(12, 400, 0.8, 6);
  std::vector<Window> windows;
  for (std::size_t s : {0, 50, 100, 150, 200}) windows.push_back(Window{{{s, s + 100}}});
  windows.push_back(Window{{{0, 30}, {300, 370}}});  // 100 bins in two ranges
  windows.push_back(Window{{{10, 60}}});             // a different length ends a batch
  auto collect = [&](std::size_t budget) {
    std::vector<torch::Tensor> out(windows.size());
    std::vector<std::size_t> order;
    for_each_window_correlation(
        activity, windows, budget,
        [&](std::size_t k, const torch::Tensor& y, const PearsonCorrelation& c) {
          EXPECT_EQ(static_cast<std::size_t>(y.size(1)), windows[k].n_bins());
          out[k] = c.r.clone();
          order.push_back(k);
        });
    EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6}));
    return out;
  };
  const auto one_at_a_time = collect(1);
  const auto batched = collect(std::size_t{1} << 30);
  for (std::size_t k = 0; k < windows.size(); ++k) {
    const auto alone = pearson_correlation(window_activity(activity, windows[k])).r;
    EXPECT_TRUE(torch::allclose(one_at_a_time[k], alone, 0, 1e-15)) << k;
    EXPECT_TRUE(torch::allclose(batched[k], alone, 0, 1e-15)) << k;
  }
}

TEST(WindowCorrelations, WindowsAreCopiedIntoTheComputeDtypeAndNeverAliasTheActivity) {
  const torch::Tensor activity = poisson(10, 300, 0.8, 7);  // float64
  std::vector<Window> windows;
  for (std::size_t s : {0, 100, 200}) windows.push_back(Window{{{s, s + 100}}});
  for (const std::size_t budget : {std::size_t{1}, std::size_t{1} << 30}) {
    std::size_t seen = 0;
    for_each_window_correlation(
        activity, windows, budget,
        [&](std::size_t k, const torch::Tensor& y, const PearsonCorrelation& c) {
          EXPECT_EQ(y.scalar_type(), torch::kFloat32);
          EXPECT_EQ(c.r.scalar_type(), torch::kFloat32);
          EXPECT_NE(y.data_ptr(), activity.data_ptr());
          const auto in_float64 = pearson_correlation(window_activity(activity, windows[k])).r;
          EXPECT_TRUE(torch::allclose(c.r.to(torch::kFloat64), in_float64, 0, 1e-5)) << k;
          ++seen;
        },
        torch::TensorOptions().dtype(torch::kFloat32));
    EXPECT_EQ(seen, windows.size());
  }
}

}  // namespace
}  // namespace tavrnn::graphs
