#include "tavrnn/eval/frame_alignment.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {

torch::Tensor align_frames(const torch::Tensor& units, const FrameAlignmentOptions& options) {
  if (units.dim() != 3 || units.size(0) < 1) {
    throw Error(fmt::format("aligning frames: expected node embeddings [windows, nodes, Z], found {}",
                            c10::str(units.sizes())));
  }
  const auto x = units.to(torch::kFloat64);
  auto consensus = x[0];
  torch::Tensor aligned = x;
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    // R_t = U V^T for X_t^T M = U S V^T (orthogonal Procrustes), all windows at once.
    const auto cross = torch::matmul(x.transpose(1, 2), consensus);
    const auto [u, s, vh] = torch::linalg_svd(cross, false);
    aligned = torch::matmul(x, torch::matmul(u, vh));
    const auto next = aligned.mean(0);
    const double change = (next - consensus).norm().item<double>();
    const double scale = std::max(next.norm().item<double>(), 1e-300);
    consensus = next;
    if (change <= options.tolerance * scale) break;
  }
  return aligned;
}

}  // namespace tavrnn::eval
