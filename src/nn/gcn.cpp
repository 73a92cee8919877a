#include "tavrnn/nn/gcn.h"

#include <cmath>

#include <torch/torch.h>

namespace tavrnn::nn {

GraphConvImpl::GraphConvImpl(GraphConvOptions options_) : options(std::move(options_)) { reset(); }

void GraphConvImpl::reset() {
  weight = register_parameter("weight",
                              torch::empty({options.in_features(), options.out_features()}));
  if (options.bias()) {
    bias = register_parameter("bias", torch::zeros({options.out_features()}));
  } else {
    bias = torch::Tensor();
  }
  auto generator = at::detail::getDefaultCPUGenerator();
  reset_parameters(generator);
}

void GraphConvImpl::reset_parameters(at::Generator& generator) {
  torch::NoGradGuard no_grad;
  const double bound =
      std::sqrt(6.0 / static_cast<double>(options.in_features() + options.out_features()));
  weight.uniform_(-bound, bound, generator);
  if (bias.defined()) bias.zero_();
}

void GraphConvImpl::pretty_print(std::ostream& stream) const {
  stream << "tavrnn::nn::GraphConv(in_features=" << options.in_features()
         << ", out_features=" << options.out_features() << ", bias=" << std::boolalpha
         << options.bias() << ")";
}

torch::Tensor GraphConvImpl::forward(const torch::Tensor& x, const NormalizedAdjacency& a_hat) {
  // A sparse X (the identity features) is multiplied by Theta first whatever
  // the widths: A_hat (dense or CSR) times a sparse X has no kernel.
  torch::Tensor out = options.in_features() > options.out_features() || x.is_sparse()
                          ? a_hat.apply(torch::mm(x, weight))
                          : torch::mm(a_hat.apply(x), weight);
  return bias.defined() ? out + bias : out;
}

}  // namespace tavrnn::nn
