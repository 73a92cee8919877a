#include "tavrnn/eval/logistic_regression.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include "feature_matrix.h"
#include "label_encoding.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {

LogisticRegression::LogisticRegression(LogisticRegressionOptions options) : options_(options) {
  if (!(options_.C > 0.0)) {
    throw Error(fmt::format("LogisticRegression: C must be > 0, found {}", options_.C));
  }
  if (options_.max_iter < 1) throw Error("LogisticRegression: max_iter must be at least 1");
}

LogisticRegression& LogisticRegression::fit(const torch::Tensor& x,
                                            const std::vector<int>& labels) {
  const torch::Tensor X = detail::feature_matrix(x, "LogisticRegression.fit: X");
  detail::check_label_count(labels.size(), static_cast<std::size_t>(X.size(0)),
                            "LogisticRegression.fit");
  const detail::EncodedLabels encoded = detail::encode_labels(labels);
  if (encoded.classes.size() < 2) {
    throw Error(fmt::format(
        "LogisticRegression.fit: the training labels have one class ({}); at least 2 are needed",
        encoded.classes.front()));
  }
  const auto n = X.size(0);
  // With more features than samples (a population embedding of every
  // unit: 10,000 units x Z = 32 gives 320,000 features for 40 windows) the
  // minimiser lies in the span of the samples (the penalty's gradient is W
  // itself, the data term's is a combination of the x_i). Fit in an
  // orthonormal basis of that span, X = U S V^T -> coordinates U S [n, r],
  // and map back, W = W_r V^T: the same objective on the same subspace, and
  // L-BFGS, made of inner products and linear combinations, takes the same
  // steps there (only the max-|gradient| stop differs).
  torch::Tensor basis;  // V [d, r], or undefined: the features as given
  torch::Tensor Xfit = X;
  if (X.size(1) > 2 * n) {
    const auto [values, vectors] = torch::linalg_eigh(torch::mm(X, X.t()));  // K = U S^2 U^T
    const double largest = values.max().item<double>();
    const torch::Tensor keep = values.gt(largest * 1e-12).nonzero().squeeze(1);
    if (keep.numel() > 0) {
      const torch::Tensor U = vectors.index_select(1, keep);
      const torch::Tensor root = values.index_select(0, keep).sqrt();
      Xfit = U * root;                                  // U S
      basis = torch::mm(X.t(), U) / root;               // V = X^T U S^-1
    }
  }
  const auto d = Xfit.size(1);
  const bool binary = encoded.classes.size() == 2;
  const int64_t rows = binary ? 1 : static_cast<int64_t>(encoded.classes.size());
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  torch::Tensor codes = torch::tensor(std::vector<int64_t>(encoded.codes.begin(), encoded.codes.end()),
                                      torch::kInt64);
  torch::Tensor target = codes.to(torch::kFloat64);
  torch::Tensor w = torch::zeros({rows, d}, f64).requires_grad_(true);
  torch::Tensor b = torch::zeros({rows}, f64).requires_grad_(true);

  // sklearn's objective divided by n: the same minimiser, and a gradient
  // tolerance that means the same for any number of samples.
  const double penalty = 0.5 / (options_.C * static_cast<double>(n));
  torch::optim::LBFGS optimizer(
      std::vector<torch::Tensor>{w, b},
      torch::optim::LBFGSOptions(1.0)
          .max_iter(static_cast<int64_t>(options_.max_iter))
          .max_eval(static_cast<int64_t>(options_.max_iter) * 2)
          .tolerance_grad(options_.gradient_tolerance)
          .tolerance_change(1e-16)
          .history_size(20)
          .line_search_fn("strong_wolfe"));
  n_iter_ = 0;
  auto closure = [&]() -> torch::Tensor {
    ++n_iter_;
    optimizer.zero_grad();
    const torch::Tensor logits = torch::addmm(b, Xfit, w.t());
    const torch::Tensor data_term =
        binary ? torch::binary_cross_entropy_with_logits(logits.squeeze(1), target)
               : torch::nn::functional::cross_entropy(logits, codes);
    torch::Tensor loss = data_term + penalty * w.square().sum();
    loss.backward();
    return loss;
  };
  optimizer.step(closure);

  classes_ = encoded.classes;
  coef_ = basis.defined() ? torch::mm(w.detach(), basis.t()) : w.detach().clone();
  intercept_ = b.detach().clone();
  return *this;
}

torch::Tensor LogisticRegression::decision_function(const torch::Tensor& x) const {
  if (!coef_.defined()) throw Error("LogisticRegression: predict called before fit");
  const torch::Tensor X = detail::feature_matrix(x, "LogisticRegression.predict: X");
  if (X.size(1) != coef_.size(1)) {
    throw Error(fmt::format("LogisticRegression.predict: X has {} features, the model was fitted on {}",
                            X.size(1), coef_.size(1)));
  }
  return torch::addmm(intercept_, X, coef_.t());
}

torch::Tensor LogisticRegression::predict_proba(const torch::Tensor& x) const {
  const torch::Tensor logits = decision_function(x);
  if (coef_.size(0) == 1) {
    const torch::Tensor p1 = torch::sigmoid(logits);
    return torch::cat({1.0 - p1, p1}, 1);
  }
  return torch::softmax(logits, 1);
}

std::vector<int> LogisticRegression::predict(const torch::Tensor& x) const {
  const torch::Tensor logits = decision_function(x);
  const torch::Tensor index =
      coef_.size(0) == 1 ? logits.squeeze(1).gt(0.0).to(torch::kInt64) : logits.argmax(1);
  std::vector<int> out;
  out.reserve(static_cast<std::size_t>(index.size(0)));
  const auto* p = index.data_ptr<int64_t>();
  for (int64_t i = 0; i < index.size(0); ++i) out.push_back(classes_[static_cast<std::size_t>(p[i])]);
  return out;
}

}  // namespace tavrnn::eval
