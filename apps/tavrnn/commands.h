#pragma once
// The subcommands of the tavrnn CLI. Each file registers one subcommand and
// only wires library stages together (see docs/usage.md).
#include <functional>

#include <CLI/CLI.hpp>

#include "tavrnn/io/recording_io.h"
#include "tavrnn/train/model_config.h"

namespace tavrnn::graphs {
class GraphSequence;
}

namespace tavrnn::cli {

// The action a subcommand runs after parsing; returns the exit status.
using Action = std::function<int()>;

void register_simulate(CLI::App& app, Action& action);
void register_info(CLI::App& app, Action& action);
void register_graphs(CLI::App& app, Action& action);
void register_fit(CLI::App& app, Action& action);
void register_embed(CLI::App& app, Action& action);
void register_evaluate(CLI::App& app, Action& action);
void register_compare(CLI::App& app, Action& action);
void register_run(CLI::App& app, Action& action);
void register_report(CLI::App& app, Action& action);
void register_figures(CLI::App& app, Action& action);

// Options shared by every command that reads a recording.
struct RecordingInput {
  std::string path;
  io::RecordingReadOptions options;
  std::string format = "auto";
  std::string labels_csv;
  std::string behaviour_axis;
  io::RecordingReadOptions resolve() const;
};
// The recording is the positional argument (graphs, info), or `--recording`
// (compare, where it is optional).
enum class RecordingArgument { Positional, Option };
void add_recording_options(CLI::App& command, RecordingInput& input,
                           RecordingArgument argument = RecordingArgument::Positional);

// Model options shared by fit (and later compare).
struct ModelSettings {
  std::string model = "tavrnn";
  train::ModelConfig config;
  bool freeze_gru_gates = false;
  train::ModelConfig resolve(const graphs::GraphSequence& sequence) const;
};
void add_model_options(CLI::App& command, ModelSettings& settings);

struct DeviceSettings {
  std::string device = "cpu";
  std::string dtype = "float32";
  torch::Device resolve_device() const;
  torch::ScalarType resolve_dtype() const;
};
void add_device_options(CLI::App& command, DeviceSettings& settings);

}  // namespace tavrnn::cli
