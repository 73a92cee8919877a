#include "tavrnn/graphs/rmt_filter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "tavrnn/error.h"
#include "spec_text.h"

namespace tavrnn::graphs {
namespace {

using detail::split_spec;

[[noreturn]] void bad_rmt(const std::string& text, const std::string& why) {
  throw Error(fmt::format("--rmt '{}': {}; expected none | analytic | shuffle[:K][:reference] | "
                          "adaptive[:TOLERANCE][:reference]",
                          text, why));
}

bool parse_scale(const std::string& part, SurrogateScale& scale) {
  if (part == "reference") scale = SurrogateScale::Reference;
  else if (part == "correlation") scale = SurrogateScale::Correlation;
  else return false;
  return true;
}


}  // namespace

std::string RmtOptions::describe() const {
  const std::string suffix = scale == SurrogateScale::Reference ? ":reference" : "";
  switch (mode) {
    case RmtMode::None: return "none";
    case RmtMode::Analytic: return "analytic";
    case RmtMode::Shuffle: return fmt::format("shuffle:{}{}", surrogates, suffix);
    case RmtMode::Adaptive: return fmt::format("adaptive:{}{}", tolerance, suffix);
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
  if (mode != "shuffle" && mode != "adaptive") bad_rmt(text, fmt::format("unknown mode '{}'", mode));
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
    if (part.empty() || used != part.size()) bad_rmt(text, fmt::format("'{}' is not a number", part));
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
    throw Error(fmt::format("random-matrix filtering: expected a square [N, N] matrix, found {} "
                            "dimensions",
                            r.dim()));
  }
  const auto [values, vectors] = torch::linalg_eigh(r);
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
  const double rounding = std::sqrt(static_cast<double>(r.size(0))) * eps *
                          values.abs().max().item<double>();
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
    throw Error(fmt::format("random-matrix filtering: expected 0 <= low < high <= 100 percent, "
                            "found {} and {}",
                            options_.low_percent, options_.high_percent));
  }
}

SpectralBounds RandomMatrixFilter::shuffle_bounds(const ShuffleSurrogates& surrogates) const {
  const torch::Tensor eigenvalues =
      surrogates.eigenvalues(0, options_.surrogates, options_.max_chunk_bytes);
  const PercentileEstimate low = pooled_percentile(eigenvalues, options_.low_percent);
  const PercentileEstimate high = pooled_percentile(eigenvalues, options_.high_percent);
  return {low.value, high.value, options_.surrogates, low.standard_error, high.standard_error};
}

SpectralBounds RandomMatrixFilter::adaptive_bounds(const ShuffleSurrogates& surrogates) const {
  const std::size_t n = std::max<std::size_t>(1, surrogates.n_units());
  const std::size_t batch =
      options_.batch > 0 ? options_.batch : std::max<std::size_t>(4, (4000 + n - 1) / n);
  std::vector<torch::Tensor> parts;
  std::size_t drawn = 0;
  SpectralBounds bounds;
  while (drawn < options_.surrogates) {
    const std::size_t count = std::min(batch, options_.surrogates - drawn);
    parts.push_back(surrogates.eigenvalues(drawn, count, options_.max_chunk_bytes));
    drawn += count;
    const torch::Tensor eigenvalues = torch::cat(parts);
    const PercentileEstimate low = pooled_percentile(eigenvalues, options_.low_percent);
    const PercentileEstimate high = pooled_percentile(eigenvalues, options_.high_percent);
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

SpectralBounds RandomMatrixFilter::bounds(const torch::Tensor& y, const torch::Tensor& zero_variance,
                                          std::uint64_t seed, std::uint64_t window_id) const {
  switch (options_.mode) {
    case RmtMode::None: return {};
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
