// tavrnn info FILE: what a recording holds, so a user knows what to pass on
// (pipeline::describe_recording).
#include "commands.h"
#include "tavrnn/pipeline/recording_description.h"

namespace tavrnn::cli {

void register_info(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "info", "Summarise a recording: units, bins, bin width, duration, labels, groups, firing "
              "rates, silent units; for .nwb and .mat files also what they hold");
  auto recording = std::make_shared<pipeline::RecordingSettings>();
  auto as_json = std::make_shared<bool>(false);
  add_recording_options(*command, *recording);
  command->add_flag("--json", *as_json, "Print the summary as JSON");
  command->callback([&action, command, recording, as_json] {
    action = [command, recording, as_json] {
      return run_command(*command, [&] {
        const auto d = pipeline::describe_recording(*recording);
        return *as_json ? d.json.dump(2) + "\n" : recording->path.string() + "\n" + d.text;
      });
    };
  });
}

}  // namespace tavrnn::cli
