// tavrnn fit GRAPHS.npz --out RUN/: trains TAVRNN (or VGRNN, VGAE) on a graph
// sequence and writes model.pt, embeddings.npz, training_log.csv, run.json.
#include <iostream>

#include <fmt/format.h>
#include <torch/cuda.h>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"
#include "tavrnn/train/embeddings.h"
#include "tavrnn/train/run_outputs.h"
#include "tavrnn/train/trainer.h"

namespace tavrnn::cli {

void add_model_options(CLI::App& command, ModelSettings& s) {
  command.add_option("--model", s.model, "Model: tavrnn, vgrnn (no attention) or vgae (static)")
      ->check(CLI::IsMember({"tavrnn", "vgrnn", "vgae"}))
      ->capture_default_str();
  command.add_option("--hidden", s.config.hidden, "Hidden width H")->capture_default_str();
  command.add_option("--latent", s.config.latent, "Embedding width Z")->capture_default_str();
  command.add_option("--attention-width", s.config.attention_width,
                     "Attend over the last W states; 0 = all (the reference)")
      ->capture_default_str();
  command.add_option("--attention-summary", s.config.attention_summary,
                     "State summary for attention: auto (history node if present, else mean), "
                     "last-node (the reference), mean")
      ->check(CLI::IsMember({"auto", "last-node", "mean"}))
      ->capture_default_str();
  command.add_flag("--freeze-gru-gates", s.freeze_gru_gates,
                   "Keep the GRU gate GCNs at their initial values, as the reference notebook "
                   "effectively does (default: train them, as the paper describes)");
}

void add_device_options(CLI::App& command, DeviceSettings& s) {
  command.add_option("--device", s.device, "cpu or cuda (uses the same code)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  command.add_option("--dtype", s.dtype, "float32 or float64")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
}

torch::Device DeviceSettings::resolve_device() const {
  if (device == "cuda") {
    if (!torch::cuda::is_available()) {
      throw Error("--device cuda: this LibTorch build or machine has no CUDA device; use --device cpu");
    }
    return torch::Device(torch::kCUDA);
  }
  return torch::Device(torch::kCPU);
}

torch::ScalarType DeviceSettings::resolve_dtype() const {
  return dtype == "float64" ? torch::kFloat64 : torch::kFloat32;
}

namespace {

struct FitSettings {
  std::string graphs;
  std::string out;
  ModelSettings model;
  DeviceSettings device;
  train::TrainerOptions trainer;
  bool resume = false;
  bool overwrite = false;
  bool sample_z = false;
};

int run_fit(const FitSettings& s) {
  namespace fs = std::filesystem;
  const fs::path run(s.out);
  io::ensure_directory(run);
  const fs::path checkpoint = run / "model.pt";
  std::error_code ec;
  if (!s.resume && !s.overwrite && fs::exists(checkpoint, ec)) {
    throw Error(fmt::format("fit: {} already holds a model; pass --resume to continue it or "
                            "--overwrite to start again",
                            run.string()));
  }
  if (s.resume && !fs::exists(checkpoint, ec)) {
    throw Error(fmt::format("fit --resume: no checkpoint {} to resume", checkpoint.string()));
  }
  const graphs::GraphSequence sequence = graphs::load_graph_sequence(s.graphs);
  train::TrainerOptions options = s.trainer;
  options.device = s.device.resolve_device();
  options.dtype = s.device.resolve_dtype();
  train::ModelConfig config = s.model.resolve(sequence);
  const auto data = train::make_training_data(sequence, options.device, options.dtype);
  const nlohmann::json provenance = {{"graphs_sha256", io::sha256_file(s.graphs)},
                                     {"graphs_windows", sequence.size()},
                                     {"graphs_nodes", sequence.n_nodes()}};
  train::Trainer trainer(config, options);
  const train::TrainingResult result = trainer.fit(data, checkpoint, s.resume, provenance);

  const auto history = sequence.history_node_index();
  const train::Embeddings embeddings =
      train::embed(trainer.model(), data, history, s.sample_z, trainer.generator());
  train::save_embeddings(run / "embeddings.npz", embeddings, sequence, config);
  const auto& log = result.state.log;
  train::write_training_log(run / "training_log.csv", log);
  nlohmann::json run_json = {
      {"command", "fit"},
      {"graphs", fs::absolute(s.graphs).string()},
      {"graphs_sha256", provenance.at("graphs_sha256")},
      {"graph_settings", {{"windows", sequence.settings().windows},
                          {"theta", sequence.settings().theta},
                          {"history_node", sequence.settings().history_node},
                          {"rmt", sequence.settings().rmt},
                          {"bin_width_s", sequence.bin_width_s()}}},
      {"model", config.to_json()},
      {"trainer", options.to_json()},
      {"versions", train::runtime_versions()},
      {"epochs_done", result.state.epochs_done},
      {"stopped_early", result.state.stopped_early},
      {"final_loss", log.empty() ? 0.0 : log.back().loss},
      {"timings", {{"seconds_this_call", result.seconds},
                   {"median_seconds_per_epoch", train::median_epoch_seconds(log)}}},
      {"resumed", result.resumed}};
  io::write_file_atomically(run / "run.json", run_json.dump(2) + "\n");
  std::cout << fmt::format(
      "trained {} on {} windows x {} nodes: {} epochs, loss {:.4g} (KL {:.3g}, NLL {:.4g}), "
      "{:.3f} s/epoch\n  outputs in {}: model.pt embeddings.npz training_log.csv run.json\n",
      train::model_kind_name(config.kind), sequence.size(), sequence.n_nodes(),
      result.state.epochs_done, log.empty() ? 0.0 : log.back().loss,
      log.empty() ? 0.0 : log.back().kl, log.empty() ? 0.0 : log.back().nll,
      train::median_epoch_seconds(log), run.string());
  return 0;
}

}  // namespace

train::ModelConfig ModelSettings::resolve(const graphs::GraphSequence& sequence) const {
  train::ModelConfig c = config;
  c.kind = train::parse_model_kind(model);
  c.x_dim = static_cast<int64_t>(sequence.feature_dim());
  c.history_node = sequence.history_node_index().has_value();
  c.train_gru_gates = !freeze_gru_gates;
  return c;
}

void register_fit(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "fit", "Train TAVRNN on a graph sequence (graphs.npz from `tavrnn graphs`) and write the "
             "model, embeddings, training log and run record to --out");
  auto s = std::make_shared<FitSettings>();
  command->add_option("graphs", s->graphs, "Graph sequence (.npz written by `tavrnn graphs`)")
      ->required();
  command->add_option("--out", s->out, "Run directory")->required();
  add_model_options(*command, s->model);
  add_device_options(*command, s->device);
  command->add_option("--epochs", s->trainer.epochs,
                      "Adam steps, one per epoch over the whole sequence (reference: 20 rat, 500 "
                      "DishBrain)")
      ->capture_default_str();
  command->add_option("--lr", s->trainer.learning_rate, "Adam learning rate")->capture_default_str();
  command->add_option("--clip-grad", s->trainer.clip_grad_norm,
                      "Clip the gradient norm to this (0 = off; the reference defines 10 but does "
                      "not apply it)")
      ->capture_default_str();
  command->add_option("--early-stopping", s->trainer.early_stopping_patience,
                      "Stop after this many epochs without improvement (0 = off)")
      ->capture_default_str();
  command->add_option("--min-delta", s->trainer.early_stopping_min_delta,
                      "Relative loss improvement that counts for early stopping")
      ->capture_default_str();
  command->add_option("--seed", s->trainer.seed, "Seed of initialisation and noise")
      ->capture_default_str();
  command->add_option("--checkpoint-every", s->trainer.checkpoint_every,
                      "Write model.pt every N epochs (and at the end)")
      ->capture_default_str();
  command->add_flag("--resume", s->resume, "Continue the run in --out from its model.pt");
  command->add_flag("--overwrite", s->overwrite, "Start again even if --out holds a model");
  command->add_flag("--sample-z", s->sample_z,
                    "Also write sampled z (as the reference embeds) next to the posterior means");
  command->callback([&action, s] {
    action = [s] {
      s->trainer.progress = true;
      return run_fit(*s);
    };
  });
}

}  // namespace tavrnn::cli
