// tavrnn embed RUN/ GRAPHS.npz: embeddings of a graph sequence from a trained
// model (its model.pt carries the configuration).
#include "commands.h"
#include "tavrnn/pipeline/stages.h"

namespace tavrnn::cli {

void register_embed(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("embed", "Embed a graph sequence with a model trained by `tavrnn fit`");
  auto settings = std::make_shared<pipeline::EmbedSettings>();
  auto run = std::make_shared<std::string>();
  auto graphs = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  command->add_option("run", *run, "Run directory of `tavrnn fit` (holds model.pt)")->required();
  command->add_option("graphs", *graphs, "Graph sequence (.npz) built like the model's (same units and features)")
      ->required();
  command->add_option("--out", *out, "Output (default RUN/embeddings_<graphs name>.npz)");
  add_options(*command, pipeline::embed_options(*settings));
  command->callback([&action, command, settings, run, graphs, out] {
    action = [command, settings, run, graphs, out] {
      return run_command(*command, [&] {
        return pipeline::run_embed(pipeline::RunDirectory(*run), *graphs, *settings, *out);
      });
    };
  });
}

}  // namespace tavrnn::cli
