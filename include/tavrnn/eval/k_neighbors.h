#pragma once
// k-nearest-neighbours classification as scikit-learn's
// KNeighborsClassifier(n_neighbors, weights="uniform", metric Euclidean):
// each query takes the majority label of its k nearest training samples.
//   Vote ties: the smallest class label among the tied ones wins (sklearn's
//     scipy.stats.mode picks the smallest).
//   Distance ties at the k-th neighbour: the training sample with the
//     smaller index is taken. sklearn leaves this order to its sort; it only
//     matters when tied samples carry different labels.
// Distances are computed from coordinate differences in float64.
#include <cstddef>
#include <vector>

#include <torch/types.h>

namespace tavrnn::eval {

class KNeighborsClassifier {
 public:
  explicit KNeighborsClassifier(std::size_t n_neighbors = 5);

  // x: [n, d] (any device, floating dtype), labels: n ints. Throws Error if
  // n < n_neighbors (sklearn refuses k larger than the training set too).
  KNeighborsClassifier& fit(const torch::Tensor& x, const std::vector<int>& labels);

  // x: [m, d] -> m predicted labels.
  std::vector<int> predict(const torch::Tensor& x) const;

  // Indices into the training set of each query's k nearest samples,
  // nearest first ([m, k], int64).
  torch::Tensor kneighbors(const torch::Tensor& x) const;

  std::size_t n_neighbors() const { return n_neighbors_; }

 private:
  std::size_t n_neighbors_;
  torch::Tensor train_;          // [n, d] float64 CPU
  std::vector<int> codes_;       // class index of each training sample
  std::vector<int> classes_;     // ascending
};

}  // namespace tavrnn::eval
