#include "tavrnn/nn/graph_gru.h"

#include <torch/torch.h>

namespace tavrnn::nn {

GraphGRUImpl::GraphGRUImpl(GraphGRUOptions options_) : options(std::move(options_)) { reset(); }

void GraphGRUImpl::reset() {
  const int64_t in = options.input_size();
  const int64_t hidden = options.hidden_size();
  // Registration order fixes the order of parameters() and of checkpoints.
  xz = register_module("xz", GraphConv(in, hidden));
  hz = register_module("hz", GraphConv(hidden, hidden));
  xr = register_module("xr", GraphConv(in, hidden));
  hr = register_module("hr", GraphConv(hidden, hidden));
  xh = register_module("xh", GraphConv(in, hidden));
  hh = register_module("hh", GraphConv(hidden, hidden));
}

void GraphGRUImpl::reset_parameters(at::Generator& generator) {
  for (auto* gate : {&xz, &hz, &xr, &hr, &xh, &hh}) (*gate)->reset_parameters(generator);
}

void GraphGRUImpl::pretty_print(std::ostream& stream) const {
  stream << "tavrnn::nn::GraphGRU(input_size=" << options.input_size()
         << ", hidden_size=" << options.hidden_size() << ")";
}

torch::Tensor GraphGRUImpl::forward(const torch::Tensor& u, const torch::Tensor& h,
                                    const NormalizedAdjacency& a_hat) {
  const int64_t hidden = options.hidden_size();
  // A_hat (u [T_xz T_xr T_xh]) + [b_xz b_xr b_xh]: one [N, N] x [N, 3H] product.
  const auto input_gates =
      a_hat.apply(torch::mm(u, torch::cat({xz->weight, xr->weight, xh->weight}, 1))) +
      torch::cat({xz->bias, xr->bias, xh->bias});
  const auto hidden_gates =
      a_hat.apply(torch::mm(h, torch::cat({hz->weight, hr->weight}, 1))) +
      torch::cat({hz->bias, hr->bias});
  const auto x_parts = input_gates.split(hidden, 1);
  const auto h_parts = hidden_gates.split(hidden, 1);
  const auto s = torch::sigmoid(x_parts[0] + h_parts[0]);
  const auto r = torch::sigmoid(x_parts[1] + h_parts[1]);
  const auto candidate = torch::tanh(x_parts[2] + hh->forward(r * h, a_hat));
  return s * h + (1 - s) * candidate;
}

}  // namespace tavrnn::nn
