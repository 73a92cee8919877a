// tavrnn embed RUN/ GRAPHS.npz: embeddings of a graph sequence from a trained
// model (its model.pt carries the configuration).
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/train/checkpoint.h"
#include "tavrnn/train/embeddings.h"
#include "tavrnn/train/training_data.h"

namespace tavrnn::cli {

namespace {
struct EmbedSettings {
  std::string run;
  std::string graphs;
  std::string out;
  DeviceSettings device;
  bool sample_z = false;
  std::uint64_t seed = 0;
};

int run_embed(const EmbedSettings& s) {
  namespace fs = std::filesystem;
  const fs::path checkpoint = fs::path(s.run) / "model.pt";
  const torch::Device device = s.device.resolve_device();
  const auto config = train::ModelConfig::from_json(train::read_checkpoint_config(checkpoint).at("model"));
  const graphs::GraphSequence sequence = graphs::load_graph_sequence(s.graphs);
  if (static_cast<int64_t>(sequence.n_nodes()) != config.x_dim) {
    throw Error(fmt::format("embed: {} has graphs of {} nodes, the model in {} was trained on {}",
                            s.graphs, sequence.n_nodes(), checkpoint.string(), config.x_dim));
  }
  train::SequenceModel model(config);
  train::load_checkpoint(checkpoint, model, nullptr, nullptr, device);
  model.to(device, s.device.resolve_dtype());
  const auto data = train::make_training_data(sequence, device, s.device.resolve_dtype());
  auto generator = at::detail::createCPUGenerator(s.seed);
  const auto embeddings = train::embed(model, data, sequence.history_node_index(), s.sample_z, generator);
  const fs::path out = s.out.empty()
                           ? fs::path(s.run) / ("embeddings_" + fs::path(s.graphs).stem().string() + ".npz")
                           : fs::path(s.out);
  train::save_embeddings(out, embeddings, sequence, config);
  std::cout << fmt::format("embedded {} windows x {} nodes with {} -> {}\n", sequence.size(),
                           sequence.n_nodes(), checkpoint.string(), out.string());
  return 0;
}
}  // namespace

void register_embed(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("embed", "Embed a graph sequence with a model trained by `tavrnn fit`");
  auto s = std::make_shared<EmbedSettings>();
  command->add_option("run", s->run, "Run directory of `tavrnn fit` (holds model.pt)")->required();
  command->add_option("graphs", s->graphs, "Graph sequence (.npz) with as many nodes as the model's")
      ->required();
  command->add_option("--out", s->out, "Output (default RUN/embeddings_<graphs name>.npz)");
  add_device_options(*command, s->device);
  command->add_flag("--sample-z", s->sample_z, "Also write sampled z");
  command->add_option("--seed", s->seed, "Seed of the sampled z")->capture_default_str();
  command->callback([&action, s] { action = [s] { return run_embed(*s); }; });
}

}  // namespace tavrnn::cli
