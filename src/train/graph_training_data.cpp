// The graph stage's GraphSequence as training data.
#include <torch/torch.h>

#include "tavrnn/train/training_data.h"

namespace tavrnn::train {

TrainingData make_training_data(const graphs::GraphSequence& sequence, torch::Device device,
                                torch::ScalarType dtype, nn::AdjacencyFormat format, bool warn_degenerate) {
  std::vector<torch::Tensor> adjacency, features;
  // Identity features as one sparse identity shared by every window: N'
  // entries instead of T dense N' x N' matrices (8 GB at N' = 10,000, T =
  // 20), and phi_x(I) is a sparse product. The same numbers: X W^T with X
  // the identity is exact either way.
  torch::Tensor identity;
  if (sequence.settings().features == graphs::NodeFeatures::Identity) {
    const auto n = static_cast<int64_t>(sequence.n_nodes());
    const auto diagonal = torch::arange(n, torch::kInt64);
    identity = torch::sparse_coo_tensor(torch::stack({diagonal, diagonal}),
                                        torch::ones({n}, torch::TensorOptions().dtype(dtype)),
                                        {n, n})
                   ._coalesced_(true);
  }
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    adjacency.push_back(sequence.graph(t).adjacency);  // sparse stays sparse
    features.push_back(identity.defined() ? identity : sequence.features(t));
  }
  return make_training_data(adjacency, features, device, dtype, format, warn_degenerate);
}

}  // namespace tavrnn::train
