// What the run figures read: the training log, a comparison's results.csv,
// metrics.json's confusion matrix and embeddings.npz's attention.
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "run_figure_parts.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/csv.h"
#include "tavrnn/io/npz.h"
#include "tavrnn/util/ndarray_tensor.h"

namespace tavrnn::report::detail {

namespace {

std::size_t column_index(const io::CsvTable& table, const std::string& name, const fs::path& path) {
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    if (table.header[i] == name) return i;
  }
  throw Error(fmt::format("reading {}: expected a column '{}' in the header, found none", path.string(), name));
}

}  // namespace

std::string UnitGrouping::name_of(int code) const {
  if (code >= 0 && static_cast<std::size_t>(code) < names.size()) return names[code];
  return code < 0 ? "no group" : std::to_string(code);
}

TrainingLog read_training_log(const fs::path& path) {
  const auto table = io::read_csv(path, io::CsvHeader::Present);
  const auto origin = path.string();
  const std::size_t e = column_index(table, "epoch", path), l = column_index(table, "loss", path),
                    k = column_index(table, "kl", path), n = column_index(table, "nll", path);
  TrainingLog log;
  for (const auto& row : table.rows) {
    const auto value = [&](std::size_t c) {
      if (c >= row.fields.size()) {
        throw Error(fmt::format("reading {} line {}: expected {} columns, found {}", origin, row.line,
                                table.header.size(), row.fields.size()));
      }
      return io::parse_csv_number(row.fields[c], origin, row.line, c + 1);
    };
    log.epoch.push_back(value(e));
    log.loss.push_back(value(l));
    log.kl.push_back(value(k));
    log.nll.push_back(value(n));
  }
  return log;
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
    (is_accuracy ? accuracy : shuffled)[key].push_back(
        io::parse_csv_number(row.fields[v], origin, row.line, v + 1));
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

std::optional<ConfusionCounts> read_confusion(const fs::path& metrics,
                                              const std::vector<std::string>& label_names) {
  std::ifstream in(metrics);
  if (!in) throw Error(fmt::format("cannot open {}", metrics.string()));
  const auto m = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded()) throw Error(fmt::format("reading {}: not valid JSON", metrics.string()));
  const nlohmann::json::json_pointer where("/decoding/logistic_regression/confusion_matrix");
  if (!m.contains(where)) return std::nullopt;
  const auto& c = m[where];
  ConfusionCounts out;
  try {
    const auto codes = c.at("labels").get<std::vector<int>>();
    const auto rows = c.at("counts").get<std::vector<std::vector<std::int64_t>>>();
    for (int code : codes) {
      out.labels.push_back(code >= 0 && static_cast<std::size_t>(code) < label_names.size()
                               ? label_names[code] : std::to_string(code));
    }
    for (const auto& row : rows) {
      if (row.size() != codes.size()) throw Error("row length");
      out.counts.insert(out.counts.end(), row.begin(), row.end());
    }
    if (rows.size() != codes.size()) throw Error("row count");
  } catch (const std::exception&) {
    throw Error(fmt::format("reading {}: expected decoding.logistic_regression.confusion_matrix to hold "
                            "'labels' (K ints) and 'counts' (K rows of K ints), found {}",
                            metrics.string(), c.dump()));
  }
  if (out.labels.empty()) return std::nullopt;
  return out;
}

torch::Tensor read_attention(const fs::path& embeddings) {
  const auto arrays = io::read_npz(embeddings);
  const auto it = arrays.find("attention");
  if (it == arrays.end()) return {};
  const auto& a = it->second;
  if (a.ndim() != 2 || a.shape[0] != a.shape[1]) {
    throw Error(fmt::format("reading {}: expected attention of shape (T, T), found {}", embeddings.string(),
                            a.shape_string()));
  }
  return to_tensor(a, torch::kFloat64, fmt::format("reading {}: array 'attention'", embeddings.string()));
}

}  // namespace tavrnn::report::detail
