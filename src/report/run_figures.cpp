#include "tavrnn/report/run_figures.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "run_figure_parts.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/pipeline/run_directory.h"

namespace tavrnn::report {

namespace {

using namespace detail;

bool is_present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

void skip(const std::string& figure, const std::string& why) {
  spdlog::info("figures: {} skipped: {}", figure, why);
}

// Up to `count` of `items`, evenly spaced from first to last.
std::vector<std::size_t> spread(const std::vector<std::size_t>& items, std::size_t count) {
  if (items.size() <= count) return items;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(items[count == 1 ? 0 : i * (items.size() - 1) / (count - 1)]);
  }
  return out;
}

// Windows by label code (unlabelled: -1), in window order.
std::map<int, std::vector<std::size_t>> windows_by_label(const std::vector<int>& labels) {
  std::map<int, std::vector<std::size_t>> by;
  for (std::size_t t = 0; t < labels.size(); ++t) by[labels[t]].push_back(t);
  return by;
}

// The default connectivity windows: max_windows shared round robin over the
// labels (unlabelled windows last), each label's share spread over its run.
std::vector<std::size_t> default_windows(const std::vector<int>& labels, std::size_t max_windows) {
  auto by = windows_by_label(labels);
  std::vector<int> order;
  for (const auto& [label, ws] : by) if (label >= 0) order.push_back(label);
  if (by.count(-1)) order.push_back(-1);
  std::map<int, std::size_t> share;
  std::size_t taken = 0;
  for (bool more = true; more && taken < max_windows;) {
    more = false;
    for (int l : order) {
      if (taken < max_windows && share[l] < by[l].size()) {
        ++share[l];
        ++taken;
        more = true;
      }
    }
  }
  std::vector<std::size_t> out;
  for (int l : order) {
    const auto picked = spread(by[l], share[l]);
    out.insert(out.end(), picked.begin(), picked.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

int label_code(const std::string& name, const std::vector<std::string>& names) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw Error(fmt::format("figures `contrast`: no window label '{}' (labels: {})", name, known));
  }
  return static_cast<int>(it - names.begin());
}

// The windows of the two rows of the unit-embedding figure.
std::pair<std::vector<std::size_t>, std::vector<std::size_t>> contrast_windows(
    const eval::EmbeddingsFile& e, const RunFigureOptions& options) {
  const auto by = windows_by_label(e.window_label);
  const auto of = [&](const std::vector<int>& codes) {
    std::vector<std::size_t> ws;
    for (int c : codes) {
      if (by.count(c)) ws.insert(ws.end(), by.at(c).begin(), by.at(c).end());
    }
    std::sort(ws.begin(), ws.end());
    return spread(ws, options.contrast_windows);
  };
  if (!options.contrast_first.empty() || !options.contrast_second.empty()) {
    std::vector<int> first, second;
    for (const auto& n : options.contrast_first) first.push_back(label_code(n, e.label_names));
    for (const auto& n : options.contrast_second) second.push_back(label_code(n, e.label_names));
    return {of(first), of(second)};
  }
  // The two most frequent labels (ties: the lower code), else any windows.
  std::vector<std::pair<std::size_t, int>> counts;
  for (const auto& [label, ws] : by) if (label >= 0) counts.push_back({ws.size(), label});
  std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (counts.empty()) {
    std::vector<std::size_t> all(e.n_windows());
    for (std::size_t t = 0; t < all.size(); ++t) all[t] = t;
    return {spread(all, options.contrast_windows), {}};
  }
  return {of({counts[0].second}), counts.size() > 1 ? of({counts[1].second}) : std::vector<std::size_t>{}};
}

fs::path graphs_path(const fs::path& run_dir, const RunFigureOptions& options) {
  if (!options.graphs.empty()) {
    if (!is_present(options.graphs)) {
      throw Error(fmt::format("figures: graphs file {} not found", options.graphs.string()));
    }
    return options.graphs;
  }
  fs::path p = pipeline::RunDirectory(run_dir).recorded_graphs();
  if (p.empty()) return {};
  if (p.is_relative() && !is_present(p)) p = run_dir / p;
  return is_present(p) ? p : fs::path{};
}

fs::path results_path(const fs::path& run_dir, const RunFigureOptions& options) {
  if (!options.compare_dir.empty()) {
    const auto p = pipeline::RunDirectory(options.compare_dir).results_csv();
    if (!is_present(p)) throw Error(fmt::format("figures: {} not found (`compare` expects tavrnn compare's "
                                            "output directory)", p.string()));
    return p;
  }
  const pipeline::RunDirectory run(run_dir);
  for (const auto& p : {run.compare().results_csv(), run.results_csv()}) {
    if (is_present(p)) return p;
  }
  return {};
}

}  // namespace

// The population embedding evaluate decoded (metrics.json), so the map shows
// what the accuracies are about; "auto" before evaluate has run.
static std::string population_readout(const fs::path& metrics) {
  if (!is_present(metrics)) return "auto";
  const auto m = nlohmann::json::parse(io::read_file_bytes(metrics), nullptr, false);
  return m.is_object() ? m.value("population_embedding", "auto") : "auto";
}

std::vector<FigureFile> write_run_figures(const fs::path& run_dir, const fs::path& out_dir,
                                          const RunFigureOptions& options) {
  if (!fs::is_directory(run_dir)) {
    throw Error(fmt::format("figures: run directory {} not found", run_dir.string()));
  }
  std::vector<FigureFile> figures;

  const auto log_path = pipeline::RunDirectory(run_dir).training_log();
  if (is_present(log_path)) {
    const auto log = read_training_log(log_path);
    if (log.epoch.empty()) skip("training_loss", log_path.string() + " has no epochs");
    else figures.push_back(training_figure(out_dir, log));
  } else {
    skip("training_loss", "no " + log_path.string());
  }

  const auto embeddings_path = pipeline::RunDirectory(run_dir).embeddings();
  std::optional<eval::EmbeddingsFile> e;
  if (is_present(embeddings_path)) e = eval::read_embeddings(embeddings_path);

  if (e) {
    const auto attention = read_attention(embeddings_path);
    if (attention.defined()) figures.push_back(attention_figure(out_dir, attention));
    else skip("attention", embeddings_path.string() + " holds no attention");
  } else {
    skip("attention, unit_embeddings, population_embeddings", "no " + embeddings_path.string());
  }

  const auto graphs_file = graphs_path(run_dir, options);
  std::optional<graphs::GraphSequence> sequence;
  if (!graphs_file.empty()) sequence = graphs::load_graph_sequence(graphs_file);

  UnitGrouping groups;
  if (e && !e->groups.empty()) {
    groups = {e->groups, e->group_names};
  } else if (sequence && sequence->groups) {
    groups = {sequence->groups->codes, sequence->groups->names};
  }

  if (sequence) {
    std::vector<int> labels;
    for (const auto& info : sequence->infos()) labels.push_back(info.label);
    auto windows = options.windows.empty() ? default_windows(labels, options.max_windows) : options.windows;
    for (std::size_t t : windows) {
      if (t >= sequence->size()) {
        throw Error(fmt::format("figures `windows`: window {} does not exist ({} has {} windows)", t,
                                graphs_file.string(), sequence->size()));
      }
    }
    const auto& names = !sequence->label_names.empty() || !e ? sequence->label_names : e->label_names;
    figures.push_back(connectivity_figure(out_dir, *sequence, groups, names, windows, options.matrix));
  } else {
    skip("connectivity", "no graphs file (pass `graphs`, or keep the one run.json names)");
  }

  if (e) {
    if (e->n_units() < 4) {
      skip("unit_embeddings", "fewer than 4 units: t-SNE needs more points");
    } else {
      const auto [first, second] = contrast_windows(*e, options);
      if (first.empty() && second.empty()) skip("unit_embeddings", "no windows with the contrasted labels");
      else figures.push_back(unit_embedding_figure(out_dir, *e, groups, first, second, options.seed));
    }
    if (e->n_windows() < 4) skip("population_embeddings", "fewer than 4 windows");
    else figures.push_back(population_figure(out_dir, *e, population_readout(pipeline::RunDirectory(run_dir).metrics()),
                                             options.population_map, options.seed));
  }

  const auto results = results_path(run_dir, options);
  if (!results.empty()) {
    const auto cells = read_decoding_cells(results);
    if (cells.empty()) skip("decoding_accuracy", results.string() + " holds no decoding accuracy");
    else figures.push_back(decoding_accuracy_figure(out_dir, cells));
  } else {
    skip("decoding_accuracy", "no tavrnn compare results (pass `compare` DIR)");
  }

  const auto metrics_path = pipeline::RunDirectory(run_dir).metrics();
  if (is_present(metrics_path)) {
    const auto confusion = read_confusion(metrics_path, e ? e->label_names : std::vector<std::string>{});
    if (confusion) figures.push_back(confusion_figure(out_dir, *confusion));
    else skip("confusion_matrix", metrics_path.string() + " holds no confusion matrix (decoding skipped)");
  } else {
    skip("confusion_matrix", "no " + metrics_path.string() + " (run tavrnn evaluate)");
  }

  io::ensure_directory(out_dir);
  io::write_file_atomically(pipeline::RunDirectory::figures_manifest_in(out_dir), figures_manifest(figures, out_dir));
  return figures;
}

std::string figures_manifest(const std::vector<FigureFile>& figures, const fs::path& out_dir) {
  auto manifest = nlohmann::json::array();
  for (const auto& f : figures) {
    manifest.push_back({{"name", f.name},
                        {"title", f.title},
                        {"caption", f.caption},
                        {"png", f.png.lexically_relative(out_dir).generic_string()},
                        {"svg", f.svg.lexically_relative(out_dir).generic_string()}});
  }
  return manifest.dump(2) + "\n";
}

}  // namespace tavrnn::report
