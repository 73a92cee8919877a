#include "tavrnn/report/run_results.h"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/csv.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/train/run_outputs.h"
#include "tavrnn/util/error.h"

namespace tavrnn::report {

namespace fs = std::filesystem;

namespace {

bool is_present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

nlohmann::json read_json(const fs::path& path) {
  const std::string text = io::read_file_bytes(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("reading {}: expected JSON, found a syntax error at byte {}", path.string(), e.byte));
  }
}

std::size_t column_index(const io::CsvTable& table, const std::string& name, const fs::path& path) {
  if (const auto column = io::csv_column(table, name)) return *column;
  throw Error(fmt::format("reading {}: expected a column '{}' in the header, found none", path.string(), name));
}

// The graphs: the file `files` names, else the one run.json (`record`) names
// when it is still there (relative names resolved from the current
// directory, then RUN).
fs::path graphs_path(const fs::path& run, const nlohmann::json& record, const RunResultFiles& files,
                     std::vector<std::string>& notes) {
  if (!files.graphs.empty()) {
    if (!is_present(files.graphs)) throw Error(fmt::format("graphs file {} not found", files.graphs.string()));
    return files.graphs;
  }
  fs::path p = pipeline::RunDirectory::recorded_graphs_in(record);
  if (p.empty()) {
    notes.push_back("no graphs file (run.json names none): no connectivity, densities or silent units");
    return {};
  }
  if (p.is_relative() && !is_present(p)) p = run / p;
  if (!is_present(p)) {
    notes.push_back(fmt::format("the run's graphs {} are gone: no connectivity, densities or silent units",
                                p.string()));
    return {};
  }
  return p;
}

fs::path results_path(const fs::path& run, const RunResultFiles& files) {
  if (!files.compare_dir.empty()) {
    const auto p = pipeline::RunDirectory(files.compare_dir).results_csv();
    if (!is_present(p)) {
      throw Error(fmt::format("{} not found (expected tavrnn compare's output directory)", p.string()));
    }
    return p;
  }
  const pipeline::RunDirectory dir(run);
  for (const auto& p : {dir.compare().results_csv(), dir.results_csv()}) {
    if (is_present(p)) return p;
  }
  return {};
}

}  // namespace

TrainingCurves training_curves(const std::vector<train::EpochRecord>& log) {
  TrainingCurves curves;
  for (const auto& r : log) {
    curves.epoch.push_back(static_cast<double>(r.epoch));
    curves.loss.push_back(r.loss);
    curves.kl.push_back(r.kl);
    curves.nll.push_back(r.nll);
  }
  return curves;
}

RunResults read_run_results(const fs::path& run, const RunResultFiles& files) {
  std::error_code ec;
  if (!fs::is_directory(run, ec)) throw Error(fmt::format("run directory {} not found", run.string()));
  RunResults r;
  r.run_dir = run;
  const pipeline::RunDirectory dir(run);
  const auto absent = [&](const fs::path& file, const char* consequence) {
    r.notes.push_back(fmt::format("no {} in {}: {}", file.filename().string(), run.string(), consequence));
  };
  if (is_present(dir.record())) r.record = read_json(dir.record());
  else absent(dir.record(), "no settings");
  if (is_present(dir.metrics())) r.metrics = read_json(dir.metrics());
  else absent(dir.metrics(), "not evaluated (run tavrnn evaluate)");
  if (is_present(dir.training_log())) r.training_log = train::read_training_log(dir.training_log());
  else absent(dir.training_log(), "no training curves");
  if (is_present(dir.embeddings())) r.embeddings = eval::read_embeddings(dir.embeddings());
  else absent(dir.embeddings(), "no embeddings, attention or maps");
  if (const auto graphs = graphs_path(run, r.record, files, r.notes); !graphs.empty()) {
    r.graphs = graphs::load_graph_sequence(graphs);
  }
  if (const auto results = results_path(run, files); !results.empty()) {
    r.comparison = read_decoding_cells(results);
  }
  return r;
}

std::vector<DecodingCell> read_decoding_cells(const fs::path& path) {
  const auto table = io::read_csv(path, io::CsvHeader::Present);
  const auto origin = path.string();
  const std::size_t m = column_index(table, "model", path), z = column_index(table, "latent", path),
                    name = column_index(table, "metric", path), v = column_index(table, "value", path);
  using Key = std::pair<std::string, std::int64_t>;
  std::vector<Key> order;
  std::map<Key, std::vector<double>> accuracy, shuffled;
  for (const auto& row : table.rows) {
    if (row.fields.size() < table.header.size()) {
      throw Error(fmt::format("reading {} line {}: expected {} columns, found {}", origin, row.line,
                              table.header.size(), row.fields.size()));
    }
    const auto& metric = row.fields[name];
    const bool is_accuracy = metric == "decoding.logistic_regression.accuracy_score";
    const bool is_shuffled = metric == "decoding.logistic_regression.shuffled.accuracy_score";
    if (!is_accuracy && !is_shuffled) continue;
    const Key key{row.fields[m],
                  static_cast<std::int64_t>(io::parse_csv_number(row.fields[z], origin, row.line, z + 1))};
    if (!accuracy.count(key) && !shuffled.count(key)) order.push_back(key);
    (is_accuracy ? accuracy : shuffled)[key].push_back(io::parse_csv_number(row.fields[v], origin, row.line, v + 1));
  }
  std::vector<DecodingCell> cells;
  for (const auto& key : order) {
    if (!accuracy.count(key)) continue;
    DecodingCell cell{key.first, key.second, eval::mean_sd(accuracy[key]), {}};
    if (shuffled.count(key)) cell.shuffled = eval::mean_sd(shuffled[key]);
    cells.push_back(cell);
  }
  return cells;
}

}  // namespace tavrnn::report
