// RandomStream (src/random_stream.h): the samplers against closed forms.
#include "util/random_stream.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

namespace tavrnn {
namespace {

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double variance_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1);
}

TEST(RandomStream, SameSeedGivesSameWordsAndStandardMt19937_64Sequence) {
  RandomStream a(5489), b(5489);
  for (int i = 0; i < 9999; ++i) {
    ASSERT_EQ(a.next_word(), b.next_word());
  }
  // The standard fixes the 10000th output of a default-seeded mt19937_64.
  EXPECT_EQ(a.next_word(), 9981545732273789042ULL);
}

TEST(RandomStream, UniformLiesInUnitIntervalWithMeanHalfAndVarianceTwelfth) {
  RandomStream stream(1);
  std::vector<double> u(200000);
  for (auto& x : u) {
    x = stream.uniform();
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
  }
  EXPECT_NEAR(mean_of(u), 0.5, 0.003);
  EXPECT_NEAR(variance_of(u), 1.0 / 12.0, 0.001);
}

TEST(RandomStream, NormalHasMeanZeroVarianceOneAndGaussianTails) {
  RandomStream stream(2);
  std::vector<double> z(400000);
  std::size_t beyond_two = 0;
  for (auto& x : z) {
    x = stream.normal();
    if (std::fabs(x) > 2.0) ++beyond_two;
  }
  EXPECT_NEAR(mean_of(z), 0.0, 0.01);
  EXPECT_NEAR(variance_of(z), 1.0, 0.01);
  // P(|Z| > 2) = 0.0455
  EXPECT_NEAR(static_cast<double>(beyond_two) / static_cast<double>(z.size()), 0.0455, 0.002);
}

TEST(RandomStream, PoissonMeanAndVarianceEqualLambdaOnBothSamplers) {
  RandomStream stream(3);
  // Below 10: inversion; from 10 on: PTRS.
  for (double lambda : {0.05, 0.7, 3.0, 9.9, 10.0, 27.5, 400.0}) {
    const int n = 200000;
    std::vector<double> k(n);
    for (auto& x : k) x = static_cast<double>(stream.poisson(lambda));
    const double se = std::sqrt(lambda / n);
    EXPECT_NEAR(mean_of(k), lambda, 5.0 * se) << "lambda " << lambda;
    // Var of the sample variance of a Poisson: (lambda + 2 lambda^2) / n.
    EXPECT_NEAR(variance_of(k), lambda, 5.0 * std::sqrt((lambda + 2 * lambda * lambda) / n))
        << "lambda " << lambda;
    EXPECT_GE(*std::min_element(k.begin(), k.end()), 0.0);
  }
}

TEST(RandomStream, PoissonFrequenciesMatchThePmfAroundTheSamplerSwitch) {
  for (double lambda : {4.0, 15.0}) {
    RandomStream stream(4);
    const int n = 400000;
    std::map<std::int64_t, int> counts;
    for (int i = 0; i < n; ++i) ++counts[stream.poisson(lambda)];
    for (std::int64_t k = 0; k <= static_cast<std::int64_t>(2 * lambda); ++k) {
      const double p = std::exp(-lambda + static_cast<double>(k) * std::log(lambda) -
                                std::lgamma(static_cast<double>(k) + 1.0));
      const double expected = n * p;
      EXPECT_NEAR(counts[k], expected, 5.0 * std::sqrt(expected) + 1.0)
          << "lambda " << lambda << ", k " << k;
    }
  }
}

TEST(RandomStream, PoissonOfZeroRateIsZero) {
  RandomStream stream(5);
  EXPECT_EQ(stream.poisson(0.0), 0);
  EXPECT_EQ(stream.poisson(-1.0), 0);
}

TEST(RandomStream, UniformIntIsUnbiasedEvenWhereModuloWouldNotBe) {
  RandomStream stream(6);
  std::vector<int> counts(6, 0);
  const int n = 600000;
  for (int i = 0; i < n; ++i) {
    const auto k = stream.uniform_int(6);
    ASSERT_LT(k, 6u);
    ++counts[k];
  }
  for (int c : counts) EXPECT_NEAR(c, n / 6, 5.0 * std::sqrt(n / 6.0));
  // For n = 3 * 2^62, plain r % n would put half the mass below 2^62
  // instead of a third.
  const std::uint64_t big = 3ULL << 62;
  int low = 0;
  const int m = 60000;
  for (int i = 0; i < m; ++i) {
    const auto k = stream.uniform_int(big);
    ASSERT_LT(k, big);
    if (k < (1ULL << 62)) ++low;
  }
  EXPECT_NEAR(static_cast<double>(low) / m, 1.0 / 3.0, 0.01);
  EXPECT_EQ(stream.uniform_int(1), 0u);
}

TEST(RandomStream, ShuffleIsAPermutationAndEveryOrderIsEquallyLikely) {
  RandomStream stream(7);
  std::vector<int> v(1000);
  std::iota(v.begin(), v.end(), 0);
  stream.shuffle(v.begin(), v.end());
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sorted[i], i);
  EXPECT_FALSE(std::is_sorted(v.begin(), v.end()));

  std::map<std::vector<int>, int> orders;
  const int n = 60000;
  for (int i = 0; i < n; ++i) {
    std::vector<int> three = {0, 1, 2};
    stream.shuffle(three.begin(), three.end());
    ++orders[three];
  }
  ASSERT_EQ(orders.size(), 6u);
  for (const auto& [order, count] : orders) EXPECT_NEAR(count, n / 6, 5.0 * std::sqrt(n / 6.0));
}

}  // namespace
}  // namespace tavrnn
