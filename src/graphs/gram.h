#pragma once
// Gram matrices X X^T of row blocks, the product at the heart of both the
// Pearson step and the surrogates. Internal to src/graphs.
#include <torch/types.h>

namespace tavrnn::graphs::detail {

// rows: [..., N, L] float32 or float64 -> [..., N, N]. On the CPU through
// BLAS syrk, which computes one triangle: half the flops of the general
// product (numpy does the same for X @ X.T). With `lower_only` the strict
// upper triangle is left unspecified (for eigvalsh(..., "L")); otherwise
// the result is the full matrix, exactly symmetric. Other devices, or a
// BLAS without syrk: torch::matmul, symmetrised.
// Whether *reuse can be written into in place of a new tensor of `shape`
// with the dtype and device of `like`.
bool reusable(const torch::Tensor* reuse, at::IntArrayRef shape, const torch::Tensor& like);

// `reuse`, when given, is written into if it is reusable (and set to the
// result otherwise).
torch::Tensor gram_matrices(const torch::Tensor& rows, bool lower_only, torch::Tensor* reuse = nullptr);

}  // namespace tavrnn::graphs::detail
