#include "tavrnn/nn/tavrnn.h"

#include <fmt/format.h>

#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::nn {

namespace F = torch::nn::functional;

TavrnnImpl::TavrnnImpl(TavrnnOptions options_) : options(std::move(options_)) { reset(); }

void TavrnnImpl::reset() {
  const int64_t h = options.hidden();
  const int64_t z = options.latent();
  phi_x = register_module("phi_x", torch::nn::Linear(options.x_dim(), h));
  phi_z = register_module("phi_z", torch::nn::Linear(z, h));
  enc = register_module("enc", GraphConv(GraphConvOptions(2 * h, h).bias(false)));
  enc_mean = register_module("enc_mean", GraphConv(GraphConvOptions(h, z).bias(false)));
  enc_std = register_module("enc_std", GraphConv(GraphConvOptions(h, z).bias(false)));
  prior = register_module("prior", torch::nn::Linear(h, h));
  prior_mean = register_module("prior_mean", torch::nn::Linear(h, z));
  prior_std = register_module("prior_std", torch::nn::Linear(h, z));
  gru = register_module("gru", GraphGRU(GraphGRUOptions(2 * h, h)));
  if (options.attention()) {
    attention = register_module(
        "attention", TemporalAttention(TemporalAttentionOptions(h)
                                           .width(options.attention_width())
                                           .summary(options.attention_summary())));
  } else {
    attention = nullptr;
  }
  for (auto& p : gru->parameters()) p.set_requires_grad(options.train_gru_gates());
}

void TavrnnImpl::reset_parameters(at::Generator& generator) {
  reset_linear(phi_x, generator);
  reset_linear(phi_z, generator);
  enc->reset_parameters(generator);
  enc_mean->reset_parameters(generator);
  enc_std->reset_parameters(generator);
  reset_linear(prior, generator);
  reset_linear(prior_mean, generator);
  reset_linear(prior_std, generator);
  gru->reset_parameters(generator);
  if (attention) attention->reset_parameters(generator);
}

void TavrnnImpl::pretty_print(std::ostream& stream) const {
  stream << "tavrnn::nn::Tavrnn(x_dim=" << options.x_dim() << ", hidden=" << options.hidden()
         << ", latent=" << options.latent() << ", attention=" << std::boolalpha
         << options.attention() << ", train_gru_gates=" << options.train_gru_gates() << ")";
}

std::vector<torch::Tensor> TavrnnImpl::trainable_parameters() {
  std::vector<torch::Tensor> out;
  for (const auto& item : named_parameters()) {
    if (!options.train_gru_gates() && item.key().rfind("gru.", 0) == 0) continue;
    out.push_back(item.value());
  }
  return out;
}

std::vector<torch::Tensor> TavrnnImpl::encode_moments(const torch::Tensor& encoded,
                                                      const NormalizedAdjacency& a_hat) {
  // Both GCNs read the same input over the same graph and have no bias: when
  // they multiply by Theta first (H > Z), one adjacency product of width 2Z
  // serves both, one pass over A_hat instead of two.
  if (options.hidden() > options.latent() && !enc_mean->bias.defined() && !enc_std->bias.defined()) {
    const auto both = a_hat.apply(torch::mm(encoded, torch::cat({enc_mean->weight, enc_std->weight}, 1)));
    return both.split(options.latent(), 1);
  }
  return {enc_mean->forward(encoded, a_hat), enc_std->forward(encoded, a_hat)};
}

void RecurrentState::truncate() {
  if (h.defined()) h = h.detach();  // VGAE carries no state
  if (history) history->truncate();
}

RecurrentState TavrnnImpl::initial_state(int64_t n_nodes, int64_t windows, const torch::TensorOptions& like) const {
  RecurrentState state;
  state.h = torch::zeros({n_nodes, options.hidden()}, like.layout(torch::kStrided));
  if (attention) {
    state.history = std::make_shared<AttentionHistory>(windows, n_nodes * options.hidden(), options.hidden(), state.h);
  }
  return state;
}

SequenceOutput TavrnnImpl::forward(const std::vector<StepGraph>& steps, const torch::Tensor& noise) {
  if (steps.empty()) throw Error("TAVRNN forward: expected at least one window, found none");
  // Strided whatever X is (identity features are a sparse identity).
  RecurrentState state = initial_state(steps.front().features.size(0), static_cast<int64_t>(steps.size()),
                                       steps.front().features.options());
  return forward(steps, noise, state);
}

SequenceOutput TavrnnImpl::forward(const std::vector<StepGraph>& steps, const torch::Tensor& noise,
                                   RecurrentState& state) {
  if (steps.empty()) throw Error("TAVRNN forward: expected at least one window, found none");
  const int64_t n_nodes = steps.front().features.size(0);
  if (noise.dim() != 3 || noise.size(0) != static_cast<int64_t>(steps.size()) ||
      noise.size(1) != n_nodes || noise.size(2) != options.latent()) {
    throw Error("TAVRNN forward: noise must be [T, N', Z]");
  }
  if (!state.h.defined() || state.h.size(0) != n_nodes || (attention && !state.history)) {
    throw Error(fmt::format("TAVRNN forward: the recurrent state is not one of {} nodes{}", n_nodes,
                            attention ? " with an attention history" : ""));
  }
  SequenceOutput out;
  torch::Tensor h = state.h;
  for (std::size_t t = 0; t < steps.size(); ++t) {
    const StepGraph& step = steps[t];
    TORCH_CHECK(step.features.size(0) == n_nodes && step.features.size(1) == options.x_dim(),
                "TAVRNN forward: window ", t, " has features of shape ", step.features.sizes(),
                ", expected [", n_nodes, ", ", options.x_dim(), "]");
    const auto px = torch::relu(phi_x->forward(step.features));
    const auto encoded = torch::relu(enc->forward(torch::cat({px, h}, 1), step.a_hat));
    const auto moments = encode_moments(encoded, step.a_hat);
    const auto mu = moments[0];
    const auto sigma = F::softplus(moments[1]);
    const auto p = torch::relu(prior->forward(h));
    const auto mu_p = prior_mean->forward(p);
    const auto sigma_p = F::softplus(prior_std->forward(p));
    const auto z = mu + sigma * noise[static_cast<int64_t>(t)];
    const auto pz = torch::relu(phi_z->forward(z));
    const auto g = gru->forward(torch::cat({px, pz}, 1), h, step.a_hat);
    torch::Tensor alpha;
    if (attention) {
      AttentionOutput attended = attention->step(*state.history, g);
      h = attended.state;
      alpha = attended.weights;
    } else {
      h = g;
      alpha = torch::ones({1}, g.options());
    }
    out.mu.push_back(mu);
    out.sigma.push_back(sigma);
    out.prior_mu.push_back(mu_p);
    out.prior_sigma.push_back(sigma_p);
    out.z.push_back(z);
    out.h.push_back(h);
    out.alpha.push_back(alpha);
  }
  state.h = h;
  state.steps += static_cast<int64_t>(steps.size());
  return out;
}

}  // namespace tavrnn::nn
