#include "fused_reconstruction.h"

#include <cmath>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/torch.h>

namespace tavrnn::train::detail {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Per entry, with x the logit and y in {0, 1}:
//   loss = pos_weight y softplus(-x) + (1 - y) softplus(x)
//   dloss/dx = pos_weight y (sigmoid(x) - 1) + (1 - y) sigmoid(x)
// softplus(x) = max(x, 0) + log1p(exp(-|x|)) is stable for every x.
template <typename scalar_t>
double loss_and_gradient(const scalar_t* logits, const scalar_t* target, scalar_t* gradient,
                         int64_t count, double pos_weight, double scale) {
  std::vector<double> partial(static_cast<std::size_t>(at::get_num_threads()) + 1, 0.0);
  at::parallel_for(0, count, 1 << 14, [&](int64_t begin, int64_t end) {
    double sum = 0.0;
    for (int64_t i = begin; i < end; ++i) {
      const double x = static_cast<double>(logits[i]);
      const double y = static_cast<double>(target[i]);
      const double e = std::exp(-std::abs(x));
      const double log_term = std::log1p(e);
      const double softplus_pos = std::max(x, 0.0) + log_term;   // softplus(x)
      const double softplus_neg = std::max(-x, 0.0) + log_term;  // softplus(-x)
      sum += pos_weight * y * softplus_neg + (1.0 - y) * softplus_pos;
      const double sigmoid = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      gradient[i] = static_cast<scalar_t>(scale * (pos_weight * y * (sigmoid - 1.0) + (1.0 - y) * sigmoid));
    }
    partial[static_cast<std::size_t>(at::get_thread_num())] += sum;
  });
  double total = 0.0;
  for (double p : partial) total += p;
  return total;
}

struct InnerProductBce : public torch::autograd::Function<InnerProductBce> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& z,
                               const torch::Tensor& adjacency, double pos_weight, double norm) {
    const auto logits = torch::mm(z, z.t()).contiguous();
    const auto target = adjacency.contiguous();
    auto gradient = torch::empty_like(logits);
    const double scale = norm / static_cast<double>(logits.numel());
    double total = 0.0;
    AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "fused_inner_product_bce", [&] {
      total = loss_and_gradient<scalar_t>(logits.data_ptr<scalar_t>(), target.data_ptr<scalar_t>(),
                                          gradient.data_ptr<scalar_t>(), logits.numel(), pos_weight,
                                          scale);
    });
    ctx->save_for_backward({z, gradient});
    return torch::full({}, total * scale, z.options());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    const auto saved = ctx->get_saved_variables();
    const auto& z = saved[0];
    const auto& gradient = saved[1];  // dL/dlogits, already scaled by norm / N'^2
    // logits = z z^T, so dL/dz = (G + G^T) z.
    auto grad_z = (torch::mm(gradient, z) + torch::mm(gradient.t(), z)) * grad_output[0];
    return {grad_z, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fused_inner_product_bce(const torch::Tensor& z, const torch::Tensor& adjacency,
                                      double pos_weight, double norm) {
  return InnerProductBce::apply(z, adjacency, pos_weight, norm);
}

}  // namespace tavrnn::train::detail
