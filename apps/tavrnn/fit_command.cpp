// tavrnn fit GRAPHS.npz --out RUN/: trains TAVRNN (or VGRNN, VGAE) on a graph
// sequence and writes model.pt, embeddings.npz, training_log.csv, run.json.
// With several graphs files (or --names), one model over all of them and
// embeddings/NAME.npz per sequence.
#include <fmt/format.h>

#include "commands.h"
#include "tavrnn/pipeline/shared_fit.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/util/error.h"

namespace tavrnn::cli {

void register_fit(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "fit", "Train TAVRNN on a graph sequence (graphs.npz from `tavrnn graphs`) and write the "
             "model, embeddings, training log and run record to --out");
  auto settings = std::make_shared<pipeline::FitSettings>();
  auto graphs = std::make_shared<std::vector<std::string>>();
  auto names = std::make_shared<std::string>();
  auto separate = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  auto resume = std::make_shared<bool>(false);
  auto overwrite = std::make_shared<bool>(false);
  command->add_option("graphs", *graphs,
                      "Graph sequence(s) (.npz written by `tavrnn graphs`); several train one shared model "
                      "(their node features must have one width: --features descriptors)")
      ->required();
  command->add_option("--names", *names,
                      "Names of the sequences, comma-separated in the order of the files (default: the "
                      "files' stems); several files or --names write embeddings/NAME.npz per sequence");
  command->add_option("--out", *out, "Run directory")->required();
  add_options(*command, pipeline::fit_options(*settings));
  command->add_flag("--separate", *separate,
                    "Several sequences: also fit each alone with the same settings into RUN/separate/NAME/, the "
                    "control that `tavrnn evaluate RUN` compares the shared model with");
  command->add_flag("--resume", *resume, "Continue the run in --out from its model.pt");
  command->add_flag("--overwrite", *overwrite, "Start again even if --out holds a model");
  command->callback([&action, command, settings, graphs, names, separate, out, resume, overwrite] {
    action = [command, settings, graphs, names, separate, out, resume, overwrite] {
      const pipeline::RunDirectory run(*out);
      std::error_code ec;
      if (!*resume && !*overwrite && std::filesystem::exists(run.checkpoint(), ec)) {
        throw Error(fmt::format("fit: {} already holds a model; pass --resume to continue it or "
                                "--overwrite to start again",
                                run.root().string()));
      }
      settings->trainer.progress = true;
      const auto existing = *resume      ? pipeline::ExistingModel::Resume
                            : *overwrite ? pipeline::ExistingModel::Overwrite
                                         : pipeline::ExistingModel::Refuse;
      if (graphs->size() == 1 && names->empty() && !*separate) {
        return run_command(*command, [&] { return pipeline::run_fit(graphs->front(), *settings, run, existing); });
      }
      return run_command(*command, [&] {
        const std::vector<std::filesystem::path> paths(graphs->begin(), graphs->end());
        return pipeline::run_fit_shared(paths, pipeline::sequence_names(paths, *names), *settings, run, existing,
                                         *separate);
      });
    };
  });
}

}  // namespace tavrnn::cli
