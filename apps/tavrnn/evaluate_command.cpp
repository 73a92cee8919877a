// tavrnn evaluate: a run's embeddings -> RUN/metrics.json and a table
// (decoding, clustering, unit groups, reconstruction; docs/evaluation.md).
#include "commands.h"
#include "tavrnn/pipeline/stages.h"

namespace tavrnn::cli {

void register_evaluate(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "evaluate", "Decode behaviour from a run's population embeddings, cluster windows and units, "
                  "score graph reconstruction; writes RUN/metrics.json (docs/evaluation.md)");
  auto settings = std::make_shared<pipeline::EvaluateSettings>();
  auto run = std::make_shared<std::string>();
  auto files = std::make_shared<pipeline::EvaluateFiles>();
  command->add_option("run", *run, "Run directory (from fit or compare) holding embeddings.npz")->required();
  command->add_option("--embeddings", files->embeddings, "Embeddings file (default RUN/embeddings.npz)");
  command->add_option("--graphs", files->graphs,
                      "Graph sequence for reconstruction and silent units (default: the one in RUN/run.json)");
  command->add_option("--out", files->out, "Metrics file (default RUN/metrics.json)");
  add_options(*command, pipeline::evaluate_options(*settings));
  command->callback([&action, command, settings, run, files] {
    action = [command, settings, run, files] {
      return run_command(*command, [&] { return pipeline::run_evaluate(pipeline::RunDirectory(*run), *settings, *files); });
    };
  });
}

}  // namespace tavrnn::cli
