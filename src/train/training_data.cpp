#include "tavrnn/train/training_data.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::train {

TrainingData make_training_data(const std::vector<torch::Tensor>& adjacency,
                                const std::vector<torch::Tensor>& features, torch::Device device,
                                torch::ScalarType dtype, nn::AdjacencyFormat format,
                                bool warn_degenerate) {
  if (adjacency.empty() || adjacency.size() != features.size()) {
    throw Error(fmt::format("training data: expected one feature matrix per graph and at least "
                            "one graph, found {} graphs and {} feature matrices",
                            adjacency.size(), features.size()));
  }
  TrainingData data;
  data.format = format;
  data.n_nodes = adjacency.front().size(0);
  data.x_dim = features.front().size(1);
  for (std::size_t t = 0; t < adjacency.size(); ++t) {
    const auto a = adjacency[t].is_sparse() ? adjacency[t].to(device, dtype).coalesce()
                                            : adjacency[t].to(device, dtype);
    const auto x = features[t].to(device, dtype);
    if (a.dim() != 2 || a.size(0) != data.n_nodes || a.size(1) != data.n_nodes ||
        x.dim() != 2 || x.size(0) != data.n_nodes || x.size(1) != data.x_dim) {
      throw Error(fmt::format("training data: window {}: expected A [{}, {}] and X [{}, {}], "
                              "found {} and {}",
                              t, data.n_nodes, data.n_nodes, data.n_nodes, data.x_dim,
                              c10::str(a.sizes()), c10::str(x.sizes())));
    }
    const double edges = (a.is_sparse() ? a.values().sum() : a.sum()).item<double>();
    data.weights.push_back(reconstruction_weights(static_cast<double>(data.n_nodes), edges));
    if (warn_degenerate && data.weights.back().degenerate) {
      spdlog::warn("window {}: A has {} of {} possible edges, so the loss weights of MODEL.md "
                   "section 5 are undefined; using pos_weight = 1, norm = 1 (plain mean BCE)",
                   t, edges, data.n_nodes * data.n_nodes);
    }
    data.steps.push_back({nn::NormalizedAdjacency::from(a, format), x});
    data.adjacency.push_back(a);
    data.targets.push_back(ReconstructionTarget::make(a, data.weights.back()));
  }
  return data;
}

TrainingData with_held_out_edges(const TrainingData& data, double fraction, std::uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  return with_held_out_edges(data, fraction, generator);
}

TrainingData with_held_out_edges(const TrainingData& data, double fraction, at::Generator& generator) {
  EdgeSplit split = hold_out_edges(data.adjacency, fraction, generator);
  std::vector<torch::Tensor> features;
  for (const auto& step : data.steps) features.push_back(step.features);
  const auto dtype = data.adjacency.front().scalar_type();
  const auto device = data.adjacency.front().device();
  // Its windows' degeneracy was reported when `data` was made.
  TrainingData held = make_training_data(split.training_adjacency, features, device, dtype, data.format, false);
  for (std::size_t t = 0; t < held.targets.size(); ++t) {
    // On the data's device once: the loss and every epoch's scores index with them.
    HeldOutPairs& pairs = split.held_out[t];
    if (pairs.empty()) continue;
    pairs.first = pairs.first.to(device);
    pairs.second = pairs.second.to(device);
    held.targets[t].excluded_first = pairs.first;
    held.targets[t].excluded_second = pairs.second;
  }
  held.held_out = std::move(split.held_out);
  return held;
}

}  // namespace tavrnn::train
