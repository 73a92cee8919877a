// tavrnn compare: the paper's comparison grid (models x embedding widths x
// seeds) on one graph sequence: trains or computes each cell's embeddings,
// evaluates them, and writes DIR/results.csv and DIR/summary.md. Finished
// cells (their metrics.json exists) of a grid with the same graphs and
// settings (DIR/grid.json) are not rerun, so an interrupted grid resumes
// where it stopped.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <tuple>
#include <sstream>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/eval/baselines.h"
#include "tavrnn/eval/comparison_table.h"
#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"
#include "tavrnn/progress.h"
#include "tavrnn/train/embeddings.h"
#include "tavrnn/train/trainer.h"

namespace tavrnn::cli {

namespace {

namespace fs = std::filesystem;

struct CompareSettings {
  std::string graphs;
  RecordingInput recording;
  std::string out;
  std::vector<std::string> models{"tavrnn", "vgrnn", "vgae", "pca-activity", "corr-pca", "rates"};
  std::vector<int64_t> latent{2, 4, 8, 16, 32};
  std::size_t seeds = 20;
  std::uint64_t first_seed = 0;
  int64_t hidden = 32;
  train::TrainerOptions trainer;
  eval::EvaluationOptions evaluation;
  bool overwrite = false;
};

bool is_trained(const std::string& model) { return model == "tavrnn" || model == "vgrnn" || model == "vgae"; }

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

fs::path cell_dir(const fs::path& out, const std::string& model, int64_t latent, std::uint64_t seed) {
  return out / "cells" / model / fmt::format("z{}", latent) / fmt::format("seed{}", seed);
}

// One cell: embeddings (trained or computed), then metrics.json, written last
// so that its presence means the cell is complete.
void run_cell(const CompareSettings& s, const graphs::GraphSequence& sequence,
              const Recording* recording, const std::string& model, int64_t latent,
              std::uint64_t seed, const fs::path& dir) {
  io::ensure_directory(dir);
  const fs::path embeddings_path = dir / "embeddings.npz";
  if (is_trained(model)) {
    train::ModelConfig config;
    config.kind = train::parse_model_kind(model);
    config.x_dim = static_cast<int64_t>(sequence.feature_dim());
    config.hidden = s.hidden;
    config.latent = latent;
    config.history_node = sequence.history_node_index().has_value();
    train::TrainerOptions options = s.trainer;
    options.seed = seed;
    options.progress = false;
    const auto data = train::make_training_data(sequence, options.device, options.dtype);
    train::Trainer trainer(config, options);
    std::error_code ec;
    const bool resume = fs::exists(dir / "model.pt", ec);
    trainer.fit(data, dir / "model.pt", resume);
    const auto e = train::embed(trainer.model(), data, sequence.history_node_index(), false,
                                trainer.generator());
    train::save_embeddings(embeddings_path, e, sequence, config);
  } else {
    const auto e = eval::baseline_embeddings(eval::parse_baseline_kind(model), recording, sequence, latent);
    train::save_embeddings(embeddings_path, e, sequence, model, /*history_node=*/false);
  }
  eval::EvaluationOptions options = s.evaluation;
  options.decoding.n_seeds = 1;
  options.decoding.first_seed = seed;
  options.seed = seed;
  auto metrics = eval::evaluate_embeddings(eval::read_embeddings(embeddings_path), &sequence, options);
  metrics["latent"] = latent;
  metrics["seed"] = seed;
  io::write_file_atomically(dir / "metrics.json", metrics.dump(2) + "\n");
}

// What every cell of a grid shares: finished cells may be reused only by a
// grid with the same identity, else they would silently mix settings.
nlohmann::json grid_identity(const CompareSettings& s) {
  return {{"graphs_sha256", io::sha256_file(s.graphs)},
          {"recording_sha256", s.recording.path.empty() ? "" : io::sha256_file(s.recording.path)},
          {"epochs", s.trainer.epochs},
          {"lr", s.trainer.learning_rate},
          {"hidden", s.hidden},
          {"folds", s.evaluation.decoding.n_splits},
          // "auto" meant the history node's mu before 2026-11-23 and every
          // unit's mu since: cells scored under the old meaning are not reused.
          {"population", s.evaluation.population == "auto" ? "auto (units, else mean)"
                                                           : s.evaluation.population},
          {"min_purity", s.evaluation.min_purity}};
}

// Records the grid's identity in DIR/grid.json; cells of another grid are
// removed with --overwrite, else refused.
void claim_grid_folder(const CompareSettings& s, const fs::path& out) {
  const auto identity = grid_identity(s);
  const fs::path record = out / "grid.json";
  std::error_code ec;
  if (fs::exists(record, ec)) {
    const auto previous = nlohmann::json::parse(io::read_file_bytes(record), nullptr, false);
    if (previous != identity) {
      if (!s.overwrite) {
        throw Error(fmt::format("compare: {} holds cells of a grid with other graphs, recording or "
                                "settings ({}); pass --overwrite to replace them or choose another --out",
                                out.string(), record.string()));
      }
      fs::remove_all(out / "cells", ec);
    }
  } else if (fs::exists(out / "cells", ec)) {
    if (!s.overwrite) {
      throw Error(fmt::format("compare: {} holds cells but no grid.json saying which settings made them; "
                              "pass --overwrite to replace them or choose another --out",
                              out.string()));
    }
    fs::remove_all(out / "cells", ec);
  }
  io::write_file_atomically(record, identity.dump(2) + "\n");
}

int run_compare(const CompareSettings& s) {
  const fs::path out(s.out);
  io::ensure_directory(out);
  for (const auto& m : s.models) {
    if (!is_trained(m) && !eval::is_baseline_name(m)) {
      throw Error(fmt::format("--models: unknown model '{}' (known: tavrnn, vgrnn, vgae, pca-activity, "
                              "corr-pca, rates)", m));
    }
  }
  const std::string& readout = s.evaluation.population;
  if (readout != "auto" && readout != "mean") {
    for (const auto& m : s.models) {
      if (!is_trained(m)) {
        // Before any cell is run, not when the grid reaches the baseline.
        throw Error(fmt::format("--population {}: the {} baseline has no node embeddings, only "
                                "one vector per window; use auto (the baselines then decode that "
                                "vector) or mean, or leave {} out of --models",
                                readout, m, m));
      }
    }
  }
  const auto sequence = graphs::load_graph_sequence(s.graphs);
  claim_grid_folder(s, out);
  std::optional<Recording> recording;
  for (const auto& m : s.models) {
    if ((m == "pca-activity" || m == "rates") && s.recording.path.empty()) {
      throw Error(fmt::format("--models {}: this baseline needs the recording the graphs were built "
                              "from (--recording FILE)", m));
    }
  }
  if (!s.recording.path.empty()) {
    recording = io::read_recording(s.recording.path, s.recording.resolve());
  }
  std::vector<std::tuple<std::string, int64_t, std::uint64_t>> cells;
  for (const auto& m : s.models) {
    for (auto z : s.latent) {
      for (std::size_t i = 0; i < s.seeds; ++i) cells.emplace_back(m, z, s.first_seed + i);
    }
  }
  std::size_t done = 0, skipped = 0;
  ProgressBar progress("compare", cells.size());
  for (const auto& [model, latent, seed] : cells) {
    const auto dir = cell_dir(out, model, latent, seed);
    std::error_code ec;
    if (fs::exists(dir / "metrics.json", ec)) {
      ++skipped;
    } else {
      run_cell(s, sequence, recording ? &*recording : nullptr, model, latent, seed, dir);
    }
    ++done;
    progress.update(done, fmt::format("{} z={} seed={}", model, latent, seed));
  }
  progress.finish();
  std::vector<eval::ComparisonRow> rows;
  for (const auto& [model, latent, seed] : cells) {
    const auto rows_of_cell = eval::comparison_rows(cell_dir(out, model, latent, seed) / "metrics.json",
                                                    model, latent, seed);
    rows.insert(rows.end(), rows_of_cell.begin(), rows_of_cell.end());
  }
  io::write_file_atomically(out / "results.csv", eval::results_csv(rows));
  const auto summary = eval::summary_markdown(rows, sequence.size(), sequence.n_units());
  io::write_file_atomically(out / "summary.md", summary);
  std::cout << summary << fmt::format("\n{} cells ({} already done); {} and {} written\n", cells.size(),
                                      skipped, (out / "results.csv").string(), (out / "summary.md").string());
  return 0;
}

}  // namespace

void register_compare(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "compare", "Run the comparison grid (models x embedding widths x seeds) on a graph sequence: "
                 "DIR/results.csv and DIR/summary.md; finished cells are kept (resumable)");
  auto s = std::make_shared<CompareSettings>();
  s->trainer.epochs = 200;
  command->add_option("graphs", s->graphs, "Graph sequence (.npz from `tavrnn graphs`)")->required();
  command->add_option("--out", s->out, "Output directory")->required();
  // The recording the graphs were built from (pca-activity and rates need
  // it), read with the options `tavrnn graphs` was given.
  add_recording_options(*command, s->recording, RecordingArgument::Option);
  auto models = std::make_shared<std::string>("tavrnn,vgrnn,vgae,pca-activity,corr-pca,rates");
  auto latent = std::make_shared<std::string>("2,4,8,16,32");
  command->add_option("--models", *models, "Models, comma-separated")->capture_default_str();
  command->add_option("--latent", *latent, "Embedding widths, comma-separated")->capture_default_str();
  command->add_option("--seeds", s->seeds, "Seeds per model and width")->capture_default_str();
  command->add_option("--seed", s->first_seed, "First seed")->capture_default_str();
  command->add_option("--epochs", s->trainer.epochs, "Training epochs of the trained models")
      ->capture_default_str();
  command->add_option("--lr", s->trainer.learning_rate, "Adam learning rate")->capture_default_str();
  command->add_option("--hidden", s->hidden, "Hidden width H of the trained models")->capture_default_str();
  command->add_option("--folds", s->evaluation.decoding.n_splits, "Decoding folds per seed")
      ->capture_default_str();
  command->add_option("--population", s->evaluation.population,
                      "Population embedding decoded: auto (units if the model has node embeddings, "
                      "else mean), units (every unit's mu, concatenated), history, mean, gram "
                      "(units' mu mu^T, rotation-invariant), norms")
      ->check(CLI::IsMember({"auto", "units", "gram", "norms", "history", "mean"}))
      ->capture_default_str();
  command->add_option("--min-purity", s->evaluation.min_purity, "Decode only windows this pure")
      ->capture_default_str();
  command->add_flag("--overwrite", s->overwrite,
                    "Replace the cells of a grid made with other graphs or settings in --out");
  command->callback([&action, s, models, latent] {
    action = [s, models, latent] {
      s->models = split_list(*models);
      s->latent.clear();
      for (const auto& z : split_list(*latent)) {
        try {
          s->latent.push_back(std::stoll(z));
        } catch (const std::exception&) {
          throw Error(fmt::format("--latent: '{}' is not an integer", z));
        }
      }
      if (s->models.empty() || s->latent.empty() || s->seeds == 0) {
        throw Error("compare: --models, --latent and --seeds must not be empty");
      }
      return run_compare(*s);
    };
  });
}

}  // namespace tavrnn::cli
