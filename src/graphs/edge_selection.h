#pragma once
// The edges of one window's graph between units, read from r a block of rows
// at a time: theta, the optional top-k union and the self loops, never more
// than one block of |r| in flight besides r itself (at N = 10,000 a full
// |r|, its mask and a dense A would be 900 MB per window).
#include <cstddef>
#include <optional>

#include <torch/types.h>

namespace tavrnn::graphs::detail {

struct UnitEdges {
  torch::Tensor rows, columns;  // int64 [E], row-major order, no repeats, self loops included
  torch::Tensor magnitudes;     // [E] |r| in r's dtype (1 on the diagonal)
  int64_t size() const { return rows.numel(); }
};

// A_ij = 1[|r_ij| >= theta] (theta > 0) or 1[|r_ij| > 0] (theta = 0); with
// top_k, only where j is among the k largest |r| of row i or i among those of
// row j; A_ii = 1. Rows are read in blocks of at most `block_bytes`.
UnitEdges select_unit_edges(const torch::Tensor& r, double theta, std::optional<std::size_t> top_k,
                            std::size_t block_bytes = std::size_t{8} << 20);

}  // namespace tavrnn::graphs::detail
