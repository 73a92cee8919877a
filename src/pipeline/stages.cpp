#include "tavrnn/pipeline/stages.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/graphs/graph_summary.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"
#include "tavrnn/pipeline/model_selection.h"
#include "tavrnn/pipeline/shared_fit.h"
#include "fit_record.h"
#include "tavrnn/recording/summary.h"
#include "tavrnn/recording/windows.h"
#include "tavrnn/report/html_report.h"
#include "tavrnn/report/run_figures.h"
#include "tavrnn/train/checkpoint.h"
#include "tavrnn/train/run_outputs.h"
#include "tavrnn/util/categorical.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

fs::path parent_or_here(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : "."; }

// One value per line (a header line is not allowed: the count must match).
std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot open {}", path.string()));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The lines of an `evaluate --labels/--groups` file as categories: these
// files spell a missing value '-', which is Categorical's empty string.
Categorical categories_from_lines(std::vector<std::string> lines) {
  for (auto& line : lines) {
    if (line == "-") line.clear();
  }
  return Categorical::from_strings(lines);
}

// fit's record of a model (run.json, less the graphs file's name and hash).
nlohmann::json fit_record(const FittedModel& fitted, const graphs::GraphSequence& sequence) {
  nlohmann::json record = {{"command", "fit"}, {"graph_settings", graph_settings_record(sequence)}};
  record.update(training_record(fitted.config, fitted.options, fitted.result));
  record["selection"] = fitted.selection;
  return record;
}

std::vector<int> label_codes(const std::string& list, const std::vector<std::string>& names) {
  std::vector<int> codes;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const auto end = std::min(list.find(',', begin), list.size());
    const auto name = list.substr(begin, end - begin);
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      throw Error(fmt::format("contrast: no window label '{}' (labels: {})", name, known));
    }
    codes.push_back(static_cast<int>(it - names.begin()));
    begin = end + 1;
  }
  return codes;
}

}  // namespace

nlohmann::json validation_record(const train::TrainingResult& result) {
  const train::EpochRecord* r = result.state.model_epoch_record();
  if (r == nullptr || !r->has_validation()) return nullptr;
  return {{"epoch", r->epoch}, {"loss", r->val_loss}, {"roc_auc", r->val_auc}, {"average_precision", r->val_ap}};
}

std::string kept_epoch_text(const train::TrainingResult& result) {
  const int64_t kept = result.state.model_epoch();
  if (kept == result.state.epochs_done) return "";
  const auto v = validation_record(result);
  if (v.is_null()) return fmt::format(", kept epoch {} (lowest loss)", kept);
  return fmt::format(", kept epoch {} (held-out edges: ROC AUC {:.3f}, AP {:.3f})", kept,
                     v.at("roc_auc").get<double>(), v.at("average_precision").get<double>());
}

void prepare_fit_folder(const RunDirectory& run, ExistingModel existing) {
  io::ensure_directory(run.root());
  std::error_code ec;
  const bool has_model = fs::exists(run.checkpoint(), ec);
  if (existing == ExistingModel::Refuse && has_model) {
    throw Error(fmt::format("fit: {} already holds a model; resume it or overwrite it",
                            run.root().string()));
  }
  if (existing == ExistingModel::Resume && !has_model) {
    throw Error(fmt::format("fit: no checkpoint {} to resume", run.checkpoint().string()));
  }
}

eval::EvaluationOptions evaluation_options(const EvaluateSettings& settings) {
  eval::EvaluationOptions options = settings.options;
  options.seed = options.decoding.first_seed;
  options.decoding.scheme = settings.scheme == "shuffle-split" ? eval::SplitScheme::StratifiedShuffleSplit
                                                               : eval::SplitScheme::StratifiedKFold;
  return options;
}

nlohmann::json graph_settings_record(const graphs::GraphSequence& sequence) {
  return {{"windows", sequence.settings().windows},
          {"theta", sequence.settings().theta},
          {"history_node", sequence.settings().history_node},
          {"rmt", sequence.settings().rmt},
          {"bin_width_s", sequence.bin_width_s()}};
}

nlohmann::json training_record(const train::ModelConfig& config, const train::TrainerOptions& options,
                               const train::TrainingResult& result) {
  const auto& log = result.state.log;
  return {{"model", config.to_json()},
          {"trainer", options.to_json()},
          {"versions", train::runtime_versions()},
          {"epochs_done", result.state.epochs_done},
          {"stopped_early", result.state.stopped_early},
          {"selected_epoch", result.state.model_epoch()},
          {"monitor", result.monitor},
          {"validation", validation_record(result)},
          {"final_loss", log.empty() ? 0.0 : log.back().loss},
          {"timings", {{"seconds_this_call", result.seconds},
                       {"median_seconds_per_epoch", train::median_epoch_seconds(log)}}},
          {"resumed", result.resumed}};
}

// ---- values in, values out ------------------------------------------------

Recording read_recording(const RecordingSettings& settings) {
  return io::read_recording(settings.path, settings.resolve());
}

SimulatedRecording simulate(const SimulateSettings& settings) {
  if (settings.animals != 1) {
    throw Error(fmt::format("`animals` {}: several animals are simulated into a folder (tavrnn simulate "
                            "--animals K --out DIR/); this stage makes one recording",
                            settings.animals));
  }
  return tavrnn::simulate(settings.preset, settings.seed, {settings.units, settings.duration});
}

std::vector<SimulatedRecording> simulate_animals(const SimulateSettings& settings) {
  return tavrnn::simulate_animals(settings.preset, settings.seed, settings.animals,
                                  {settings.units, settings.duration});
}

graphs::GraphSequence build_graphs(const Recording& recording, const GraphsSettings& settings) {
  if (settings.windows.empty()) {
    throw Error("windows: required (sliding:SIZE:STEP, segments[:MINLEN], explicit:FILE or trials)");
  }
  const graphs::GraphBuilderOptions options = settings.builder_options();
  WindowPlan plan = parse_window_plan(recording, settings.windows);
  if (!settings.select.empty()) plan = plan.select(parse_index_list(settings.select, "`select`"));
  return graphs::CorrelationGraphBuilder(options).build(recording, plan);
}

namespace {

FittedModel fit_selected(const graphs::GraphSequence& sequence, const FitSettings& settings,
                         const Checkpointing& checkpointing) {
  if (checkpointing.resume) {
    throw Error("`select` cannot resume a fit: fit the selected settings (run.json, \"selection\") without "
                "`select` to continue one");
  }
  const std::vector<SelectionCandidate> candidates = selection_candidates(settings);
  for (const auto& c : candidates) {
    if (c.settings.trainer.resolved_monitor() == "loss") {
      throw Error(fmt::format("`select` ranks settings by their held-out edges; {} monitors the training "
                              "loss (set `validation` > 0 and leave `monitor` at auto or a val-* value)",
                              c.label));
    }
  }
  const auto candidate_path = [&](std::size_t i) {
    fs::path p = checkpointing.checkpoint;
    return p.empty() ? p : p.replace_filename(fmt::format("{}.select-{}", p.filename().string(), i));
  };
  std::optional<FittedModel> best;
  std::size_t best_index = 0;
  double best_score = 0;
  nlohmann::json table = nlohmann::json::array();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    Checkpointing own = checkpointing;
    own.checkpoint = candidate_path(i);
    FittedModel f = fit(sequence, candidates[i].settings, own);
    const train::EpochRecord* kept = f.result.state.model_epoch_record();
    if (f.result.monitor == "loss" || kept == nullptr || !kept->has_validation()) {
      throw Error(fmt::format("`select`: {} has no held-out score (no window had edges to hold out)",
                              candidates[i].label));
    }
    const double score = train::monitored_score(*kept, f.result.monitor);
    table.push_back({{"settings", candidates[i].label},
                     {"monitor", f.result.monitor},
                     {"score", score},
                     {"selected_epoch", f.result.state.model_epoch()},
                     {"epochs_done", f.result.state.epochs_done},
                     {"validation", validation_record(f.result)},
                     {"seconds", f.result.seconds}});
    spdlog::info("select {}/{}: {}: held-out {} {:.4f} (epoch {})", i + 1, candidates.size(),
                 candidates[i].label, f.result.monitor, score, f.result.state.model_epoch());
    std::error_code ec;
    if (!best || score > best_score) {
      if (best && !checkpointing.checkpoint.empty()) fs::remove(candidate_path(best_index), ec);
      best = std::move(f);
      best_index = i;
      best_score = score;
    } else if (!checkpointing.checkpoint.empty()) {
      fs::remove(own.checkpoint, ec);
    }
  }
  if (!checkpointing.checkpoint.empty()) fs::rename(candidate_path(best_index), checkpointing.checkpoint);
  best->selection = {{"candidates", table}, {"selected", candidates[best_index].label}};
  return std::move(*best);
}

}  // namespace

FittedModel fit(const graphs::GraphSequence& sequence, const FitSettings& settings,
                const Checkpointing& checkpointing) {
  if (!settings.select.empty()) return fit_selected(sequence, settings, checkpointing);
  train::InMemoryWindows windows(
      train::make_training_data(sequence, settings.device.resolve_device(), settings.device.resolve_dtype()));
  return fit(windows, sequence, settings, checkpointing);
}

FittedModel fit(train::WindowSource& windows, const graphs::GraphSequence& header, const FitSettings& settings,
                const Checkpointing& checkpointing) {
  if (!settings.select.empty()) {
    throw Error("`select` fits several candidates on graphs in memory; it does not combine with `stream`");
  }
  FittedModel fitted;
  fitted.options = settings.trainer;
  if (settings.last_epoch) fitted.options.keep_best = false;
  fitted.options.device = settings.device.resolve_device();
  fitted.options.dtype = settings.device.resolve_dtype();
  fitted.config = settings.model.resolve(header);
  fitted.trainer = std::make_shared<train::Trainer>(fitted.config, fitted.options);
  fitted.result = fitted.trainer->fit(windows, checkpointing.checkpoint, checkpointing.resume,
                                      checkpointing.provenance);
  fitted.embeddings = train::embed(fitted.trainer->model(), windows, header.history_node_index(), settings.sample_z,
                                   fitted.trainer->generator(), static_cast<std::size_t>(fitted.options.bptt_windows));
  return fitted;
}

train::Embeddings embed(train::SequenceModel& model, const graphs::GraphSequence& sequence,
                        const EmbedSettings& settings) {
  const auto& config = model.config();
  if (static_cast<int64_t>(sequence.feature_dim()) != config.x_dim) {
    throw Error(fmt::format("embedding: the graphs have {} node features ({} nodes), the model was "
                            "trained on {}",
                            sequence.feature_dim(), sequence.n_nodes(), config.x_dim));
  }
  if (sequence.history_node_index().has_value() != config.history_node) {
    throw Error(fmt::format("embedding: the graphs {} a history node, the model's graphs {}",
                            sequence.history_node_index() ? "have" : "have no",
                            config.history_node ? "had one" : "had none"));
  }
  const auto device = settings.device.resolve_device();
  const auto dtype = settings.device.resolve_dtype();
  model.to(device, dtype);
  const auto data = train::make_training_data(sequence, device, dtype);
  auto generator = at::detail::createCPUGenerator(settings.seed);
  return train::embed(model, data, sequence.history_node_index(), settings.sample_z, generator);
}

std::unique_ptr<train::SequenceModel> load_model(const fs::path& checkpoint, const DeviceSettings& device,
                                                 train::TrainingState* state) {
  const auto config = train::ModelConfig::from_json(train::read_checkpoint_config(checkpoint).at("model"));
  auto model = std::make_unique<train::SequenceModel>(config);
  const auto where = device.resolve_device();
  train::TrainingState loaded = train::load_checkpoint(checkpoint, *model, nullptr, nullptr, where);
  train::use_kept_parameters(*model, loaded);
  if (state) *state = std::move(loaded);
  model->to(where, device.resolve_dtype());
  return model;
}

eval::EmbeddingsFile evaluation_input(const FittedModel& fitted, const graphs::GraphSequence& sequence) {
  return eval::embeddings_for_evaluation(fitted.embeddings, sequence, train::model_kind_name(fitted.config.kind),
                                         sequence.history_node_index().has_value());
}

void set_window_labels(eval::EmbeddingsFile& e, Categorical labels, const std::string& origin) {
  if (labels.size() != e.n_windows()) {
    throw Error(fmt::format("{}: {} labels for {} windows (one label per window, '-' = none)", origin,
                            labels.size(), e.n_windows()));
  }
  e.window_label = std::move(labels.codes);
  e.label_names = std::move(labels.names);
  e.window_purity.assign(e.n_windows(), 1.0);
}

void set_unit_groups(eval::EmbeddingsFile& e, Categorical groups, const std::string& origin) {
  if (groups.size() != e.n_units()) {
    throw Error(fmt::format("{}: {} groups for {} units (one group per unit, '-' = none)", origin,
                            groups.size(), e.n_units()));
  }
  e.groups = std::move(groups.codes);
  e.group_names = std::move(groups.names);
}

nlohmann::json evaluate(eval::EmbeddingsFile e, const graphs::GraphSequence* graphs,
                        const EvaluateSettings& settings) {
  if (!settings.labels.empty()) {
    set_window_labels(e, categories_from_lines(read_lines(settings.labels)),
                      fmt::format("labels {}", settings.labels.string()));
  }
  if (!settings.groups.empty()) {
    set_unit_groups(e, categories_from_lines(read_lines(settings.groups)),
                    fmt::format("groups {}", settings.groups.string()));
  }
  eval::EvaluationOptions options = evaluation_options(settings);
  if (!settings.contrast.empty()) {
    const auto colon = settings.contrast.find(':');
    if (colon == std::string::npos) {
      throw Error(fmt::format("contrast '{}': expected FIRST:SECOND, label names separated by commas "
                              "(e.g. high:low)", settings.contrast));
    }
    options.contrast_first = label_codes(settings.contrast.substr(0, colon), e.label_names);
    options.contrast_second = label_codes(settings.contrast.substr(colon + 1), e.label_names);
  }
  return eval::evaluate_embeddings(e, graphs, options);
}

report::RunResults run_results(const FittedModel& fitted, const graphs::GraphSequence& sequence,
                               const nlohmann::json& metrics) {
  report::RunResults results;
  results.record = fit_record(fitted, sequence);
  results.metrics = metrics;
  results.training_log = fitted.result.state.log;
  results.embeddings = evaluation_input(fitted, sequence);
  results.graphs = sequence;
  if (metrics.is_null()) results.notes.push_back("not evaluated: no metrics");
  return results;
}

std::vector<report::FigureFile> figures(const report::RunResults& results, const FiguresSettings& settings,
                                        const fs::path& out_dir) {
  return report::write_run_figures(results, out_dir, settings.resolve());
}

std::string report_html(const report::RunResults& results, const std::vector<report::FigureFile>& figures,
                        const ReportSettings& settings) {
  const std::string chartjs = report::read_chartjs(settings.options.chartjs);
  return report::render_html_report(
      report::report_content(results, report::read_report_figures(figures), settings.options), chartjs);
}

// ---- files in, files out ----------------------------------------------------

std::string run_simulate(const SimulateSettings& settings, const fs::path& recording,
                         const fs::path& ground_truth) {
  io::ensure_directory(parent_or_here(recording));
  io::ensure_directory(parent_or_here(ground_truth));
  const SimulatedRecording sim = simulate(settings);
  io::write_recording_npz(recording, sim.recording);
  io::write_file_atomically(ground_truth, sim.ground_truth.dump(2) + "\n");
  const RecordingSummary summary = summarise(sim.recording);
  return fmt::format("simulated '{}' (seed {}): {} units x {} bins of {} s\n", settings.preset, settings.seed,
                     summary.n_units, summary.n_bins, summary.bin_width_s) +
         fmt::format("  recording    {}\n  ground truth {}\n", recording.string(), ground_truth.string());
}

std::string run_simulate_animals(const SimulateSettings& settings, const fs::path& out_dir) {
  io::ensure_directory(out_dir);
  const std::vector<SimulatedRecording> animals = simulate_animals(settings);
  std::string lines = fmt::format("simulated {} animals of '{}' (study seed {}) into {}\n", animals.size(),
                                  settings.preset, settings.seed, out_dir.string());
  for (std::size_t k = 0; k < animals.size(); ++k) {
    const std::string name = fmt::format("animal{}", k + 1);
    io::write_recording_npz(out_dir / (name + ".npz"), animals[k].recording);
    io::write_file_atomically(out_dir / (name + "_ground_truth.json"), animals[k].ground_truth.dump(2) + "\n");
    const RecordingSummary summary = summarise(animals[k].recording);
    lines += fmt::format("  {}.npz: {} units x {} bins of {} s (seed {})\n", name, summary.n_units,
                         summary.n_bins, summary.bin_width_s, animals[k].ground_truth.at("seed").get<std::uint64_t>());
  }
  return lines;
}

std::string run_graphs(const RecordingSettings& recording_settings, const GraphsSettings& settings,
                       const fs::path& out) {
  settings.builder_options();  // bad options fail before the recording is read
  const Recording recording = read_recording(recording_settings);
  io::ensure_directory(parent_or_here(out));
  const auto start = std::chrono::steady_clock::now();
  const graphs::GraphSequence sequence = build_graphs(recording, settings);
  const double seconds = seconds_since(start);
  graphs::save_graph_sequence(out, sequence);
  return graphs::graph_sequence_summary(sequence) +
         fmt::format("built in {:.2f} s; written to {}\n", seconds, out.string());
}

std::string run_fit(const fs::path& graphs_path, const FitSettings& settings, const RunDirectory& run,
                    ExistingModel existing) {
  prepare_fit_folder(run, existing);
  // Streamed: the header alone is read now, the graphs a piece at a time.
  std::optional<train::GraphFileWindows> streamed;
  if (settings.stream) {
    streamed.emplace(graphs_path, settings.device.resolve_device(), settings.device.resolve_dtype());
  }
  const graphs::GraphSequence sequence = streamed ? streamed->header() : graphs::load_graph_sequence(graphs_path);
  Checkpointing checkpointing;
  checkpointing.checkpoint = run.checkpoint();
  checkpointing.resume = existing == ExistingModel::Resume;
  checkpointing.provenance = {{"graphs_sha256", io::sha256_file(graphs_path)},
                              {"graphs_windows", sequence.size()},
                              {"graphs_nodes", sequence.n_nodes()}};
  const FittedModel fitted =
      streamed ? fit(*streamed, sequence, settings, checkpointing) : fit(sequence, settings, checkpointing);
  train::save_embeddings(run.embeddings(), fitted.embeddings, sequence, fitted.config);
  const auto& log = fitted.result.state.log;
  train::write_training_log(run.training_log(), log);
  nlohmann::json record = fit_record(fitted, sequence);
  record["graphs"] = fs::absolute(graphs_path).string();
  record["graphs_sha256"] = checkpointing.provenance.at("graphs_sha256");
  io::write_file_atomically(run.record(), record.dump(2) + "\n");
  return fmt::format(
      "trained {} on {} windows x {} nodes: {} epochs{}, loss {:.4g} (KL {:.3g}, NLL {:.4g}), "
      "{:.3f} s/epoch\n  outputs in {}: {} {} {} {}\n",
      train::model_kind_name(fitted.config.kind), sequence.size(), sequence.n_nodes(),
      fitted.result.state.epochs_done, kept_epoch_text(fitted.result), log.empty() ? 0.0 : log.back().loss, log.empty() ? 0.0 : log.back().kl,
      log.empty() ? 0.0 : log.back().nll, train::median_epoch_seconds(log), run.root().string(),
      run.checkpoint().filename().string(), run.embeddings().filename().string(),
      run.training_log().filename().string(), run.record().filename().string());
}

std::string run_embed(const RunDirectory& run, const fs::path& graphs_path, const EmbedSettings& settings,
                      const fs::path& out) {
  auto model = load_model(run.checkpoint(), settings.device);
  const graphs::GraphSequence sequence = graphs::load_graph_sequence(graphs_path);
  train::Embeddings embeddings;
  try {
    embeddings = embed(*model, sequence, settings);
  } catch (const Error& e) {
    throw Error(fmt::format("embed {} with {}: {}", graphs_path.string(), run.checkpoint().string(), e.what()));
  }
  const fs::path target = out.empty() ? run.embeddings_of(graphs_path) : out;
  io::ensure_directory(parent_or_here(target));
  train::save_embeddings(target, embeddings, sequence, model->config());
  return fmt::format("embedded {} windows x {} nodes with {} -> {}\n", sequence.size(), sequence.n_nodes(),
                     run.checkpoint().string(), target.string());
}

std::string run_evaluate(const RunDirectory& run, const EvaluateSettings& settings, const EvaluateFiles& files) {
  if (files.embeddings.empty() && is_shared_run(run)) {
    if (!files.graphs.empty()) {
      throw Error("evaluate: a shared run's graphs are those run.json lists; evaluate one sequence with "
                  "--embeddings RUN/embeddings/NAME.npz --graphs FILE");
    }
    return run_evaluate_shared(run, settings, files.out);
  }
  const fs::path embeddings_path = files.embeddings.empty() ? run.embeddings() : files.embeddings;
  auto e = eval::read_embeddings(embeddings_path);
  const fs::path graphs_path = files.graphs.empty() ? run.recorded_graphs() : files.graphs;
  std::optional<graphs::GraphSequence> sequence;
  if (!graphs_path.empty()) {
    std::error_code ec;
    if (!fs::exists(graphs_path, ec)) {
      throw Error(fmt::format("evaluate: graphs {} not found (name the graphs file)", graphs_path.string()));
    }
    sequence = graphs::load_graph_sequence(graphs_path);
  }
  auto metrics = evaluate(std::move(e), sequence ? &*sequence : nullptr, settings);
  metrics["embeddings"] = fs::absolute(embeddings_path).string();
  if (!graphs_path.empty()) metrics["graphs"] = fs::absolute(graphs_path).string();
  const fs::path out = files.out.empty() ? run.metrics() : files.out;
  io::write_file_atomically(out, metrics.dump(2) + "\n");
  return eval::metrics_table(metrics) + "  written to " + out.string() + "\n";
}

namespace {

// Figures and the report draw one sequence's run; a shared run has several.
void refuse_shared_run(const RunDirectory& run, const char* command) {
  if (!is_shared_run(run)) return;
  throw Error(fmt::format("{}: {} holds one model over several sequences (run.json lists them); {} draws one "
                          "sequence's run and does not read shared runs yet: `tavrnn evaluate {}` writes their "
                          "metrics, and each sequence's embeddings are in embeddings/NAME.npz",
                          command, run.root().string(), command, run.root().string()));
}

}  // namespace

std::string run_figures(const RunDirectory& run, const FiguresSettings& settings, const FiguresFiles& files) {
  refuse_shared_run(run, "figures");
  report::RunResultFiles inputs;
  inputs.graphs = files.graphs;
  inputs.compare_dir = files.compare;
  const fs::path out = files.out.empty() ? run.figures() : files.out;
  const auto figures = report::write_run_figures(run.root(), out, settings.resolve(), inputs);
  std::string listing;
  for (const auto& f : figures) listing += f.png.string() + "\n" + f.svg.string() + "\n";
  return listing + RunDirectory::figures_manifest_in(out).string() + "\n";
}

std::string run_report(const RunDirectory& run, const ReportSettings& settings, const ReportFiles& files) {
  refuse_shared_run(run, "report");
  report::ReportOptions options = settings.options;
  options.figures_dir = files.figures;
  options.graphs = files.graphs;
  const auto result = report::write_html_report(run.root(), files.out, options);
  return fmt::format("{} ({:.1f} kB, {:.1f} s)\n", result.path.string(), result.bytes / 1000.0, result.seconds);
}

}  // namespace tavrnn::pipeline
