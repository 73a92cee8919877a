// tavrnn figures: a run's outputs -> PNG + SVG figures and figures.json
// (docs/figures.md).
#include "commands.h"
#include "tavrnn/pipeline/stages.h"

namespace tavrnn::cli {

void register_figures(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "figures", "Draw a run's figures (connectivity, embeddings, attention, training, decoding) as PNG "
                 "and SVG, with a manifest figures.json (docs/figures.md)");
  auto settings = std::make_shared<pipeline::FiguresSettings>();
  auto run = std::make_shared<std::string>();
  auto files = std::make_shared<pipeline::FiguresFiles>();
  command->add_option("run", *run, "Run directory (from fit, evaluate)")->required();
  command->add_option("--out", files->out, "Output directory (default RUN/figures)");
  command->add_option("--graphs", files->graphs, "Graph sequence for the connectivity figure (default: run.json's)");
  command->add_option("--compare", files->compare, "tavrnn compare output directory (results.csv) for decoding accuracy");
  add_options(*command, pipeline::figures_options(*settings));
  command->callback([&action, command, settings, run, files] {
    action = [command, settings, run, files] {
      return run_command(*command, [&] { return pipeline::run_figures(pipeline::RunDirectory(*run), *settings, *files); });
    };
  });
}

}  // namespace tavrnn::cli
