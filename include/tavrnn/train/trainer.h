#pragma once
// Training (MODEL.md section 5): Adam, one step per epoch over the whole
// window sequence, as the reference does; seeded, checkpointed, resumable.
// One model may also be trained over several sequences (other recordings,
// other unit counts, features of one width): the recurrent state starts
// afresh for each, their losses add up, and each draws its noise and its
// held-out edges from its own generator, so that a sequence's numbers do not
// depend on which others share the run or where they are computed.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "tavrnn/train/checkpoint.h"
#include "tavrnn/train/model_config.h"
#include "tavrnn/train/training_data.h"
#include "tavrnn/train/window_source.h"

namespace tavrnn::distributed {
class ProcessGroup;
}

namespace tavrnn::train {

struct TrainerOptions {
  int64_t epochs = 200;
  double learning_rate = 1e-2;
  double clip_grad_norm = 0.0;           // 0: off (the reference defines 10 but never applies it)
  // Fraction of each window's edges (and as many non-edges) held out of
  // training to score it (held_out_edges.h); 0: off, every edge is trained
  // on (the reference). Drawn with its own generator seeded from `seed`.
  double validation_fraction = 0.1;
  // 0: the full reconstruction loss over all N'^2 pairs (MODEL.md); K >= 1:
  // the sampled loss, every edge and K non-edges per node, unbiased for it
  // (sampled_reconstruction.h; `--reconstruction sampled:K`). CPU only.
  int64_t sampled_non_edges = 0;
  // Truncated back-propagation through time: 0 (the default) runs each
  // epoch over the whole sequence at once; k >= 1 runs it k windows at a
  // time, carrying the state (and the attention history) forward but
  // cutting the gradient between pieces, and accumulates the pieces'
  // gradients into the epoch's one step. Memory then holds one piece's
  // activations (and, from a GraphFileWindows, one piece's graphs). Each
  // piece draws its own noise, so k < T changes the numbers; k >= T is the
  // full pass exactly.
  int64_t bptt_windows = 0;
  // Several sequences: false (the default) takes one Adam step per epoch on
  // the sum of their losses; true takes one after each sequence, in order.
  bool step_per_sequence = false;
  // What early stopping and the kept parameters follow: "auto" (val-auc with
  // validation, else loss), "val-auc", "val-ap", "val-loss" or "loss".
  std::string monitor = "auto";
  // 0: off (every epoch up to `epochs` runs); else stop after this many
  // epochs without a relative improvement of the monitored value this large.
  int64_t early_stopping_patience = 20;
  double early_stopping_min_delta = 1e-4;
  // With early stopping, end with the parameters of the best epoch (not the last).
  bool keep_best = true;
  std::uint64_t seed = 0;
  torch::Device device = torch::kCPU;
  torch::ScalarType dtype = torch::kFloat32;
  int64_t checkpoint_every = 10;         // epochs; a checkpoint is also written at the end
  bool progress = true;
  // Called after each epoch (and its checkpoint, when one is due) with that
  // epoch's record; returning false stops training there, after a
  // checkpoint of the epoch. The Python module's callback and Ctrl-C go
  // through it. Not part of the configuration (to_json).
  std::function<bool(const EpochRecord&)> on_epoch;
  // Data-parallel training (docs/distributed.md): this process is one rank
  // of `group` and trains the sequences distributed::sequence_owner gives
  // it; the ranks add up their gradients and sums each epoch, so every rank
  // holds the parameters a single process would (to rounding). Rank 0
  // writes the checkpoints. Null or one rank: alone. Not part of to_json.
  std::shared_ptr<distributed::ProcessGroup> group;

  nlohmann::json to_json() const;
  // `monitor` with "auto" resolved; Error for an unknown name.
  std::string resolved_monitor() const;
};

struct TrainingResult {
  TrainingState state;
  double seconds = 0;  // this call's wall time
  bool resumed = false;
  bool stopped_by_caller = false;  // on_epoch returned false before the last epoch
  std::string monitor;             // what early stopping followed (resolved)
};

class Trainer {
 public:
  Trainer(ModelConfig model_config, TrainerOptions options);

  // Trains on `data`, checkpointing to `checkpoint` (atomically; an empty
  // path keeps the model in memory only). With
  // `resume`, continues from that checkpoint: it must hold the same model
  // configuration; training then runs until options.epochs in total.
  // `provenance` (input hashes, graph settings) is stored in the checkpoint.
  TrainingResult fit(const TrainingData& data, const std::filesystem::path& checkpoint,
                     bool resume, const nlohmann::json& provenance = {});
  // The same from any window source (window_source.h): a graphs file read
  // piece by piece trains exactly as the same graphs in memory.
  TrainingResult fit(WindowSource& windows, const std::filesystem::path& checkpoint, bool resume,
                     const nlohmann::json& provenance = {});
  // One model over several sequences (same feature width and history node,
  // any unit and window counts). The first sequence draws from generator()
  // as a lone one does, so one sequence here trains exactly as above. With
  // a group of several ranks, the sequences another rank trains are null
  // here (every rank passes the same count).
  TrainingResult fit(const std::vector<WindowSource*>& sequences, const std::filesystem::path& checkpoint,
                     bool resume, const nlohmann::json& provenance = {});

  SequenceModel& model() { return model_; }
  at::Generator& generator() { return generator_; }

 private:
  ModelConfig model_config_;
  TrainerOptions options_;
  SequenceModel model_;
  at::Generator generator_;
};

// The seed of sequence `index`'s own generator (noise, sampled non-edges)
// when the trainer's seed is `seed`; sequence 0 uses the trainer's generator.
std::uint64_t sequence_seed(std::uint64_t seed, std::size_t index);

// The monitored value of an epoch ("val-auc", "val-ap", "val-loss" or
// "loss") as a score, higher being better (losses are negated).
double monitored_score(const EpochRecord& record, const std::string& monitor);

// Draws the T x N' x Z standard normal noise of one epoch from `generator`
// on the CPU in float64 (so CPU and GPU runs draw the same numbers).
torch::Tensor draw_noise(at::Generator& generator, int64_t windows, int64_t nodes, int64_t latent,
                         torch::Device device, torch::ScalarType dtype);

}  // namespace tavrnn::train
