// The kernels of lane_spectrum.h. Each 64-byte vector holds one scalar of 16
// (float) or 8 (double) independent problems, so every operation below is
// the same for all lanes: no lane-dependent control flow, selects instead
// of branches. GCC/Clang vector extensions keep that portable; on x86-64
// target_clones compiles AVX-512, AVX2 and baseline versions and picks one
// at load time (the library itself is built for baseline x86-64).
#include "lane_spectrum.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "parallel_blocks.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TAVRNN_LANE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TAVRNN_LANE_CLONES
#endif

namespace tavrnn::graphs::detail {
namespace {

template <typename T>
struct Lanes {
  typedef T Vector __attribute__((vector_size(64)));
  static constexpr int kWidth = 64 / sizeof(T);
};

// 64-byte aligned scratch (the vectors' alignment).
template <typename V>
struct Buffer {
  explicit Buffer(std::size_t n)
      : data(static_cast<V*>(std::aligned_alloc(64, std::max<std::size_t>(1, n) * sizeof(V)))) {
    if (data == nullptr) throw std::bad_alloc();
    std::fill(data, data + n, V{});
  }
  ~Buffer() { std::free(data); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  V* data;
};

// The lower triangle c[i][j], j <= i < n, of sum_t z[i][t] z[j][t]; z has
// n_padded (a multiple of 4) rows, the extra ones zero; the strict upper
// triangle of c is not written. 4 x 4 tiles of accumulators stay in
// registers. The bins are taken kBinsPerPass at a time so that the pass's
// slice of every row stays in L2 (at N = 120, L = 400 the whole block is
// 3 MiB of 64-byte vectors): a tile's accumulators are stored after one
// pass and reloaded for the next, which continues the same chain of
// additions, so the sums are bitwise those of a single pass.
template <typename V>
TAVRNN_LANE_CLONES void gram(const V* z, V* c, int n, int n_padded, int bins) {
  constexpr int kBinsPerPass = 64;
  for (int t0 = 0; t0 < bins; t0 += kBinsPerPass) {
    const int t1 = std::min(bins, t0 + kBinsPerPass);
    for (int ib = 0; ib < n_padded; ib += 4) {
      for (int jb = 0; jb <= ib; jb += 4) {
        V acc[4][4] = {};
        if (t0 > 0) {
          for (int r = 0; r < 4; ++r) {
            for (int q = 0; q < 4; ++q) {
              const int i = ib + r, j = jb + q;
              if (i < n && j <= i) acc[r][q] = c[static_cast<std::size_t>(i) * n + j];
            }
          }
        }
        const V* zi = z + static_cast<std::size_t>(ib) * bins;
        const V* zj = z + static_cast<std::size_t>(jb) * bins;
        for (int t = t0; t < t1; ++t) {
          V a[4], b[4];
          for (int r = 0; r < 4; ++r) {
            a[r] = zi[r * bins + t];
            b[r] = zj[r * bins + t];
          }
          for (int r = 0; r < 4; ++r) {
            for (int q = 0; q < 4; ++q) acc[r][q] += a[r] * b[q];
          }
        }
        for (int r = 0; r < 4; ++r) {
          for (int q = 0; q < 4; ++q) {
            const int i = ib + r, j = jb + q;
            if (i < n && j <= i) c[static_cast<std::size_t>(i) * n + j] = acc[r][q];
          }
        }
      }
    }
  }
}

// Householder reduction of the symmetric c (lower triangle read and
// updated) to tridiagonal form: diagonal d[0..n-1], off-diagonal e[0..n-2].
// Step k reflects column k below the diagonal onto alpha e_1 with
// H = I - tau u u^T and updates the trailing block B -= u w^T + w u^T,
// w = p - (tau/2)(u.p) u, p = tau B u (Golub & Van Loan, algorithm 8.3.1).
template <typename T, typename V>
TAVRNN_LANE_CLONES void tridiagonalise(V* c, V* d, V* e, V* u, V* p, int n) {
  const V zero{}, one = zero + T(1);
  // No helper calls inside the cloned kernels: a helper compiled for the
  // baseline target would pass 64-byte vectors through a different ABI.
#define at(i, j) c[static_cast<std::size_t>(i) * n + (j)]
  for (int k = 0; k + 2 < n; ++k) {
    const int s = k + 1;
    V sigma = zero;
    for (int i = s + 1; i < n; ++i) sigma += at(i, k) * at(i, k);
    const V x0 = at(s, k);
    V norm;
    for (int l = 0; l < Lanes<T>::kWidth; ++l) norm[l] = std::sqrt(x0[l] * x0[l] + sigma[l]);
    const V alpha = x0 >= 0 ? -norm : norm;
    const V u0 = x0 - alpha;
    const V uu = u0 * u0 + sigma;
    const V tau = uu > 0 ? T(2) / (uu > 0 ? uu : one) : zero;  // a zero column: H = I
    d[k] = at(k, k);
    e[k] = uu > 0 ? alpha : x0;
    u[s] = u0;
    for (int i = s + 1; i < n; ++i) u[i] = at(i, k);
    for (int i = s; i < n; ++i) p[i] = zero;
    for (int i = s; i < n; ++i) {  // p = B u from the lower triangle
      const V* row = c + static_cast<std::size_t>(i) * n;
      const V ui = u[i];
      V acc = zero;
      for (int j = s; j < i; ++j) {
        acc += row[j] * u[j];
        p[j] += row[j] * ui;
      }
      p[i] += acc + row[i] * ui;
    }
    V up = zero;
    for (int i = s; i < n; ++i) {
      p[i] *= tau;
      up += u[i] * p[i];
    }
    const V half = tau * up * T(0.5);
    for (int i = s; i < n; ++i) p[i] -= half * u[i];  // now w
    for (int i = s; i < n; ++i) {
      V* row = c + static_cast<std::size_t>(i) * n;
      const V ui = u[i], wi = p[i];
      for (int j = s; j <= i; ++j) row[j] -= ui * p[j] + wi * u[j];
    }
  }
  if (n >= 2) {
    d[n - 2] = at(n - 2, n - 2);
    e[n - 2] = at(n - 1, n - 2);
  }
  d[n - 1] = at(n - 1, n - 1);
#undef at
}

// Every eigenvalue of the tridiagonal (d, e) by bisection: the Sturm count
// of q_0 = d_0 - x, q_i = d_i - x - e_{i-1}^2 / q_{i-1} is the number of
// eigenvalues below x (LAPACK's dstebz, with its pivmin guard against a
// zero q). Each sweep is a chain of dependent divisions; 8 eigenvalues are
// bisected together so that independent chains fill the pipeline.
template <typename T, typename V>
TAVRNN_LANE_CLONES void bisect(const V* d, const V* e, V* e2, V* out, int n, const int* wanted,
                               int n_wanted) {
  const V zero{};
  V max_e2 = zero + T(1);
  V lo = d[0], hi = d[0];
  for (int i = 0; i < n; ++i) {
    const V left = i > 0 ? (e[i - 1] >= 0 ? e[i - 1] : -e[i - 1]) : zero;
    const V right = i + 1 < n ? (e[i] >= 0 ? e[i] : -e[i]) : zero;
    lo = d[i] - left - right < lo ? d[i] - left - right : lo;
    hi = d[i] + left + right > hi ? d[i] + left + right : hi;
    if (i + 1 < n) {
      e2[i] = e[i] * e[i];
      max_e2 = e2[i] > max_e2 ? e2[i] : max_e2;
    }
  }
  const V pivmin = max_e2 * std::numeric_limits<T>::min();
  const V abs_lo = lo >= 0 ? lo : -lo, abs_hi = hi >= 0 ? hi : -hi;
  const V scale = abs_lo > abs_hi ? abs_lo : abs_hi;
  lo -= scale * (4 * std::numeric_limits<T>::epsilon()) + pivmin;
  hi += scale * (4 * std::numeric_limits<T>::epsilon()) + pivmin;
  // The bracket [lo, hi] is at most a few times the spectral radius wide;
  // halving it digits + 3 times reaches the dtype's precision.
  const int steps = std::numeric_limits<T>::digits + 3;
  constexpr int kChains = 8;
  for (int j0 = 0; j0 < n_wanted; j0 += kChains) {
    V a[kChains], b[kChains], rank[kChains];
    for (int c = 0; c < kChains; ++c) {
      a[c] = lo;
      b[c] = hi;
      rank[c] = zero + (static_cast<T>(j0 + c < n_wanted ? wanted[j0 + c] : 0) + T(0.5));
    }
    for (int step = 0; step < steps; ++step) {
      V x[kChains], q[kChains], below[kChains];
      for (int c = 0; c < kChains; ++c) {
        x[c] = (a[c] + b[c]) * T(0.5);
        q[c] = d[0] - x[c];
        below[c] = q[c] < 0 ? zero + T(1) : zero;
      }
      for (int i = 1; i < n; ++i) {
        const V di = d[i], ei = e2[i - 1];
        for (int c = 0; c < kChains; ++c) {
          const V safe = (q[c] >= 0 ? q[c] : -q[c]) < pivmin ? -pivmin : q[c];
          q[c] = di - x[c] - ei / safe;
          below[c] += q[c] < 0 ? zero + T(1) : zero;
        }
      }
      for (int c = 0; c < kChains; ++c) {  // eigenvalue j0 + c lies below x?
        const auto moved = below[c] > rank[c];
        b[c] = moved ? x[c] : b[c];
        a[c] = moved ? a[c] : x[c];
      }
    }
    for (int c = 0; c < kChains && j0 + c < n_wanted; ++c)
      out[wanted[j0 + c]] = (a[c] + b[c]) * T(0.5);
  }
}

template <typename T>
void solve(int64_t count, int n, int bins, const T* diagonal, T* out, int tail,
           const LaneRowSourceFactory& make_source) {
  std::vector<int> wanted;  // indices of the eigenvalues to bisect for
  for (int j = 0; j < n; ++j) {
    if (tail <= 0 || 2 * tail >= n || j < tail || j >= n - tail) wanted.push_back(j);
  }
  using V = typename Lanes<T>::Vector;
  constexpr int W = Lanes<T>::kWidth;
  const int n_padded = (n + 3) / 4 * 4;
  const int64_t blocks = (count + W - 1) / W;
  parallel_blocks(blocks, [&](int64_t first, int64_t last) {
    const std::unique_ptr<LaneRowSource> source = make_source();
    Buffer<V> z(static_cast<std::size_t>(n_padded) * bins), c(static_cast<std::size_t>(n) * n);
    Buffer<V> d(n), e(n), u(n), p(n), e2(n), values(n);
    for (int64_t g = first; g < last; ++g) {
      // Lane l holds surrogate g W + l; the spare lanes of a last, partial
      // block repeat its last surrogate (their results are dropped).
      const int lanes = static_cast<int>(std::min<int64_t>(W, count - g * W));
      source->begin_block(g * W, lanes);
      for (int i = 0; i < n; ++i) {
        V* target = z.data + static_cast<std::size_t>(i) * bins;
        T* first_lane = reinterpret_cast<T*>(target);
        for (int l = 0; l < lanes; ++l) source->row(l, i, first_lane + l, W);
        for (int l = lanes; l < W; ++l) {
          for (int t = 0; t < bins; ++t) target[t][l] = target[t][lanes - 1];
        }
      }
      gram(z.data, c.data, n, n_padded, bins);
      if (diagonal != nullptr) {
        for (int i = 0; i < n; ++i) c.data[static_cast<std::size_t>(i) * n + i] += diagonal[i];
      }
      tridiagonalise<T>(c.data, d.data, e.data, u.data, p.data, n);
      bisect<T>(d.data, e.data, e2.data, values.data, n, wanted.data(),
                static_cast<int>(wanted.size()));
      for (int l = 0; l < lanes; ++l) {
        T* result = out + (g * W + l) * n;
        for (int j = 0; j < n; ++j) result[j] = std::numeric_limits<T>::quiet_NaN();
        for (int j : wanted) result[j] = values.data[j][l];
      }
    }
  });
}

// Rows from a [K, N, L] tensor.
class TensorRows : public LaneRowSource {
 public:
  explicit TensorRows(const torch::Tensor& rows) : rows_(rows) {}
  void begin_block(int64_t first, int) override { first_ = first; }
  void row(int lane, int64_t i, void* out, std::size_t stride) override {
    const torch::Tensor r = rows_[first_ + lane][i];
    AT_DISPATCH_FLOATING_TYPES(r.scalar_type(), "lane row", [&] {
      const scalar_t* from = r.data_ptr<scalar_t>();
      scalar_t* to = static_cast<scalar_t*>(out);
      for (int64_t t = 0; t < r.numel(); ++t) to[static_cast<std::size_t>(t) * stride] = from[t];
    });
  }

 private:
  const torch::Tensor& rows_;
  int64_t first_ = 0;
};

}  // namespace

torch::Tensor lane_gram_eigenvalues(int64_t count, int64_t n, int64_t bins, torch::ScalarType dtype,
                                    const torch::Tensor& diagonal,
                                    const LaneRowSourceFactory& make_source, int64_t tail) {
  TORCH_CHECK(dtype == torch::kFloat32 || dtype == torch::kFloat64,
              "lane_gram_eigenvalues: expected float32 or float64");
  torch::Tensor out = torch::empty({count, n}, torch::TensorOptions().dtype(dtype));
  if (count == 0 || n == 0) return out;
  const torch::Tensor diag =
      diagonal.defined() ? diagonal.to(torch::kCPU, dtype).contiguous() : diagonal;
  AT_DISPATCH_FLOATING_TYPES(dtype, "lane_gram_eigenvalues", [&] {
    solve<scalar_t>(count, static_cast<int>(n), static_cast<int>(bins),
                    diag.defined() ? diag.data_ptr<scalar_t>() : nullptr, out.data_ptr<scalar_t>(),
                    static_cast<int>(std::min<int64_t>(tail, n)), make_source);
  });
  return out;
}

torch::Tensor lane_gram_eigenvalues(const torch::Tensor& rows, const torch::Tensor& diagonal) {
  TORCH_CHECK(rows.dim() == 3 && rows.device().is_cpu(),
              "lane_gram_eigenvalues: expected CPU rows [K, N, L]");
  const torch::Tensor x = rows.contiguous();
  return lane_gram_eigenvalues(x.size(0), x.size(1), x.size(2), x.scalar_type(), diagonal,
                               [&x] { return std::make_unique<TensorRows>(x); });
}

}  // namespace tavrnn::graphs::detail
