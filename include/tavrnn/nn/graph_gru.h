#pragma once
// Graph GRU (MODEL.md section 4): every gate is a GraphConv over A_t with
// identity activation and a bias.
//   s      = sigmoid(GCN_xz(u) + GCN_hz(h))
//   r      = sigmoid(GCN_xr(u) + GCN_hr(h))
//   h_cand = tanh(GCN_xh(u) + GCN_hh(r * h))
//   g      = s * h + (1 - s) * h_cand
#include "tavrnn/nn/gcn.h"

namespace tavrnn::nn {

struct GraphGRUOptions {
  GraphGRUOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  /// Width of the input u (2H in TAVRNN: [phi_x, phi_z]).
  TORCH_ARG(int64_t, input_size);
  /// Width of the hidden state h.
  TORCH_ARG(int64_t, hidden_size);
};

class GraphGRUImpl : public torch::nn::Cloneable<GraphGRUImpl> {
 public:
  explicit GraphGRUImpl(GraphGRUOptions options);
  void reset() override;
  void reset_parameters(at::Generator& generator);
  void pretty_print(std::ostream& stream) const override;

  // u: [N, input], h: [N, hidden] -> g: [N, hidden]. The three input-side
  // gates share one adjacency product (their Thetas side by side), and so do
  // the two hidden-side gates that act on h itself.
  torch::Tensor forward(const torch::Tensor& u, const torch::Tensor& h,
                        const NormalizedAdjacency& a_hat);

  GraphGRUOptions options;
  GraphConv xz{nullptr}, hz{nullptr}, xr{nullptr}, hr{nullptr}, xh{nullptr}, hh{nullptr};
};
TORCH_MODULE(GraphGRU);

}  // namespace tavrnn::nn
