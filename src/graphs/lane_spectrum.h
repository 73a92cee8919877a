#pragma once
// Eigenvalues of many small Gram matrices at once, one surrogate per SIMD
// lane. Internal to src/graphs (surrogate_spectrum.cpp uses it).
#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace tavrnn::graphs::detail {

// Up to this many units the lane kernels beat a batched LAPACK eigvalsh
// (about 4x at N = 120: LAPACK's Householder reduction of a small matrix
// runs matrix-vector products of a few hundred elements, far from the
// machine's arithmetic rate); above it LAPACK and BLAS syrk are as fast and
// need less memory.
constexpr std::size_t kLaneSpectrumMaxUnits = 256;
// Each thread holds one block's rows interleaved, N L x 64 bytes; beyond
// this many elements per surrogate (64 MiB a thread) LAPACK is used.
constexpr std::size_t kLaneSpectrumMaxElements = std::size_t{1} << 20;

// Where the rows come from: surrogates are made row by row straight into
// the lanes (a [K, N, L] tensor of them would be hundreds of MiB, and
// writing and re-reading it costs more than the arithmetic at N = 120).
// One source per thread; for each block of surrogates, begin_block is
// called, then row(lane, i, out) for i = 0, 1, ..., N - 1 in order, every
// lane of the block for each i. out: L values of the dtype, value t at
// out[t * stride] (stride in elements): the rows go straight into their
// lane of the interleaved block, with no copy in between.
class LaneRowSource {
 public:
  virtual ~LaneRowSource() = default;
  virtual void begin_block(int64_t first_surrogate, int lanes) = 0;
  virtual void row(int lane, int64_t i, void* out, std::size_t stride) = 0;
};
using LaneRowSourceFactory = std::function<std::unique_ptr<LaneRowSource>()>;

// Eigenvalues, ascending, of the K Gram matrices X_k X_k^T + diag(diagonal)
// whose rows X_k the source gives: [K, N] of `dtype` (float32 or float64).
// diagonal: [N] or undefined. tail > 0: only the `tail` smallest and
// `tail` largest of each matrix are computed (bisection is the kernels'
// largest cost), the others are NaN; 0: all.
// Blocks of 16 (float32) or 8 (float64) surrogates are processed together,
// each in one lane of a 64-byte vector: the Gram matrix by register-tiled
// products, Householder tridiagonalisation, then every eigenvalue by
// bisection on Sturm counts to the dtype's precision. Blocks are spread
// over the intra-op threads; the result does not depend on their number.
torch::Tensor lane_gram_eigenvalues(int64_t count, int64_t n, int64_t bins, torch::ScalarType dtype,
                                    const torch::Tensor& diagonal,
                                    const LaneRowSourceFactory& make_source, int64_t tail = 0);

// The same for rows given as a contiguous CPU tensor [K, N, L] (tests).
torch::Tensor lane_gram_eigenvalues(const torch::Tensor& rows, const torch::Tensor& diagonal);

}  // namespace tavrnn::graphs::detail
