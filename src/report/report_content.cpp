#include "tavrnn/report/report_content.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <ctime>
#include <map>

#include "report_maps.h"
#include "tavrnn/util/error.h"
#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/io/csv.h"
#include "tavrnn/io/npz.h"

namespace tavrnn::report {

namespace fs = std::filesystem;

namespace {

bool file_exists(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

nlohmann::json read_json(const fs::path& path) {
  const std::string text = io::read_file_bytes(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("reading {}: expected JSON, found a syntax error at byte {}", path.string(),
                            e.byte));
  }
}

std::string local_time_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M %Z", &tm);
  return text;
}

ReportContent::TrainingCurve read_training_log(const fs::path& path) {
  const auto table = io::read_csv(path, io::CsvHeader::Present);
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < table.header.size(); ++i) column[table.header[i]] = i;
  for (const char* name : {"epoch", "loss", "kl", "nll"}) {
    if (!column.count(name)) {
      throw Error(fmt::format("reading {}: expected a column '{}' (header epoch,loss,kl,nll,seconds)",
                              path.string(), name));
    }
  }
  ReportContent::TrainingCurve curve;
  for (const auto& row : table.rows) {
    const auto value = [&](const char* name) {
      const auto c = column[name];
      if (c >= row.fields.size()) {
        throw Error(fmt::format("reading {} line {}: expected {} columns, found {}", path.string(),
                                row.line, table.header.size(), row.fields.size()));
      }
      return io::parse_csv_number(row.fields[c], path.string(), row.line, c + 1);
    };
    curve.epoch.push_back(value("epoch"));
    curve.loss.push_back(value("loss"));
    curve.kl.push_back(value("kl"));
    curve.nll.push_back(value("nll"));
  }
  return curve;
}

std::vector<std::vector<double>> matrix_rows(const io::NdArray& array) {
  std::vector<std::vector<double>> rows;
  if (array.ndim() != 2) return rows;
  const auto values = array.to_doubles();
  for (std::size_t r = 0; r < array.shape[0]; ++r) {
    rows.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(r * array.shape[1]),
                      values.begin() + static_cast<std::ptrdiff_t>((r + 1) * array.shape[1]));
  }
  return rows;
}

void read_windows(const io::NpzArrays& arrays, const eval::EmbeddingsFile& e, ReportContent& c) {
  const auto T = e.n_windows();
  c.windows.resize(T);
  const double bin_width_s =
      arrays.count("bin_width_s") ? arrays.at("bin_width_s").as_double(0) : 0.0;
  const auto starts = arrays.count("window_start") ? arrays.at("window_start").to_doubles() : std::vector<double>{};
  const auto stops = arrays.count("window_stop") ? arrays.at("window_stop").to_doubles() : std::vector<double>{};
  for (std::size_t t = 0; t < T; ++t) {
    auto& w = c.windows[t];
    w.label = e.window_label[t];
    w.purity = e.window_purity[t];
    if (starts.size() == T && stops.size() == T) {
      w.start_s = starts[t] * bin_width_s;
      w.stop_s = stops[t] * bin_width_s;
    }
  }
}

// Density of A between units and each unit's silence, from the run's graphs.
std::vector<std::vector<bool>> read_graph_facts(const fs::path& path, std::size_t n_units,
                                                ReportContent& c) {
  const auto sequence = graphs::load_graph_sequence(path);
  if (sequence.size() != c.windows.size() || sequence.n_units() != n_units) {
    c.notes.push_back(fmt::format("{} has {} windows of {} units, the embeddings {} of {}: not used",
                                  path.string(), sequence.size(), sequence.n_units(), c.windows.size(),
                                  n_units));
    return {};
  }
  std::vector<std::vector<bool>> silent(sequence.size());
  const auto n = static_cast<std::int64_t>(n_units);
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    const auto a = sequence.dense_adjacency(t).slice(0, 0, n).slice(1, 0, n).to(torch::kFloat64);
    if (n > 1) {
      c.windows[t].density = (a.sum() - a.trace()).item<double>() / static_cast<double>(n * (n - 1));
    }
    const auto w = sequence.graph(t).weights.to(torch::kFloat64).slice(0, 0, n).slice(1, 0, n).abs();
    const auto off_diagonal = (w.sum(1) - w.diagonal()).contiguous();
    const double* row = off_diagonal.data_ptr<double>();
    for (std::int64_t u = 0; u < n; ++u) silent[t].push_back(row[u] == 0.0);
  }
  return silent;
}

void compute_maps(const eval::EmbeddingsFile& e, const ReportOptions& options,
                  const std::vector<std::vector<bool>>& silent, ReportContent& c) {
  // The population embedding evaluate decoded (metrics.json says which).
  const std::string choice =
      c.metrics.is_object() ? c.metrics.value("population_embedding", "auto") : std::string("auto");
  std::string used;
  const auto population = eval::population_embedding(e, choice, used);
  c.population_source = eval::population_embedding_description(used);
  c.population = map_2d(population, options.seed);

  const auto n = static_cast<std::int64_t>(e.n_units());
  torch::Tensor previous;
  for (const auto t : mapped_windows(e.n_windows(), options.max_windows)) {
    UnitMap m;
    m.window = t;
    const auto units = e.mu.select(0, static_cast<std::int64_t>(t)).slice(0, 0, n);
    m.map = map_2d(units, options.seed, previous);
    if (m.map.method.rfind("t-SNE", 0) == 0) {
      previous = torch::stack({torch::tensor(m.map.x, torch::kFloat64), torch::tensor(m.map.y, torch::kFloat64)}, 1);
    }
    if (!silent.empty()) m.silent = silent[t];
    c.unit_maps.push_back(std::move(m));
  }
}

void read_figures(const fs::path& run, const ReportOptions& options, ReportContent& c) {
  const fs::path dir = options.figures_dir.empty() ? pipeline::RunDirectory(run).figures() : options.figures_dir;
  const fs::path manifest = pipeline::RunDirectory::figures_manifest_in(dir);
  if (!file_exists(manifest)) {
    if (!options.figures_dir.empty()) {
      throw Error(fmt::format("report: {} not found (`figures` names a directory holding figures.json)",
                              manifest.string()));
    }
    c.notes.push_back(fmt::format("no figure manifest {}", manifest.string()));
    return;
  }
  for (auto& entry : read_figure_manifest(manifest)) {
    ReportFigure f;
    if (!entry.svg.empty()) {
      f.svg = io::read_file_bytes(entry.svg);
    } else {
      f.png = io::read_file_bytes(entry.png);
    }
    f.entry = std::move(entry);
    c.figures.push_back(std::move(f));
  }
}

}  // namespace

ReportContent gather_report_content(const fs::path& run, const ReportOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(run, ec)) {
    throw Error(fmt::format("report: run directory {} not found", run.string()));
  }
  const fs::path embeddings = pipeline::RunDirectory(run).embeddings();
  if (!file_exists(embeddings)) {
    throw Error(fmt::format("report: {} not found (expected a run written by tavrnn fit)",
                            embeddings.string()));
  }
  ReportContent c;
  c.run_dir = fs::absolute(run);
  c.generated = local_time_now();
  const auto e = eval::read_embeddings(embeddings);
  const auto arrays = io::read_npz(embeddings);
  c.model = e.model;
  c.label_names = e.label_names;
  c.group_names = e.group_names;
  c.unit_ids = e.unit_ids;
  c.groups = e.groups;
  read_windows(arrays, e, c);
  if (auto it = arrays.find("attention"); it != arrays.end()) c.attention = matrix_rows(it->second);

  const pipeline::RunDirectory files(run);
  for (auto [file, target] : {std::pair{files.record(), &c.run}, std::pair{files.metrics(), &c.metrics}}) {
    if (file_exists(file)) {
      *target = read_json(file);
    } else {
      c.notes.push_back(fmt::format("no {} in {}", file.filename().string(), run.string()));
    }
  }
  if (file_exists(files.training_log())) {
    c.training = read_training_log(files.training_log());
  } else {
    c.notes.push_back(fmt::format("no {} in {}", files.training_log().filename().string(), run.string()));
  }

  fs::path graphs = options.graphs;
  if (!graphs.empty() && !file_exists(graphs)) {
    throw Error(fmt::format("report: graphs {} not found (`graphs`)", graphs.string()));
  }
  if (graphs.empty() && c.run.is_object() && c.run.contains("graphs") && c.run["graphs"].is_string()) {
    graphs = c.run["graphs"].get<std::string>();
    if (!file_exists(graphs)) {
      c.notes.push_back(fmt::format("the run's graphs {} are gone: no densities or silent units",
                                    graphs.string()));
      graphs.clear();
    }
  }
  read_figures(run, options, c);  // before the maps, so a bad manifest fails fast
  const auto silent = graphs.empty() ? std::vector<std::vector<bool>>{}
                                     : read_graph_facts(graphs, e.n_units(), c);
  compute_maps(e, options, silent, c);
  return c;
}

}  // namespace tavrnn::report
