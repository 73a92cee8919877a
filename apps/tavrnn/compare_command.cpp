// tavrnn compare: the paper's comparison grid (models x embedding widths x
// seeds) on one graph sequence, into DIR/results.csv and DIR/summary.md;
// finished cells of the same grid are kept, so an interrupted grid resumes.
#include "commands.h"
#include "tavrnn/pipeline/compare_grid.h"

namespace tavrnn::cli {

void register_compare(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "compare", "Run the comparison grid (models x embedding widths x seeds) on a graph sequence: "
                 "DIR/results.csv and DIR/summary.md; finished cells are kept (resumable). Every "
                 "option of `tavrnn fit` but --model, --latent and --seed applies to the trained models");
  auto settings = std::make_shared<pipeline::CompareSettings>();
  auto recording = std::make_shared<pipeline::RecordingSettings>();
  auto graphs = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto overwrite = std::make_shared<bool>(false);
  command->add_option("graphs", *graphs, "Graph sequence (.npz from `tavrnn graphs`)")->required();
  command->add_option("--out", *out, "Output directory")->required();
  add_options(*command, pipeline::compare_options(*settings));
  command->add_flag("--overwrite", *overwrite, "Replace the cells of a grid made with other graphs or settings in --out");
  // The recording the graphs were built from (pca-activity and rates need
  // it), read with the options `tavrnn graphs` was given.
  add_recording_options(*command, *recording, RecordingArgument::Option);
  command->callback([&action, command, settings, recording, graphs, out, overwrite] {
    action = [command, settings, recording, graphs, out, overwrite] {
      return run_command(*command, [&] {
        return pipeline::run_compare(*graphs, recording.get(), *settings, pipeline::RunDirectory(*out), *overwrite);
      });
    };
  });
}

}  // namespace tavrnn::cli
