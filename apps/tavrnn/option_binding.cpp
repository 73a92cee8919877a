// The library's option tables as CLI11 options, and library errors in the
// words of the command line.
#include <iostream>

#include "commands.h"
#include "tavrnn/util/error.h"

namespace tavrnn::cli {

void add_options(CLI::App& command, const pipeline::OptionTable& table) {
  for (const auto& spec : table.specs()) {
    const std::string flag = "--" + spec.name;
    CLI::Option* option = nullptr;
    if (spec.flag) {
      auto set = spec.set;
      option = command.add_flag_callback(flag, [set] { set("true"); }, spec.help);
    } else {
      auto set = spec.set;
      const std::string name = spec.name;
      option = command.add_option(
          flag,
          [set, name, flag](const CLI::results_t& values) {
            try {
              set(values.at(0));
            } catch (const Error& e) {
              std::string message = e.what();
              if (message.rfind(name + ": ", 0) == 0) message = message.substr(name.size() + 2);
              throw CLI::ValidationError(flag, message);
            }
            return true;
          },
          spec.help);
      option->type_name(spec.type_name)->expected(1);
      if (!spec.choices.empty()) option->check(CLI::IsMember(spec.choices));
      if (spec.show) option->default_str(spec.show());
    }
    if (!spec.group.empty()) option->group(spec.group);
  }
}

void add_recording_options(CLI::App& command, pipeline::RecordingSettings& settings, RecordingArgument argument) {
  const char* file_help =
      "Recording file: .npz (counts or spike_times + spike_units), .npy (counts), .csv (spike times "
      "unit,time_s or binned counts), .nwb (Units table), .mat (counts matrix or spike-time cells); "
      "see docs/formats.md";
  auto* path = &settings.path;
  const auto set_path = [path](const CLI::results_t& values) {
    *path = values.at(0);
    return true;
  };
  if (argument == RecordingArgument::Positional) {
    command.add_option("recording", set_path, file_help)->type_name("FILE")->expected(1)->required();
  } else {
    command.add_option("--recording", set_path,
                       std::string(file_help) + ". Read with the recording options below, as `tavrnn graphs` read it")
        ->type_name("FILE")
        ->expected(1);
  }
  add_options(command, pipeline::recording_options(settings));
}

int run_command(const CLI::App& command, const std::function<std::string()>& work) {
  std::string printed;
  try {
    printed = work();
  } catch (const Error& e) {
    // `name` -> --name for the command's own options.
    std::string message = e.what();
    for (const CLI::Option* option : command.get_options()) {
      for (const auto& name : option->get_lnames()) {
        const std::string quoted = "`" + name + "`";
        for (auto at = message.find(quoted); at != std::string::npos; at = message.find(quoted, at)) {
          message.replace(at, quoted.size(), "--" + name);
        }
      }
    }
    throw Error(message);
  }
  std::cout << printed << std::flush;
  return 0;
}

}  // namespace tavrnn::cli
