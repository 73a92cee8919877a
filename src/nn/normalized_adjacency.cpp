#include "tavrnn/nn/normalized_adjacency.h"

#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "sparse_product.h"

namespace tavrnn::nn {
namespace {

// D^-1/2 with 0 for a node of degree 0.
torch::Tensor inverse_sqrt_degree(const torch::Tensor& degree) {
  return torch::where(degree > 0, degree.pow(-0.5), torch::zeros_like(degree));
}

}  // namespace

NormalizedAdjacency NormalizedAdjacency::from(const torch::Tensor& adjacency,
                                              AdjacencyFormat format,
                                              double sparse_below_density) {
  if (adjacency.dim() != 2 || adjacency.size(0) != adjacency.size(1)) {
    throw Error("normalised adjacency: expected a square [N, N] matrix, found shape " +
                std::string(c10::str(adjacency.sizes())));
  }
  NormalizedAdjacency out;
  out.n_nodes_ = adjacency.size(0);
  const double n = static_cast<double>(out.n_nodes_);
  if (adjacency.is_sparse()) {
    // Never densified unless asked to be: at N' = 10,000 a dense A_hat is
    // 400 MB per window.
    const auto coo = adjacency.coalesce();
    const auto rows = coo.indices()[0];
    const auto columns = coo.indices()[1];
    const auto values = coo.values();
    const auto inv_sqrt =
        inverse_sqrt_degree(torch::zeros({out.n_nodes_}, values.options()).index_add_(0, rows, values));
    const auto scaled = values * inv_sqrt.index_select(0, rows) * inv_sqrt.index_select(0, columns);
    const auto normalized = torch::sparse_coo_tensor(coo.indices(), scaled, coo.sizes())._coalesced_(true);
    const double nnz = static_cast<double>(values.ne(0).sum().item<int64_t>());
    out.sparse_ = format == AdjacencyFormat::Sparse ||
                  (format == AdjacencyFormat::Auto && nnz < sparse_below_density * n * n);
    out.matrix_ = out.sparse_ ? normalized : normalized.to_dense().contiguous();
    if (out.sparse_) out.build_csr(out.matrix_);
    return out;
  }
  const auto inv_sqrt = inverse_sqrt_degree(adjacency.sum(1));
  torch::Tensor normalized = inv_sqrt.unsqueeze(1) * adjacency * inv_sqrt.unsqueeze(0);
  bool sparse = format == AdjacencyFormat::Sparse;
  if (format == AdjacencyFormat::Auto) {
    const double nnz = static_cast<double>((adjacency != 0).sum().item<int64_t>());
    sparse = nnz < sparse_below_density * n * n;
  }
  out.sparse_ = sparse;
  out.matrix_ = sparse ? normalized.to_sparse().coalesce() : normalized.contiguous();
  if (sparse) out.build_csr(out.matrix_);
  return out;
}

void NormalizedAdjacency::build_csr(const torch::Tensor& normalized) {
  if (!normalized.device().is_cpu()) {
    csr_.reset();
    csr_transposed_.reset();
    return;
  }
  csr_ = std::make_shared<const detail::CsrMatrix>(detail::to_csr(normalized));
  csr_transposed_ = detail::is_symmetric(normalized)
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
  if (sparse_) out.build_csr(out.matrix_.coalesce());
  return out;
}

}  // namespace tavrnn::nn
