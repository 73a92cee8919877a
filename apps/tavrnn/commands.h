#pragma once
// The subcommands of the tavrnn CLI. Each file registers one subcommand and
// only wires library stages together (see docs/usage.md).
#include <functional>

#include <CLI/CLI.hpp>

#include "tavrnn/io/recording_io.h"

namespace tavrnn::cli {

// The action a subcommand runs after parsing; returns the exit status.
using Action = std::function<int()>;

void register_simulate(CLI::App& app, Action& action);
void register_info(CLI::App& app, Action& action);

// Options shared by every command that reads a recording.
struct RecordingInput {
  std::string path;
  io::RecordingReadOptions options;
  std::string format = "auto";
  std::string labels_csv;
  io::RecordingReadOptions resolve() const;
};
void add_recording_options(CLI::App& command, RecordingInput& input);

}  // namespace tavrnn::cli
