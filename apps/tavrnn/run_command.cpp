// tavrnn run CONFIG.toml: the whole pipeline (simulate or read -> graphs ->
// fit -> evaluate -> [compare] -> figures -> report) into one folder, each stage run by the same
// subcommand a user would type, with the config section as its options.
// Stages whose inputs and settings are unchanged and whose outputs are intact
// are skipped (OUT/run.json, docs/pipeline.md).
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"
#include "tavrnn/pipeline/run_config.h"
#include "tavrnn/pipeline/stage_ledger.h"
#include "tavrnn/report/figure_manifest.h"
#include "tavrnn/train/run_outputs.h"

namespace tavrnn::cli {

namespace {

namespace fs = std::filesystem;
using pipeline::RunConfig;

struct RunSettings {
  std::string config;
  std::string out;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> overrides;
  bool force = false;
};

// One stage: the subcommand and its full arguments.
struct Stage {
  std::string name;  // the subcommand, and its config section
  std::vector<std::string> arguments;
  std::vector<fs::path> inputs;
  std::vector<fs::path> outputs;
};

using Registrar = void (*)(CLI::App&, Action&);

Registrar registrar(const std::string& name) {
  static const std::map<std::string, Registrar> registrars = {
      {"simulate", register_simulate}, {"graphs", register_graphs},
      {"fit", register_fit},           {"evaluate", register_evaluate},
      {"compare", register_compare},   {"figures", register_figures},
      {"report", register_report}};
  return registrars.at(name);
}

// Parses the arguments with the subcommand's own parser and runs it.
int run_subcommand(const Stage& stage, const std::vector<std::string>& extra, const RunConfig& config) {
  CLI::App app{"tavrnn"};
  Action action;
  registrar(stage.name)(app, action);
  std::vector<std::string> words = {"tavrnn", stage.name};
  words.insert(words.end(), stage.arguments.begin(), stage.arguments.end());
  words.insert(words.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    throw Error(fmt::format("config {}: [{}]: {} (a section's keys are the options of `tavrnn {} "
                            "--help`)",
                            config.file.string(), stage.name, e.what(), stage.name));
  }
  if (!action) throw Error(fmt::format("run: stage {} did not start", stage.name));
  return action();
}

void forbid_keys(const RunConfig& config, const std::string& section,
                 const std::vector<std::string>& keys, const std::string& why) {
  for (const auto& key : keys) {
    if (config.value(section, key)) {
      throw Error(fmt::format("config {}: [{}] {}: {}", config.file.string(), section, key, why));
    }
  }
}

// The section's arguments, with input paths made relative to the config and
// the pipeline's seed added when the section has none.
std::vector<std::string> section_arguments(const RunConfig& config, const std::string& section,
                                           const std::vector<std::string>& path_keys,
                                           std::vector<fs::path>& inputs, bool seeded) {
  std::vector<std::string> args = config.arguments(section);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) continue;  // a value
    const std::string key = args[i].substr(2);
    if (std::find(path_keys.begin(), path_keys.end(), key) != path_keys.end()) {
      args[i + 1] = config.resolve_input(args[i + 1]).string();
      inputs.push_back(args[i + 1]);
    } else if (key == "windows" && args[i + 1].rfind("explicit:", 0) == 0) {
      const auto file = config.resolve_input(args[i + 1].substr(9));
      args[i + 1] = "explicit:" + file.string();
      inputs.push_back(file);
    }
  }
  if (seeded && config.seed && !config.value(section, "seed")) {
    args.push_back("--seed");
    args.push_back(std::to_string(*config.seed));
  }
  return args;
}

std::vector<Stage> plan_stages(const RunConfig& config, const fs::path& out) {
  const bool simulated = config.has_section("simulate");
  if (simulated == config.has_section("recording")) {
    throw Error(fmt::format("config {}: expected exactly one of [simulate] (a recording the "
                            "simulator makes) and [recording] (path = your file), found {}",
                            config.file.string(), simulated ? "both" : "neither"));
  }
  for (const auto& section : pipeline::run_config_sections()) {
    forbid_keys(config, section, {"out"}, "the pipeline chooses where each stage writes (set the "
                                          "top-level `out` or pass --out)");
  }
  forbid_keys(config, "fit", {"resume", "overwrite"}, "the pipeline resumes an interrupted fit itself");
  forbid_keys(config, "evaluate", {"embeddings", "graphs"}, "the pipeline passes the run's own files");
  std::vector<Stage> stages;
  fs::path recording;
  if (simulated) {
    forbid_keys(config, "simulate", {"ground-truth"}, "written to OUT/ground_truth.json");
    recording = out / "recording.npz";
    std::vector<fs::path> inputs;
    auto args = section_arguments(config, "simulate", {}, inputs, true);
    args.insert(args.end(), {"--out", recording.string()});
    stages.push_back({"simulate", args, inputs, {recording, out / "ground_truth.json"}});
  } else {
    const auto path = config.value("recording", "path");
    if (!path) {
      throw Error(fmt::format("config {}: [recording] needs `path = \"FILE\"` (the recording to read)",
                              config.file.string()));
    }
    recording = config.resolve_input(*path);
    if (!fs::exists(recording)) {
      throw Error(fmt::format("config {}: [recording] path: {} does not exist", config.file.string(),
                              recording.string()));
    }
  }
  // How the recording is read (graphs and compare's activity baselines).
  std::vector<fs::path> recording_inputs = {recording};
  std::vector<std::string> recording_args;
  if (!simulated) {
    auto rec = section_arguments(config, "recording", {"labels"}, recording_inputs, false);
    for (std::size_t i = 0; i < rec.size(); ++i) {
      if (rec[i] == "--path") {
        ++i;  // passed as the file itself
        continue;
      }
      recording_args.push_back(rec[i]);
    }
  }
  const fs::path graphs = out / "graphs.npz";
  {
    std::vector<fs::path> inputs = recording_inputs;
    std::vector<std::string> args = {recording.string()};
    args.insert(args.end(), recording_args.begin(), recording_args.end());
    auto g = section_arguments(config, "graphs", {}, inputs, true);
    args.insert(args.end(), g.begin(), g.end());
    args.insert(args.end(), {"--out", graphs.string()});
    stages.push_back({"graphs", args, inputs, {graphs}});
  }
  const fs::path fit = out / "fit";
  {
    std::vector<fs::path> inputs = {graphs};
    std::vector<std::string> args = {graphs.string()};
    auto f = section_arguments(config, "fit", {}, inputs, true);
    args.insert(args.end(), f.begin(), f.end());
    args.insert(args.end(), {"--out", fit.string()});
    stages.push_back({"fit", args, inputs,
                      {fit / "model.pt", fit / "embeddings.npz", fit / "training_log.csv", fit / "run.json"}});
  }
  {
    std::vector<fs::path> inputs = {fit / "embeddings.npz", graphs};
    std::vector<std::string> args = {fit.string(), "--graphs", graphs.string()};
    auto e = section_arguments(config, "evaluate", {"labels", "groups"}, inputs, true);
    args.insert(args.end(), e.begin(), e.end());
    stages.push_back({"evaluate", args, inputs, {fit / "metrics.json"}});
  }
  if (config.has_section("compare")) {  // the grid behind the accuracy-per-width figure
    forbid_keys(config, "compare", {"recording", "overwrite"}, "the pipeline passes the run's recording");
    const fs::path grid = out / "compare";
    std::vector<fs::path> inputs = recording_inputs;
    inputs.push_back(graphs);
    std::vector<std::string> args = {graphs.string(), "--recording", recording.string()};
    args.insert(args.end(), recording_args.begin(), recording_args.end());
    auto c = section_arguments(config, "compare", {}, inputs, true);
    args.insert(args.end(), c.begin(), c.end());
    args.insert(args.end(), {"--out", grid.string()});
    stages.push_back({"compare", args, inputs,
                      {grid / "grid.json", grid / "results.csv", grid / "summary.md"}});
  }
  const fs::path figures = out / "figures";
  {
    forbid_keys(config, "figures", {"graphs", "compare"}, "the pipeline passes the run's own files");
    std::vector<fs::path> inputs = {fit / "embeddings.npz", fit / "metrics.json", fit / "training_log.csv",
                                    graphs};
    std::vector<std::string> args = {fit.string(), "--graphs", graphs.string()};
    if (config.has_section("compare")) {
      inputs.push_back(out / "compare" / "results.csv");
      args.insert(args.end(), {"--compare", (out / "compare").string()});
    }
    auto f = section_arguments(config, "figures", {}, inputs, true);
    args.insert(args.end(), f.begin(), f.end());
    args.insert(args.end(), {"--out", figures.string()});
    // The figure files themselves are added from the manifest once drawn.
    stages.push_back({"figures", args, inputs, {figures / "figures.json"}});
  }
  {
    forbid_keys(config, "report", {"graphs", "figures"}, "the pipeline passes the run's own files");
    std::vector<fs::path> inputs = {fit / "embeddings.npz", fit / "metrics.json", fit / "training_log.csv",
                                    fit / "run.json", graphs, figures / "figures.json"};
    std::vector<std::string> args = {fit.string(), "--graphs", graphs.string(), "--figures", figures.string()};
    auto r = section_arguments(config, "report", {"chartjs"}, inputs, true);
    args.insert(args.end(), r.begin(), r.end());
    args.insert(args.end(), {"--out", (out / "report.html").string()});
    stages.push_back({"report", args, inputs, {out / "report.html"}});
  }
  return stages;
}

// A figures.json among a stage's files stands for itself and every file it
// lists (a redrawn figure changes the report; a deleted one reruns figures).
std::vector<fs::path> with_manifest_files(const std::vector<fs::path>& files) {
  std::vector<fs::path> all;
  for (const auto& f : files) {
    all.push_back(f);
    if (f.filename() != "figures.json") continue;
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

void print_headline(const fs::path& out) {
  const fs::path metrics_path = out / "fit" / "metrics.json";
  std::error_code ec;
  if (!fs::exists(metrics_path, ec)) return;
  const auto m = nlohmann::json::parse(io::read_file_bytes(metrics_path), nullptr, false);
  if (!m.is_object()) return;
  std::cout << "\n== headline (" << metrics_path.string() << ")\n";
  const auto lr = m.value("/decoding/logistic_regression"_json_pointer, nlohmann::json());
  if (lr.is_object()) {
    std::cout << fmt::format("  decoding accuracy (logistic regression, held out): {}   shuffled labels: {}\n",
                             mean_sd(lr.value("/scores/accuracy_score"_json_pointer, nlohmann::json())),
                             mean_sd(lr.value("/shuffled_labels/accuracy_score"_json_pointer, nlohmann::json())));
  }
  const auto groups = m.value("/groups/silhouette_score"_json_pointer, nlohmann::json());
  if (groups.is_object()) std::cout << "  unit-group silhouette per window: " << mean_sd(groups) << "\n";
  const auto auc = m.value("/reconstruction/roc_auc_score"_json_pointer, nlohmann::json());
  if (auc.is_object()) std::cout << "  graph reconstruction ROC AUC: " << mean_sd(auc) << "\n";
  else if (auc.is_number()) std::cout << fmt::format("  graph reconstruction ROC AUC: {:.3f}\n", auc.get<double>());
}

int run_pipeline(const RunSettings& s) {
  RunConfig config = pipeline::read_run_config(s.config, s.overrides);
  if (s.seed) {
    config.seed = s.seed;
    for (auto& [name, options] : config.sections) {
      options.erase(std::remove_if(options.begin(), options.end(),
                                   [](const pipeline::ConfigOption& o) { return o.key == "seed"; }),
                    options.end());
    }
  }
  const std::string out_text = s.out.empty() ? config.out : s.out;
  if (out_text.empty()) {
    throw Error(fmt::format("config {}: no output folder: set `out = \"DIR\"` at the top or pass --out DIR",
                            s.config));
  }
  const fs::path out(out_text);
  const auto stages = plan_stages(config, out);
  io::ensure_directory(out);
  pipeline::StageLedger ledger(out / "run.json");
  ledger.set("config", {{"path", fs::absolute(s.config).string()},
                        {"sha256", io::sha256_file(s.config)},
                        {"overrides", s.overrides}});
  ledger.set("versions", train::runtime_versions());
  int index = 0;
  for (const auto& stage : stages) {
    ++index;
    const auto key = pipeline::stage_key(stage.name, stage.arguments, with_manifest_files(stage.inputs));
    if (!s.force && ledger.up_to_date(stage.name, key)) {
      std::cout << fmt::format("== [{}/{}] {}: up to date, skipped\n", index, stages.size(), stage.name);
      continue;
    }
    std::cout << fmt::format("== [{}/{}] {}\n", index, stages.size(), stage.name) << std::flush;
    std::vector<std::string> extra;
    if (stage.name == "fit") {
      // A fit killed part-way left its checkpoint: continue it when the
      // settings are the ones it started with, else start again.
      std::error_code ec;
      const bool same = ledger.started_key("fit") == key && fs::exists(out / "fit" / "model.pt", ec);
      extra.push_back(same ? "--resume" : "--overwrite");
    } else if (stage.name == "compare") {
      // Cells of the same grid are kept (and resumed); others replaced.
      extra.push_back("--overwrite");
    }
    ledger.mark_started(stage.name, key, stage.arguments);
    const auto begin = std::chrono::steady_clock::now();
    const int status = run_subcommand(stage, extra, config);
    if (status != 0) return status;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    ledger.mark_finished(stage.name, key, with_manifest_files(stage.outputs), seconds);
  }
  print_headline(out);
  std::cout << fmt::format("\nall stages done; outputs in {} (stage record: {})\nreport: {}\n",
                           out.string(), (out / "run.json").string(), (out / "report.html").string());
  return 0;
}

}  // namespace

void register_run(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "run", "Run the whole pipeline from a TOML config (docs/pipeline.md): recording -> graphs -> "
             "fit -> evaluate -> report, skipping stages that are up to date");
  auto s = std::make_shared<RunSettings>();
  command->add_option("config", s->config, "Run configuration (.toml)")->required();
  command->add_option("--out", s->out, "Output folder (overrides the config's `out`)");
  command->add_option("--seed", s->seed, "Seed of every stage (overrides the config's seeds)");
  command->add_option("--set", s->overrides,
                      "Override a config key: SECTION.KEY=VALUE (e.g. fit.epochs=60); repeatable")
      ->allow_extra_args(false);
  command->add_flag("--force", s->force, "Rerun every stage even if it is up to date");
  command->callback([&action, s] { action = [s] { return run_pipeline(*s); }; });
}

}  // namespace tavrnn::cli
