// tavrnn graphs: a recording's windows -> functional-connectivity graphs
// (graphs.npz), with a one-screen summary.
#include "commands.h"
#include "tavrnn/pipeline/stages.h"

namespace tavrnn::cli {

void register_graphs(CLI::App& app, Action& action) {
  auto* command =
      app.add_subcommand("graphs",
                         "Build one functional-connectivity graph per window (Pearson r, optional "
                         "random-matrix filtering, threshold, history node) and write graphs.npz");
  auto recording = std::make_shared<pipeline::RecordingSettings>();
  auto settings = std::make_shared<pipeline::GraphsSettings>();
  auto out = std::make_shared<std::string>();
  add_recording_options(*command, *recording);
  add_options(*command, pipeline::graphs_options(*settings));
  command->get_option("--windows")->required();
  command->add_option("--out", *out, "Output graphs (.npz)")->required();
  command->callback([&action, command, recording, settings, out] {
    action = [command, recording, settings, out] {
      return run_command(*command, [&] { return pipeline::run_graphs(*recording, *settings, *out); });
    };
  });
}

}  // namespace tavrnn::cli
