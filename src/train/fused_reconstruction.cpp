#include "fused_reconstruction.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "symmetric_bce_kernel.h"

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

template <typename T>
double symmetric_bce(const torch::Tensor& z, const torch::Tensor& z_transposed,
                     const ReconstructionTarget& target, torch::Tensor& grad) {
  SymmetricBceProblem<T> problem;
  problem.z = z.data_ptr<T>();
  problem.z_transposed = z_transposed.data_ptr<T>();
  problem.n = z.size(0);
  problem.latent = z.size(1);
  problem.row_offsets = target.row_offsets.data_ptr<int64_t>();
  problem.columns = target.columns.data_ptr<int64_t>();
  problem.values = target.values.data_ptr<T>();
  problem.pos_weight = target.weights.pos_weight;
  problem.scale = target.weights.norm / static_cast<double>(problem.n * problem.n);
  // A fixed number of interleaved row blocks, each with its own column
  // accumulator, summed in block order: the same numbers on any thread count.
  constexpr int64_t kBlocks = 16;
  const auto n = static_cast<std::size_t>(problem.n);
  const auto width = static_cast<std::size_t>(problem.latent) * n;
  std::vector<double> row_loss(n);
  std::vector<T> column_grad(kBlocks * width, T(0));
  T* grad_data = grad.data_ptr<T>();
  at::parallel_for(0, kBlocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> scratch(3 * n);
    for (int64_t b = begin; b < end; ++b) {
      symmetric_bce_rows(problem, b, kBlocks, grad_data, column_grad.data() + b * width, row_loss.data(),
                         scratch.data());
    }
  });
  for (int64_t b = 1; b < kBlocks; ++b) {
    const T* from = column_grad.data() + b * width;
    T* into = column_grad.data();
    for (std::size_t e = 0; e < width; ++e) into[e] += from[e];
  }
  for (std::size_t j = 0; j < n; ++j) {
    for (int64_t k = 0; k < problem.latent; ++k) grad_data[j * problem.latent + k] += column_grad[k * n + j];
  }
  double loss = 0;
  for (const double v : row_loss) loss += v;
  return loss;
}

// The loss and its gradient come out of one pass, so backward only scales.
struct SymmetricInnerProductBce : public torch::autograd::Function<SymmetricInnerProductBce> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& z_in,
                               const ReconstructionTarget* target) {
    const auto z = z_in.contiguous();
    TORCH_CHECK(target->values.scalar_type() == z.scalar_type(), "reconstruction target of dtype ",
                target->values.scalar_type(), " for embeddings of dtype ", z.scalar_type());
    const auto z_transposed = z.t().contiguous();
    auto grad = torch::empty_like(z);
    double loss = 0;
    AT_DISPATCH_FLOATING_TYPES(z.scalar_type(), "symmetric_bce", [&] {
      loss = symmetric_bce<scalar_t>(z, z_transposed, *target, grad);
    });
    ctx->save_for_backward({grad});
    return torch::full({}, loss, z.options());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    return {ctx->get_saved_variables()[0] * grad_output[0], torch::Tensor()};
  }
};

}  // namespace

torch::Tensor fused_symmetric_bce(const torch::Tensor& z, const ReconstructionTarget& target) {
  return SymmetricInnerProductBce::apply(z, &target);
}

torch::Tensor fused_inner_product_bce(const torch::Tensor& z, const torch::Tensor& entry_weight,
                                      const torch::Tensor& entry_offset) {
  return InnerProductBce::apply(z, entry_weight, entry_offset);
}

}  // namespace tavrnn::train::detail
