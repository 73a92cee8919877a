#pragma once
// A_hat x for a sparse normalised adjacency in CSR form, differentiable in x.
// LibTorch 1.13's sparse COO mm transposes and coalesces the matrix in every
// backward call; a correlation graph's A_hat is symmetric, so its backward is
// the same product, and a non-symmetric one keeps its transpose alongside.
#include <torch/types.h>

namespace tavrnn::nn::detail {

struct CsrMatrix {
  torch::Tensor row_offsets;  // [N + 1] int64
  torch::Tensor columns;      // [nnz] int64
  torch::Tensor values;       // [nnz], the floating dtype of the model
  int64_t n = 0;
};

// The non-zeros of a dense or sparse COO matrix (explicit zeros of a COO
// matrix dropped), columns ascending within each row.
CsrMatrix to_csr(const torch::Tensor& matrix);

// Whether M equals its transpose exactly (dense, or COO compared entry by
// entry after coalescing).
bool is_symmetric(const torch::Tensor& matrix);

// y = M x, with dL/dx = M^T dL/dy computed with `transposed` (pass `matrix`
// itself when it is symmetric).
torch::Tensor csr_product(const CsrMatrix& matrix, const CsrMatrix& transposed, const torch::Tensor& x);

}  // namespace tavrnn::nn::detail
