#include "test_tensors.h"
#include "tavrnn/graphs/rmt_filter.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "tavrnn/util/error.h"
#include "tavrnn/graphs/correlation.h"
#include "tavrnn/util/runtime.h"

namespace tavrnn::graphs {
namespace {

using test_support::poisson;

torch::Tensor no_silent(const torch::Tensor& y) { return torch::zeros({y.size(0)}, torch::kBool); }

RmtOptions shuffle(std::size_t k, SurrogateScale scale = SurrogateScale::Correlation) {
  RmtOptions o;
  o.mode = RmtMode::Shuffle;
  o.surrogates = k;
  o.scale = scale;
  return o;
}

TEST(RmtOptions, ParsesEveryModeAndDescribesItBack) {
  EXPECT_EQ(parse_rmt_options("none").mode, RmtMode::None);
  EXPECT_EQ(parse_rmt_options("analytic").mode, RmtMode::Analytic);
  const RmtOptions s = parse_rmt_options("shuffle");
  EXPECT_EQ(s.mode, RmtMode::Shuffle);
  EXPECT_EQ(s.surrogates, 1000u);
  EXPECT_EQ(s.scale, SurrogateScale::Correlation);
  const RmtOptions r = parse_rmt_options("shuffle:250:reference");
  EXPECT_EQ(r.surrogates, 250u);
  EXPECT_EQ(r.scale, SurrogateScale::Reference);
  EXPECT_EQ(r.describe(), "shuffle:250:reference");
  EXPECT_EQ(parse_rmt_options("shuffle:reference").surrogates, 1000u);
  const RmtOptions a = parse_rmt_options("adaptive:0.01");
  EXPECT_EQ(a.mode, RmtMode::Adaptive);
  EXPECT_DOUBLE_EQ(a.tolerance, 0.01);
  EXPECT_EQ(parse_rmt_options(a.describe()).tolerance, a.tolerance);
}

TEST(RmtOptions, MalformedTextNamesThePart) {
  for (const char* bad : {"shuffel", "shuffle:0", "shuffle:12.5", "shuffle:x", "adaptive:2",
                          "analytic:5", "shuffle:10:reference:3", ""}) {
    try {
      parse_rmt_options(bad);
      ADD_FAILURE() << "expected an error for '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("`rmt`"), std::string::npos) << e.what();
    }
  }
}

TEST(AnalyticBounds, AreTheMarchenkoPasturEdges) {
  const SpectralBounds b = analytic_bounds(120, 400);
  EXPECT_NEAR(b.low, std::pow(1 - std::sqrt(0.3), 2), 1e-15);
  EXPECT_NEAR(b.high, std::pow(1 + std::sqrt(0.3), 2), 1e-15);
  EXPECT_EQ(b.surrogates, 0u);
}

TEST(AnalyticBounds, CountOnlyUnitsWithVariance) {
  torch::Tensor y = poisson(10, 100, 1.0, 1);
  y[3].zero_();
  RmtOptions o;
  o.mode = RmtMode::Analytic;
  torch::Tensor zero_variance;
  unit_norm_rows(y, &zero_variance);
  const SpectralBounds b = RandomMatrixFilter(o).bounds(y, zero_variance, 0, 0);
  EXPECT_NEAR(b.high, std::pow(1 + std::sqrt(9.0 / 100.0), 2), 1e-15);
}

TEST(FilterOutsideBounds, KeepingNothingGivesIdentityAndKeepingAllGivesR) {
  const torch::Tensor r = pearson_correlation(poisson(15, 80, 0.8, 2)).r;
  const FilteredCorrelation none = filter_outside_bounds(r, -1.0, 1e9);
  EXPECT_EQ(none.components_kept, 0u);
  EXPECT_TRUE(none.r.equal(torch::eye(15, torch::kFloat64)));
  const FilteredCorrelation all = filter_outside_bounds(r, 1e9, 2e9);
  EXPECT_EQ(all.components_kept, 15u);
  EXPECT_LT((all.r - r).abs().max().item<double>(), 1e-12);
}

TEST(FilterOutsideBounds, ResultIsACorrelationMatrixWithoutNaN) {
  const torch::Tensor y = poisson(30, 100, 0.8, 3, torch::kFloat32);
  const torch::Tensor r = pearson_correlation(y).r;
  const SpectralBounds b = RandomMatrixFilter(shuffle(50)).bounds(y, no_silent(y), 1, 0);
  const FilteredCorrelation f = filter_outside_bounds(r, b.low, b.high);
  EXPECT_FALSE(f.r.isnan().any().item<bool>());
  EXPECT_TRUE(f.r.diagonal().eq(1.0).all().item<bool>());
  EXPECT_LE(f.r.abs().max().item<float>(), 1.0f);
  EXPECT_GT(f.components_kept, 0u);
  EXPECT_LT(f.components_kept, 30u);
}

TEST(FilterOutsideBounds, LargeFloat32MatricesAreFilteredAsFloat64) {
  // From 2,895 units LAPACK's workspace size no longer fits a float exactly
  // and may round below ssyevd's own minimum (10,000 units: "SSYEVD
  // parameter number 8 had an illegal value"); such matrices go through
  // float64 and must give float64's result.
  const int64_t n = kFloatEighLimit;
  const torch::Tensor y = poisson(n, 4000, 0.8, 5, torch::kFloat32);  // L > N: r of full rank
  const torch::Tensor r = pearson_correlation(y).r;
  // Bounds inside the bulk, so that both tails of the spectrum are kept.
  const FilteredCorrelation f = filter_outside_bounds(r, 0.5, 1.5);
  const FilteredCorrelation wide = filter_outside_bounds(r.to(torch::kFloat64), 0.5, 1.5);
  EXPECT_EQ(f.r.scalar_type(), torch::kFloat32);
  EXPECT_EQ(f.components_kept, wide.components_kept);
  EXPECT_GT(f.components_kept, 0u);
  EXPECT_LT(f.components_kept, static_cast<std::size_t>(n));
  EXPECT_FALSE(f.r.isnan().any().item<bool>());
  EXPECT_LT((f.r.to(torch::kFloat64) - wide.r).abs().max().item<double>(), 1e-4);
}

TEST(ShuffleSurrogates, SameSeedSameBoundsOtherSeedOrWindowOtherBounds) {
  const torch::Tensor y = poisson(20, 120, 0.9, 4);
  const RandomMatrixFilter f(shuffle(60));
  const SpectralBounds a = f.bounds(y, no_silent(y), 9, 0);
  const SpectralBounds b = f.bounds(y, no_silent(y), 9, 0);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_NE(f.bounds(y, no_silent(y), 10, 0).high, a.high);
  EXPECT_NE(f.bounds(y, no_silent(y), 9, 1).high, a.high);
  EXPECT_EQ(a.surrogates, 60u);
}

TEST(ShuffleSurrogates, ThreadCountAndChunkingDoNotChangeTheNumbers) {
  const torch::Tensor y = poisson(16, 90, 0.9, 5);
  const int threads = num_threads();
  set_num_threads(1);
  const ShuffleSurrogates s(y, SurrogateScale::Correlation, 3, 2);
  const torch::Tensor one = s.eigenvalues(0, 24, std::size_t{1} << 30);
  set_num_threads(2);
  const torch::Tensor two = s.eigenvalues(0, 24, 1);  // one surrogate per chunk
  set_num_threads(threads);
  EXPECT_TRUE(torch::allclose(one, two, 0, 1e-12));
  // Surrogates 10..13 alone are the same as inside the full set.
  EXPECT_TRUE(torch::allclose(s.eigenvalues(10, 4, 1 << 20), one.slice(0, 10, 14), 0, 1e-12));
}

TEST(ShuffleSurrogates, EachRowIsPermutedIndependently) {
  const torch::Tensor y = poisson(5, 40, 2.0, 6);
  const ShuffleSurrogates s(y, SurrogateScale::Reference, 1, 0);
  const torch::Tensor p = s.permutations(0, 3);
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{3, 5, 40}));
  EXPECT_TRUE(std::get<0>(p.sort(2)).equal(torch::arange(40).expand({3, 5, 40})));
  EXPECT_FALSE(p[0][0].equal(p[0][1]));  // rows differ within a surrogate
  EXPECT_FALSE(p[0][0].equal(p[1][0]));  // and between surrogates
}

TEST(ShuffleSurrogates, ZeroVarianceUnitAddsEigenvalueOneOnCorrelationScale) {
  torch::Tensor y = poisson(6, 200, 1.0, 7);
  y[0].fill_(2.0);
  const ShuffleSurrogates s(y, SurrogateScale::Correlation, 1, 0);
  const torch::Tensor m = s.matrices(0, 2);
  EXPECT_TRUE(m.select(1, 0).equal(torch::eye(6, torch::kFloat64)[0].expand({2, 6})));
  const ShuffleSurrogates raw(y, SurrogateScale::Reference, 1, 0);
  EXPECT_EQ(raw.matrices(0, 1)[0][0][0].item<double>(), 0.0);
}

TEST(ShuffleSurrogates, BoundsFromTailsEqualBoundsFromEverySurrogateEigenvalue) {
  // The shuffle filter bisects only for each surrogate's extreme
  // eigenvalues (N = 120: 17 at either end); the bounds and their errors
  // must be exactly those of the full pooled spectrum.
  for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
    const torch::Tensor y = poisson(120, 300, 0.6, 12, dtype);
    const ShuffleSurrogates s(y, SurrogateScale::Correlation, 5, 1);
    const torch::Tensor all = s.eigenvalues(0, 200, std::size_t{1} << 30);
    const torch::Tensor tails = s.eigenvalues(0, 200, std::size_t{1} << 30, 17);
    EXPECT_TRUE(tails.isnan().any().item<bool>());  // the middle was skipped
    const SpectralBounds b = RandomMatrixFilter(shuffle(200)).bounds(y, no_silent(y), 5, 1);
    const PercentileEstimate low = pooled_percentile(all, 2.5), high = pooled_percentile(all, 97.5);
    EXPECT_EQ(b.low, low.value);
    EXPECT_EQ(b.high, high.value);
    EXPECT_EQ(b.low_standard_error, low.standard_error);
    EXPECT_EQ(b.high_standard_error, high.standard_error);
  }
}

TEST(PercentileOfSorted, InterpolatesLikeNumpy) {
  const torch::Tensor x = torch::arange(11, torch::kFloat64);  // 0..10
  EXPECT_DOUBLE_EQ(percentile_of_sorted(x, 25.0), 2.5);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(x, 97.5), 9.75);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(x, 100.0), 10.0);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(x, 0.0), 0.0);
  EXPECT_THROW(percentile_of_sorted(torch::empty({0}, torch::kFloat64), 50.0), Error);
}

TEST(PooledPercentile, IdenticalSurrogatesHaveNoError) {
  const torch::Tensor e = torch::arange(10, torch::kFloat64).expand({5, 10});
  const PercentileEstimate p = pooled_percentile(e, 50.0);
  EXPECT_DOUBLE_EQ(p.value, 4.5);
  EXPECT_EQ(p.standard_error, 0.0);
}

TEST(AdaptiveShuffle, StopsEarlyWithBoundsWithinOnePercentOfK1000) {
  const torch::Tensor y = poisson(120, 400, 0.5, 8, torch::kFloat32);
  const SpectralBounds full = RandomMatrixFilter(shuffle(1000)).bounds(y, no_silent(y), 1, 0);
  RmtOptions o = shuffle(1000);
  o.mode = RmtMode::Adaptive;
  const SpectralBounds adaptive = RandomMatrixFilter(o).bounds(y, no_silent(y), 1, 0);
  EXPECT_LT(adaptive.surrogates, 500u);
  EXPECT_LE(adaptive.low_standard_error, o.tolerance * adaptive.low);
  EXPECT_LE(adaptive.high_standard_error, o.tolerance * adaptive.high);
  EXPECT_LT(std::abs(adaptive.low / full.low - 1), 0.01)
      << "adaptive " << adaptive.low << " (K " << adaptive.surrogates << "), K=1000 " << full.low;
  EXPECT_LT(std::abs(adaptive.high / full.high - 1), 0.01)
      << "adaptive " << adaptive.high << " (K " << adaptive.surrogates << "), K=1000 " << full.high;
}

TEST(AdaptiveShuffle, StandardErrorMatchesTheSpreadOverSeeds) {
  // The stopping rule trusts the pooled standard error; over seeds the
  // bounds of 16 surrogates must vary by about what it claims.
  const torch::Tensor y = poisson(60, 200, 0.7, 9);
  const RandomMatrixFilter f(shuffle(16));
  std::vector<double> lows, highs;
  double claimed_low = 0, claimed_high = 0;
  const int seeds = 24;
  for (int seed = 0; seed < seeds; ++seed) {
    const SpectralBounds b = f.bounds(y, no_silent(y), static_cast<std::uint64_t>(seed), 0);
    lows.push_back(b.low);
    highs.push_back(b.high);
    claimed_low += b.low_standard_error / seeds;
    claimed_high += b.high_standard_error / seeds;
  }
  const double spread_low = torch::tensor(lows, torch::kFloat64).std().item<double>();
  const double spread_high = torch::tensor(highs, torch::kFloat64).std().item<double>();
  const std::string numbers =
      "low: spread " + std::to_string(spread_low) + ", claimed " + std::to_string(claimed_low) +
      "; high: spread " + std::to_string(spread_high) + ", claimed " + std::to_string(claimed_high);
  EXPECT_LT(claimed_low, 2.0 * spread_low) << numbers;
  EXPECT_GT(claimed_low, 0.5 * spread_low) << numbers;
  EXPECT_LT(claimed_high, 2.0 * spread_high) << numbers;
  EXPECT_GT(claimed_high, 0.5 * spread_high) << numbers;
}

}  // namespace
}  // namespace tavrnn::graphs
