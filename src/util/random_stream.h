#pragma once
// RandomStream: the one source of randomness inside tavrnn (simulator,
// random-matrix shuffles). A std::mt19937_64 engine whose 64-bit words are
// turned into variates by the code below and never by std:: distributions:
// the engine's sequence is fixed by the standard, but what
// std::normal_distribution & co. make of it is implementation-defined, so
// the same seed would give different numbers under libstdc++ and libc++.
//
// What remains platform-dependent is libm rounding in the last bit (exp,
// log, log1p, lgamma, cos: identical on one libm) and FMA contraction: a
// translation unit that needs bitwise-identical doubles across targets turns
// it off (see the pragma at the top of simulate.cpp) or is built with
// -ffp-contract=off. Never -ffast-math: the samplers compare doubles.
// One stream is not thread-safe; give each thread its own, seeded apart.
#include <cmath>
#include <cstdint>
#include <iterator>
#include <random>
#include <utility>

namespace tavrnn {

class RandomStream {
 public:
  explicit RandomStream(std::uint64_t seed) : engine_(seed) {}

  // The engine's next raw 64-bit word.
  std::uint64_t next_word() { return engine_(); }

  // Uniform on [0, 1) with 53 random bits: every representable multiple of
  // 2^-53 equally likely.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Uniform on [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Uniform integer in [0, n), n >= 1, without modulo bias: words below
  // 2^64 mod n are rejected so that every residue has the same number of
  // preimages (OpenBSD arc4random_uniform). Rejects fewer than half the
  // words in the worst case, almost none for small n.
  std::uint64_t uniform_int(std::uint64_t n) {
    if (n <= 1) return 0;
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = engine_();
      if (r >= threshold) return r % n;
    }
  }

  // Standard normal by Marsaglia's polar method (no trigonometry); the
  // second variate of each accepted pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double x = 0.0, y = 0.0, s = 0.0;
    do {
      x = 2.0 * uniform() - 1.0;
      y = 2.0 * uniform() - 1.0;
      s = x * x + y * y;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = y * factor;
    has_spare_ = true;
    return x * factor;
  }

  double normal(double mean, double sd) { return mean + sd * normal(); }

  // Exponential with the given rate (mean 1/rate), by inversion.
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }

  // Poisson(lambda). lambda <= 0 gives 0 without drawing.
  // lambda < 10: inversion by sequential search from 0 (expected
  //   lambda + 1 comparisons, one uniform, one exp; exact up to rounding).
  // lambda >= 10: Hormann's PTRS transformed rejection ("The transformed
  //   rejection method for generating Poisson random variables", 1993), the
  //   method numpy uses; exact, about 1.15 pairs of uniforms per variate.
  std::int64_t poisson(double lambda) {
    if (!(lambda > 0.0)) return 0;
    if (lambda < 10.0) return poisson_inversion(lambda);
    return poisson_ptrs(lambda);
  }

  // Fisher-Yates: every permutation of [first, last) equally likely.
  template <typename RandomIt>
  void shuffle(RandomIt first, RandomIt last) {
    const auto n = static_cast<std::uint64_t>(std::distance(first, last));
    for (std::uint64_t i = n; i > 1; --i) {
      const std::uint64_t j = uniform_int(i);
      using std::swap;
      swap(first[static_cast<std::ptrdiff_t>(i - 1)], first[static_cast<std::ptrdiff_t>(j)]);
    }
  }

 private:
  std::int64_t poisson_inversion(double lambda) {
    const double u = uniform();
    double p = std::exp(-lambda);
    double cumulative = p;
    std::int64_t k = 0;
    // The cumulative sum can stall a few ulps below 1 while u is closer to
    // 1 than that; the tail beyond lambda + 60 has probability < 1e-30.
    const double give_up = lambda + 60.0;
    while (u >= cumulative && static_cast<double>(k) < give_up) {
      ++k;
      p *= lambda / static_cast<double>(k);
      cumulative += p;
    }
    return k;
  }

  std::int64_t poisson_ptrs(double lambda) {
    const double log_lambda = std::log(lambda);
    const double b = 0.931 + 2.53 * std::sqrt(lambda);
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double v_r = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
      const double u = uniform() - 0.5;
      const double v = uniform();
      const double us = 0.5 - std::fabs(u);
      const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
      if (k < 0.0 || (us < 0.013 && v > us)) continue;
      if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
          -lambda + k * log_lambda - std::lgamma(k + 1.0)) {
        return static_cast<std::int64_t>(k);
      }
    }
  }

  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace tavrnn
