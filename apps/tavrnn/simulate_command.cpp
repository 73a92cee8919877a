// tavrnn simulate: a recording with planted ground truth, for demos and tests.
#include "commands.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/util/error.h"

namespace tavrnn::cli {

void register_simulate(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "simulate", "Write a simulated recording (.npz) and its ground_truth.json: unit groups whose "
                  "shared drives change with behaviour states");
  auto settings = std::make_shared<pipeline::SimulateSettings>();
  auto out = std::make_shared<std::string>();
  auto ground_truth = std::make_shared<std::string>();
  add_options(*command, pipeline::simulate_options(*settings));
  command->add_option("--out", *out, "Output recording (.npz); with --animals K, a folder")->required();
  command->add_option("--ground-truth", *ground_truth,
                      "Where to write the ground truth JSON (default: ground_truth.json next to --out)");
  command->callback([&action, command, settings, out, ground_truth] {
    action = [command, settings, out, ground_truth] {
      return run_command(*command, [&] {
        if (settings->animals != 1) {
          if (!ground_truth->empty()) {
            throw Error("--ground-truth: with --animals each animal's ground truth is written beside it "
                        "(DIR/animalK_ground_truth.json)");
          }
          return pipeline::run_simulate_animals(*settings, *out);
        }
        const std::filesystem::path truth =
            ground_truth->empty() ? pipeline::RunDirectory::ground_truth_beside(*out)
                                 : std::filesystem::path(*ground_truth);
        return pipeline::run_simulate(*settings, *out, truth);
      });
    };
  });
}

}  // namespace tavrnn::cli
