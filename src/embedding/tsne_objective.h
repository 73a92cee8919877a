#pragma once
// t-SNE's objective: KL(P || Q) with a Student-t Q, and its gradient.
// Internal to src/report (tests include it to check the gradient).
#include <torch/types.h>

namespace tavrnn::embedding::detail {

struct KlObjective {
  torch::Tensor kl;        // 0-dim, undefined unless asked for
  torch::Tensor gradient;  // [n, k]
};

// p: [n, n] joint probabilities (possibly exaggerated), zero diagonal;
// y: [n, k] embedding, same dtype and device; dof: the Student-t's degrees
// of freedom (scikit-learn: max(k - 1, 1)). Q_ij = w_ij / sum w with
// w_ij = (1 + |y_i - y_j|^2 / dof)^(-(dof + 1) / 2), floored at DBL_EPSILON
// in the KL as sklearn does. Gradient: (2 (dof + 1) / dof) sum_j (p_ij - q_ij)
// (1 + d_ij / dof)^-1 (y_i - y_j). (sklearn multiplies by w_ij instead of
// (1 + d_ij / dof)^-1, which is the same only for dof = 1, i.e. k <= 2.)
KlObjective kl_objective(const torch::Tensor& p, const torch::Tensor& y, double dof,
                         bool with_kl);

}  // namespace tavrnn::embedding::detail
