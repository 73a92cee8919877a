#include "tavrnn/train/sampled_reconstruction.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::train {
namespace {

torch::Tensor symmetric_graph(int64_t n, double density, at::Generator& gen, bool weighted) {
  auto u = torch::empty({n, n}, torch::kFloat64).uniform_(0, 1, gen);
  const auto s = (u + u.t()) / 2;
  auto a = weighted ? torch::where(s < density, s / density, torch::zeros_like(s)) : (s < density).to(torch::kFloat64);
  a.fill_diagonal_(1.0);
  return a;
}

// The sampled loss is unbiased for the full loss: the mean of many draws of
// its value and of its gradient approaches the full loss's, within a few
// standard errors, with and without excluded (held-out) pairs.
TEST(SampledReconstruction, MeanOfManyDrawsIsTheFullLossAndGradient) {
  auto gen = at::detail::createCPUGenerator(3);
  for (const bool weighted : {false, true}) {
    for (const bool exclude : {false, true}) {
      const int64_t n = 40;
      const auto a = symmetric_graph(n, 0.15, gen, weighted);
      ReconstructionTarget target =
          ReconstructionTarget::make(a, reconstruction_weights(static_cast<double>(n), a.gt(0).sum().item<double>()));
      ASSERT_TRUE(target.symmetric);
      if (exclude) {  // three non-edges i < j
        const auto pairs = torch::triu(a.eq(0), 1).nonzero().narrow(0, 0, 3);
        target.excluded_first = pairs.select(1, 0).contiguous();
        target.excluded_second = pairs.select(1, 1).contiguous();
      }
      const auto z = (torch::randn({n, 3}, gen, torch::kFloat64) * 0.8).requires_grad_(true);
      const auto full = reconstruction_nll(z, target);
      const auto full_grad = torch::autograd::grad({full}, {z})[0];

      const SampledReconstruction sampled(target, 4);
      const int draws = 3000;
      double sum = 0, sum2 = 0;
      auto grad_sum = torch::zeros_like(z), grad_sum2 = torch::zeros_like(z);
      auto draw_gen = at::detail::createCPUGenerator(17);
      for (int d = 0; d < draws; ++d) {
        const auto loss = sampled.nll(z, draw_gen);
        const auto grad = torch::autograd::grad({loss}, {z})[0];
        const double v = loss.item<double>();
        sum += v;
        sum2 += v * v;
        grad_sum += grad;
        grad_sum2 += grad * grad;
      }
      const double mean = sum / draws, sd = std::sqrt(sum2 / draws - mean * mean);
      EXPECT_GT(sd, 0.0);
      EXPECT_NEAR(mean, full.item<double>(), 5 * sd / std::sqrt(draws) + 1e-12) << weighted << exclude;
      const auto grad_mean = grad_sum / draws;
      const auto grad_se = (grad_sum2 / draws - grad_mean * grad_mean).clamp_min(0).sqrt() / std::sqrt(draws);
      const auto z_scores = (grad_mean - full_grad).abs() / (grad_se + 1e-12);
      EXPECT_LT(z_scores.max().item<double>(), 5.5) << weighted << exclude;
    }
  }
}

TEST(SampledReconstruction, SameGeneratorStateSameEstimateAndAsManyNonEdgesAsAsked) {
  auto gen = at::detail::createCPUGenerator(5);
  const int64_t n = 30;
  const auto a = symmetric_graph(n, 0.2, gen, false);
  const auto target =
      ReconstructionTarget::make(a, reconstruction_weights(static_cast<double>(n), a.sum().item<double>()));
  const auto z = torch::randn({n, 4}, gen, torch::kFloat64);
  const SampledReconstruction sampled(target, 2);
  auto g1 = at::detail::createCPUGenerator(9), g2 = at::detail::createCPUGenerator(9);
  const double first = sampled.nll(z, g1).item<double>();
  EXPECT_EQ(first, sampled.nll(z, g2).item<double>());
  EXPECT_NE(first, sampled.nll(z, g1).item<double>());  // the next draw is another sample
  // A complete graph has no non-edge to draw: the estimate is the full loss exactly.
  const auto complete = torch::ones({n, n}, torch::kFloat64);
  const auto full_target = ReconstructionTarget::make(complete, reconstruction_weights(static_cast<double>(n), n * n));
  const SampledReconstruction none(full_target, 3);
  EXPECT_NEAR(none.nll(z, g1).item<double>(), reconstruction_nll(z, full_target).item<double>(), 1e-12);
}

TEST(SampledReconstruction, ParsesFullOrSampledAndRefusesTheRest) {
  EXPECT_EQ(parse_reconstruction("full"), 0);
  EXPECT_EQ(parse_reconstruction("sampled:5"), 5);
  for (const char* bad : {"sampled", "sampled:", "sampled:0", "sampled:-2", "sampled:3x", "partial"}) {
    EXPECT_THROW(parse_reconstruction(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace tavrnn::train
