// tavrnn fit GRAPHS.npz --out RUN/: trains TAVRNN (or VGRNN, VGAE) on a graph
// sequence and writes model.pt, embeddings.npz, training_log.csv, run.json.
// With several graphs files (or --names), one model over all of them and
// embeddings/NAME.npz per sequence.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.h"
#include "tavrnn/distributed/process_group.h"
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
  auto group_options = std::make_shared<distributed::GroupOptions>();
  auto timeout_s = std::make_shared<double>(300);
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
  // Data-parallel training (docs/distributed.md); `tavrnn launch` sets these
  // through the environment, as torchrun does.
  auto* group = command->add_option_group("distributed", "Training over several processes (docs/distributed.md)");
  group->add_option("--rank", group_options->rank, "This process's rank, 0..world-size-1 (default: $RANK, else 0)");
  group->add_option("--world-size", group_options->world_size,
                    "Number of ranks; > 1 trains data-parallel, each rank a share of the sequences (default: "
                    "$WORLD_SIZE, else 1)");
  group->add_option("--master-addr", group_options->master_addr,
                    "Host of rank 0, which holds the rendezvous store (default: $MASTER_ADDR, else 127.0.0.1)");
  group->add_option("--master-port", group_options->master_port,
                    "Port of the rendezvous store (default: $MASTER_PORT, else 29500)");
  group->add_option("--dist-timeout", *timeout_s,
                    "Seconds a rank waits for the others, at the rendezvous and at each exchange, before it stops "
                    "with an error (default: $TAVRNN_DIST_TIMEOUT, else 300)");
  command->callback([&action, command, settings, graphs, names, separate, out, resume, overwrite, group_options,
                     timeout_s] {
    action = [command, settings, graphs, names, separate, out, resume, overwrite, group_options, timeout_s] {
      // The environment first, the flags given over it.
      distributed::GroupOptions options = distributed::GroupOptions::from_environment();
      if (command->count("--rank")) options.rank = group_options->rank;
      if (command->count("--world-size")) options.world_size = group_options->world_size;
      if (command->count("--master-addr")) options.master_addr = group_options->master_addr;
      if (command->count("--master-port")) options.master_port = group_options->master_port;
      if (command->count("--dist-timeout")) {
        if (!(*timeout_s > 0)) throw Error(fmt::format("--dist-timeout: expected seconds > 0, found {}", *timeout_s));
        options.timeout = std::chrono::milliseconds(static_cast<int64_t>(*timeout_s * 1000));
      }
      options.check();
      const bool spread = options.world_size > 1;
      if (spread && options.rank != 0) {
        // Rank 0 speaks for the run; the others report only trouble.
        spdlog::set_level(spdlog::level::err);
      }
      const pipeline::RunDirectory run(*out);
      std::error_code ec;
      if ((!spread || options.rank == 0) && !*resume && !*overwrite && std::filesystem::exists(run.checkpoint(), ec)) {
        throw Error(fmt::format("fit: {} already holds a model; pass --resume to continue it or "
                                "--overwrite to start again",
                                run.root().string()));
      }
      settings->trainer.progress = !spread || options.rank == 0;
      if (spread) settings->trainer.group = std::make_shared<distributed::ProcessGroup>(options);
      const auto existing = *resume      ? pipeline::ExistingModel::Resume
                            : *overwrite ? pipeline::ExistingModel::Overwrite
                                         : pipeline::ExistingModel::Refuse;
      if (graphs->size() == 1 && names->empty() && !*separate && !spread) {
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
