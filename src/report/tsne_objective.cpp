#include "report/tsne_objective.h"

#include <cfloat>

namespace tavrnn::report::detail {

KlObjective kl_objective(const torch::Tensor& p, const torch::Tensor& y, double dof,
                         bool with_kl) {
  // |y_i - y_j|^2 by the Gram form: one matrix product instead of an
  // [n, n, k] difference tensor. Embedding coordinates are O(100) at most, so
  // the cancellation error (~1e-12) is far below the distances that matter.
  const torch::Tensor norms = y.square().sum(1, /*keepdim=*/true);
  torch::Tensor kernel = torch::addmm(norms, y, y.t(), /*beta=*/1, /*alpha=*/-2).add_(norms.t());
  // kernel = (1 + d / dof)^-1, computed in place to keep passes over n^2 memory few.
  kernel.div_(dof).add_(1).reciprocal_().fill_diagonal_(0);
  const torch::Tensor w = dof == 1 ? kernel : kernel.pow((dof + 1) / 2);
  const torch::Tensor q = (w / w.sum()).clamp_min_(DBL_EPSILON);

  KlObjective out;
  if (with_kl) out.kl = (p * (p.clamp_min(DBL_EPSILON) / q).log_()).sum();
  // The kernel's zero diagonal drops the i = j terms (q_ii is floored, not 0).
  const torch::Tensor m = (p - q).mul_(kernel);
  out.gradient = (m.sum(1, /*keepdim=*/true) * y - m.mm(y)).mul_(2 * (dof + 1) / dof);
  return out;
}

}  // namespace tavrnn::report::detail
