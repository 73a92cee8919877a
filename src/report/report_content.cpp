#include "tavrnn/report/report_content.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <ctime>

#include "report_maps.h"
#include "tavrnn/util/error.h"
#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/report/figure_manifest.h"

namespace tavrnn::report {

namespace fs = std::filesystem;

namespace {

bool file_exists(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string local_time_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M %Z", &tm);
  return text;
}

std::vector<std::vector<double>> matrix_rows(const torch::Tensor& m) {
  std::vector<std::vector<double>> rows;
  if (!m.defined() || m.dim() != 2) return rows;
  const auto a = m.to(torch::kCPU, torch::kFloat64).contiguous();
  const double* p = a.data_ptr<double>();
  for (std::int64_t r = 0; r < a.size(0); ++r) rows.emplace_back(p + r * a.size(1), p + (r + 1) * a.size(1));
  return rows;
}

void fill_windows(const eval::EmbeddingsFile& e, ReportContent& c) {
  const auto T = e.n_windows();
  c.windows.resize(T);
  for (std::size_t t = 0; t < T; ++t) {
    auto& w = c.windows[t];
    w.label = e.window_label[t];
    w.purity = e.window_purity[t];
    if (e.window_start_s.size() == T && e.window_stop_s.size() == T) {
      w.start_s = e.window_start_s[t];
      w.stop_s = e.window_stop_s[t];
    }
  }
}

// Density of A between units and each unit's silence, from the run's graphs.
std::vector<std::vector<bool>> graph_facts(const graphs::GraphSequence& sequence, std::size_t n_units,
                                           ReportContent& c) {
  if (sequence.size() != c.windows.size() || sequence.n_units() != n_units) {
    c.notes.push_back(fmt::format("the graphs have {} windows of {} units, the embeddings {} of {}: not used",
                                  sequence.size(), sequence.n_units(), c.windows.size(), n_units));
    return {};
  }
  std::vector<std::vector<bool>> silent(sequence.size());
  const auto n = static_cast<double>(n_units);
  // The ones of A less the self loops and the history node's row and column.
  const double not_between_units = n + (sequence.history_node_index() ? 2 * n + 1 : 0);
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    if (n_units > 1) {
      c.windows[t].density = (static_cast<double>(sequence.info(t).edges) - not_between_units) / (n * (n - 1));
    }
    silent[t] = sequence.silent_units(t);
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

}  // namespace

ReportContent report_content(const RunResults& results, std::vector<ReportFigure> figures,
                             const ReportOptions& options) {
  if (!results.embeddings) throw Error("report: the results hold no embeddings (expected a fitted model's)");
  const auto& e = *results.embeddings;
  ReportContent c;
  c.run_dir = results.run_dir.empty() ? fs::path() : fs::absolute(results.run_dir);
  c.generated = local_time_now();
  c.model = e.model;
  c.label_names = e.label_names;
  c.group_names = e.group_names;
  c.unit_ids = e.unit_ids;
  c.groups = e.groups;
  fill_windows(e, c);
  c.attention = matrix_rows(e.attention);
  c.run = results.record;
  c.metrics = results.metrics;
  c.training = training_curves(results.training_log);
  c.notes = results.notes;
  c.figures = std::move(figures);
  const auto silent = results.graphs ? graph_facts(*results.graphs, e.n_units(), c)
                                     : std::vector<std::vector<bool>>{};
  compute_maps(e, options, silent, c);
  return c;
}

std::vector<ReportFigure> read_report_figures(const std::vector<FigureFile>& figures) {
  std::vector<ReportFigure> out;
  for (const auto& figure : figures) {
    ReportFigure f;
    if (!figure.svg.empty()) f.svg = io::read_file_bytes(figure.svg);
    else f.png = io::read_file_bytes(figure.png);
    f.entry = figure;
    out.push_back(std::move(f));
  }
  return out;
}

ReportContent gather_report_content(const fs::path& run, const ReportOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(run, ec)) {
    throw Error(fmt::format("report: run directory {} not found", run.string()));
  }
  const pipeline::RunDirectory dir(run);
  if (!file_exists(dir.embeddings())) {
    throw Error(fmt::format("report: {} not found (expected a run written by tavrnn fit)",
                            dir.embeddings().string()));
  }
  // The manifest first, so a bad one fails before the slow reading and maps.
  const fs::path figures_dir = options.figures_dir.empty() ? dir.figures() : options.figures_dir;
  const fs::path manifest = pipeline::RunDirectory::figures_manifest_in(figures_dir);
  std::vector<ReportFigure> figures;
  std::string no_manifest;
  if (file_exists(manifest)) {
    figures = read_report_figures(read_figure_manifest(manifest));
  } else if (!options.figures_dir.empty()) {
    throw Error(fmt::format("report: {} not found (`figures` names a directory holding figures.json)",
                            manifest.string()));
  } else {
    no_manifest = fmt::format("no figure manifest {}", manifest.string());
  }
  RunResultFiles files;
  files.graphs = options.graphs;
  RunResults results = read_run_results(run, files);
  if (!no_manifest.empty()) results.notes.push_back(no_manifest);
  return report_content(results, std::move(figures), options);
}

}  // namespace tavrnn::report
