#include "sparse_product.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

namespace tavrnn::nn::detail {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

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
      for (int64_t i = begin; i < end; ++i) {
        scalar_t* row = ys + i * width;
        for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) {
          const scalar_t v = values[k];
          const scalar_t* source = xs + columns[k] * width;
          for (int64_t f = 0; f < width; ++f) row[f] += v * source[f];
        }
      }
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

CsrMatrix to_csr(const torch::Tensor& dense_in) {
  const auto dense = dense_in.to(torch::kCPU).contiguous();
  const auto nz = dense.nonzero();  // [nnz, 2], row-major order
  CsrMatrix m;
  m.n = dense.size(0);
  m.columns = nz.select(1, 1).contiguous();
  m.values = dense.index({nz.select(1, 0), nz.select(1, 1)}).contiguous();
  const auto counts = torch::bincount(nz.select(1, 0), {}, m.n);
  m.row_offsets = torch::cat({torch::zeros({1}, torch::kInt64), counts.cumsum(0)});
  return m;
}

torch::Tensor csr_product(const CsrMatrix& matrix, const CsrMatrix& transposed, const torch::Tensor& x) {
  return CsrProduct::apply(x, &matrix, &transposed);
}

}  // namespace tavrnn::nn::detail
