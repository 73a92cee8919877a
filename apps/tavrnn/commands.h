#pragma once
// The subcommands of the tavrnn CLI. Each file registers one subcommand: its
// options (the stage's OptionTable from the library, plus the files it reads
// and writes) and one library call (tavrnn/pipeline/stages.h).
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "tavrnn/pipeline/option_table.h"
#include "tavrnn/pipeline/stage_settings.h"

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
void register_launch(CLI::App& app, Action& action);

// Registers every option of `table` as `--NAME` on `command`. The table's
// fields must outlive the command (they live in a settings value the
// command's callback holds). A value the library refuses is a usage error
// naming the flag.
void add_options(CLI::App& command, const pipeline::OptionTable& table);

// The recording file: positional (graphs, info) or `--recording` (compare,
// where it is optional), then every option of the reader.
enum class RecordingArgument { Positional, Option };
void add_recording_options(CLI::App& command, pipeline::RecordingSettings& settings,
                           RecordingArgument argument = RecordingArgument::Positional);

// Runs `work` (the command's library call, which prints what it returns);
// the library names options as `name`, the command's flags are --name.
int run_command(const CLI::App& command, const std::function<std::string()>& work);

}  // namespace tavrnn::cli
