#include "embedding/tsne_objective.h"

#include <cfloat>

namespace tavrnn::embedding::detail {

// Each step is a handful of passes over [n, n] float64 memory, which is
// what an iteration costs for n in the thousands; the forms below keep the
// passes few (the profile is memory-bound, not arithmetic-bound).
KlObjective kl_objective(const torch::Tensor& p, const torch::Tensor& y, double dof,
                         bool with_kl) {
  const std::int64_t n = y.size(0);
  const torch::Tensor ones = torch::ones({n, 1}, y.options());
  const torch::Tensor scaled_norms = y.square().sum(1, /*keepdim=*/true) / dof;
  // 1 + |y_i - y_j|^2 / dof = (1 + |y_i|^2/dof) + |y_j|^2/dof - 2 y_i.y_j/dof as
  // one matrix product of augmented [n, k + 2] factors: a single write of
  // the [n, n] result. Coordinates stay O(100), so the cancellation error
  // (~1e-12) is far below any distance that matters.
  const torch::Tensor left = torch::cat({y, scaled_norms + 1, ones}, 1);
  const torch::Tensor right = torch::cat({y * (-2 / dof), ones, scaled_norms}, 1);
  torch::Tensor kernel = left.mm(right.t()).reciprocal_().fill_diagonal_(0);  // (1 + d/dof)^-1
  const torch::Tensor w = dof == 1 ? kernel : kernel.pow((dof + 1) / 2);
  const torch::Tensor inverse_sum = w.sum().reciprocal();  // 0-dim: no host round-trip

  KlObjective out;
  if (with_kl) {
    // sklearn floors Q at DBL_EPSILON so that log(P / Q) stays finite.
    const torch::Tensor q = (w * inverse_sum).clamp_min_(DBL_EPSILON);
    out.kl = p.clamp_min(DBL_EPSILON).div_(q).log_().mul_(p).sum();
  }
  // m = (p - q) * kernel; the floor on q is left out here: it binds only
  // when w / sum(w) < 2.2e-16, i.e. for maps ~10^4 units across, and would
  // change a term by less than 2.2e-16 anyway. The kernel's zero diagonal
  // drops the i = j terms.
  const torch::Tensor m = torch::addcmul(p, w, inverse_sum, -1).mul_(kernel);
  // [m y, m 1] in one product: the row sums come with the matrix product.
  const torch::Tensor product = m.mm(torch::cat({y, ones}, 1));
  out.gradient = (product.narrow(1, y.size(1), 1) * y - product.narrow(1, 0, y.size(1)))
                     .mul_(2 * (dof + 1) / dof);
  return out;
}

}  // namespace tavrnn::embedding::detail
