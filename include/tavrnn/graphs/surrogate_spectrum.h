#pragma once
// Shuffled surrogates of one window and the pooled eigenvalues of their
// matrices (MODEL.md section 2, step 2): each unit's time points are
// permuted independently, which keeps every unit's rate and variance and
// destroys every correlation between units, so the surrogates' spectra
// show what the eigenvalues of r look like when there is no structure.
#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tavrnn::graphs {

enum class SurrogateScale {
  // Correlation matrices of the shuffled data (equivalently: of z-scored
  // rows): the same scale as r, so bounds and eigenvalues of r compare.
  // A zero-variance unit contributes the eigenvalue 1, as it does in r.
  Correlation,
  // Covariance (numpy.cov, ddof 1) of the RAW shuffled counts, as the
  // reference notebook does: bounds in variance units (MODEL.md).
  Reference,
};

// Seeds of the surrogates: surrogate k of the window with id `window_id`
// (the builder uses the window's index in its plan before any selection)
// is drawn from its own SplitMix64 stream keyed by (seed, window_id, k), so
// the numbers do not depend on the thread count, on how surrogates are
// chunked, or on which other windows are built.
std::uint64_t surrogate_seed(std::uint64_t seed, std::uint64_t window_id, std::uint64_t k);

class ShuffleSurrogates {
 public:
  // y: [N, L] activity of one window, float32 or float64 (the dtype of the
  // surrogate matrices and their eigenvalues), any device (the permutations
  // are drawn on the CPU).
  ShuffleSurrogates(const torch::Tensor& y, SurrogateScale scale, std::uint64_t seed,
                    std::uint64_t window_id);

  std::size_t n_units() const { return static_cast<std::size_t>(rows_.size(0)); }
  std::size_t n_bins() const { return static_cast<std::size_t>(rows_.size(1)); }

  // Permutations of surrogates first .. first+count-1: [count, N, L] int64,
  // where surrogate k's unit i at time t takes the value of time
  // perm[k][i][t] of the window (numpy: y[i, perm[k, i]]).
  torch::Tensor permutations(std::size_t first, std::size_t count) const;

  // The matrices whose eigenvalues are pooled: [count, N, N].
  torch::Tensor matrices(std::size_t first, std::size_t count) const;

  // Their eigenvalues, ascending per surrogate: [count, N]. Small N: by
  // the SIMD lane kernels, which keep no per-surrogate tensors; otherwise a
  // batched eigvalsh over chunks of surrogates sized so that one chunk's
  // tensors take at most `max_chunk_bytes` (at least one surrogate).
  // tail > 0 allows computing only the `tail` smallest and largest of each
  // surrogate (the percentile bounds need no more); the others are then NaN
  // where that saves time (small N), computed where it does not.
  torch::Tensor eigenvalues(std::size_t first, std::size_t count, std::size_t max_chunk_bytes,
                            std::size_t tail = 0) const;

 private:
  torch::Tensor shuffled_rows(std::size_t first, std::size_t count) const;  // [count, N, L] CPU
  // [count, N, N] whose lower triangles hold the matrices (upper: garbage).
  torch::Tensor gram_lower_triangles(std::size_t first, std::size_t count) const;

  torch::Tensor rows_;      // [N, L] CPU, contiguous: unit-norm z rows or centred / sqrt(L-1)
  torch::Tensor diagonal_;  // [N]: added to each matrix's diagonal (1 for zero-variance units
                            // on the correlation scale, so that they match r), or undefined
  torch::Device device_;
  std::uint64_t seed_;
  std::uint64_t window_id_;
};

// The `percent` percentile of an ascending 1-D sample, interpolated
// linearly between order statistics exactly as numpy.percentile's default.
double percentile_of_sorted(const torch::Tensor& sorted, double percent);

// A percentile of the pooled eigenvalues of K surrogates and its standard
// error.
struct PercentileEstimate {
  double value = 0.0;
  double standard_error = 0.0;
};

// eigenvalues: [K, N], one row per surrogate. The value is the percentile
// of all K N values (numpy.percentile of the pooled sample). Its standard
// error is the delta-method one of a quantile, se = se(F) / f: se(F) from
// the spread over surrogates of the fraction of each surrogate's
// eigenvalues below the value (surrogates are independent; eigenvalues of
// one surrogate are not: they repel, and a binomial count of K N
// independent values would overstate the error several times), and the
// pooled density f from the spacing of the pooled order statistics around
// the value. Needs K >= 2 (0 otherwise).
PercentileEstimate pooled_percentile(const torch::Tensor& eigenvalues, double percent);

// The same for several percents of one sample, selecting each order
// statistic once.
std::vector<PercentileEstimate> pooled_percentiles(const torch::Tensor& eigenvalues,
                                                   const std::vector<double>& percents);

}  // namespace tavrnn::graphs
