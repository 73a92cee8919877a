#pragma once
// Checkpoints: model parameters, optimiser state, the random generator's
// state, the epoch, the training log so far and the full configuration, in
// one LibTorch archive written atomically. Loading maps every tensor to the
// requested device, so a model trained on a GPU loads on a CPU-only machine.
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "tavrnn/train/model_config.h"

namespace torch::optim {
class Optimizer;
}

namespace tavrnn::train {

struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double loss = 0, kl = 0, nll = 0;
  double seconds = 0;
};

struct TrainingState {
  int64_t epochs_done = 0;
  std::vector<EpochRecord> log;
  double best_loss = 0;
  int64_t epochs_since_best = 0;
  bool stopped_early = false;
  nlohmann::json config;  // model, trainer options, input provenance
};

void save_checkpoint(const std::filesystem::path& path, SequenceModel& model,
                     torch::optim::Optimizer* optimizer, const at::Generator& generator,
                     const TrainingState& state);

// The configuration alone, to rebuild the model before loading its weights.
nlohmann::json read_checkpoint_config(const std::filesystem::path& path);

// Loads into an already built model (and optimiser and generator when given).
TrainingState load_checkpoint(const std::filesystem::path& path, SequenceModel& model,
                              torch::optim::Optimizer* optimizer, at::Generator* generator,
                              torch::Device device);

}  // namespace tavrnn::train
