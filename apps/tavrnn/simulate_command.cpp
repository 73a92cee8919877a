// tavrnn simulate: a recording with planted ground truth, for demos and tests.
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/recording_io.h"
#include "tavrnn/recording_summary.h"
#include "tavrnn/simulate.h"

namespace tavrnn::cli {

namespace {
struct SimulateOptions {
  std::string preset = "small";
  std::uint64_t seed = 1;
  std::string out;
  std::string ground_truth;
};
}  // namespace

void register_simulate(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "simulate", "Write a simulated recording (.npz) and its ground_truth.json: unit groups whose "
                  "shared drives change with behaviour states");
  auto options = std::make_shared<SimulateOptions>();
  std::string presets;
  for (const auto& p : simulation_presets()) presets += (presets.empty() ? "" : ", ") + p;
  command->add_option("--preset", options->preset, "Simulation preset: " + presets)
      ->check(CLI::IsMember(simulation_presets()))
      ->capture_default_str();
  command->add_option("--seed", options->seed, "Random seed; same seed, same bytes")
      ->capture_default_str();
  command->add_option("--out", options->out, "Output recording (.npz)")->required();
  command->add_option("--ground-truth", options->ground_truth,
                      "Where to write the ground truth JSON (default: ground_truth.json next to "
                      "--out)");
  command->callback([&action, options] {
    action = [options] {
      const std::filesystem::path out(options->out);
      const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
      io::ensure_directory(dir);
      const std::filesystem::path truth_path = options->ground_truth.empty()
                                                   ? dir / "ground_truth.json"
                                                   : std::filesystem::path(options->ground_truth);
      const SimulatedRecording sim = simulate(options->preset, options->seed);
      io::write_recording_npz(out, sim.recording);
      io::write_file_atomically(truth_path, sim.ground_truth.dump(2) + "\n");
      const RecordingSummary summary = summarise(sim.recording);
      std::cout << fmt::format("simulated '{}' (seed {}): {} units x {} bins of {} s\n",
                               options->preset, options->seed, summary.n_units, summary.n_bins,
                               summary.bin_width_s)
                << fmt::format("  recording    {}\n  ground truth {}\n", out.string(),
                               truth_path.string())
                << std::flush;
      return 0;
    };
  });
}

}  // namespace tavrnn::cli
