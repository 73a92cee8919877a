#include "tavrnn/pipeline/compare_grid.h"

#include <chrono>
#include <tuple>

#include <fmt/format.h>

#include "tavrnn/eval/baselines.h"
#include "tavrnn/eval/comparison_table.h"
#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/util/error.h"
#include "tavrnn/util/progress.h"

namespace tavrnn::pipeline {

namespace fs = std::filesystem;

namespace {

bool is_trained(const std::string& model) { return model == "tavrnn" || model == "vgrnn" || model == "vgae"; }

// One cell: embeddings (trained or computed), then metrics.json, written last
// so that its presence means the cell is complete.
void run_cell(const CompareSettings& s, const graphs::GraphSequence& sequence, const Recording* recording,
              const std::string& model, int64_t latent, std::uint64_t seed, const RunDirectory& cell) {
  io::ensure_directory(cell.root());
  const auto started = std::chrono::steady_clock::now();
  nlohmann::json training;
  if (is_trained(model)) {
    FitSettings fit_settings = s.fit;
    fit_settings.model.model = model;
    fit_settings.model.config.latent = latent;
    fit_settings.trainer.seed = seed;
    fit_settings.trainer.progress = false;
    Checkpointing checkpointing;
    checkpointing.checkpoint = cell.checkpoint();
    std::error_code ec;
    checkpointing.resume = fs::exists(cell.checkpoint(), ec);
    const FittedModel fitted = fit(sequence, fit_settings, checkpointing);
    train::save_embeddings(cell.embeddings(), fitted.embeddings, sequence, fitted.config);
    training = {{"selected_epoch", fitted.result.state.model_epoch()}, {"epochs_done", fitted.result.state.epochs_done}};
  } else {
    const auto e = eval::baseline_embeddings(eval::parse_baseline_kind(model), recording, sequence, latent);
    train::save_embeddings(cell.embeddings(), e, sequence, model, /*history_node=*/false);
  }
  eval::EvaluationOptions options = s.evaluation;
  options.decoding.n_seeds = 1;
  options.decoding.first_seed = seed;
  options.seed = seed;
  auto metrics = eval::evaluate_embeddings(eval::read_embeddings(cell.embeddings()), &sequence, options);
  metrics["latent"] = latent;
  metrics["seed"] = seed;
  if (!training.is_null()) metrics["training"] = training;
  // Training or computing the embeddings, and evaluating them (this call's
  // time: a resumed cell counts only what was left).
  metrics["timing"] = {{"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}};
  io::write_file_atomically(cell.metrics(), metrics.dump(2) + "\n");
}

// What every cell of a grid shares: finished cells may be reused only by a
// grid with the same identity, else they would silently mix settings.
nlohmann::json grid_identity(const CompareSettings& s, const GridInputs& inputs) {
  nlohmann::json identity = {
      {"graphs_sha256", inputs.graphs_sha256},
      {"recording_sha256", inputs.recording_sha256},
      {"epochs", s.fit.trainer.epochs},
      {"lr", s.fit.trainer.learning_rate},
      {"hidden", s.fit.model.config.hidden},
      {"folds", s.evaluation.decoding.n_splits},
      // "auto" meant the history node's mu before 2026-11-23 and every
      // unit's mu since: cells scored under the old meaning are not reused.
      {"population", s.evaluation.population == "auto" ? "auto (units, else mean)" : s.evaluation.population},
      {"min_purity", s.evaluation.min_purity},
      // Since held-out validation and early stopping became the defaults
      // (2026-12-07), always recorded: cells trained for a fixed number of
      // epochs before then are not reused.
      {"training", {{"validation_fraction", s.fit.trainer.validation_fraction},
                    {"monitor", s.fit.trainer.monitor},
                    {"early_stopping_patience", s.fit.trainer.early_stopping_patience},
                    {"early_stopping_min_delta", s.fit.trainer.early_stopping_min_delta},
                    {"keep_best", s.fit.trainer.keep_best && !s.fit.last_epoch},
                    {"feature_weight", s.fit.model.config.feature_weight},
                    {"feature_target", s.fit.model.config.feature_target}}}};
  // The model and training options compare gained from fit: recorded only
  // when they differ from the defaults, so grids made before keep their identity.
  const CompareSettings defaults;
  const auto& m = s.fit.model;
  const auto& t = s.fit.trainer;
  nlohmann::json model;
  if (m.config.attention_width != defaults.fit.model.config.attention_width) model["attention_width"] = m.config.attention_width;
  if (m.config.attention_summary != defaults.fit.model.config.attention_summary) model["attention_summary"] = m.config.attention_summary;
  if (m.freeze_gru_gates) model["freeze_gru_gates"] = true;
  if (t.clip_grad_norm != defaults.fit.trainer.clip_grad_norm) model["clip_grad_norm"] = t.clip_grad_norm;
  if (s.fit.device.dtype != defaults.fit.device.dtype) model["dtype"] = s.fit.device.dtype;
  if (!model.empty()) identity["model_options"] = model;
  return identity;
}

// Records the grid's identity in grid.json; cells of another grid are
// removed when allowed, else refused.
void claim_grid_folder(const nlohmann::json& identity, const RunDirectory& out, bool replace) {
  std::error_code ec;
  if (fs::exists(out.grid_record(), ec)) {
    const auto previous = nlohmann::json::parse(io::read_file_bytes(out.grid_record()), nullptr, false);
    if (previous != identity) {
      if (!replace) {
        throw Error(fmt::format("compare: {} holds cells of a grid with other graphs, recording or "
                                "settings ({}); allow `overwrite` to replace them or choose another folder",
                                out.root().string(), out.grid_record().string()));
      }
      fs::remove_all(out.cells(), ec);
    }
  } else if (fs::exists(out.cells(), ec)) {
    if (!replace) {
      throw Error(fmt::format("compare: {} holds cells but no {} saying which settings made them; "
                              "allow `overwrite` to replace them or choose another folder",
                              out.root().string(), out.grid_record().filename().string()));
    }
    fs::remove_all(out.cells(), ec);
  }
  io::write_file_atomically(out.grid_record(), identity.dump(2) + "\n");
}

void check_models(const CompareSettings& s, bool have_recording) {
  if (s.models.empty() || s.latent.empty() || s.seeds == 0) {
    throw Error("compare: `models`, `latent` and `seeds` must not be empty");
  }
  for (const auto& m : s.models) {
    if (!is_trained(m) && !eval::is_baseline_name(m)) {
      throw Error(fmt::format("`models`: unknown model '{}' (known: tavrnn, vgrnn, vgae, pca-activity, "
                              "corr-pca, rates)", m));
    }
  }
  const std::string& readout = s.evaluation.population;
  if (readout != "auto" && readout != "mean") {
    for (const auto& m : s.models) {
      if (!is_trained(m)) {
        // Before any cell is run, not when the grid reaches the baseline.
        throw Error(fmt::format("`population` {}: the {} baseline has no node embeddings, only one "
                                "vector per window; use auto (the baselines then decode that vector) "
                                "or mean, or leave {} out of `models`",
                                readout, m, m));
      }
    }
  }
  for (const auto& m : s.models) {
    if ((m == "pca-activity" || m == "rates") && !have_recording) {
      throw Error(fmt::format("`models` {}: this baseline needs the recording the graphs were built from "
                              "(`recording`)", m));
    }
  }
}

}  // namespace

CompareResult compare_grid(const graphs::GraphSequence& sequence, const Recording* recording,
                           const CompareSettings& s, const GridInputs& inputs, const RunDirectory& out,
                           bool replace_other_grids) {
  check_models(s, recording != nullptr);
  s.fit.device.resolve_device();  // bad devices fail before any cell
  io::ensure_directory(out.root());
  claim_grid_folder(grid_identity(s, inputs), out, replace_other_grids);
  std::vector<std::tuple<std::string, int64_t, std::uint64_t>> cells;
  for (const auto& m : s.models) {
    for (auto z : s.latent) {
      for (std::size_t i = 0; i < s.seeds; ++i) cells.emplace_back(m, z, s.first_seed + i);
    }
  }
  CompareResult result;
  result.cells = cells.size();
  std::size_t done = 0;
  ProgressBar progress("compare", cells.size());
  for (const auto& [model, latent, seed] : cells) {
    const auto cell = out.cell(model, latent, seed);
    std::error_code ec;
    if (fs::exists(cell.metrics(), ec)) {
      ++result.already_done;
    } else {
      run_cell(s, sequence, recording, model, latent, seed, cell);
    }
    ++done;
    progress.update(done, fmt::format("{} z={} seed={}", model, latent, seed));
  }
  progress.finish();
  std::vector<eval::ComparisonRow> rows;
  for (const auto& [model, latent, seed] : cells) {
    const auto rows_of_cell = eval::comparison_rows(out.cell(model, latent, seed).metrics(), model, latent, seed);
    rows.insert(rows.end(), rows_of_cell.begin(), rows_of_cell.end());
  }
  io::write_file_atomically(out.results_csv(), eval::results_csv(rows));
  result.summary = eval::summary_markdown(rows, sequence.size(), sequence.n_units());
  io::write_file_atomically(out.summary(), result.summary);
  return result;
}

std::string run_compare(const fs::path& graphs_path, const RecordingSettings* recording_settings,
                        const CompareSettings& settings, const RunDirectory& out, bool replace_other_grids) {
  const bool have_recording = recording_settings != nullptr && !recording_settings->path.empty();
  check_models(settings, have_recording);
  const auto sequence = graphs::load_graph_sequence(graphs_path);
  GridInputs inputs;
  inputs.graphs_sha256 = io::sha256_file(graphs_path);
  std::optional<Recording> recording;
  if (have_recording) {
    inputs.recording_sha256 = io::sha256_file(recording_settings->path);
    recording = read_recording(*recording_settings);
  }
  const auto result = compare_grid(sequence, recording ? &*recording : nullptr, settings, inputs, out,
                                   replace_other_grids);
  return result.summary + fmt::format("\n{} cells ({} already done); {} and {} written\n", result.cells,
                                      result.already_done, out.results_csv().string(), out.summary().string());
}

}  // namespace tavrnn::pipeline
