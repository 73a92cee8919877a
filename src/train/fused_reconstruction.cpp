#include "fused_reconstruction.h"

#include <torch/torch.h>

namespace tavrnn::train::detail {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Per entry, with x the logit, y in {0, 1} and pw the positive weight:
//   loss     = pw y softplus(-x) + (1 - y) softplus(x)
//            = (1 + (pw - 1) y) softplus(x) - pw y x
//   dloss/dx = (1 + (pw - 1) y) sigmoid(x) - pw y
// With w = (1 + (pw - 1) y) s and o = -pw y s (s = norm / N'^2, both
// precomputed per window) the scaled loss is dot(softplus(x), w) + dot(x, o)
// and its gradient sigmoid(x) w + o: four passes over the logits in all.
// softplus switches to x above 50, where log1p(exp(x)) - x < 2e-22.
struct InnerProductBce : public torch::autograd::Function<InnerProductBce> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& z,
                               const torch::Tensor& entry_weight, const torch::Tensor& entry_offset) {
    const auto logits = torch::mm(z, z.t()).view(-1);
    const auto w = entry_weight.reshape(-1);
    const auto o = entry_offset.reshape(-1);
    const auto softplus = torch::nn::functional::softplus(
        logits, torch::nn::functional::SoftplusFuncOptions().beta(1).threshold(50));
    const auto loss = torch::dot(softplus, w) + torch::dot(logits, o);
    const auto gradient = torch::addcmul(o, torch::sigmoid(logits), w).view({z.size(0), z.size(0)});
    ctx->save_for_backward({z, gradient});
    return loss;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    const auto saved = ctx->get_saved_variables();
    const auto& z = saved[0];
    const auto& gradient = saved[1];  // dL/dlogits
    // logits = z z^T, so dL/dz = (G + G^T) z.
    auto grad_z = (torch::mm(gradient, z) + torch::mm(gradient.t(), z)) * grad_output[0];
    return {grad_z, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fused_inner_product_bce(const torch::Tensor& z, const torch::Tensor& entry_weight,
                                      const torch::Tensor& entry_offset) {
  return InnerProductBce::apply(z, entry_weight, entry_offset);
}

}  // namespace tavrnn::train::detail
