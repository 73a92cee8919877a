#include "feature_matrix.h"

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval::detail {

torch::Tensor feature_matrix(const torch::Tensor& x, const std::string& what,
                             std::int64_t min_rows) {
  if (!x.defined() || x.dim() != 2) {
    throw Error(fmt::format("{}: expected a 2-D [n_samples, n_features] matrix, found {}", what,
                            x.defined() ? fmt::format("{} dimensions", x.dim()) : "none"));
  }
  if (!torch::isFloatingType(x.scalar_type()) && !torch::isIntegralType(x.scalar_type(), true)) {
    throw Error(fmt::format("{}: expected real numbers, found {}", what,
                            c10::toString(x.scalar_type())));
  }
  if (x.size(0) < min_rows) {
    throw Error(fmt::format("{}: expected at least {} samples, found {}", what, min_rows,
                            x.size(0)));
  }
  if (x.size(1) < 1) throw Error(fmt::format("{}: expected at least 1 feature, found 0", what));
  torch::Tensor out = x.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  if (!out.isfinite().all().item<bool>()) {
    throw Error(fmt::format("{}: expected finite values, found NaN or infinity", what));
  }
  return out;
}

torch::Tensor euclidean_distances(const torch::Tensor& a, const torch::Tensor& b) {
  return torch::cdist(a, b, 2.0, /*compute_mode=*/2);  // 2: never the matrix-product shortcut
}

}  // namespace tavrnn::eval::detail
