#pragma once
// The settings of each stage, as values: what a user chose, in the words of
// the command line and the config file (`device = "cuda"`, `rmt =
// "shuffle:1000"`). Each has its OptionTable (option_table.h), the one list of
// its options that the CLI, `tavrnn run` configs and the Python module share,
// and resolves into the library's own option structs when its stage runs.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/io/recording_io.h"
#include "tavrnn/pipeline/option_table.h"
#include "tavrnn/report/report_content.h"
#include "tavrnn/report/run_figures.h"
#include "tavrnn/train/model_config.h"
#include "tavrnn/train/trainer.h"

namespace tavrnn::pipeline {

// How a recording file is read (`tavrnn graphs FILE ...`, `[recording]`).
struct RecordingSettings {
  std::filesystem::path path;
  std::string format = "auto";
  io::RecordingReadOptions read;
  std::string labels_csv;
  std::string behaviour_axis;  // "" or "first-pc"
  io::RecordingReadOptions resolve() const;
};
// Every option but the path (positional on the command line, `path` in a config).
OptionTable recording_options(RecordingSettings& s);

struct SimulateSettings {
  std::string preset = "small";
  std::uint64_t seed = 1;
  std::size_t units = 0;   // 0 = the preset's own
  double duration = 0.0;   // seconds; 0 = the preset's own
  std::size_t animals = 1;  // > 1: simulate_animals (run_simulate_animals)
};
OptionTable simulate_options(SimulateSettings& s);

struct GraphsSettings {
  std::string windows;  // required: sliding:SIZE:STEP | segments[...] | explicit:FILE | trials
  std::string select;   // "5,14,17": keep these windows of the plan, in this order
  double theta = 0.0;
  std::string rmt = "none";
  bool history_node = false;
  std::string features = "identity";
  std::size_t top_k = 0;
  std::string dtype = "float32";
  std::string device = "cpu";
  std::string storage = "auto";
  std::string weights = "auto";
  std::uint64_t seed = 0;
  // Throws Error naming the option for a bad value (before any work).
  graphs::GraphBuilderOptions builder_options() const;
};
OptionTable graphs_options(GraphsSettings& s);

struct DeviceSettings {
  std::string device = "cpu";
  std::string dtype = "float32";
  torch::Device resolve_device() const;  // Error when CUDA is asked for and absent
  torch::ScalarType resolve_dtype() const;
};

// The model's architecture options (fit, compare and the config's [fit] and
// [compare] all take these).
struct ModelSettings {
  std::string model = "tavrnn";
  train::ModelConfig config;
  bool freeze_gru_gates = false;
  // The configuration for a graph sequence (its feature width, history node).
  train::ModelConfig resolve(const graphs::GraphSequence& sequence) const;
};

struct FitSettings {
  ModelSettings model;
  DeviceSettings device;
  train::TrainerOptions trainer;
  bool last_epoch = false;  // clears trainer.keep_best (a flag that switches the default off)
  // "latent=4,8,16 lr=0.01,0.003": fit every combination of these fit
  // options and keep the one with the best held-out score (model_selection.h).
  std::string select;
  bool sample_z = false;  // also keep sampled z, as the reference embeds
  std::string reconstruction = "full";  // or "sampled:K" (sets trainer.sampled_non_edges)
  // Files in, files out: read the graphs file a piece at a time (the
  // trainer's bptt_windows windows; all at once without) instead of whole.
  bool stream = false;
};
OptionTable fit_options(FitSettings& s);

struct EmbedSettings {
  DeviceSettings device;
  bool sample_z = false;
  std::uint64_t seed = 0;  // of the sampled z
};
OptionTable embed_options(EmbedSettings& s);

struct EvaluateSettings {
  std::filesystem::path labels;  // one label per window ('-' = none), replacing the windows' labels
  std::filesystem::path groups;  // one group per unit ('-' = none), replacing the recording's groups
  std::string contrast;          // "high:low"
  std::string scheme = "k-fold";
  // Shared runs: recordings whose names contain the same match of this
  // regular expression are one group (left out together, compared as one).
  std::string recording_group;
  eval::EvaluationOptions options;
};
OptionTable evaluate_options(EvaluateSettings& s);

// The comparison grid: models x embedding widths x seeds, each trained with
// fit's options (every one but the grid's axes: model, latent, seed).
struct CompareSettings {
  std::vector<std::string> models{"tavrnn", "vgrnn", "vgae", "pca-activity", "corr-pca", "rates"};
  std::vector<std::int64_t> latent{2, 4, 8, 16, 32};
  std::size_t seeds = 20;
  std::uint64_t first_seed = 0;
  FitSettings fit;
  eval::EvaluationOptions evaluation;
  CompareSettings();
};
OptionTable compare_options(CompareSettings& s);

struct FiguresSettings {
  std::string windows;   // "I,J,...": windows of the connectivity figure
  std::string contrast;  // "high:low"
  std::string matrix = "W";
  std::string population = "tsne";
  std::uint64_t seed = 0;
  report::RunFigureOptions resolve() const;
};
OptionTable figures_options(FiguresSettings& s);

struct ReportSettings {
  report::ReportOptions options;
};
OptionTable report_options(ReportSettings& s);

}  // namespace tavrnn::pipeline
