#pragma once
// VGAE (Kipf & Welling 2016), the static baseline: each window is encoded on
// its own, with a standard normal prior and the same inner-product decoder
// and loss as TAVRNN. One set of weights is shared by all windows.
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>

#include "tavrnn/nn/gcn.h"
#include "tavrnn/nn/tavrnn.h"

namespace tavrnn::nn {

struct VgaeOptions {
  explicit VgaeOptions(int64_t x_dim) : x_dim_(x_dim) {}
  /// Width of the node features X_t.
  TORCH_ARG(int64_t, x_dim);
  /// Hidden width of the first graph convolution.
  TORCH_ARG(int64_t, hidden) = 32;
  /// Latent width Z.
  TORCH_ARG(int64_t, latent) = 8;
};

class VgaeImpl : public torch::nn::Cloneable<VgaeImpl> {
 public:
  explicit VgaeImpl(VgaeOptions options);
  void reset() override;
  void reset_parameters(at::Generator& generator);
  void pretty_print(std::ostream& stream) const override;

  // Same outputs as Tavrnn::forward: prior N(0, I), h = the encoder's hidden
  // layer, alpha = ones(1).
  SequenceOutput forward(const std::vector<StepGraph>& steps, const torch::Tensor& noise);

  VgaeOptions options;
  GraphConv enc{nullptr}, enc_mean{nullptr}, enc_std{nullptr};
};
TORCH_MODULE(Vgae);

}  // namespace tavrnn::nn
