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

}  // namespace

std::vector<FigureFile> write_run_figures(const RunResults& results, const fs::path& out_dir,
                                          const RunFigureOptions& options) {
  std::vector<FigureFile> figures;
  const auto& e = results.embeddings;
  const auto& sequence = results.graphs;

  if (!results.training_log.empty()) figures.push_back(training_figure(out_dir, training_curves(results.training_log)));
  else skip("training_loss", "no training log");

  if (!e) skip("attention, unit_embeddings, population_embeddings", "no embeddings");
  else if (e->attention.defined()) figures.push_back(attention_figure(out_dir, e->attention));
  else skip("attention", "the embeddings hold no attention");

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
        throw Error(fmt::format("figures `windows`: window {} does not exist (the graphs have {} windows)", t,
                                sequence->size()));
      }
    }
    const auto& names = !sequence->label_names.empty() || !e ? sequence->label_names : e->label_names;
    figures.push_back(connectivity_figure(out_dir, *sequence, groups, names, windows, options.matrix));
  } else {
    skip("connectivity", "no graphs (pass `graphs`, or keep the file run.json names)");
  }

  if (e) {
    if (e->n_units() < 4) {
      skip("unit_embeddings", "fewer than 4 units: t-SNE needs more points");
    } else {
      const auto [first, second] = contrast_windows(*e, options);
      if (first.empty() && second.empty()) skip("unit_embeddings", "no windows with the contrasted labels");
      else figures.push_back(unit_embedding_figure(out_dir, *e, groups, first, second, options.seed));
    }
    // The population embedding evaluate decoded, so the map shows what the
    // accuracies are about; "auto" before evaluate has run.
    const std::string readout =
        results.metrics.is_object() ? results.metrics.value("population_embedding", "auto") : "auto";
    if (e->n_windows() < 4) skip("population_embeddings", "fewer than 4 windows");
    else figures.push_back(population_figure(out_dir, *e, readout, options.population_map, options.seed));
  }

  if (!results.comparison.empty()) figures.push_back(decoding_accuracy_figure(out_dir, results.comparison));
  else skip("decoding_accuracy", "no tavrnn compare results (pass `compare` DIR)");

  if (results.metrics.is_null()) {
    skip("confusion_matrix", "not evaluated (run tavrnn evaluate)");
  } else {
    const auto origin = results.run_dir.empty() ? std::string("the metrics")
                                                : pipeline::RunDirectory(results.run_dir).metrics().string();
    const auto confusion =
        confusion_from_metrics(results.metrics, e ? e->label_names : std::vector<std::string>{}, origin);
    if (confusion) figures.push_back(confusion_figure(out_dir, *confusion));
    else skip("confusion_matrix", "the metrics hold no confusion matrix (decoding skipped)");
  }

  io::ensure_directory(out_dir);
  io::write_file_atomically(pipeline::RunDirectory::figures_manifest_in(out_dir), figures_manifest(figures, out_dir));
  return figures;
}

std::vector<FigureFile> write_run_figures(const fs::path& run_dir, const fs::path& out_dir,
                                          const RunFigureOptions& options, const RunResultFiles& files) {
  return write_run_figures(read_run_results(run_dir, files), out_dir, options);
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
