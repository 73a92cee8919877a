#pragma once
// Standardisation as scikit-learn's StandardScaler: the mean and the
// population standard deviation (ddof=0) of each feature, fitted on one set
// of samples (the training fold) and applied to any other. A constant
// feature (variance within rounding of 0, sklearn's test) keeps scale 1, so
// it becomes 0 instead of NaN.
#include <torch/types.h>

namespace tavrnn::eval {

class StandardScaler {
 public:
  // x: [n, d], any device and floating dtype; computed in float64 on CPU.
  StandardScaler& fit(const torch::Tensor& x);
  // x: [m, d] -> [m, d] float64 CPU: (x - mean) / scale.
  torch::Tensor transform(const torch::Tensor& x) const;

  const torch::Tensor& mean() const { return mean_; }    // [d]
  const torch::Tensor& scale() const { return scale_; }  // [d]

 private:
  torch::Tensor mean_, scale_;
};

}  // namespace tavrnn::eval
