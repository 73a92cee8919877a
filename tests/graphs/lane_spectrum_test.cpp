#include "graphs/lane_spectrum.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/runtime.h"

namespace tavrnn::graphs::detail {
namespace {

// LAPACK (torch::linalg_eigvalsh) is the oracle for the lane kernels.
void expect_like_lapack(int64_t count, int64_t n, int64_t bins, torch::ScalarType dtype,
                        bool with_diagonal, double tolerance) {
  torch::manual_seed(static_cast<uint64_t>(count * 1000 + n));
  const torch::Tensor rows = torch::randn({count, n, bins}, torch::kFloat64).to(dtype);
  const torch::Tensor diagonal =
      with_diagonal ? torch::rand({n}, torch::kFloat64).to(dtype) : torch::Tensor();
  torch::Tensor gram =
      torch::matmul(rows.to(torch::kFloat64), rows.to(torch::kFloat64).transpose(1, 2));
  if (with_diagonal) gram.diagonal(0, 1, 2).add_(diagonal.to(torch::kFloat64));
  const torch::Tensor expected = torch::linalg_eigvalsh(gram);
  const torch::Tensor got = lane_gram_eigenvalues(rows, diagonal);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_EQ(got.scalar_type(), dtype);
  const double scale = expected.abs().max().item<double>();
  const double error = (got.to(torch::kFloat64) - expected).abs().max().item<double>() / scale;
  EXPECT_LT(error, tolerance) << "K " << count << " N " << n << " L " << bins << " "
                              << c10::toString(dtype);
}

TEST(LaneSpectrum, EigenvaluesEqualLapackInFloat64) {
  for (int64_t n : {1, 2, 3, 5, 17, 64})
    expect_like_lapack(19, n, 3 * n + 7, torch::kFloat64, n % 2, 1e-13);
}

TEST(LaneSpectrum, EigenvaluesEqualLapackInFloat32) {
  for (int64_t n : {1, 4, 30, 121})
    expect_like_lapack(37, n, 2 * n + 5, torch::kFloat32, true, 2e-6);
}

TEST(LaneSpectrum, RankDeficientAndZeroMatricesAreFine) {
  // L < N: N - L eigenvalues are 0; all-zero rows: every eigenvalue 0.
  expect_like_lapack(9, 20, 6, torch::kFloat64, false, 1e-13);
  const torch::Tensor zeros = torch::zeros({3, 7, 10}, torch::kFloat64);
  EXPECT_EQ(lane_gram_eigenvalues(zeros, torch::Tensor()).abs().max().item<double>(), 0.0);
}

TEST(LaneSpectrum, ThreadCountDoesNotChangeTheResult) {
  torch::manual_seed(3);
  const torch::Tensor rows = torch::randn({70, 12, 40});
  const int threads = num_threads();
  set_num_threads(1);
  const torch::Tensor one = lane_gram_eigenvalues(rows, torch::Tensor());
  set_num_threads(2);
  const torch::Tensor two = lane_gram_eigenvalues(rows, torch::Tensor());
  set_num_threads(threads);
  EXPECT_TRUE(one.equal(two));
}

}  // namespace
}  // namespace tavrnn::graphs::detail
