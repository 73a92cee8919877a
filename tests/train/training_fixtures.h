#pragma once
// Graph sequences, a model and parameter checks that the trainer's tests
// (one sequence, several, several ranks) build the same way.
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "tavrnn/train/trainer.h"

namespace tavrnn::train::fixtures {

constexpr int64_t kFeatures = 5;

// T random symmetric graphs of n nodes with self loops and kFeatures random
// feature columns: sequences of any size that one model can read.
inline TrainingData sequence_of(int64_t t_steps, int64_t n, double density, std::uint64_t seed,
                                torch::ScalarType dtype = torch::kFloat64) {
  auto gen = at::detail::createCPUGenerator(seed);
  std::vector<torch::Tensor> adjacency, features;
  for (int64_t t = 0; t < t_steps; ++t) {
    auto u = torch::empty({n, n}, torch::kFloat64).uniform_(0, 1, gen);
    auto a = ((u + u.t()) / 2 < density).to(torch::kFloat64);
    a.fill_diagonal_(1.0);
    adjacency.push_back(a);
    features.push_back(torch::empty({n, kFeatures}, torch::kFloat64).normal_(0, 1, gen));
  }
  return make_training_data(adjacency, features, torch::kCPU, dtype);
}

// A small model over kFeatures features.
inline ModelConfig small_model() {
  ModelConfig c;
  c.x_dim = kFeatures;
  c.hidden = 12;
  c.latent = 4;
  return c;
}

// Copies of the trainer's parameters, as they are now.
inline std::vector<torch::Tensor> parameters_of(Trainer& trainer) {
  std::vector<torch::Tensor> out;
  for (const auto& p : trainer.model().module().parameters()) out.push_back(p.detach().clone());
  return out;
}

inline bool bitwise_equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace tavrnn::train::fixtures
