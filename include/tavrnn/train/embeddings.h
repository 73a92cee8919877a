#pragma once
// Embeddings of a trained model (MODEL.md section 6) and the embeddings.npz
// a scientist opens in numpy (keys documented in docs/formats.md).
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/train/model_config.h"
#include "tavrnn/train/training_data.h"
#include "tavrnn/train/window_source.h"

namespace tavrnn::train {

struct Embeddings {
  torch::Tensor mu;                  // [T, N', Z] posterior means: the default embedding
  torch::Tensor sigma;               // [T, N', Z] posterior standard deviations
  torch::Tensor z;                   // [T, N', Z] sampled z (undefined unless asked for)
  torch::Tensor population_mean;     // [T, Z] mean of mu over units (history node excluded)
  torch::Tensor population_history;  // [T, Z] the history node's mu (undefined without one)
  torch::Tensor attention;           // [T, T] row t: weights over the states step t attended,
                                     // right-aligned (column t = its own GRU output)
};

// Embeddings holding `mu` [T, N', Z] and the population embeddings derived
// from it: the mean over the units, and the history node's row when
// `history_node_index` names one (what embed computes; for embeddings made
// elsewhere, e.g. handed over from Python).
Embeddings embeddings_from_mu(torch::Tensor mu, std::optional<std::size_t> history_node_index);

// Runs the model over the sequence without noise (z = mu drives the
// recurrence, so embeddings are deterministic); with `sample_z` a second pass
// draws z = mu + sigma eps from `generator`, as the reference does.
Embeddings embed(SequenceModel& model, const TrainingData& data,
                 std::optional<std::size_t> history_node_index, bool sample_z,
                 at::Generator& generator);
// The same from any window source, `piece_windows` windows at a time (0:
// all at once); the result does not depend on it.
Embeddings embed(SequenceModel& model, WindowSource& windows, std::optional<std::size_t> history_node_index,
                 bool sample_z, at::Generator& generator, std::size_t piece_windows = 0);

// Writes embeddings with the window and unit metadata of `sequence` and the
// `extra` scalars (model kind, seed) as 0-d arrays or strings.
void save_embeddings(const std::filesystem::path& path, const Embeddings& embeddings,
                     const graphs::GraphSequence& sequence, const ModelConfig& config);
// The same for any model by name (baselines): sigma, z, population_history
// and attention are written when defined; `history_node` says whether mu
// holds the sequence's history node as its last row.
void save_embeddings(const std::filesystem::path& path, const Embeddings& embeddings,
                     const graphs::GraphSequence& sequence, const std::string& model_name,
                     bool history_node);

}  // namespace tavrnn::train
