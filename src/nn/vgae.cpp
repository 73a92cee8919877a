#include "tavrnn/nn/vgae.h"

#include <torch/torch.h>

namespace tavrnn::nn {

namespace F = torch::nn::functional;

VgaeImpl::VgaeImpl(VgaeOptions options_) : options(std::move(options_)) { reset(); }

void VgaeImpl::reset() {
  enc = register_module("enc", GraphConv(GraphConvOptions(options.x_dim(), options.hidden()).bias(false)));
  enc_mean = register_module("enc_mean", GraphConv(GraphConvOptions(options.hidden(), options.latent()).bias(false)));
  enc_std = register_module("enc_std", GraphConv(GraphConvOptions(options.hidden(), options.latent()).bias(false)));
}

void VgaeImpl::reset_parameters(at::Generator& generator) {
  enc->reset_parameters(generator);
  enc_mean->reset_parameters(generator);
  enc_std->reset_parameters(generator);
}

void VgaeImpl::pretty_print(std::ostream& stream) const {
  stream << "tavrnn::nn::Vgae(x_dim=" << options.x_dim() << ", hidden=" << options.hidden()
         << ", latent=" << options.latent() << ")";
}

SequenceOutput VgaeImpl::forward(const std::vector<StepGraph>& steps, const torch::Tensor& noise) {
  SequenceOutput out;
  for (std::size_t t = 0; t < steps.size(); ++t) {
    const auto hidden = torch::relu(enc->forward(steps[t].features, steps[t].a_hat));
    const auto mu = enc_mean->forward(hidden, steps[t].a_hat);
    const auto sigma = F::softplus(enc_std->forward(hidden, steps[t].a_hat));
    out.mu.push_back(mu);
    out.sigma.push_back(sigma);
    out.prior_mu.push_back(torch::zeros_like(mu));
    out.prior_sigma.push_back(torch::ones_like(sigma));
    out.z.push_back(mu + sigma * noise[static_cast<int64_t>(t)]);
    out.h.push_back(hidden);
    out.alpha.push_back(torch::ones({1}, mu.options()));
  }
  return out;
}

}  // namespace tavrnn::nn
