#pragma once
// D^-1/2 A D^-1/2 of one window's graph (MODEL.md section 3), computed once
// per window and shared by every graph convolution of that step. Dense for
// dense graphs, sparse for sparse ones.
#include <memory>

#include <torch/types.h>

namespace tavrnn::nn {
namespace detail {
struct CsrMatrix;
}

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

  // x: [N, F] -> [N, F], A_hat x. Differentiable in x. The sparse CPU path
  // keeps pointers into this object in the autograd graph: it must outlive
  // the backward pass (TrainingData owns it for a whole run).
  torch::Tensor apply(const torch::Tensor& x) const;

  bool is_sparse() const { return sparse_; }
  int64_t n_nodes() const { return n_nodes_; }
  const torch::Tensor& matrix() const { return matrix_; }
  NormalizedAdjacency to(torch::Device device, torch::ScalarType dtype) const;

 private:
  void build_csr(const torch::Tensor& normalized);
  torch::Tensor matrix_;  // dense, or sparse COO
  std::shared_ptr<const detail::CsrMatrix> csr_;             // CPU sparse path
  std::shared_ptr<const detail::CsrMatrix> csr_transposed_;  // == csr_ when symmetric
  bool sparse_ = false;
  int64_t n_nodes_ = 0;
};

}  // namespace tavrnn::nn
