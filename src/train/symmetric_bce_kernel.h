#pragma once
// The reconstruction loss of one window in one pass over the upper triangle
// of the logits z z^T, for a symmetric target: no N'^2 buffer is ever
// written. Plain C++ on raw pointers, compiled with vector maths (see the .cpp).
#include <cstdint>

namespace tavrnn::train::detail {

// The target y (symmetric, [n, n]) as compressed rows of its non-zeros,
// columns ascending within a row.
template <typename T>
struct SymmetricBceProblem {
  const T* z = nullptr;             // [n, latent], row-major
  const T* z_transposed = nullptr;  // [latent, n], row-major
  int64_t n = 0;
  int64_t latent = 0;
  const int64_t* row_offsets = nullptr;  // [n + 1]
  const int64_t* columns = nullptr;
  const T* values = nullptr;
  double pos_weight = 1.0;
  double scale = 1.0;  // norm / n^2
};

// The loss is L = scale * sum_ij l(x_ij, y_ij), x = z z^T, with
//   l(x, y) = (1 + (pw - 1) y) softplus(x) - pw y x,
// and dL/dz_i = 2 scale sum_j l'(x_ij, y_ij) z_j since x and y are symmetric.
// Rows i = block, block + blocks, ... are this call's share: for each, the
// entries j >= i give row_loss[i] (the off-diagonal ones counted twice), add
// their part of dL/dz_i to grad[i, :] (written, not accumulated) and their
// part of dL/dz_j, j > i, to column_grad[:, j] ([latent, n], accumulated).
// Interleaved rows give every block the same share of the triangle.
// scratch holds 3 n values.
void symmetric_bce_rows(const SymmetricBceProblem<float>& problem, int64_t block, int64_t blocks,
                        float* grad, float* column_grad, double* row_loss, float* scratch);
void symmetric_bce_rows(const SymmetricBceProblem<double>& problem, int64_t block, int64_t blocks,
                        double* grad, double* column_grad, double* row_loss, double* scratch);

}  // namespace tavrnn::train::detail
