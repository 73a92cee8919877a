// tavrnn evaluate: a run's embeddings -> RUN/metrics.json and a table
// (decoding, clustering, unit groups, reconstruction; docs/evaluation.md).
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/io/atomic_file.h"

namespace tavrnn::cli {

namespace {

namespace fs = std::filesystem;

struct EvaluateSettings {
  std::string run;
  std::string embeddings;
  std::string graphs;
  std::string labels;
  std::string groups;
  std::string out;
  std::string contrast;
  std::string scheme = "k-fold";
  eval::EvaluationOptions options;
};

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

// Codes for names in order of first appearance; "" and "-" are unlabelled (-1).
std::vector<int> encode(const std::vector<std::string>& values, std::vector<std::string>& names) {
  std::map<std::string, int> code;
  names.clear();
  std::vector<int> codes;
  for (const auto& v : values) {
    if (v.empty() || v == "-") {
      codes.push_back(-1);
      continue;
    }
    auto [it, inserted] = code.emplace(v, static_cast<int>(names.size()));
    if (inserted) names.push_back(v);
    codes.push_back(it->second);
  }
  return codes;
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
      throw Error(fmt::format("--contrast: no window label '{}' (labels: {})", name, known));
    }
    codes.push_back(static_cast<int>(it - names.begin()));
    begin = end + 1;
  }
  return codes;
}

int run_evaluate(EvaluateSettings s) {
  const fs::path run(s.run);
  const fs::path embeddings_path = s.embeddings.empty() ? run / "embeddings.npz" : fs::path(s.embeddings);
  auto e = eval::read_embeddings(embeddings_path);
  if (!s.labels.empty()) {
    const auto lines = read_lines(s.labels);
    if (lines.size() != e.n_windows()) {
      throw Error(fmt::format("--labels {}: {} lines for {} windows (one label per window, '-' = none)",
                              s.labels, lines.size(), e.n_windows()));
    }
    e.window_label = encode(lines, e.label_names);
    e.window_purity.assign(e.n_windows(), 1.0);
  }
  if (!s.groups.empty()) {
    const auto lines = read_lines(s.groups);
    if (lines.size() != e.n_units()) {
      throw Error(fmt::format("--groups {}: {} lines for {} units (one group per unit, '-' = none)",
                              s.groups, lines.size(), e.n_units()));
    }
    e.groups = encode(lines, e.group_names);
  }
  // The graphs: --graphs, else the ones run.json names (fit), if still there.
  fs::path graphs_path = s.graphs;
  std::error_code ec;
  if (graphs_path.empty() && fs::exists(run / "run.json", ec)) {
    std::ifstream in(run / "run.json");
    const auto record = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (record.is_object() && record.contains("graphs")) graphs_path = record["graphs"].get<std::string>();
  }
  std::optional<graphs::GraphSequence> sequence;
  if (!graphs_path.empty()) {
    if (!fs::exists(graphs_path, ec)) {
      throw Error(fmt::format("evaluate: graphs {} not found (pass --graphs FILE)", graphs_path.string()));
    }
    sequence = graphs::load_graph_sequence(graphs_path);
  }
  if (!s.contrast.empty()) {
    const auto colon = s.contrast.find(':');
    if (colon == std::string::npos) {
      throw Error(fmt::format("--contrast '{}': expected FIRST:SECOND, label names separated by commas "
                              "(e.g. high:low)", s.contrast));
    }
    s.options.contrast_first = label_codes(s.contrast.substr(0, colon), e.label_names);
    s.options.contrast_second = label_codes(s.contrast.substr(colon + 1), e.label_names);
  }
  s.options.decoding.scheme = s.scheme == "shuffle-split" ? eval::SplitScheme::StratifiedShuffleSplit
                                                          : eval::SplitScheme::StratifiedKFold;
  auto metrics = eval::evaluate_embeddings(e, sequence ? &*sequence : nullptr, s.options);
  metrics["embeddings"] = fs::absolute(embeddings_path).string();
  if (!graphs_path.empty()) metrics["graphs"] = fs::absolute(graphs_path).string();
  const fs::path out = s.out.empty() ? run / "metrics.json" : fs::path(s.out);
  io::write_file_atomically(out, metrics.dump(2) + "\n");
  std::cout << eval::metrics_table(metrics) << "  written to " << out.string() << "\n";
  return 0;
}

}  // namespace

void register_evaluate(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "evaluate", "Decode behaviour from a run's population embeddings, cluster windows and units, "
                  "score graph reconstruction; writes RUN/metrics.json (docs/evaluation.md)");
  auto s = std::make_shared<EvaluateSettings>();
  command->add_option("run", s->run, "Run directory (from fit or compare) holding embeddings.npz")
      ->required();
  command->add_option("--embeddings", s->embeddings, "Embeddings file (default RUN/embeddings.npz)");
  command->add_option("--graphs", s->graphs,
                      "Graph sequence for reconstruction and silent units (default: the one in "
                      "RUN/run.json)");
  command->add_option("--labels", s->labels,
                      "Text file, one label per window ('-' = unlabelled), replacing the windows' labels");
  command->add_option("--groups", s->groups,
                      "Text file, one group per unit ('-' = none), replacing the recording's groups");
  command->add_option("--out", s->out, "Metrics file (default RUN/metrics.json)");
  command->add_option("--population", s->options.population,
                      "Population embedding decoded: auto (units if the model has node embeddings, "
                      "else mean), units (every unit's mu, concatenated), history, mean, gram "
                      "(units' mu mu^T, rotation-invariant), norms")
      ->check(CLI::IsMember({"auto", "units", "gram", "norms", "history", "mean"}))
      ->capture_default_str();
  command->add_option("--scheme", s->scheme, "Splits: k-fold (stratified) or shuffle-split (stratified)")
      ->check(CLI::IsMember({"k-fold", "shuffle-split"}))
      ->capture_default_str();
  command->add_option("--folds", s->options.decoding.n_splits, "Folds (or random splits) per seed")
      ->capture_default_str();
  command->add_option("--test-size", s->options.decoding.test_size, "Test fraction for shuffle-split")
      ->capture_default_str();
  command->add_option("--seeds", s->options.decoding.n_seeds, "Seeds of the splits (mean +- sd over them)")
      ->capture_default_str();
  command->add_option("--seed", s->options.decoding.first_seed, "First seed (splits, k-means, sampling)")
      ->capture_default_str();
  command->add_option("--neighbors", s->options.decoding.n_neighbors, "k of the k-nearest-neighbour decoder")
      ->capture_default_str();
  command->add_option("--C", s->options.decoding.C, "Inverse L2 strength of the logistic regression")
      ->capture_default_str();
  command->add_option("--min-purity", s->options.min_purity,
                      "Decode only windows whose majority label covers at least this fraction")
      ->capture_default_str();
  command->add_option("--group-geometry", s->options.group_geometry,
                      "Unit-group metrics on mu as it is (euclidean) or on each unit's mu scaled to "
                      "unit length (angular: the direction the inner-product decoder links by)")
      ->check(CLI::IsMember({"euclidean", "angular"}))
      ->capture_default_str();
  command->add_option("--contrast", s->contrast,
                      "Window label sets whose group separation is contrasted, FIRST:SECOND (e.g. high:low)");
  command->callback([&action, s] {
    action = [s] {
      s->options.seed = s->options.decoding.first_seed;
      return run_evaluate(*s);
    };
  });
}

}  // namespace tavrnn::cli
