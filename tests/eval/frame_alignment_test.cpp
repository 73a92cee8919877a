#include "tavrnn/eval/frame_alignment.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

torch::Tensor random_orthogonal(int64_t z, at::Generator& gen) {
  const auto m = torch::randn({z, z}, gen, torch::kFloat64);
  return std::get<0>(torch::linalg_qr(m));  // Q of a Gaussian matrix: orthogonal, reflections included
}

// Windows that are one embedding seen in a different frame each, plus noise.
torch::Tensor rotated_copies(const torch::Tensor& base, int64_t windows, double noise, at::Generator& gen) {
  std::vector<torch::Tensor> out;
  for (int64_t t = 0; t < windows; ++t) {
    const auto x = base + noise * torch::randn(base.sizes(), gen, torch::kFloat64);
    out.push_back(torch::mm(x, random_orthogonal(base.size(1), gen)));
  }
  return torch::stack(out);
}

TEST(AlignFrames, UndoesEachWindowsRotation) {
  auto gen = at::detail::createCPUGenerator(3);
  const auto base = torch::randn({30, 4}, gen, torch::kFloat64);
  const auto windows = rotated_copies(base, 6, 0.0, gen);
  const auto aligned = align_frames(windows);
  ASSERT_EQ(aligned.sizes(), windows.sizes());
  // One frame: every window equals the first (up to rounding), though each
  // started in its own.
  for (int64_t t = 1; t < 6; ++t) {
    EXPECT_LT((aligned[t] - aligned[0]).abs().max().item<double>(), 1e-9) << "window " << t;
    EXPECT_GT((windows[t] - windows[0]).abs().max().item<double>(), 0.1) << "window " << t;
  }
}

TEST(AlignFrames, KeepsEveryWindowsInnerProductsAndBringsNoisyWindowsTogether) {
  auto gen = at::detail::createCPUGenerator(4);
  const auto base = torch::randn({25, 5}, gen, torch::kFloat64);
  const auto windows = rotated_copies(base, 8, 0.1, gen);
  const auto aligned = align_frames(windows);
  const auto gram = torch::bmm(windows, windows.transpose(1, 2));
  const auto gram_aligned = torch::bmm(aligned, aligned.transpose(1, 2));
  EXPECT_LT((gram - gram_aligned).abs().max().item<double>(), 1e-9);
  // Aligned, the windows differ by about the noise (0.1 per entry), not by
  // the rotations (entries of order 1).
  const double spread_before = (windows - windows.mean(0)).pow(2).mean().sqrt().item<double>();
  const double spread_after = (aligned - aligned.mean(0)).pow(2).mean().sqrt().item<double>();
  EXPECT_LT(spread_after, 0.15);
  EXPECT_GT(spread_before, 0.5);
}

TEST(AlignFrames, RefusesOtherShapes) {
  EXPECT_THROW(align_frames(torch::zeros({3, 4})), Error);
  EXPECT_THROW(align_frames(torch::zeros({0, 4, 2})), Error);
}

}  // namespace
}  // namespace tavrnn::eval
