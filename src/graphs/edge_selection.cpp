#include "edge_selection.h"

#include <algorithm>
#include <vector>

#include <torch/torch.h>

namespace tavrnn::graphs::detail {
namespace {

torch::Tensor meets_theta(const torch::Tensor& magnitude, double theta) {
  return theta > 0 ? magnitude.ge(theta) : magnitude.gt(0);
}

int64_t rows_per_block(const torch::Tensor& r, std::size_t block_bytes) {
  const auto row_bytes = static_cast<std::size_t>(r.size(1)) * r.element_size();
  return std::max<int64_t>(1, static_cast<int64_t>(block_bytes / std::max<std::size_t>(row_bytes, 1)));
}

UnitEdges by_threshold(const torch::Tensor& r, double theta, std::size_t block_bytes) {
  const int64_t n = r.size(0), step = rows_per_block(r, block_bytes);
  std::vector<torch::Tensor> rows, columns, magnitudes;
  for (int64_t begin = 0; begin < n; begin += step) {
    const int64_t count = std::min(step, n - begin);
    auto magnitude = r.narrow(0, begin, count).abs();
    magnitude.diagonal(begin).fill_(1.0);  // (i - begin, i): the self loops
    const auto nz = meets_theta(magnitude, theta).nonzero();
    const auto local_rows = nz.select(1, 0), block_columns = nz.select(1, 1);
    rows.push_back(local_rows + begin);
    columns.push_back(block_columns.contiguous());
    magnitudes.push_back(magnitude.index({local_rows, block_columns}));
  }
  return {torch::cat(rows), torch::cat(columns), torch::cat(magnitudes)};
}

UnitEdges by_top_k(const torch::Tensor& r, double theta, int64_t k, std::size_t block_bytes) {
  const int64_t n = r.size(0), step = rows_per_block(r, block_bytes);
  std::vector<torch::Tensor> keys;
  for (int64_t begin = 0; begin < n; begin += step) {
    const int64_t count = std::min(step, n - begin);
    auto scores = r.narrow(0, begin, count).abs();
    scores.diagonal(begin).fill_(-1.0);  // a unit is never its own neighbour
    const auto nearest = std::get<1>(scores.topk(k, 1));
    const auto i = torch::arange(begin, begin + count, nearest.options()).unsqueeze(1).expand_as(nearest);
    keys.push_back((i * n + nearest).reshape(-1));
    keys.push_back((nearest * n + i).reshape(-1));  // symmetrised: chosen by either end
  }
  keys.push_back(torch::arange(n, torch::TensorOptions().dtype(torch::kInt64).device(r.device())) * (n + 1));
  const auto unique = std::get<0>(at::_unique(torch::cat(keys), /*sorted=*/true));
  const auto rows = unique.div(n, "floor"), columns = unique.remainder(n);
  auto magnitude = r.index({rows, columns}).abs();
  const auto loop = rows.eq(columns);
  magnitude.masked_fill_(loop, 1.0);
  const auto keep = meets_theta(magnitude, theta).logical_or_(loop);
  return {rows.masked_select(keep), columns.masked_select(keep), magnitude.masked_select(keep)};
}

}  // namespace

UnitEdges select_unit_edges(const torch::Tensor& r, double theta, std::optional<std::size_t> top_k,
                            std::size_t block_bytes) {
  const int64_t n = r.size(0);
  if (top_k && static_cast<int64_t>(*top_k) < n - 1) {
    return by_top_k(r, theta, static_cast<int64_t>(*top_k), block_bytes);
  }
  return by_threshold(r, theta, block_bytes);
}

}  // namespace tavrnn::graphs::detail
