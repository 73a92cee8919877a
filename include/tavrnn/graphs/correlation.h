#pragma once
// Zero-lag Pearson correlation between the rows of activity windows
// (MODEL.md section 2, step 1), with tensor operations: centre each row,
// scale it to unit norm, one matrix product per window, windows of equal
// length stacked into one batched product.
#include <torch/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "tavrnn/recording/windows.h"

namespace tavrnn::graphs {

struct PearsonCorrelation {
  torch::Tensor r;              // [..., N, N]: in [-1, 1], diagonal 1
  torch::Tensor zero_variance;  // [..., N] bool: rows whose r row/column is 0
};

// Rows centred and scaled to unit Euclidean norm, so that z z^T is the
// correlation matrix. A row with zero variance (every value equal, tested
// exactly rather than by a tolerance on the norm) becomes 0.
// y: [..., N, L] floating -> z: [..., N, L] in y's dtype and device.
// `zero_variance`, when given, receives the [..., N] bool mask.
// `reuse`, when given, is written into if it has y's shape and options (and
// set to the result otherwise), so that a caller can keep one buffer.
torch::Tensor unit_norm_rows(const torch::Tensor& y, torch::Tensor* zero_variance = nullptr,
                             torch::Tensor* reuse = nullptr);

// Buffers pearson_correlation writes into when they fit (and replaces when
// they do not): the activity, the centred rows and r of the last window.
struct PearsonWorkspace {
  torch::Tensor y, centred, r;
};

// y: [N, L] or [T, N, L] -> r: [N, N] or [T, N, N], computed in y's
// floating dtype (float32 default of the builder, float64 for parity). A
// zero-variance row gets a row and column of 0 (numpy.corrcoef gives NaN
// there; MODEL.md maps it to 0), every diagonal entry is 1, and entries are
// clipped to [-1, 1] as numpy.corrcoef does.
// With a workspace, r is its buffer: valid until the next call with it.
PearsonCorrelation pearson_correlation(const torch::Tensor& y, PearsonWorkspace* workspace = nullptr);

// Activity of one window: [N, L] from a recording's [N, B] tensor; the
// ranges of a concatenated segment are joined in order. A single range is
// a view, several are copied.
torch::Tensor window_activity(const torch::Tensor& activity, const Window& window);

// Pearson correlation of every window, in order. Consecutive windows of
// equal length are stacked and multiplied as one batch while the batch's
// tensors (activity, centred rows, r) fit in `max_batch_bytes`; a window
// that alone exceeds it is computed on its own. `consume(index, y, r)`
// gets each window's activity [N, L] and its correlation.
//
// Each batch's activity is copied out of `activity` into the dtype and
// device of `compute` (default: the activity's own), so the whole
// recording is never converted at once: only a batch is. The y and r a
// consumer gets are valid during its call only: a window too large to batch
// reuses one set of buffers (PearsonWorkspace) for every such window.
using CorrelationConsumer = std::function<void(std::size_t window_index, const torch::Tensor& y,
                                               const PearsonCorrelation& correlation)>;
void for_each_window_correlation(const torch::Tensor& activity, const std::vector<Window>& windows,
                                 std::size_t max_batch_bytes, const CorrelationConsumer& consume,
                                 std::optional<torch::TensorOptions> compute = std::nullopt);

}  // namespace tavrnn::graphs
