#include "tavrnn/nn/normalized_adjacency.h"

#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "sparse_product.h"

namespace tavrnn::nn {

NormalizedAdjacency NormalizedAdjacency::from(const torch::Tensor& adjacency,
                                              AdjacencyFormat format,
                                              double sparse_below_density) {
  if (adjacency.dim() != 2 || adjacency.size(0) != adjacency.size(1)) {
    throw Error("normalised adjacency: expected a square [N, N] matrix, found shape " +
                std::string(c10::str(adjacency.sizes())));
  }
  NormalizedAdjacency out;
  out.n_nodes_ = adjacency.size(0);
  torch::Tensor dense = adjacency.is_sparse() ? adjacency.to_dense() : adjacency;
  const auto degree = dense.sum(1);
  auto inv_sqrt = degree.pow(-0.5);
  inv_sqrt = torch::where(degree > 0, inv_sqrt, torch::zeros_like(inv_sqrt));
  torch::Tensor normalized = inv_sqrt.unsqueeze(1) * dense * inv_sqrt.unsqueeze(0);
  bool sparse = format == AdjacencyFormat::Sparse;
  if (format == AdjacencyFormat::Auto) {
    const double nnz = static_cast<double>((dense != 0).sum().item<int64_t>());
    const double n = static_cast<double>(out.n_nodes_);
    sparse = nnz < sparse_below_density * n * n;
  }
  out.sparse_ = sparse;
  out.matrix_ = sparse ? normalized.to_sparse().coalesce() : normalized.contiguous();
  if (sparse) out.build_csr(normalized);
  return out;
}

void NormalizedAdjacency::build_csr(const torch::Tensor& normalized) {
  if (!normalized.device().is_cpu()) {
    csr_.reset();
    csr_transposed_.reset();
    return;
  }
  csr_ = std::make_shared<const detail::CsrMatrix>(detail::to_csr(normalized));
  csr_transposed_ = torch::equal(normalized, normalized.t())
                        ? csr_
                        : std::make_shared<const detail::CsrMatrix>(detail::to_csr(normalized.t()));
}

torch::Tensor NormalizedAdjacency::apply(const torch::Tensor& x) const {
  if (!sparse_) return torch::mm(matrix_, x);
  if (csr_ && x.device().is_cpu()) return detail::csr_product(*csr_, *csr_transposed_, x);
  // Sparse COO x dense on other devices: differentiable in the dense argument.
  return torch::mm(matrix_, x);
}

NormalizedAdjacency NormalizedAdjacency::to(torch::Device device, torch::ScalarType dtype) const {
  NormalizedAdjacency out = *this;
  out.matrix_ = matrix_.to(device, dtype);
  if (sparse_) out.build_csr(out.matrix_.to_dense());
  return out;
}

}  // namespace tavrnn::nn
