#pragma once
// D^-1/2 A D^-1/2 of one window's graph (MODEL.md section 3), computed once
// per window and shared by every graph convolution of that step. Dense for
// dense graphs, sparse for sparse ones.
#include <torch/types.h>

namespace tavrnn::nn {

enum class AdjacencyFormat { Auto, Dense, Sparse };

class NormalizedAdjacency {
 public:
  NormalizedAdjacency() = default;
  // adjacency: [N, N] 0/1 (dense or sparse COO), used as given (no extra
  // self loops); a node of degree 0 gets a zero row and column. Auto picks
  // sparse below `sparse_below_density` of non-zeros.
  static NormalizedAdjacency from(const torch::Tensor& adjacency,
                                  AdjacencyFormat format = AdjacencyFormat::Auto,
                                  double sparse_below_density = 0.05);

  // x: [N, F] -> [N, F], A_hat x. Differentiable in x.
  torch::Tensor apply(const torch::Tensor& x) const;

  bool is_sparse() const { return sparse_; }
  int64_t n_nodes() const { return n_nodes_; }
  const torch::Tensor& matrix() const { return matrix_; }
  NormalizedAdjacency to(torch::Device device, torch::ScalarType dtype) const;

 private:
  torch::Tensor matrix_;
  bool sparse_ = false;
  int64_t n_nodes_ = 0;
};

}  // namespace tavrnn::nn
