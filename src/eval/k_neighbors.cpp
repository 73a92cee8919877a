#include "tavrnn/eval/k_neighbors.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "feature_matrix.h"
#include "label_encoding.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {

KNeighborsClassifier::KNeighborsClassifier(std::size_t n_neighbors) : n_neighbors_(n_neighbors) {
  if (n_neighbors_ < 1) throw Error("KNeighborsClassifier: n_neighbors must be at least 1, found 0");
}

KNeighborsClassifier& KNeighborsClassifier::fit(const torch::Tensor& x,
                                                const std::vector<int>& labels) {
  const torch::Tensor X = detail::feature_matrix(x, "KNeighborsClassifier.fit: X");
  detail::check_label_count(labels.size(), static_cast<std::size_t>(X.size(0)),
                            "KNeighborsClassifier.fit");
  if (static_cast<std::size_t>(X.size(0)) < n_neighbors_) {
    throw Error(fmt::format(
        "KNeighborsClassifier.fit: n_neighbors={} is larger than the {} training samples",
        n_neighbors_, X.size(0)));
  }
  const detail::EncodedLabels encoded = detail::encode_labels(labels);
  train_ = X;
  codes_ = encoded.codes;
  classes_ = encoded.classes;
  return *this;
}

torch::Tensor KNeighborsClassifier::kneighbors(const torch::Tensor& x) const {
  if (!train_.defined()) throw Error("KNeighborsClassifier: predict called before fit");
  const torch::Tensor X = detail::feature_matrix(x, "KNeighborsClassifier.predict: X");
  if (X.size(1) != train_.size(1)) {
    throw Error(fmt::format(
        "KNeighborsClassifier.predict: X has {} features, the model was fitted on {}", X.size(1),
        train_.size(1)));
  }
  const torch::Tensor distances = detail::euclidean_distances(X, train_);
  const auto m = X.size(0), n = train_.size(0);
  const auto k = static_cast<int64_t>(n_neighbors_);
  torch::Tensor out = torch::empty({m, k}, torch::kInt64);
  std::vector<int64_t> order(static_cast<std::size_t>(n));
  for (int64_t q = 0; q < m; ++q) {
    const double* row = distances.data_ptr<double>() + q * n;
    std::iota(order.begin(), order.end(), 0);
    // (distance, index) order: equal distances resolved by training index.
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [row](int64_t a, int64_t b) {
      return row[a] < row[b] || (row[a] == row[b] && a < b);
    });
    std::copy(order.begin(), order.begin() + k, out.data_ptr<int64_t>() + q * k);
  }
  return out;
}

std::vector<int> KNeighborsClassifier::predict(const torch::Tensor& x) const {
  const torch::Tensor neighbours = kneighbors(x);
  const auto m = neighbours.size(0), k = neighbours.size(1);
  const auto index = neighbours.accessor<int64_t, 2>();
  std::vector<int> out;
  out.reserve(static_cast<std::size_t>(m));
  std::vector<std::size_t> votes(classes_.size());
  for (int64_t q = 0; q < m; ++q) {
    std::fill(votes.begin(), votes.end(), 0);
    for (int64_t j = 0; j < k; ++j) {
      ++votes[static_cast<std::size_t>(codes_[static_cast<std::size_t>(index[q][j])])];
    }
    // max_element returns the first maximum: the smallest tied class.
    const auto best = std::max_element(votes.begin(), votes.end()) - votes.begin();
    out.push_back(classes_[static_cast<std::size_t>(best)]);
  }
  return out;
}

}  // namespace tavrnn::eval
