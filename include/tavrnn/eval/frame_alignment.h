#pragma once
// One frame for every window's node embeddings. The inner-product decoder
// sees only z z^T, so each window's embeddings are defined up to an
// orthogonal transform of their own: concatenating them (the `units`
// readout) compares coordinates that may be rotated between windows.
// Generalised Procrustes analysis removes that freedom, and only that one:
// each window is rotated (or reflected) onto the consensus of all windows,
// which is re-estimated until it settles. Inner products within a window are
// unchanged.
#include <torch/types.h>

namespace tavrnn::eval {

struct FrameAlignmentOptions {
  int max_iterations = 100;
  double tolerance = 1e-10;  // relative change of the consensus that ends the iteration
};

// units: [T, N, Z] (one window's node embeddings per row, any float dtype
// and device). Returns [T, N, Z] in float64: window t times its orthogonal
// R_t = argmin ||X_t R - M||_F, M the mean of the aligned windows.
torch::Tensor align_frames(const torch::Tensor& units, const FrameAlignmentOptions& options = {});

}  // namespace tavrnn::eval
