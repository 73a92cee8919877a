#pragma once
// Checkpoints: model parameters, optimiser state, the random generator's
// state, the epoch, the training log so far and the full configuration, in
// one LibTorch archive written atomically. Loading maps every tensor to the
// requested device, so a model trained on a GPU loads on a CPU-only machine.
#include <filesystem>
#include <limits>
#include <string>
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
  double feat = 0;  // the feature head's error, sum over windows (0 without one)
  // Held-out pairs (held_out_edges.h); NaN without validation.
  double val_loss = std::numeric_limits<double>::quiet_NaN();
  double val_auc = std::numeric_limits<double>::quiet_NaN();
  double val_ap = std::numeric_limits<double>::quiet_NaN();
  bool has_validation() const { return val_auc == val_auc; }
};

struct TrainingState {
  int64_t epochs_done = 0;
  std::vector<EpochRecord> log;
  double best_value = 0;    // of the monitored quantity (TrainerOptions::monitor), as a score: higher is better
  int64_t best_epoch = 0;   // epoch of best_value: its parameters are those before that epoch's step
  int64_t epochs_since_best = 0;
  bool stopped_early = false;
  std::vector<torch::Tensor> best_parameters;  // module().parameters() at best_epoch (keep_best only)
  // A finished run that keeps its best epoch: that epoch (its parameters are
  // the model); 0: the model is the last step's parameters.
  int64_t kept_epoch = 0;
  nlohmann::json config;  // model, trainer options, input provenance
  // Generator states of sequences 1.. of a run over several sequences
  // (sequence 0 draws from the trainer's generator, saved on its own).
  std::vector<torch::Tensor> sequence_rng_states;

  // The epoch whose parameters the model holds: kept_epoch, else the last.
  int64_t model_epoch() const { return kept_epoch > 0 ? kept_epoch : epochs_done; }
  // That epoch's record in the log (null when the log lacks it).
  const EpochRecord* model_epoch_record() const;
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

// The same from a checkpoint's bytes (what rank 0 sends the other ranks of a
// distributed run); `name` says where they came from in errors.
nlohmann::json read_checkpoint_config_bytes(const std::string& bytes, const std::filesystem::path& name);
TrainingState load_checkpoint_bytes(const std::string& bytes, const std::filesystem::path& name,
                                    SequenceModel& model, torch::optim::Optimizer* optimizer,
                                    at::Generator* generator, torch::Device device);

// Puts state.best_parameters into `model` when the run kept its best epoch
// (state.kept_epoch > 0); else leaves the model as it is.
void use_kept_parameters(SequenceModel& model, const TrainingState& state);

}  // namespace tavrnn::train
