#include "tavrnn/eval/standard_scaler.h"

#include <limits>

#include <fmt/format.h>

#include "feature_matrix.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {

StandardScaler& StandardScaler::fit(const torch::Tensor& x) {
  const torch::Tensor X = detail::feature_matrix(x, "StandardScaler.fit: X");
  const auto n = static_cast<double>(X.size(0));
  mean_ = X.mean(0);
  const torch::Tensor var = (X - mean_).square().mean(0);
  // sklearn.utils.extmath._is_constant_feature: a variance below what
  // summation rounding can produce is taken as 0.
  const double eps = std::numeric_limits<double>::epsilon();
  const torch::Tensor bound = n * eps * var + (n * mean_ * eps).square();
  scale_ = var.sqrt().masked_fill(var <= bound, 1.0);
  return *this;
}

torch::Tensor StandardScaler::transform(const torch::Tensor& x) const {
  if (!mean_.defined()) throw Error("StandardScaler.transform: called before fit");
  const torch::Tensor X = detail::feature_matrix(x, "StandardScaler.transform: X");
  if (X.size(1) != mean_.size(0)) {
    throw Error(fmt::format("StandardScaler.transform: X has {} features, the scaler was fitted on {}",
                            X.size(1), mean_.size(0)));
  }
  return (X - mean_) / scale_;
}

}  // namespace tavrnn::eval
