#include "tavrnn/graphs/rmt_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "lane_spectrum.h"
#include "tavrnn/util/error.h"
#include "util/spec_text.h"

namespace tavrnn::graphs {
namespace {

using ::tavrnn::detail::split_spec;

[[noreturn]] void bad_rmt(const std::string& text, const std::string& why) {
  throw Error(
      fmt::format("`rmt` '{}': {}; expected none | analytic | shuffle[:K][:reference] | "
                  "adaptive[:TOLERANCE][:reference]",
                  text, why));
}

bool parse_scale(const std::string& part, SurrogateScale& scale) {
  if (part == "reference")
    scale = SurrogateScale::Reference;
  else if (part == "correlation")
    scale = SurrogateScale::Correlation;
  else
    return false;
  return true;
}

// Eigenvalues each surrogate must contribute at either end for the
// percentile bounds and their standard errors: three times the number
// expected beyond the percentile, plus 8.
std::size_t tail_size(std::size_t n_units, const RmtOptions& o) {
  const double beyond =
      static_cast<double>(n_units) * std::max(o.low_percent, 100.0 - o.high_percent) / 100.0;
  return static_cast<std::size_t>(std::ceil(3.0 * beyond)) + 8;
}

// Order-statistic ranks pooled_percentile reads for `percent` of n values.
std::pair<int64_t, int64_t> ranks_read(int64_t n, double percent) {
  const double p = percent / 100.0, index = p * static_cast<double>(n - 1);
  const double d = std::max(1.0, std::ceil(std::sqrt(static_cast<double>(n) * p * (1.0 - p))));
  const auto lowest = static_cast<int64_t>(std::max(0.0, std::floor(index - d)));
  const auto highest = static_cast<int64_t>(
      std::min(static_cast<double>(n - 1), std::max(std::floor(index) + 1, std::ceil(index + d))));
  return {lowest, highest};
}

struct PooledBounds {
  PercentileEstimate low, high;
};

// Bounds from eigenvalues [K, N] of which only tails may be known (the
// middle of each row NaN, see ShuffleSurrogates::eigenvalues). The middle
// is filled with a value between the row's tails, which keeps the pooled
// order of everything at or beyond the tails; the result is exact when
// every order statistic the estimates read lies inside the known tails,
// which is checked. nullopt when it is not (the caller then computes all).
std::optional<PooledBounds> pooled_bounds(const torch::Tensor& eigenvalues, const RmtOptions& o) {
  torch::Tensor e = eigenvalues.to(torch::kCPU, torch::kFloat64);
  const torch::Tensor missing = e.isnan();
  const int64_t n = e.size(1);
  double inner_low = 0, inner_high = 0;
  const bool partial = missing.any().item<bool>();
  if (partial) {
    const int64_t tail = missing[0].logical_not().sum().item<int64_t>() / 2;
    const torch::Tensor low_edge = e.select(1, tail - 1), high_edge = e.select(1, n - tail);
    e = torch::where(missing, ((low_edge + high_edge) * 0.5).unsqueeze(1).expand_as(e), e);
    inner_low = low_edge.min().item<double>();
    inner_high = high_edge.max().item<double>();
  }
  const std::vector<PercentileEstimate> both =
      pooled_percentiles(e, {o.low_percent, o.high_percent});
  PooledBounds b{both[0], both[1]};
  if (partial) {
    const torch::Tensor pool = e.reshape({-1});
    const int64_t total = pool.numel();
    // The low estimate reads ranks up to r: the pooled value at rank r is
    // <= every row's largest known low eigenvalue iff at least r + 1 values are.
    const int64_t low_needed = ranks_read(total, o.low_percent).second;
    const int64_t high_needed = ranks_read(total, o.high_percent).first;
    if (pool.le(inner_low).sum().item<int64_t>() < low_needed + 1 ||
        pool.lt(inner_high).sum().item<int64_t>() > high_needed) {
      return std::nullopt;
    }
  }
  return b;
}

}  // namespace

std::string RmtOptions::describe() const {
  const std::string suffix = scale == SurrogateScale::Reference ? ":reference" : "";
  switch (mode) {
    case RmtMode::None:
      return "none";
    case RmtMode::Analytic:
      return "analytic";
    case RmtMode::Shuffle:
      return fmt::format("shuffle:{}{}", surrogates, suffix);
    case RmtMode::Adaptive:
      return fmt::format("adaptive:{}{}", tolerance, suffix);
  }
  return "none";
}

RmtOptions parse_rmt_options(const std::string& text) {
  const std::vector<std::string> parts = split_spec(text, ':');
  RmtOptions options;
  const std::string& mode = parts[0];
  if (mode == "none" || mode == "analytic") {
    if (parts.size() > 1) bad_rmt(text, fmt::format("'{}' takes no parameters", mode));
    options.mode = mode == "none" ? RmtMode::None : RmtMode::Analytic;
    return options;
  }
  if (mode != "shuffle" && mode != "adaptive")
    bad_rmt(text, fmt::format("unknown mode '{}'", mode));
  options.mode = mode == "shuffle" ? RmtMode::Shuffle : RmtMode::Adaptive;
  bool have_number = false, have_scale = false;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (!have_scale && parse_scale(part, options.scale)) {
      have_scale = true;
      continue;
    }
    if (have_number || have_scale) bad_rmt(text, fmt::format("unexpected '{}'", part));
    std::size_t used = 0;
    double value = 0.0;
    try {
      value = std::stod(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size())
      bad_rmt(text, fmt::format("'{}' is not a number", part));
    if (options.mode == RmtMode::Shuffle) {
      if (value < 1 || value != std::floor(value) || value > 1e7) {
        bad_rmt(text, fmt::format("K must be a whole number of surrogates >= 1, found '{}'", part));
      }
      options.surrogates = static_cast<std::size_t>(value);
    } else {
      if (!(value > 0.0 && value < 1.0)) {
        bad_rmt(text, fmt::format("the tolerance must be in (0, 1), found '{}'", part));
      }
      options.tolerance = value;
    }
    have_number = true;
  }
  return options;
}

SpectralBounds analytic_bounds(std::size_t n_units, std::size_t n_bins) {
  if (n_bins == 0) throw Error("analytic bounds: expected a window of at least 1 bin, found 0");
  const double q = static_cast<double>(n_units) / static_cast<double>(n_bins);
  SpectralBounds bounds;
  bounds.low = (1.0 - std::sqrt(q)) * (1.0 - std::sqrt(q));
  bounds.high = (1.0 + std::sqrt(q)) * (1.0 + std::sqrt(q));
  return bounds;
}

FilteredCorrelation filter_outside_bounds(const torch::Tensor& r, double low, double high) {
  if (r.dim() != 2 || r.size(0) != r.size(1)) {
    throw Error(
        fmt::format("random-matrix filtering: expected a square [N, N] matrix, found {} "
                    "dimensions",
                    r.dim()));
  }
  // LAPACK's ssyevd reports its workspace size (1 + 6N + 2N^2 elements) as
  // a float, which can round it below the minimum it then demands once the
  // size passes 2^24 (N >= 2,895; at N = 10,000: "SSYEVD parameter number 8
  // had an illegal value"). Such float32 matrices are decomposed in float64.
  const bool widen = r.scalar_type() == torch::kFloat32 && r.size(0) >= kFloatEighLimit;
  auto [values, vectors] = torch::linalg_eigh(widen ? r.to(torch::kFloat64) : r);
  if (widen) {
    values = values.to(torch::kFloat32);
    vectors = vectors.to(torch::kFloat32);
  }
  const torch::Tensor keep = values.lt(low).logical_or_(values.gt(high));
  const torch::Tensor kept_values = values * keep.to(values.scalar_type());
  const torch::Tensor rebuilt = torch::matmul(vectors * kept_values.unsqueeze(0), vectors.t());
  // In exact arithmetic a unit with no weight on the kept components has
  // R_ii = 0 and R_ij = 0, so 0/0 = NaN -> 0. In floating point both are
  // rounding noise and their ratio is anything in [-1, 1]: treat a
  // diagonal at rounding level (sqrt(N) eps max|lambda|: the error of a
  // length-N sum of products of rounded unit vectors) as exactly 0.
  torch::Tensor diagonal = rebuilt.diagonal().clone();
  const double eps = r.scalar_type() == torch::kFloat64 ? std::numeric_limits<double>::epsilon()
                                                        : std::numeric_limits<float>::epsilon();
  const double rounding =
      std::sqrt(static_cast<double>(r.size(0))) * eps * values.abs().max().item<double>();
  diagonal.masked_fill_(diagonal.le(rounding), std::numeric_limits<double>::quiet_NaN());
  const torch::Tensor scale = diagonal.sqrt_();
  torch::Tensor out = rebuilt / (scale.unsqueeze(1) * scale.unsqueeze(0));
  out.clamp_(-1.0, 1.0);
  out.masked_fill_(out.isnan(), 0.0);
  out.diagonal().fill_(1.0);
  return {out, static_cast<std::size_t>(keep.sum().item<int64_t>())};
}

RandomMatrixFilter::RandomMatrixFilter(RmtOptions options) : options_(options) {
  if (options_.surrogates < 1) throw Error("random-matrix filtering: expected K >= 1 surrogates");
  if (!(options_.low_percent >= 0 && options_.low_percent < options_.high_percent &&
        options_.high_percent <= 100)) {
    throw Error(
        fmt::format("random-matrix filtering: expected 0 <= low < high <= 100 percent, "
                    "found {} and {}",
                    options_.low_percent, options_.high_percent));
  }
}

SpectralBounds RandomMatrixFilter::shuffle_bounds(const ShuffleSurrogates& surrogates) const {
  const std::size_t k = options_.surrogates, chunk = options_.max_chunk_bytes;
  std::optional<PooledBounds> b = pooled_bounds(
      surrogates.eigenvalues(0, k, chunk, tail_size(surrogates.n_units(), options_)), options_);
  if (!b) b = pooled_bounds(surrogates.eigenvalues(0, k, chunk), options_);
  return {b->low.value, b->high.value, k, b->low.standard_error, b->high.standard_error};
}

SpectralBounds RandomMatrixFilter::adaptive_bounds(const ShuffleSurrogates& surrogates) const {
  const std::size_t n = std::max<std::size_t>(1, surrogates.n_units());
  std::size_t batch =
      options_.batch > 0 ? options_.batch : std::max<std::size_t>(4, (4000 + n - 1) / n);
  // Small windows run 16 surrogates per SIMD block (lane_spectrum.h): fill them.
  if (options_.batch == 0 && n <= detail::kLaneSpectrumMaxUnits) batch = (batch + 15) / 16 * 16;
  std::vector<torch::Tensor> parts;
  std::size_t drawn = 0, tail = tail_size(n, options_);
  SpectralBounds bounds;
  while (drawn < options_.surrogates) {
    const std::size_t count = std::min(batch, options_.surrogates - drawn);
    parts.push_back(surrogates.eigenvalues(drawn, count, options_.max_chunk_bytes, tail));
    drawn += count;
    torch::Tensor eigenvalues = torch::cat(parts);
    std::optional<PooledBounds> b = pooled_bounds(eigenvalues, options_);
    if (!b) {  // tails too short (never seen): every eigenvalue from here on
      tail = 0;
      parts = {surrogates.eigenvalues(0, drawn, options_.max_chunk_bytes)};
      eigenvalues = parts[0];
      b = pooled_bounds(eigenvalues, options_);
    }
    const PercentileEstimate low = b->low, high = b->high;
    bounds = {low.value, high.value, drawn, low.standard_error, high.standard_error};
    // A bound of 0 (e.g. many silent units on the reference scale) is
    // judged against a thousandth of the mean eigenvalue instead.
    const double floor = 1e-3 * std::abs(eigenvalues.mean().item<double>());
    const bool stable =
        low.standard_error <= options_.tolerance * std::max(std::abs(low.value), floor) &&
        high.standard_error <= options_.tolerance * std::max(std::abs(high.value), floor);
    if (stable && drawn >= options_.min_surrogates) break;
  }
  return bounds;
}

SpectralBounds RandomMatrixFilter::bounds(const torch::Tensor& y,
                                          const torch::Tensor& zero_variance, std::uint64_t seed,
                                          std::uint64_t window_id) const {
  switch (options_.mode) {
    case RmtMode::None:
      return {};
    case RmtMode::Analytic: {
      const auto silent = static_cast<std::size_t>(zero_variance.sum().item<int64_t>());
      return analytic_bounds(static_cast<std::size_t>(y.size(0)) - silent,
                             static_cast<std::size_t>(y.size(1)));
    }
    case RmtMode::Shuffle:
      return shuffle_bounds(ShuffleSurrogates(y, options_.scale, seed, window_id));
    case RmtMode::Adaptive:
      return adaptive_bounds(ShuffleSurrogates(y, options_.scale, seed, window_id));
  }
  return {};
}

RandomMatrixFilter::Result RandomMatrixFilter::apply(const torch::Tensor& y, const torch::Tensor& r,
                                                     const torch::Tensor& zero_variance,
                                                     std::uint64_t seed,
                                                     std::uint64_t window_id) const {
  if (options_.mode == RmtMode::None) {
    return {{r, static_cast<std::size_t>(r.size(0))}, {}};
  }
  const SpectralBounds b = bounds(y, zero_variance, seed, window_id);
  return {filter_outside_bounds(r, b.low, b.high), b};
}

}  // namespace tavrnn::graphs
