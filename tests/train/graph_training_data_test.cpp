#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/recording/windows.h"
#include "tavrnn/simulate/simulate.h"
#include "tavrnn/train/trainer.h"

namespace tavrnn::train {
namespace {

graphs::GraphSequence small_graphs(graphs::NodeFeatures features) {
  const SimulatedRecording sim = simulate("small", 3, {0, 60.0});
  graphs::GraphBuilderOptions options;
  options.theta = 0.2;
  options.history_node = true;
  options.features = features;
  return graphs::CorrelationGraphBuilder(options).build(
      sim.recording, WindowPlan::sliding(sim.recording, 300, 300));
}

// One forward and backward of the default model: mu per window and the
// gradient of every parameter.
std::vector<torch::Tensor> forward_and_gradients(const TrainingData& data) {
  ModelConfig config;
  config.x_dim = data.x_dim;
  config.history_node = true;
  SequenceModel model(config);
  auto generator = at::detail::createCPUGenerator(5);
  model.reset_parameters(generator);
  const auto noise = draw_noise(generator, static_cast<int64_t>(data.size()), data.n_nodes,
                                config.latent, torch::kCPU, torch::kFloat32);
  const auto out = model.forward(data.steps, noise);
  sequence_loss(out, data.targets).loss.backward();
  std::vector<torch::Tensor> result{torch::stack(out.mu).detach()};
  for (const auto& p : model.trainable_parameters()) result.push_back(p.grad().clone());
  return result;
}

TEST(GraphTrainingData, IdentityFeaturesAreOneSparseIdentityWithTheDenseOnesNumbers) {
  const graphs::GraphSequence sequence = small_graphs(graphs::NodeFeatures::Identity);
  ASSERT_GE(sequence.size(), 3u);
  const TrainingData sparse = make_training_data(sequence, torch::kCPU, torch::kFloat32,
                                                 nn::AdjacencyFormat::Dense);
  const auto n = static_cast<int64_t>(sequence.n_nodes());
  EXPECT_EQ(sparse.x_dim, n);
  for (const auto& step : sparse.steps) {
    EXPECT_TRUE(step.features.is_sparse());
    EXPECT_TRUE(step.features.is_same(sparse.steps.front().features));  // stored once
  }
  EXPECT_EQ(sparse.steps.front().features._nnz(), n);

  std::vector<torch::Tensor> adjacency, eye;
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    adjacency.push_back(sequence.dense_adjacency(t));
    eye.push_back(sequence.features(t));
  }
  const TrainingData dense = make_training_data(adjacency, eye, torch::kCPU, torch::kFloat32,
                                                nn::AdjacencyFormat::Dense);
  ASSERT_FALSE(dense.steps.front().features.is_sparse());
  const auto a = forward_and_gradients(sparse), b = forward_and_gradients(dense);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-5, 1e-6)) << i;
  }
}

TEST(GraphTrainingData, SparseStoredGraphsTrainLikeDenseOnesWithoutDensifying) {
  const SimulatedRecording sim = simulate("small", 3, {0, 60.0});
  graphs::GraphBuilderOptions options;
  options.theta = 0.3;
  options.history_node = true;
  const auto plan = WindowPlan::sliding(sim.recording, 300, 300);
  options.storage = graphs::StoragePolicy::Dense;
  const auto dense_graphs = graphs::CorrelationGraphBuilder(options).build(sim.recording, plan);
  options.storage = graphs::StoragePolicy::Sparse;
  const auto sparse_graphs = graphs::CorrelationGraphBuilder(options).build(sim.recording, plan);
  ASSERT_TRUE(sparse_graphs.graph(0).adjacency.is_sparse());
  for (const auto format : {nn::AdjacencyFormat::Sparse, nn::AdjacencyFormat::Dense}) {
    const TrainingData dense = with_held_out_edges(
        make_training_data(dense_graphs, torch::kCPU, torch::kFloat32, format), 0.1, 3);
    const TrainingData sparse = with_held_out_edges(
        make_training_data(sparse_graphs, torch::kCPU, torch::kFloat32, format), 0.1, 3);
    ASSERT_EQ(dense.size(), sparse.size());
    for (std::size_t t = 0; t < dense.size(); ++t) {
      EXPECT_TRUE(sparse.adjacency[t].is_sparse());
      EXPECT_TRUE(torch::equal(dense.adjacency[t], sparse.adjacency[t].to_dense()));
      EXPECT_EQ(dense.weights[t].pos_weight, sparse.weights[t].pos_weight);
      EXPECT_EQ(dense.weights[t].norm, sparse.weights[t].norm);
      EXPECT_TRUE(sparse.targets[t].symmetric);
      EXPECT_TRUE(torch::equal(dense.targets[t].row_offsets, sparse.targets[t].row_offsets));
      EXPECT_TRUE(torch::equal(dense.targets[t].columns, sparse.targets[t].columns));
      EXPECT_TRUE(torch::equal(dense.held_out[t].first, sparse.held_out[t].first));
      EXPECT_EQ(dense.steps[t].a_hat.is_sparse(), sparse.steps[t].a_hat.is_sparse());
    }
    const auto a = forward_and_gradients(dense), b = forward_and_gradients(sparse);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
  }
}

TEST(GraphTrainingData, RowFeaturesStayDenseRowsOfW) {
  const graphs::GraphSequence sequence = small_graphs(graphs::NodeFeatures::Rows);
  const TrainingData data = make_training_data(sequence, torch::kCPU, torch::kFloat32,
                                               nn::AdjacencyFormat::Dense);
  EXPECT_FALSE(data.steps.front().features.is_sparse());
  EXPECT_TRUE(data.steps.front().features.equal(sequence.features(0).to(torch::kFloat32)));
}

}  // namespace
}  // namespace tavrnn::train
