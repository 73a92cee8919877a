// Compiled with -ffast-math -fopenmp-simd (CMakeLists.txt) so that the exp
// and log1p of the loop below become glibc's vector maths (libmvec), and
// target_clones picks AVX-512, AVX2 or the baseline at load time. The inputs
// are finite logits; non-finite z shows up in the KL term, which is computed
// elsewhere with IEEE semantics.
#include "symmetric_bce_kernel.h"

#include <algorithm>
#include <cmath>

namespace tavrnn::train::detail {
namespace {

// Per entry, with x the logit, y the target and pw the positive weight:
//   loss     = pw y softplus(-x) + (1 - y) softplus(x)
//            = (1 + (pw - 1) y) softplus(x) - pw y x
//   dloss/dx = (1 + (pw - 1) y) sigmoid(x) - pw y
// The y = 0 part is computed for every entry in the vector loop; the
// non-zeros of y (a few percent at theta = 0.6) add their terms after it.
template <typename T>
__attribute__((always_inline)) inline void rows(const SymmetricBceProblem<T>& p, int64_t block,
                                                int64_t blocks, T* grad, T* column_grad, double* row_loss,
                                                T* scratch) {
  const int64_t n = p.n;
  const T pw = static_cast<T>(p.pos_weight);
  const T factor = static_cast<T>(2 * p.scale);
  for (int64_t i = block; i < n; i += blocks) {
    // Entries j = i .. n - 1 of row i, stored from offset 0.
    const int64_t m = n - i;
    T* logits = scratch;
    T* derivative = scratch + n;
    T* softplus = scratch + 2 * n;
    const T* zi = p.z + i * p.latent;
    for (int64_t j = 0; j < m; ++j) logits[j] = 0;
    for (int64_t k = 0; k < p.latent; ++k) {
      const T zik = zi[k];
      const T* column = p.z_transposed + k * n + i;
#pragma omp simd
      for (int64_t j = 0; j < m; ++j) logits[j] += zik * column[j];
    }
    T dense = 0;
#pragma omp simd reduction(+ : dense)
    for (int64_t j = 0; j < m; ++j) {
      const T x = logits[j];
      const T e = std::exp(-std::fabs(x));
      const T sp = std::fmax(x, T(0)) + std::log1p(e);
      const T inverse = T(1) / (T(1) + e);
      softplus[j] = sp;
      derivative[j] = x >= 0 ? inverse : e * inverse;
      dense += sp;
    }
    double loss = 2 * static_cast<double>(dense) - static_cast<double>(softplus[0]);
    const int64_t* first = p.columns + p.row_offsets[i];
    const int64_t* last = p.columns + p.row_offsets[i + 1];
    for (const int64_t* c = std::lower_bound(first, last, i); c != last; ++c) {
      const int64_t j = *c - i;
      const T y = p.values[c - p.columns];
      const double term = static_cast<double>(y * ((pw - 1) * softplus[j] - pw * logits[j]));
      loss += j == 0 ? term : 2 * term;
      derivative[j] += y * ((pw - 1) * derivative[j] - pw);
    }
    row_loss[i] = p.scale * loss;
    for (int64_t k = 0; k < p.latent; ++k) {
      const T* column = p.z_transposed + k * n + i;
      T* accumulated = column_grad + k * n + i;
      const T zik = factor * zi[k];
      T sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t j = 0; j < m; ++j) sum += derivative[j] * column[j];
      grad[i * p.latent + k] = factor * sum;
      // The transposed share: entry (i, j) of the triangle stands for (j, i).
#pragma omp simd
      for (int64_t j = 1; j < m; ++j) accumulated[j] += zik * derivative[j];
    }
  }
}

}  // namespace

#define TAVRNN_BCE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

TAVRNN_BCE_CLONES void symmetric_bce_rows(const SymmetricBceProblem<float>& problem, int64_t block,
                                          int64_t blocks, float* grad, float* column_grad, double* row_loss,
                                          float* scratch) {
  rows(problem, block, blocks, grad, column_grad, row_loss, scratch);
}

TAVRNN_BCE_CLONES void symmetric_bce_rows(const SymmetricBceProblem<double>& problem, int64_t block,
                                          int64_t blocks, double* grad, double* column_grad,
                                          double* row_loss, double* scratch) {
  rows(problem, block, blocks, grad, column_grad, row_loss, scratch);
}

}  // namespace tavrnn::train::detail
