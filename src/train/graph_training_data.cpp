// The graph stage's GraphSequence as training data.
#include <torch/torch.h>

#include "tavrnn/train/training_data.h"

namespace tavrnn::train {

TrainingData make_training_data(const graphs::GraphSequence& sequence, torch::Device device,
                                torch::ScalarType dtype, nn::AdjacencyFormat format) {
  std::vector<torch::Tensor> adjacency, features;
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    adjacency.push_back(sequence.dense_adjacency(t));
    features.push_back(sequence.features(t));
  }
  return make_training_data(adjacency, features, device, dtype, format);
}

}  // namespace tavrnn::train
