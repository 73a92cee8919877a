#pragma once
// The graph sequence in the form the model consumes: per window the
// normalised adjacency (computed once), the features, A for the
// reconstruction loss and its loss weights (computed once, so the training
// loop never reads values back from the device).
#include <vector>

#include <torch/types.h>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/nn/tavrnn.h"
#include "tavrnn/train/held_out_edges.h"
#include "tavrnn/train/loss.h"

namespace tavrnn::train {

struct TrainingData {
  std::vector<nn::StepGraph> steps;
  std::vector<torch::Tensor> adjacency;  // A_t [N', N'] as stored: dense or sparse COO
  std::vector<ReconstructionWeights> weights;
  std::vector<ReconstructionTarget> targets;  // what sequence_loss consumes
  std::vector<HeldOutPairs> held_out;  // per window; empty: every edge is trained on
  nn::AdjacencyFormat format = nn::AdjacencyFormat::Auto;
  int64_t n_nodes = 0;
  int64_t x_dim = 0;
  std::size_t size() const { return steps.size(); }
};

// From adjacency matrices (each [N', N'], dense or sparse COO: a sparse A is
// never densified) and features ([N', F], dense or sparse).
TrainingData make_training_data(const std::vector<torch::Tensor>& adjacency,
                                const std::vector<torch::Tensor>& features, torch::Device device,
                                torch::ScalarType dtype,
                                nn::AdjacencyFormat format = nn::AdjacencyFormat::Auto,
                                bool warn_degenerate = true);

TrainingData make_training_data(const graphs::GraphSequence& sequence, torch::Device device,
                                torch::ScalarType dtype,
                                nn::AdjacencyFormat format = nn::AdjacencyFormat::Auto,
                                bool warn_degenerate = true);

// The same data with a fraction of each window's edges held out
// (held_out_edges.h): removed from A_hat and the target, and every held-out
// pair excluded from the loss.
TrainingData with_held_out_edges(const TrainingData& data, double fraction, std::uint64_t seed);
// The same drawing from `generator`, which is advanced (hold_out_edges).
TrainingData with_held_out_edges(const TrainingData& data, double fraction, at::Generator& generator);

}  // namespace tavrnn::train
