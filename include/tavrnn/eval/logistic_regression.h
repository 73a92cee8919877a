#pragma once
// L2-regularised logistic regression with scikit-learn's objective
// (LogisticRegression(C), solver lbfgs, version 1.2), fitted with LibTorch's
// L-BFGS in float64:
//   more than 2 classes: multinomial, W [K, d], b [K],
//     sum_i -log softmax(W x_i + b)[y_i] + 0.5 / C * ||W||^2
//   2 classes: one logistic model, w [1, d], b [1], as sklearn's default
//     (multi_class="auto") does for binary labels,
//     sum_i log(1 + exp(-s_i (w x_i + b))) + 0.5 / C * ||w||^2, s_i = +-1
// The intercept is not penalised. The objective is strictly convex in W, so
// the fit is converged as far as float64 allows; it agrees with sklearn's
// newton-cg solution to about 1e-7 (tests/oracle/metrics_oracle.py), and
// with sklearn's default lbfgs fit (tol=1e-4) up to that solver's tolerance.
// Inputs are used as given; decoding standardises them first.
#include <cstddef>
#include <vector>

#include <torch/types.h>

namespace tavrnn::eval {

struct LogisticRegressionOptions {
  double C = 1.0;                   // inverse regularisation strength, > 0
  std::size_t max_iter = 1000;      // L-BFGS iterations
  // Stop when max |gradient| / n_samples is below this, or when the
  // objective no longer changes in float64 (in practice about 1e-9).
  double gradient_tolerance = 1e-10;
};

class LogisticRegression {
 public:
  explicit LogisticRegression(LogisticRegressionOptions options = {});

  // x: [n, d] (any device, floating dtype), labels: n ints with >= 2 classes.
  LogisticRegression& fit(const torch::Tensor& x, const std::vector<int>& labels);

  // x: [m, d] -> [m, K] (binary: [m, 1], the logit of classes()[1]).
  torch::Tensor decision_function(const torch::Tensor& x) const;
  // x: [m, d] -> [m, K] class probabilities, columns in classes() order.
  torch::Tensor predict_proba(const torch::Tensor& x) const;
  // The class with the largest decision value (first such class on ties;
  // binary: classes()[1] iff the logit is > 0), as sklearn.
  std::vector<int> predict(const torch::Tensor& x) const;

  const std::vector<int>& classes() const { return classes_; }
  const torch::Tensor& coef() const { return coef_; }            // [K, d] or [1, d], float64
  const torch::Tensor& intercept() const { return intercept_; }  // [K] or [1]
  std::size_t n_iter() const { return n_iter_; }  // objective evaluations of the last fit

 private:
  LogisticRegressionOptions options_;
  std::vector<int> classes_;
  torch::Tensor coef_, intercept_;
  std::size_t n_iter_ = 0;
};

}  // namespace tavrnn::eval
