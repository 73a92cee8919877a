#pragma once
// GraphConv: D^-1/2 A D^-1/2 H Theta + b (MODEL.md section 3), Glorot init.
#include <torch/nn/cloneable.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "tavrnn/nn/normalized_adjacency.h"

namespace tavrnn::nn {

struct GraphConvOptions {
  GraphConvOptions(int64_t in_features, int64_t out_features)
      : in_features_(in_features), out_features_(out_features) {}
  /// Width of the node features coming in.
  TORCH_ARG(int64_t, in_features);
  /// Width of the node features going out.
  TORCH_ARG(int64_t, out_features);
  /// Add a learned bias b (zero-initialised).
  TORCH_ARG(bool, bias) = true;
};

class GraphConvImpl : public torch::nn::Cloneable<GraphConvImpl> {
 public:
  explicit GraphConvImpl(GraphConvOptions options);
  GraphConvImpl(int64_t in_features, int64_t out_features)
      : GraphConvImpl(GraphConvOptions(in_features, out_features)) {}

  void reset() override;
  // Glorot-uniform Theta from `generator`, zero bias.
  void reset_parameters(at::Generator& generator);
  void pretty_print(std::ostream& stream) const override;

  // x: [N, in] -> [N, out]. Theta is applied first when it narrows the
  // features (in > out), so the N x N product runs on the smaller side.
  torch::Tensor forward(const torch::Tensor& x, const NormalizedAdjacency& a_hat);

  GraphConvOptions options;
  torch::Tensor weight;  // Theta: [in, out]
  torch::Tensor bias;    // [out], undefined without bias
};
TORCH_MODULE(GraphConv);

}  // namespace tavrnn::nn
