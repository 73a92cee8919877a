#pragma once
// One model over several graph sequences: sessions, animals, cultures
// (docs/training.md, "Several recordings, one model"). The sequences may
// differ in unit and window counts; their node features must have one width
// (`--features descriptors` has the same 8 columns for any recording), and
// all have a history node or none. Each sequence keeps its name, and its
// embeddings come out apart.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/pipeline/stage_settings.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/train/embeddings.h"
#include "tavrnn/train/trainer.h"
#include "tavrnn/train/window_source.h"

namespace tavrnn::pipeline {

struct SharedFit {
  train::ModelConfig config;
  train::TrainerOptions options;
  train::TrainingResult result;  // epochs done, the summed loss's log, timing
  std::vector<std::string> names;              // one per sequence, in training order
  std::vector<train::Embeddings> embeddings;   // the same order
  std::shared_ptr<train::Trainer> trainer;     // holds the model (embed other sequences with it)
  train::SequenceModel& model() const { return trainer->model(); }
};

// Trains one model on every sequence and embeds each. `names` (one per
// sequence) must be distinct, non-empty and usable as file names. One
// sequence trains exactly as fit() does. No `select`.
SharedFit fit_shared(const std::vector<graphs::GraphSequence>& sequences, const std::vector<std::string>& names,
                     const FitSettings& settings, const Checkpointing& checkpointing = {});
// The same from window sources (graphs files read piece by piece), with
// each one's header (windows' infos and names).
SharedFit fit_shared(const std::vector<train::WindowSource*>& windows,
                     const std::vector<const graphs::GraphSequence*>& headers, const std::vector<std::string>& names,
                     const FitSettings& settings, const Checkpointing& checkpointing = {});

// The names of sequences read from `graphs` files: `names` (comma-separated,
// one per file) when given, else each file's stem. Error for a count
// mismatch, an empty or duplicate name, or one that is not a plain file name.
std::vector<std::string> sequence_names(const std::vector<std::filesystem::path>& graphs, const std::string& names);

// Files in, files out: trains on the graphs files and writes model.pt,
// training_log.csv, run.json (its "sequences" list each file, hash and
// embeddings file) and embeddings/NAME.npz per sequence into `run`.
// With `separate`, also fits each sequence alone with the same settings
// into RUN/separate/NAME/ (the control evaluate compares the shared model
// with).
std::string run_fit_shared(const std::vector<std::filesystem::path>& graphs, const std::vector<std::string>& names,
                           const FitSettings& settings, const RunDirectory& run,
                           ExistingModel existing = ExistingModel::Refuse, bool separate = false);

// Whether `run` holds a model over several sequences (run.json lists them).
bool is_shared_run(const RunDirectory& run);

// Metrics of a shared run (docs/evaluation.md, "Several recordings"): each
// sequence's own metrics, then leave-one-recording-out decoding and
// consistency of the shared model's population embeddings, and the same of
// the separately fitted models in RUN/separate/ when they are all there.
// The population decoded across recordings is settings.options.population
// ("auto": history with a history node, else mean).
nlohmann::json evaluate_shared(const RunDirectory& run, const EvaluateSettings& settings);
std::string run_evaluate_shared(const RunDirectory& run, const EvaluateSettings& settings,
                                const std::filesystem::path& out = {});

}  // namespace tavrnn::pipeline
