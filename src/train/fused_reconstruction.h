#pragma once
// Fused CPU kernels for norm * mean(BCEWithLogits(z z^T, A; pos_weight)):
// LibTorch's composite takes ~10 passes over the N'^2 logits and 9 ms per
// window at N' = 901; this takes one pass forward (writing dL/dlogits as it
// goes) and two thin GEMMs backward. Same math, same numbers to rounding.
#include <torch/types.h>

#include "tavrnn/train/loss.h"

namespace tavrnn::train::detail {

// The same loss for a symmetric target (target.symmetric): one vectorised
// pass over the upper triangle of z z^T computes the loss and dL/dz together
// (symmetric_bce_kernel.h); nothing N'^2 is stored, backward is one multiply.
torch::Tensor fused_symmetric_bce(const torch::Tensor& z, const ReconstructionTarget& target);

// z: [N', Z] (requires grad); entry_weight = (1 + (pw - 1) A) norm / N'^2 and
// entry_offset = -pw A norm / N'^2 (see ReconstructionTarget), CPU.
torch::Tensor fused_inner_product_bce(const torch::Tensor& z, const torch::Tensor& entry_weight,
                                      const torch::Tensor& entry_offset);

}  // namespace tavrnn::train::detail
