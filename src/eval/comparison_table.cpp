#include "tavrnn/eval/comparison_table.h"

#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tavrnn/util/error.h"
#include "tavrnn/eval/mean_sd.h"

namespace tavrnn::eval {

namespace {

struct Headline {
  const char* metric;   // name in results.csv
  const char* pointer;  // JSON pointer into metrics.json
  const char* column;   // summary.md column
};

// Decoding numbers are the cell's single split seed (mean over its folds).
constexpr Headline kHeadlines[] = {
    {"decoding.logistic_regression.accuracy_score", "/decoding/logistic_regression/scores/accuracy_score/mean", "LR accuracy"},
    {"decoding.logistic_regression.balanced_accuracy_score", "/decoding/logistic_regression/scores/balanced_accuracy_score/mean", ""},
    {"decoding.logistic_regression.f1_score", "/decoding/logistic_regression/scores/f1_score/mean", "LR macro-F1"},
    {"decoding.logistic_regression.shuffled.accuracy_score", "/decoding/logistic_regression/shuffled_labels/accuracy_score/mean", "LR shuffled"},
    {"decoding.k_neighbors.accuracy_score", "/decoding/k_neighbors/scores/accuracy_score/mean", "kNN accuracy"},
    {"decoding.k_neighbors.f1_score", "/decoding/k_neighbors/scores/f1_score/mean", ""},
    {"decoding.k_neighbors.shuffled.accuracy_score", "/decoding/k_neighbors/shuffled_labels/accuracy_score/mean", ""},
    {"clustering.adjusted_rand_score", "/clustering/adjusted_rand_score", "windows ARI"},
    {"clustering.normalized_mutual_info_score", "/clustering/normalized_mutual_info_score", ""},
    {"clustering.silhouette_score", "/clustering/silhouette_score", ""},
    {"groups.silhouette_score", "/groups/silhouette_score/mean", "groups silhouette"},
    {"groups.adjusted_rand_score", "/groups/adjusted_rand_score/mean", "groups ARI"},
    {"reconstruction.roc_auc_score", "/reconstruction/roc_auc_score/mean", "recon. AUC"},
    {"reconstruction.average_precision_score", "/reconstruction/average_precision_score/mean", "recon. AP"},
    {"training.selected_epoch", "/training/selected_epoch", "epoch"},
    {"timing.seconds", "/timing/seconds", "seconds"},
};

}  // namespace

std::vector<ComparisonRow> comparison_rows(const std::filesystem::path& path, const std::string& model,
                                           int64_t latent, std::uint64_t seed) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot open {}", path.string()));
  const auto metrics = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (metrics.is_discarded()) throw Error(fmt::format("{}: not valid JSON", path.string()));
  std::vector<ComparisonRow> rows;
  for (const auto& h : kHeadlines) {
    const nlohmann::json::json_pointer pointer(h.pointer);
    if (metrics.contains(pointer) && metrics[pointer].is_number()) {
      rows.push_back({model, latent, seed, h.metric, metrics[pointer].get<double>()});
    }
  }
  return rows;
}

std::string results_csv(const std::vector<ComparisonRow>& rows) {
  std::string out = "model,latent,seed,metric,value\n";
  for (const auto& r : rows) {
    out += fmt::format("{},{},{},{},{:.17g}\n", r.model, r.latent, r.seed, r.metric, r.value);
  }
  return out;
}

std::string summary_markdown(const std::vector<ComparisonRow>& rows, std::size_t windows, std::size_t units) {
  std::vector<std::pair<std::string, int64_t>> order;
  std::map<std::pair<std::string, int64_t>, std::map<std::string, std::vector<double>>> values;
  for (const auto& r : rows) {
    const auto key = std::make_pair(r.model, r.latent);
    if (!values.count(key)) order.push_back(key);
    values[key][r.metric].push_back(r.value);
  }
  std::string out = fmt::format(
      "# Comparison: {} windows x {} units\n\nMean +- sd over seeds (n = seeds with a value). "
      "Decoding: held-out accuracy of the population embedding, stratified k-fold; shuffled = the same "
      "protocol on permuted labels (chance level). Metric definitions: docs/evaluation.md.\n\n",
      windows, units);
  out += "| model | dims | n |";
  std::string rule = "|---|---|---|";
  for (const auto& h : kHeadlines) {
    if (*h.column == '\0') continue;
    out += fmt::format(" {} |", h.column);
    rule += "---|";
  }
  out += "\n" + rule + "\n";
  for (const auto& key : order) {
    const auto& metrics = values[key];
    std::size_t n = 0;
    for (const auto& [name, v] : metrics) n = std::max(n, v.size());
    out += fmt::format("| {} | {} | {} |", key.first, key.second, n);
    for (const auto& h : kHeadlines) {
      if (*h.column == '\0') continue;
      const auto it = metrics.find(h.metric);
      if (it == metrics.end()) {
        out += " - |";
      } else {
        const auto m = mean_sd(it->second);
        out += fmt::format(" {:.3f} +- {:.3f} |", m.mean, m.sd);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace tavrnn::eval
