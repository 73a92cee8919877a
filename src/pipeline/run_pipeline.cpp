#include "tavrnn/pipeline/run_pipeline.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"
#include "tavrnn/pipeline/compare_grid.h"
#include "tavrnn/pipeline/shared_fit.h"
#include "tavrnn/pipeline/stage_ledger.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/report/figure_manifest.h"
#include "tavrnn/train/run_outputs.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

namespace fs = std::filesystem;

namespace {

// One stage: its settings as the equivalent command line (what its key and
// run.json record), its files, and the library call that does it.
struct Stage {
  std::string name;
  std::vector<std::string> arguments;
  std::vector<fs::path> inputs;
  std::vector<fs::path> outputs;
  std::function<std::string(bool resume)> run;
};

// Keys a config may not set because the pipeline sets them, and why.
const std::map<std::string, std::string>& pipeline_keys(const std::string& section) {
  static const std::string where = "the pipeline chooses where each stage writes (the top-level out = \"DIR\" names the run's folder)";
  static const std::string own = "the pipeline passes the run's own files";
  static const std::map<std::string, std::map<std::string, std::string>> keys = {
      {"simulate", {{"out", where}, {"ground-truth", "written to OUT/ground_truth.json"}}},
      {"recording", {{"out", where}}},
      {"graphs", {{"out", where}}},
      {"fit", {{"out", where},
               {"resume", "the pipeline resumes an interrupted fit itself"},
               {"overwrite", "the pipeline resumes an interrupted fit itself"}}},
      {"evaluate", {{"out", where}, {"embeddings", own}, {"graphs", own}}},
      {"compare", {{"out", where},
                   {"recording", "the pipeline passes the run's recording"},
                   {"overwrite", "the pipeline passes the run's recording"}}},
      {"figures", {{"out", where}, {"graphs", own}, {"compare", own}}},
      {"report", {{"out", where}, {"graphs", own}, {"figures", own}}}};
  return keys.at(section);
}

class StagePlanner {
 public:
  StagePlanner(const RunConfig& config, RunDirectory out) : config_(config), out_(std::move(out)) {}

  std::vector<Stage> plan();

 private:
  // Several recordings ([simulate] animals > 1, or [recording] paths = [...]):
  // graphs of each, one shared model, the cross-recording evaluation.
  std::vector<Stage> plan_several(std::vector<Stage> stages, const std::vector<fs::path>& recordings,
                                  const std::vector<std::string>& names, const std::vector<fs::path>& reader_inputs,
                                  const std::vector<std::string>& reader_args);
  // Sets the section's keys on `table`; returns them as command-line
  // arguments with input paths made relative to the config, the pipeline's
  // seed added when the section has none. Paths read go into `inputs`.
  // `handled`: keys the planner reads itself (not options of the table).
  std::vector<std::string> apply(const std::string& section, const OptionTable& table, bool seeded,
                                 std::vector<fs::path>& inputs,
                                 const std::vector<std::string>& handled = {}) const;
  std::string context(const std::string& section) const {
    return fmt::format("config {}: [{}]", config_.file.string(), section);
  }

  const RunConfig& config_;
  RunDirectory out_;
  // The settings the stages run with: owned here, captured by the stages.
  RecordingSettings recording_;
  SimulateSettings simulate_;
  GraphsSettings graphs_;
  FitSettings fit_;
  EvaluateSettings evaluate_;
  CompareSettings compare_;
  FiguresSettings figures_;
  ReportSettings report_;

 public:
  // Stages hold references into the planner: it must outlive them.
  StagePlanner(const StagePlanner&) = delete;
};

std::vector<std::string> StagePlanner::apply(const std::string& section, const OptionTable& table, bool seeded,
                                             std::vector<fs::path>& inputs,
                                             const std::vector<std::string>& handled) const {
  std::vector<std::string> args;
  const auto it = config_.sections.find(section);
  if (it != config_.sections.end()) {
    const auto& reserved = pipeline_keys(section);
    for (const auto& option : it->second) {
      if (std::find(handled.begin(), handled.end(), option.key) != handled.end()) continue;
      if (auto r = reserved.find(option.key); r != reserved.end()) {
        throw Error(fmt::format("{} {}: {}", context(section), option.key, r->second));
      }
      const OptionSpec* spec = table.find(option.key);
      if (spec == nullptr) {
        throw Error(fmt::format("{} {}: unknown key (the keys of [{}]: {})", context(section), option.key,
                                section, table.names()));
      }
      std::optional<std::string> value = option.value;
      if (value && spec->is_path) {
        *value = config_.resolve_input(*value).string();
        inputs.push_back(*value);
      } else if (value && section == "graphs" && option.key == "windows" && value->rfind("explicit:", 0) == 0) {
        const auto file = config_.resolve_input(value->substr(9));
        *value = "explicit:" + file.string();
        inputs.push_back(file);
      }
      try {
        table.set(option.key, value);
      } catch (const Error& e) {
        throw Error(fmt::format("{} {}", context(section), e.what()));
      }
      args.push_back("--" + option.key);
      if (value) args.push_back(*value);
    }
  }
  const bool has_seed = it != config_.sections.end() &&
                        std::any_of(it->second.begin(), it->second.end(),
                                    [](const ConfigOption& o) { return o.key == "seed"; });
  if (seeded && config_.seed && !has_seed) {
    table.set("seed", std::to_string(*config_.seed));
    args.push_back("--seed");
    args.push_back(std::to_string(*config_.seed));
  }
  return args;
}

std::vector<Stage> StagePlanner::plan() {
  const bool simulated = config_.has_section("simulate");
  if (simulated == config_.has_section("recording")) {
    throw Error(fmt::format("config {}: expected exactly one of [simulate] (a recording the simulator makes) "
                            "and [recording] (path = your file), found {}",
                            config_.file.string(), simulated ? "both" : "neither"));
  }
  std::vector<Stage> stages;
  std::vector<fs::path> recording_inputs;
  std::vector<std::string> recording_args;
  if (simulated) {
    recording_.path = out_.recording();
    std::vector<fs::path> inputs;
    auto args = apply("simulate", simulate_options(simulate_), true, inputs);
    if (simulate_.animals > 1) {
      args.insert(args.end(), {"--out", out_.recordings_dir().string()});
      std::vector<fs::path> recordings, outputs;
      std::vector<std::string> names;
      for (std::size_t k = 1; k <= simulate_.animals; ++k) {
        names.push_back(fmt::format("animal{}", k));
        recordings.push_back(out_.recordings_dir() / (names.back() + ".npz"));
        outputs.push_back(recordings.back());
        outputs.push_back(out_.recordings_dir() / (names.back() + "_ground_truth.json"));
      }
      stages.push_back({"simulate", args, inputs, outputs,
                        [this](bool) { return run_simulate_animals(simulate_, out_.recordings_dir()); }});
      return plan_several(std::move(stages), recordings, names, {}, {});
    }
    args.insert(args.end(), {"--out", out_.recording().string()});
    stages.push_back({"simulate", args, inputs, {out_.recording(), out_.ground_truth()},
                      [this](bool) { return run_simulate(simulate_, out_.recording(), out_.ground_truth()); }});
  } else {
    const auto path = config_.value("recording", "path");
    if (const auto paths = config_.value("recording", "paths")) {
      if (path) {
        throw Error(fmt::format("config {}: [recording] has both `path` (one recording) and `paths` (several); "
                                "keep one",
                                config_.file.string()));
      }
      std::vector<fs::path> recordings;
      std::size_t begin = 0;
      while (begin <= paths->size()) {
        const auto end = std::min(paths->find(',', begin), paths->size());
        recordings.push_back(config_.resolve_input(paths->substr(begin, end - begin)));
        begin = end + 1;
      }
      for (const auto& r : recordings) {
        std::error_code ec;
        if (!fs::exists(r, ec)) {
          throw Error(fmt::format("config {}: [recording] paths: {} does not exist", config_.file.string(),
                                  r.string()));
        }
      }
      const auto names = sequence_names(recordings, config_.value("recording", "names").value_or(""));
      std::vector<fs::path> inputs;
      auto args = apply("recording", recording_options(recording_), false, inputs, {"paths", "names"});
      return plan_several(std::move(stages), recordings, names, inputs, args);
    }
    if (config_.value("recording", "names")) {
      throw Error(fmt::format("config {}: [recording] names: names the files of `paths = [...]` (several "
                              "recordings); one `path` needs none",
                              config_.file.string()));
    }
    if (!path) {
      throw Error(fmt::format("config {}: [recording] needs `path = \"FILE\"` (the recording to read)",
                              config_.file.string()));
    }
    recording_.path = config_.resolve_input(*path);
    std::error_code ec;
    if (!fs::exists(recording_.path, ec)) {
      throw Error(fmt::format("config {}: [recording] path: {} does not exist", config_.file.string(),
                              recording_.path.string()));
    }
    // `path` is the file itself, not an option of the reader.
    recording_args = apply("recording", recording_options(recording_), false, recording_inputs, {"path"});
  }
  recording_inputs.insert(recording_inputs.begin(), recording_.path);
  {
    std::vector<fs::path> inputs = recording_inputs;
    std::vector<std::string> args = {recording_.path.string()};
    args.insert(args.end(), recording_args.begin(), recording_args.end());
    auto g = apply("graphs", graphs_options(graphs_), true, inputs);
    args.insert(args.end(), g.begin(), g.end());
    args.insert(args.end(), {"--out", out_.graphs().string()});
    stages.push_back({"graphs", args, inputs, {out_.graphs()},
                      [this](bool) { return run_graphs(recording_, graphs_, out_.graphs()); }});
  }
  const RunDirectory fit = out_.fit();
  {
    std::vector<fs::path> inputs = {out_.graphs()};
    std::vector<std::string> args = {out_.graphs().string()};
    auto f = apply("fit", fit_options(fit_), true, inputs);
    args.insert(args.end(), f.begin(), f.end());
    args.insert(args.end(), {"--out", fit.root().string()});
    stages.push_back({"fit", args, inputs, {fit.checkpoint(), fit.embeddings(), fit.training_log(), fit.record()},
                      [this, fit](bool resume) {
                        FitSettings settings = fit_;
                        settings.trainer.progress = true;
                        return run_fit(out_.graphs(), settings, fit,
                                       resume ? ExistingModel::Resume : ExistingModel::Overwrite);
                      }});
  }
  {
    std::vector<fs::path> inputs = {fit.embeddings(), out_.graphs()};
    std::vector<std::string> args = {fit.root().string(), "--graphs", out_.graphs().string()};
    auto e = apply("evaluate", evaluate_options(evaluate_), true, inputs);
    args.insert(args.end(), e.begin(), e.end());
    stages.push_back({"evaluate", args, inputs, {fit.metrics()}, [this, fit](bool) {
                        EvaluateFiles files;
                        files.graphs = out_.graphs();
                        return run_evaluate(fit, evaluate_, files);
                      }});
  }
  const RunDirectory grid = out_.compare();
  const bool compare = config_.has_section("compare");
  if (compare) {  // the grid behind the accuracy-per-width figure
    std::vector<fs::path> inputs = recording_inputs;
    inputs.push_back(out_.graphs());
    std::vector<std::string> args = {out_.graphs().string(), "--recording", recording_.path.string()};
    args.insert(args.end(), recording_args.begin(), recording_args.end());
    auto c = apply("compare", compare_options(compare_), true, inputs);
    args.insert(args.end(), c.begin(), c.end());
    args.insert(args.end(), {"--out", grid.root().string()});
    stages.push_back({"compare", args, inputs, {grid.grid_record(), grid.results_csv(), grid.summary()},
                      [this, grid](bool) {
                        // Cells of the same grid are kept (and resumed); others replaced.
                        return run_compare(out_.graphs(), &recording_, compare_, grid, true);
                      }});
  }
  {
    std::vector<fs::path> inputs = {fit.embeddings(), fit.metrics(), fit.training_log(), out_.graphs()};
    std::vector<std::string> args = {fit.root().string(), "--graphs", out_.graphs().string()};
    if (compare) {
      inputs.push_back(grid.results_csv());
      args.insert(args.end(), {"--compare", grid.root().string()});
    }
    auto f = apply("figures", figures_options(figures_), true, inputs);
    args.insert(args.end(), f.begin(), f.end());
    args.insert(args.end(), {"--out", out_.figures().string()});
    // The figure files themselves are added from the manifest once drawn.
    stages.push_back({"figures", args, inputs, {RunDirectory::figures_manifest_in(out_.figures())},
                      [this, fit, grid, compare](bool) {
                        FiguresFiles files;
                        files.graphs = out_.graphs();
                        if (compare) files.compare = grid.root();
                        files.out = out_.figures();
                        return run_figures(fit, figures_, files);
                      }});
  }
  {
    std::vector<fs::path> inputs = {fit.embeddings(), fit.metrics(), fit.training_log(), fit.record(),
                                    out_.graphs(), RunDirectory::figures_manifest_in(out_.figures())};
    std::vector<std::string> args = {fit.root().string(), "--graphs", out_.graphs().string(), "--figures",
                                     out_.figures().string()};
    auto r = apply("report", report_options(report_), true, inputs);
    args.insert(args.end(), r.begin(), r.end());
    args.insert(args.end(), {"--out", out_.report().string()});
    stages.push_back({"report", args, inputs, {out_.report()}, [this, fit](bool) {
                        ReportFiles files;
                        files.figures = out_.figures();
                        files.graphs = out_.graphs();
                        files.out = out_.report();
                        return run_report(fit, report_, files);
                      }});
  }
  return stages;
}

std::vector<Stage> StagePlanner::plan_several(std::vector<Stage> stages, const std::vector<fs::path>& recordings,
                                              const std::vector<std::string>& names,
                                              const std::vector<fs::path>& reader_inputs,
                                              const std::vector<std::string>& reader_args) {
  if (recordings.size() < 2) {
    throw Error(fmt::format("config {}: several recordings need at least two (found {})", config_.file.string(),
                            recordings.size()));
  }
  for (const char* section : {"compare", "figures", "report"}) {
    if (config_.has_section(section)) {
      throw Error(fmt::format("config {}: [{}] draws one recording's run; a run over several recordings has "
                              "graphs, fit and evaluate (docs/pipeline.md)",
                              config_.file.string(), section));
    }
  }
  std::vector<fs::path> graphs;
  for (const auto& name : names) graphs.push_back(out_.sequence_graphs(name));
  {
    std::vector<fs::path> inputs = recordings;
    inputs.insert(inputs.end(), reader_inputs.begin(), reader_inputs.end());
    std::vector<std::string> args;
    for (const auto& r : recordings) args.push_back(r.string());
    args.insert(args.end(), reader_args.begin(), reader_args.end());
    auto g = apply("graphs", graphs_options(graphs_), true, inputs);
    args.insert(args.end(), g.begin(), g.end());
    args.insert(args.end(), {"--out", (out_.root() / "graphs").string()});
    stages.push_back({"graphs", args, inputs, graphs, [this, recordings, graphs](bool) {
                        std::string lines;
                        for (std::size_t k = 0; k < recordings.size(); ++k) {
                          RecordingSettings one = recording_;
                          one.path = recordings[k];
                          lines += run_graphs(one, graphs_, graphs[k]);
                        }
                        return lines;
                      }});
  }
  const RunDirectory fit = out_.fit();
  const bool separate = config_.value("fit", "separate").value_or("false") == "true";
  {
    std::vector<fs::path> inputs = graphs;
    std::vector<std::string> args;
    for (const auto& g : graphs) args.push_back(g.string());
    auto f = apply("fit", fit_options(fit_), true, inputs, {"separate"});
    args.insert(args.end(), f.begin(), f.end());
    if (separate) args.push_back("--separate");
    args.insert(args.end(), {"--names", fmt::format("{}", fmt::join(names, ",")), "--out", fit.root().string()});
    std::vector<fs::path> outputs = {fit.checkpoint(), fit.training_log(), fit.record()};
    for (const auto& name : names) outputs.push_back(fit.sequence_embeddings(name));
    stages.push_back({"fit", args, inputs, outputs, [this, fit, graphs, names, separate](bool resume) {
                        FitSettings settings = fit_;
                        settings.trainer.progress = true;
                        return run_fit_shared(graphs, names, settings, fit,
                                              resume ? ExistingModel::Resume : ExistingModel::Overwrite, separate);
                      }});
  }
  {
    std::vector<fs::path> inputs = {fit.record()};
    for (const auto& name : names) inputs.push_back(fit.sequence_embeddings(name));
    std::vector<std::string> args = {fit.root().string()};
    auto e = apply("evaluate", evaluate_options(evaluate_), true, inputs);
    args.insert(args.end(), e.begin(), e.end());
    stages.push_back({"evaluate", args, inputs, {fit.metrics()},
                      [this, fit](bool) { return run_evaluate_shared(fit, evaluate_); }});
  }
  return stages;
}

// A figures manifest among a stage's files stands for itself and every file
// it lists (a redrawn figure changes the report; a deleted one reruns figures).
std::vector<fs::path> with_manifest_files(const std::vector<fs::path>& files) {
  std::vector<fs::path> all;
  for (const auto& f : files) {
    all.push_back(f);
    if (!RunDirectory::is_figures_manifest(f)) continue;
    std::error_code ec;
    if (!fs::exists(f, ec)) continue;
    for (const auto& entry : report::read_figure_manifest(f)) {
      if (!entry.png.empty()) all.push_back(entry.png);
      if (!entry.svg.empty()) all.push_back(entry.svg);
    }
  }
  return all;
}

std::string mean_sd(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("mean")) return "n/a";
  return fmt::format("{:.3f} +- {:.3f}", j["mean"].get<double>(), j.value("sd", 0.0));
}

}  // namespace

std::string run_headline(const RunDirectory& run) {
  const fs::path metrics_path = run.fit().metrics();
  std::error_code ec;
  if (!fs::exists(metrics_path, ec)) return {};
  const auto m = nlohmann::json::parse(io::read_file_bytes(metrics_path), nullptr, false);
  if (!m.is_object()) return {};
  std::string text = "\n== headline (" + metrics_path.string() + ")\n";
  if (m.contains("shared")) {  // several recordings: decoding across them
    for (const char* model : {"shared", "separate"}) {
      const auto d = m.value(nlohmann::json::json_pointer("/" + std::string(model) + "/decoding"), nlohmann::json());
      if (!d.is_object() || !d.contains("mean_accuracy")) continue;
      text += fmt::format("  leave-one-recording-out decoding, {} model{}: accuracy {:.3f} (balanced {:.3f})\n",
                          model, std::string(model) == "shared" ? "" : "s fitted alone",
                          d.value("mean_accuracy", 0.0), d.value("mean_balanced_accuracy", 0.0));
    }
    return text;
  }
  const auto lr = m.value("/decoding/logistic_regression"_json_pointer, nlohmann::json());
  if (lr.is_object()) {
    text += fmt::format("  decoding accuracy (logistic regression, held out): {}   shuffled labels: {}\n",
                        mean_sd(lr.value("/scores/accuracy_score"_json_pointer, nlohmann::json())),
                        mean_sd(lr.value("/shuffled_labels/accuracy_score"_json_pointer, nlohmann::json())));
  }
  const auto groups = m.value("/groups/silhouette_score"_json_pointer, nlohmann::json());
  if (groups.is_object()) text += "  unit-group silhouette per window: " + mean_sd(groups) + "\n";
  const auto auc = m.value("/reconstruction/roc_auc_score"_json_pointer, nlohmann::json());
  if (auc.is_object()) text += "  graph reconstruction ROC AUC: " + mean_sd(auc) + "\n";
  else if (auc.is_number()) text += fmt::format("  graph reconstruction ROC AUC: {:.3f}\n", auc.get<double>());
  return text;
}

RunResult run_pipeline(const RunConfig& given, const RunOptions& options) {
  RunConfig config = given;
  if (options.seed) {
    config.seed = options.seed;
    for (auto& [name, keys] : config.sections) {
      keys.erase(std::remove_if(keys.begin(), keys.end(), [](const ConfigOption& o) { return o.key == "seed"; }),
                 keys.end());
    }
  }
  const fs::path out_path = options.out.empty() ? fs::path(config.out) : options.out;
  if (out_path.empty()) {
    throw Error(fmt::format("config {}: no output folder: set `out = \"DIR\"` at the top or pass an output folder",
                            config.file.string()));
  }
  RunResult result;
  result.directory = RunDirectory(out_path);
  const RunDirectory& out = result.directory;
  StagePlanner planner(config, out);
  const auto stages = planner.plan();
  const auto print = [&](const std::string& text) {
    if (options.print) options.print(text);
  };
  io::ensure_directory(out.root());
  StageLedger ledger(out.record());
  nlohmann::json config_record = {{"path", config.file.empty() ? "" : fs::absolute(config.file).string()},
                                  {"sha256", config.file.empty() ? "" : io::sha256_file(config.file)},
                                  {"overrides", options.overrides}};
  ledger.set("config", config_record);
  ledger.set("versions", train::runtime_versions());
  std::size_t index = 0;
  for (const auto& stage : stages) {
    ++index;
    const auto key = stage_key(stage.name, stage.arguments, with_manifest_files(stage.inputs));
    if (!options.force && ledger.up_to_date(stage.name, key)) {
      print(fmt::format("== [{}/{}] {}: up to date, skipped\n", index, stages.size(), stage.name));
      result.stages_skipped.push_back(stage.name);
      continue;
    }
    print(fmt::format("== [{}/{}] {}\n", index, stages.size(), stage.name));
    // A fit killed part-way left its checkpoint: continue it when the
    // settings are the ones it started with, else start again.
    std::error_code ec;
    const bool resume = stage.name == "fit" && ledger.started_key("fit") == key &&
                        fs::exists(out.fit().checkpoint(), ec);
    ledger.mark_started(stage.name, key, stage.arguments);
    const auto begin = std::chrono::steady_clock::now();
    print(stage.run(resume));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    ledger.mark_finished(stage.name, key, with_manifest_files(stage.outputs), seconds);
    result.stages_run.push_back(stage.name);
  }
  return result;
}

}  // namespace tavrnn::pipeline
