#include "sparse_product.h"

#include <cstring>

#include <ATen/Parallel.h>
#include <torch/torch.h>

namespace tavrnn::nn::detail {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// One row block of y = M x. target_clones compiles AVX-512, AVX2 and
// baseline versions and picks one at load time. The model's widths (2Z, H,
// 2H, 3H: 16 to 96 at the defaults) are multiples of one 32-byte vector: a
// row's sums then stay in registers across its non-zeros (GCC's own
// vectorisation of the plain loop left it scalar, re-loading and storing the
// row for every non-zero). Other widths take the plain loop.
template <typename T>
struct Vector32Of;
template <>
struct Vector32Of<float> {
  typedef float type __attribute__((vector_size(32)));
};
template <>
struct Vector32Of<double> {
  typedef double type __attribute__((vector_size(32)));
};
template <typename T>
using Vector32 = typename Vector32Of<T>::type;

template <typename T, int kChunks>
__attribute__((always_inline)) inline void multiply_rows_vectorised(const int64_t* offsets,
                                                                    const int64_t* columns, const T* values,
                                                                    const T* xs, T* ys, int64_t begin,
                                                                    int64_t end) {
  constexpr int64_t kLanes = 32 / sizeof(T);
  constexpr int64_t kWidth = kChunks * kLanes;
  static_assert(sizeof(Vector32<T>) == 32, "a 32-byte vector");
  for (int64_t i = begin; i < end; ++i) {
    Vector32<T> sum[kChunks] = {};
    for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      const T v = values[k];
      const T* source = xs + columns[k] * kWidth;
      for (int c = 0; c < kChunks; ++c) {
        Vector32<T> x;
        std::memcpy(&x, source + c * kLanes, sizeof x);
        sum[c] += v * x;
      }
    }
    std::memcpy(ys + i * kWidth, sum, sizeof sum);
  }
}

template <typename T>
__attribute__((always_inline)) inline void multiply_rows_plain(const int64_t* offsets, const int64_t* columns,
                                                               const T* values, const T* xs, T* ys,
                                                               int64_t width, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    T* row = ys + i * width;
    for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      const T v = values[k];
      const T* source = xs + columns[k] * width;
      for (int64_t f = 0; f < width; ++f) row[f] += v * source[f];
    }
  }
}

template <typename T>
__attribute__((always_inline)) inline void multiply_rows_any(const int64_t* offsets, const int64_t* columns,
                                                             const T* values, const T* xs, T* ys,
                                                             int64_t width, int64_t begin, int64_t end) {
  constexpr int64_t kLanes = 32 / sizeof(T);
  const int64_t chunks = width % kLanes == 0 ? width / kLanes : 0;
  switch (chunks) {
    case 1: return multiply_rows_vectorised<T, 1>(offsets, columns, values, xs, ys, begin, end);
    case 2: return multiply_rows_vectorised<T, 2>(offsets, columns, values, xs, ys, begin, end);
    case 3: return multiply_rows_vectorised<T, 3>(offsets, columns, values, xs, ys, begin, end);
    case 4: return multiply_rows_vectorised<T, 4>(offsets, columns, values, xs, ys, begin, end);
    case 6: return multiply_rows_vectorised<T, 6>(offsets, columns, values, xs, ys, begin, end);
    case 8: return multiply_rows_vectorised<T, 8>(offsets, columns, values, xs, ys, begin, end);
    case 12: return multiply_rows_vectorised<T, 12>(offsets, columns, values, xs, ys, begin, end);
    default: return multiply_rows_plain(offsets, columns, values, xs, ys, width, begin, end);
  }
}

#define TAVRNN_CSR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

TAVRNN_CSR_CLONES void multiply_rows_of(const int64_t* offsets, const int64_t* columns, const float* values,
                                        const float* xs, float* ys, int64_t width, int64_t begin, int64_t end) {
  multiply_rows_any(offsets, columns, values, xs, ys, width, begin, end);
}

TAVRNN_CSR_CLONES void multiply_rows_of(const int64_t* offsets, const int64_t* columns, const double* values,
                                        const double* xs, double* ys, int64_t width, int64_t begin,
                                        int64_t end) {
  multiply_rows_any(offsets, columns, values, xs, ys, width, begin, end);
}

torch::Tensor multiply(const CsrMatrix& m, const torch::Tensor& x_in) {
  const auto x = x_in.contiguous();
  const int64_t width = x.size(1);
  auto y = torch::zeros({m.n, width}, x.options());
  const auto* offsets = m.row_offsets.data_ptr<int64_t>();
  const auto* columns = m.columns.data_ptr<int64_t>();
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "csr_product", [&] {
    const auto* values = m.values.data_ptr<scalar_t>();
    const auto* xs = x.data_ptr<scalar_t>();
    auto* ys = y.data_ptr<scalar_t>();
    at::parallel_for(0, m.n, 16, [&](int64_t begin, int64_t end) {
      multiply_rows_of(offsets, columns, values, xs, ys, width, begin, end);
    });
  });
  return y;
}

struct CsrProduct : public torch::autograd::Function<CsrProduct> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const CsrMatrix* matrix,
                               const CsrMatrix* transposed) {
    ctx->saved_data["transposed"] = reinterpret_cast<int64_t>(transposed);
    return multiply(*matrix, x);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    const auto* transposed = reinterpret_cast<const CsrMatrix*>(ctx->saved_data["transposed"].toInt());
    return {multiply(*transposed, grad_output[0]), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

CsrMatrix to_csr(const torch::Tensor& matrix) {
  CsrMatrix m;
  m.n = matrix.size(0);
  torch::Tensor rows;
  if (matrix.is_sparse()) {
    // Coalesced COO is sorted row-major: its columns are CSR's as they are.
    const auto coo = matrix.to(torch::kCPU).coalesce();
    const auto values = coo.values();
    const auto nz = values.ne(0);
    const bool all = nz.all().item<bool>();
    rows = all ? coo.indices()[0] : coo.indices()[0].masked_select(nz);
    m.columns = (all ? coo.indices()[1] : coo.indices()[1].masked_select(nz)).contiguous();
    m.values = (all ? values : values.masked_select(nz)).contiguous();
  } else {
    const auto dense = matrix.to(torch::kCPU).contiguous();
    const auto nz = dense.nonzero();  // [nnz, 2], row-major order
    rows = nz.select(1, 0);
    m.columns = nz.select(1, 1).contiguous();
    m.values = dense.index({rows, nz.select(1, 1)}).contiguous();
  }
  const auto counts = torch::bincount(rows, {}, m.n);
  m.row_offsets = torch::cat({torch::zeros({1}, torch::kInt64), counts.cumsum(0)});
  return m;
}

bool is_symmetric(const torch::Tensor& matrix) {
  if (!matrix.is_sparse()) return torch::equal(matrix, matrix.t());
  const auto coo = matrix.coalesce();
  const auto transposed = coo.t().coalesce();
  return torch::equal(coo.indices(), transposed.indices()) && torch::equal(coo.values(), transposed.values());
}

torch::Tensor csr_product(const CsrMatrix& matrix, const CsrMatrix& transposed, const torch::Tensor& x) {
  return CsrProduct::apply(x, &matrix, &transposed);
}

}  // namespace tavrnn::nn::detail
