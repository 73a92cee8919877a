// tavrnn info FILE: what a recording holds, so a user knows what to pass on.
#include <iostream>

#include "commands.h"
#include "tavrnn/recording_summary.h"

namespace tavrnn::cli {

void register_info(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "info", "Summarise a recording: units, bins, bin width, duration, labels, groups, firing "
              "rates, silent units");
  auto input = std::make_shared<RecordingInput>();
  auto as_json = std::make_shared<bool>(false);
  add_recording_options(*command, *input);
  command->add_flag("--json", *as_json, "Print the summary as JSON");
  command->callback([&action, input, as_json] {
    action = [input, as_json] {
      const Recording recording = io::read_recording(input->path, input->resolve());
      const RecordingSummary summary = summarise(recording);
      if (*as_json) {
        nlohmann::json j = summary.to_json();
        j["file"] = input->path;
        std::cout << j.dump(2) << std::endl;
      } else {
        std::cout << input->path << "\n" << summary.to_text() << std::flush;
      }
      return 0;
    };
  });
}

}  // namespace tavrnn::cli
