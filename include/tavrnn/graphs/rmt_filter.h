#pragma once
// Random-matrix (Marchenko-Pastur) filtering of a correlation matrix
// (MODEL.md section 2, step 2): eigencomponents of r whose eigenvalue lies
// inside the bounds of what structure-free data would give are noise and
// are removed; the rest is rebuilt and renormalised to a correlation matrix.
#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tavrnn/graphs/surrogate_spectrum.h"

namespace tavrnn::graphs {

enum class RmtMode {
  None,      // r unchanged
  Analytic,  // bounds (1 -+ sqrt(N/L))^2, the Marchenko-Pastur edges; no surrogates
  Shuffle,   // 2.5 / 97.5 % percentiles of K surrogates' pooled eigenvalues (the reference)
  Adaptive,  // as Shuffle, surrogates added in batches until the bounds are stable
};

struct RmtOptions {
  RmtMode mode = RmtMode::None;
  SurrogateScale scale = SurrogateScale::Correlation;
  // K for Shuffle; the most surrogates Adaptive may draw.
  std::size_t surrogates = 1000;
  double low_percent = 2.5;
  double high_percent = 97.5;
  // Adaptive: stop when the standard error of each bound is at most
  // tolerance * |bound| (docs/graphs.md: 0.0025 keeps both bounds within
  // 1 % of the limit K -> infinity at 4 standard errors).
  double tolerance = 0.0025;
  // Adaptive: surrogates per batch; 0 = enough for about 4000 pooled
  // eigenvalues per batch (at least 4 surrogates).
  std::size_t batch = 0;
  // Adaptive: never stop before this many surrogates.
  std::size_t min_surrogates = 8;
  // Memory for one chunk of surrogates in the batched eigvalsh.
  std::size_t max_chunk_bytes = std::size_t{256} << 20;

  // "none", "analytic", "shuffle:1000", "shuffle:1000:reference",
  // "adaptive:0.0025" (":reference" likewise): what parse_rmt_options reads.
  std::string describe() const;
};

// Parses the --rmt argument: none | analytic | shuffle[:K][:reference|:correlation]
// | adaptive[:TOLERANCE][:reference|:correlation]. Throws Error naming the
// part that is not understood.
RmtOptions parse_rmt_options(const std::string& text);

struct SpectralBounds {
  double low = 0.0;
  double high = 0.0;
  std::size_t surrogates = 0;       // surrogates drawn (0 for analytic)
  double low_standard_error = 0.0;  // of the percentile estimates (shuffle, adaptive)
  double high_standard_error = 0.0;
};

// Marchenko-Pastur edges for n_units z-scored rows of n_bins samples.
SpectralBounds analytic_bounds(std::size_t n_units, std::size_t n_bins);

struct FilteredCorrelation {
  torch::Tensor r;  // [N, N]
  std::size_t components_kept = 0;
};

// r: [N, N] symmetric. Keeps the eigencomponents whose eigenvalue is
// < low or > high, rebuilds R = V diag(kept) V^T, divides by
// sqrt(R_ii R_jj), clips to [-1, 1], maps NaN (a unit with nothing kept)
// to 0, and sets the diagonal to 1. A float32 r of kFloatEighLimit units or
// more is decomposed in float64 (LAPACK's float workspace query fails there).
inline constexpr int64_t kFloatEighLimit = 2895;
FilteredCorrelation filter_outside_bounds(const torch::Tensor& r, double low, double high);

class RandomMatrixFilter {
 public:
  explicit RandomMatrixFilter(RmtOptions options);
  const RmtOptions& options() const { return options_; }

  // Bounds for one window. y: [N, L] its activity; zero_variance: [N] bool
  // (Analytic counts only the units with variance); seed and window_id
  // select the surrogates (see surrogate_seed).
  SpectralBounds bounds(const torch::Tensor& y, const torch::Tensor& zero_variance,
                        std::uint64_t seed, std::uint64_t window_id) const;

  struct Result {
    FilteredCorrelation filtered;
    SpectralBounds bounds;
  };
  // The filtered r of one window (r itself and N components for None).
  Result apply(const torch::Tensor& y, const torch::Tensor& r, const torch::Tensor& zero_variance,
               std::uint64_t seed, std::uint64_t window_id) const;

 private:
  SpectralBounds shuffle_bounds(const ShuffleSurrogates& surrogates) const;
  SpectralBounds adaptive_bounds(const ShuffleSurrogates& surrogates) const;

  RmtOptions options_;
};

}  // namespace tavrnn::graphs
