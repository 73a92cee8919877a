#pragma once
// What the nn tests recompute by hand, shared by gcn_test, graph_gru_test and
// temporal_attention_test.
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace tavrnn::nn::by_hand {

// Float64 computed two ways agrees to rounding.
constexpr double kTolerance = 1e-12;

// Standard normal (times `scale`) float64 values of `shape` from `gen`.
inline torch::Tensor random_normal(std::vector<int64_t> shape, at::Generator& gen, double scale = 1.0) {
  return torch::empty(shape, torch::kFloat64).normal_(0, scale, gen);
}

// The largest |actual - expected|, after checking the shapes agree.
inline double max_abs_diff(const torch::Tensor& actual, const torch::Tensor& expected) {
  EXPECT_EQ(actual.sizes(), expected.sizes());
  return (actual.detach().to(torch::kFloat64) - expected.detach()).abs().max().item<double>();
}

// D^-1/2 A D^-1/2 entry by entry with plain doubles (MODEL.md section 3):
// D = row sums of A as given, no extra self loops, degree 0 -> 0.
inline torch::Tensor normalised_adjacency(const torch::Tensor& adjacency) {
  const auto a = adjacency.to(torch::kFloat64).contiguous();
  const int64_t n = a.size(0);
  const auto in = a.accessor<double, 2>();
  std::vector<double> degree(static_cast<std::size_t>(n), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) degree[static_cast<std::size_t>(i)] += in[i][j];
  }
  auto out = torch::zeros({n, n}, torch::kFloat64);
  auto o = out.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      const double di = degree[static_cast<std::size_t>(i)];
      const double dj = degree[static_cast<std::size_t>(j)];
      if (in[i][j] != 0.0 && di > 0.0 && dj > 0.0) o[i][j] = in[i][j] / std::sqrt(di * dj);
    }
  }
  return out;
}

}  // namespace tavrnn::nn::by_hand
