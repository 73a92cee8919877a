#include "tavrnn/graphs/surrogate_spectrum.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include "gram.h"
#include "lane_spectrum.h"
#include "parallel_blocks.h"
#include "tavrnn/util/error.h"
#include "tavrnn/graphs/correlation.h"

namespace tavrnn::graphs {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Uniform integers below n < 2^32, two per 64-bit word of a SplitMix64
// stream (Steele, Lea & Flood 2014; passes BigCrush), by Lemire's
// multiply-shift with rejection ("Fast random integer generation in an
// interval", 2019): no division except in the rare rejection branch. A
// window at N = 900, L = 2400, K = 1000 draws 2e9 of them, which makes the
// generator's speed matter: about 1 ns per draw here, where RandomStream's
// mt19937_64 with its dividing uniform_int takes 6 ns or more.
class BoundedIntegers {
 public:
  explicit BoundedIntegers(std::uint64_t seed) : state_(seed) {}

  std::uint32_t below(std::uint32_t n) {
    std::uint64_t m = static_cast<std::uint64_t>(next32()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = (0u - n) % n;  // 2^32 mod n
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next32()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

 private:
  std::uint32_t next32() {
    if (has_high_) {
      has_high_ = false;
      return static_cast<std::uint32_t>(word_ >> 32);
    }
    word_ = splitmix64(state_);  // adds the golden gamma, then mixes
    state_ += 0x9e3779b97f4a7c15ULL;
    has_high_ = true;
    return static_cast<std::uint32_t>(word_);
  }

  std::uint64_t state_;
  std::uint64_t word_ = 0;
  bool has_high_ = false;
};

// Copies the N rows of `source` (N x L) into `out`, each shuffled by
// Fisher-Yates with the draws of surrogate k's own stream. Shuffling values
// and shuffling the index row 0..L-1 use the same swaps, so
// permutations() describes exactly what shuffled_rows() did.
template <typename T>
void shuffle_rows(const T* source, T* out, std::size_t n_rows, std::size_t n_bins,
                  std::uint64_t seed) {
  BoundedIntegers draw(seed);
  for (std::size_t i = 0; i < n_rows; ++i) {
    T* row = out + i * n_bins;
    std::copy(source + i * n_bins, source + (i + 1) * n_bins, row);
    for (std::size_t t = n_bins; t > 1; --t) {
      const std::uint32_t j = draw.below(static_cast<std::uint32_t>(t));
      std::swap(row[t - 1], row[j]);
    }
  }
}

// Surrogates' rows straight into the lane kernels: each lane keeps its
// surrogate's generator, and rows are drawn in the order shuffle_rows draws
// them, so the numbers are the same as the permutations exported.
template <typename T>
class ShuffledLaneRows : public detail::LaneRowSource {
 public:
  ShuffledLaneRows(const T* source, std::size_t bins, std::uint64_t seed, std::uint64_t window_id,
                   std::size_t first)
      : source_(source),
        bins_(bins),
        seed_(seed),
        window_id_(window_id),
        first_(first),
        buffer_(bins) {}

  void begin_block(int64_t first_surrogate, int lanes) override {
    draws_.clear();
    for (int l = 0; l < lanes; ++l) {
      draws_.emplace_back(surrogate_seed(seed_, window_id_,
                                         first_ + static_cast<std::size_t>(first_surrogate + l)));
    }
  }

  // Shuffled in a contiguous buffer, then spread into the lane: swapping
  // in place there, a value per 64 bytes, was 30 % slower (more lines
  // touched, in L1 and beyond).
  void row(int lane, int64_t i, void* out, std::size_t stride) override {
    T* row = buffer_.data();
    std::copy(source_ + static_cast<std::size_t>(i) * bins_,
              source_ + static_cast<std::size_t>(i + 1) * bins_, row);
    // A local copy stays in registers; through the reference the state was
    // stored back on every draw.
    BoundedIntegers draw = draws_[static_cast<std::size_t>(lane)];
    for (std::size_t t = bins_; t > 1; --t)
      std::swap(row[t - 1], row[draw.below(static_cast<std::uint32_t>(t))]);
    draws_[static_cast<std::size_t>(lane)] = draw;
    T* lane_values = static_cast<T*>(out);
    for (std::size_t t = 0; t < bins_; ++t) lane_values[t * stride] = row[t];
  }

 private:
  const T* source_;
  std::size_t bins_;
  std::uint64_t seed_, window_id_;
  std::size_t first_;
  std::vector<BoundedIntegers> draws_;
  std::vector<T> buffer_;
};

}  // namespace

std::uint64_t surrogate_seed(std::uint64_t seed, std::uint64_t window_id, std::uint64_t k) {
  return splitmix64(splitmix64(splitmix64(seed) ^ window_id) ^ k);
}

ShuffleSurrogates::ShuffleSurrogates(const torch::Tensor& y, SurrogateScale scale,
                                     std::uint64_t seed, std::uint64_t window_id)
    : device_(y.device()), seed_(seed), window_id_(window_id) {
  if (y.dim() != 2 || !(y.scalar_type() == torch::kFloat32 || y.scalar_type() == torch::kFloat64)) {
    throw Error(
        fmt::format("shuffle surrogates: expected window activity [N, L] of float32 or "
                    "float64, found {} of {} dimensions",
                    c10::toString(y.scalar_type()), y.dim()));
  }
  if (y.size(1) >= (int64_t{1} << 32)) {
    throw Error(fmt::format(
        "shuffle surrogates: a window of {} bins is too long (at most 2^32 - 1)", y.size(1)));
  }
  if (scale == SurrogateScale::Correlation) {
    torch::Tensor zero_variance;
    rows_ = unit_norm_rows(y, &zero_variance);
    diagonal_ = zero_variance.to(y.scalar_type());
  } else {
    // numpy.cov(shuffled): centred rows over sqrt(L - 1). Shuffling keeps
    // each row's mean, so centring before shuffling is the same.
    const int64_t bins = y.size(1);
    rows_ = y - y.mean(1, /*keepdim=*/true);
    rows_ = bins > 1 ? rows_ / std::sqrt(static_cast<double>(bins - 1)) : rows_.zero_();
  }
  rows_ = rows_.to(torch::kCPU).contiguous();
}

torch::Tensor ShuffleSurrogates::shuffled_rows(std::size_t first, std::size_t count) const {
  const std::size_t n = n_units(), bins = n_bins();
  torch::Tensor out = torch::empty(
      {static_cast<int64_t>(count), static_cast<int64_t>(n), static_cast<int64_t>(bins)},
      rows_.options());
  AT_DISPATCH_FLOATING_TYPES(rows_.scalar_type(), "shuffled_rows", [&] {
    const scalar_t* source = rows_.data_ptr<scalar_t>();
    scalar_t* target = out.data_ptr<scalar_t>();
    detail::parallel_blocks(static_cast<int64_t>(count), [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        shuffle_rows(source, target + static_cast<std::size_t>(k) * n * bins, n, bins,
                     surrogate_seed(seed_, window_id_, first + static_cast<std::size_t>(k)));
      }
    });
  });
  return out;
}

torch::Tensor ShuffleSurrogates::permutations(std::size_t first, std::size_t count) const {
  const std::size_t n = n_units(), bins = n_bins();
  std::vector<int64_t> identity(n * bins);
  for (std::size_t i = 0; i < n; ++i) {
    std::iota(identity.begin() + static_cast<std::ptrdiff_t>(i * bins),
              identity.begin() + static_cast<std::ptrdiff_t>((i + 1) * bins), int64_t{0});
  }
  torch::Tensor out = torch::empty(
      {static_cast<int64_t>(count), static_cast<int64_t>(n), static_cast<int64_t>(bins)},
      torch::kInt64);
  for (std::size_t k = 0; k < count; ++k) {
    shuffle_rows(identity.data(), out.data_ptr<int64_t>() + k * n * bins, n, bins,
                 surrogate_seed(seed_, window_id_, first + k));
  }
  return out;
}

torch::Tensor ShuffleSurrogates::gram_lower_triangles(std::size_t first, std::size_t count) const {
  torch::Tensor m =
      detail::gram_matrices(shuffled_rows(first, count).to(device_), /*lower_only=*/true);
  if (diagonal_.defined()) m.diagonal(0, 1, 2).add_(diagonal_.to(device_));
  return m;
}

torch::Tensor ShuffleSurrogates::matrices(std::size_t first, std::size_t count) const {
  const torch::Tensor lower = gram_lower_triangles(first, count).tril();
  return lower + lower.transpose(1, 2).triu(1);
}

torch::Tensor ShuffleSurrogates::eigenvalues(std::size_t first, std::size_t count,
                                             std::size_t max_chunk_bytes, std::size_t tail) const {
  const std::size_t n = n_units(), bins = n_bins();
  // Small windows: one surrogate per SIMD lane (lane_spectrum.h), shuffled
  // straight into the lanes; about 4x faster than LAPACK at N = 120.
  const bool lanes = device_.is_cpu() && n <= detail::kLaneSpectrumMaxUnits &&
                     n * bins <= detail::kLaneSpectrumMaxElements;
  // One surrogate holds its shuffled rows, its matrix, and LAPACK's copy
  // and workspace of about the matrix's size again.
  const std::size_t per_surrogate = rows_.element_size() * (n * bins + 3 * n * n);
  // The lane kernels hold no [K, N, L] tensor: one chunk, so that the
  // blocks of all K are shared evenly by the threads.
  const std::size_t chunk =
      lanes ? std::max<std::size_t>(1, count)
            : std::max<std::size_t>(1, max_chunk_bytes / per_surrogate);
  std::vector<torch::Tensor> parts;
  for (std::size_t begin = first; begin < first + count; begin += chunk) {
    const std::size_t size = std::min(chunk, first + count - begin);
    if (lanes) {
      AT_DISPATCH_FLOATING_TYPES(rows_.scalar_type(), "lane eigenvalues", [&] {
        const scalar_t* source = rows_.data_ptr<scalar_t>();
        parts.push_back(detail::lane_gram_eigenvalues(
            static_cast<int64_t>(size), static_cast<int64_t>(n), static_cast<int64_t>(bins),
            rows_.scalar_type(), diagonal_,
            [&] {
              return std::make_unique<ShuffledLaneRows<scalar_t>>(source, bins, seed_, window_id_,
                                                                  begin);
            },
            static_cast<int64_t>(tail)));
      });
    } else {
      // Batched over the chunk; only the lower triangle is read.
      parts.push_back(torch::linalg_eigvalsh(gram_lower_triangles(begin, size), "L"));
    }
  }
  return parts.size() == 1 ? parts[0] : torch::cat(parts, 0);
}

namespace {

// numpy's _lerp between two order statistics: from the nearer end, so that
// t = 1 gives exactly `above`.
double lerp(double below, double above, double t) {
  const double diff = above - below;
  return t >= 0.5 ? above - diff * (1.0 - t) : below + diff * t;
}

void check_percent(double percent) {
  if (!(percent >= 0.0 && percent <= 100.0)) {
    throw Error(fmt::format("percentile: expected a percent in [0, 100], found {}", percent));
  }
}

// The ranks of the pooled order statistics a percentile estimate reads:
// the two it interpolates between, and those +-d ranks around it for the
// density, d = sqrt(n p (1 - p)) (the binomial spread of the rank).
struct PercentileRanks {
  std::size_t below, above, low, high;
  double t;
};

PercentileRanks percentile_ranks(std::size_t n, double percent) {
  const double index = percent / 100.0 * static_cast<double>(n - 1);
  PercentileRanks r{};
  r.below = static_cast<std::size_t>(std::floor(index));
  r.above = std::min(r.below + 1, n - 1);
  r.t = index - static_cast<double>(r.below);
  const double p = percent / 100.0, count = static_cast<double>(n);
  const double d = std::max(1.0, std::ceil(std::sqrt(count * p * (1.0 - p))));
  r.low = static_cast<std::size_t>(std::max(0.0, std::floor(index - d)));
  r.high = static_cast<std::size_t>(std::min(count - 1, std::ceil(index + d)));
  return r;
}

}  // namespace

double percentile_of_sorted(const torch::Tensor& sorted, double percent) {
  const torch::Tensor x = sorted.to(torch::kCPU, torch::kFloat64).contiguous().view({-1});
  const auto n = static_cast<std::size_t>(x.numel());
  if (n == 0) throw Error("percentile: the sample is empty");
  check_percent(percent);
  const double* v = x.data_ptr<double>();
  const PercentileRanks r = percentile_ranks(n, percent);
  return lerp(v[r.below], v[r.above], r.t);
}

std::vector<PercentileEstimate> pooled_percentiles(const torch::Tensor& eigenvalues,
                                                   const std::vector<double>& percents) {
  if (eigenvalues.dim() != 2 || eigenvalues.numel() == 0) {
    throw Error("pooled percentile: expected eigenvalues [K, N] with K, N >= 1");
  }
  for (double percent : percents) check_percent(percent);
  const torch::Tensor e = eigenvalues.to(torch::kCPU, torch::kFloat64).contiguous();
  if (e.isnan().any().item<bool>()) throw Error("pooled percentile: the eigenvalues hold NaN");
  const auto n = static_cast<std::size_t>(e.numel());
  // Only a few order statistics are read: select them (nth_element on
  // shrinking ranges, in ascending rank) instead of sorting all K N values,
  // which took 10 ms of a 120 ms window at N = 120, K = 1000. The values
  // are the same as the sorted sample's.
  std::vector<double> pool(e.data_ptr<double>(), e.data_ptr<double>() + n);
  std::vector<PercentileRanks> ranks;
  std::vector<std::size_t> wanted;
  for (double percent : percents) {
    ranks.push_back(percentile_ranks(n, percent));
    const PercentileRanks& r = ranks.back();
    wanted.insert(wanted.end(), {r.below, r.above, r.low, r.high});
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  auto from = pool.begin();
  for (std::size_t rank : wanted) {
    const auto at = pool.begin() + static_cast<std::ptrdiff_t>(rank);
    std::nth_element(from, at, pool.end());
    from = at + 1;
  }
  const int64_t k = e.size(0);
  std::vector<PercentileEstimate> estimates;
  for (const PercentileRanks& r : ranks) {
    PercentileEstimate estimate;
    estimate.value = lerp(pool[r.below], pool[r.above], r.t);
    if (k >= 2) {
      // se(F): fraction of each surrogate's eigenvalues at or below the value.
      const torch::Tensor below = e.le(estimate.value).to(torch::kFloat64).mean(1);
      const double se_fraction = std::sqrt(below.var().item<double>() / static_cast<double>(k));
      // f: pooled density from the order statistics +-d ranks around it.
      const double width = pool[r.high] - pool[r.low];
      const double mass = static_cast<double>(r.high - r.low) / static_cast<double>(n);
      estimate.standard_error = mass > 0 ? se_fraction * width / mass : 0.0;
    }
    estimates.push_back(estimate);
  }
  return estimates;
}

PercentileEstimate pooled_percentile(const torch::Tensor& eigenvalues, double percent) {
  return pooled_percentiles(eigenvalues, {percent})[0];
}

}  // namespace tavrnn::graphs
