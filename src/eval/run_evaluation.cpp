#include "tavrnn/eval/run_evaluation.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/eval/clustering_metrics.h"
#include "tavrnn/eval/frame_alignment.h"
#include "tavrnn/eval/group_separation.h"
#include "tavrnn/eval/k_means.h"
#include "tavrnn/eval/link_prediction.h"
#include "tavrnn/eval/mean_sd.h"

namespace tavrnn::eval {

namespace {

using nlohmann::json;

json to_json(const MeanSd& m) { return {{"mean", m.mean}, {"sd", m.sd}, {"n", m.n}}; }

json to_json(const ScoreSummary& s) {
  return {{"accuracy_score", to_json(s.accuracy)},
          {"balanced_accuracy_score", to_json(s.balanced_accuracy)},
          {"precision_score", to_json(s.precision)},
          {"recall_score", to_json(s.recall)},
          {"f1_score", to_json(s.f1)}};
}

std::size_t distinct(const std::vector<int>& labels) {
  return std::set<int>(labels.begin(), labels.end()).size();
}

torch::Tensor rows(const torch::Tensor& x, const std::vector<std::size_t>& index) {
  std::vector<int64_t> i(index.begin(), index.end());
  return x.index_select(0, torch::tensor(i, torch::kLong));
}

// A zero row stays zero: it has no direction.
torch::Tensor unit_length_rows(const torch::Tensor& x) {
  const auto norms = x.norm(2, 1, true);
  return torch::where(norms > 0, x / norms, torch::zeros_like(x));
}

bool has_node_embeddings(const EmbeddingsFile& e) {
  return e.model == "tavrnn" || e.model == "vgrnn" || e.model == "vgae";
}

// The inner-product decoder sees only z z^T, so a window's node embeddings
// are identified up to a rotation of that window: summaries that depend on
// the frame (mean, history node) can drift between windows as training goes
// on, while the Gram matrix (and its diagonal, the norms) cannot.
torch::Tensor unit_gram(const EmbeddingsFile& e) {
  const auto n = static_cast<int64_t>(e.n_units());
  const auto u = e.mu.narrow(1, 0, n);
  const auto g = torch::bmm(u, u.transpose(1, 2));
  const auto upper = torch::triu_indices(n, n, 0, torch::TensorOptions().device(g.device()));
  return g.index({torch::indexing::Slice(), upper[0], upper[1]});
}

torch::Tensor population_of_windows(const EmbeddingsFile& e, const std::string& choice, std::string& used) {
  std::string pick = choice;
  // Every unit's mu decoded the planted states and the real recordings'
  // behaviour better than the history node or the mean in most of the
  // measured runs (docs/evaluation.md, "Which population embedding").
  if (choice == "auto") pick = has_node_embeddings(e) ? "units" : "mean";
  used = pick;
  if (pick == "history") {
    if (!e.population_history.defined()) {
      throw Error("`population` history: these embeddings have no history node "
                  "(population_history is missing); use mean");
    }
    return e.population_history;
  }
  if (pick == "mean") return e.population_mean;
  if (pick == "gram" || pick == "norms" || pick == "units" || pick == "aligned") {
    if (!has_node_embeddings(e)) {
      throw Error(fmt::format("`population` {}: the {} embeddings have no node embeddings (only a "
                              "population vector per window); use mean",
                              pick, e.model));
    }
    const torch::Tensor units = e.mu.narrow(1, 0, static_cast<int64_t>(e.n_units()));
    if (pick == "gram") return unit_gram(e);
    if (pick == "units") return units.reshape({units.size(0), -1});
    if (pick == "aligned") {
      const auto aligned = align_frames(units);
      return aligned.reshape({aligned.size(0), -1});
    }
    return units.norm(2, -1);
  }
  throw Error(fmt::format(
      "`population` must be auto, units, aligned, gram, norms, history or mean, got '{}'", choice));
}

// Units whose row of W is zero off the diagonal were silent (zero variance)
// in the window: their embedding says nothing about their group.
std::vector<std::size_t> active_units(const graphs::GraphSequence* graphs, std::size_t t,
                                      std::size_t n_units) {
  std::vector<std::size_t> active;
  if (graphs == nullptr) {
    for (std::size_t u = 0; u < n_units; ++u) active.push_back(u);
    return active;
  }
  const std::vector<bool> silent = graphs->silent_units(t);
  for (std::size_t u = 0; u < n_units && u < silent.size(); ++u) {
    if (!silent[u]) active.push_back(u);
  }
  return active;
}

// The windows decoding and clustering judge: labelled, pure enough.
struct LabelledWindows {
  std::vector<std::size_t> windows;
  std::vector<int> labels;  // one per window above
};

LabelledWindows labelled(const EmbeddingsFile& e, double min_purity) {
  LabelledWindows l;
  l.windows = labelled_windows(e.window_label, e.window_purity, min_purity);
  for (auto w : l.windows) l.labels.push_back(e.window_label[w]);
  return l;
}

KMeansResult k_means_clusters(const torch::Tensor& x, std::size_t k, std::size_t n_init,
                              std::uint64_t seed) {
  KMeansOptions km;
  km.n_clusters = k;
  km.n_init = n_init;
  km.seed = seed;
  return k_means(x, km);
}

json decoding_section(const torch::Tensor& population, const LabelledWindows& l,
                      const EvaluationOptions& options) {
  const auto& windows = l.windows;
  const auto& labels = l.labels;
  std::map<int, std::size_t> per_class;
  for (int l : labels) ++per_class[l];
  json out = {{"windows", windows.size()}, {"classes", per_class.size()}};
  if (per_class.size() < 2) {
    out["skipped"] = "fewer than two labelled classes among the windows";
    return out;
  }
  std::size_t smallest = windows.size();
  for (const auto& [label, count] : per_class) smallest = std::min(smallest, count);
  DecodingOptions decoding = options.decoding;
  if (decoding.scheme == SplitScheme::StratifiedKFold && smallest < decoding.n_splits) {
    if (smallest < 2) {
      out["skipped"] = "a class has a single window: no stratified split can test it";
      return out;
    }
    out["note"] = fmt::format("{} folds instead of {}: the smallest class has {} windows", smallest,
                              decoding.n_splits, smallest);
    decoding.n_splits = smallest;
  }
  // Too few windows for k neighbours (the paper's 6-window DishBrain
  // selection leaves 4 per training fold): decode with as many as the
  // smallest training set holds, and say so, rather than fail every metric.
  // Training-set sizes do not depend on the seed of the splits.
  std::size_t smallest_train = windows.size();
  for (const Split& split : make_splits(labels, decoding, decoding.first_seed)) {
    smallest_train = std::min(smallest_train, split.train.size());
  }
  if (smallest_train >= 1 && decoding.n_neighbors > smallest_train) {
    out["neighbors_note"] = fmt::format("{} neighbours instead of {}: a training set has {} windows",
                                        smallest_train, decoding.n_neighbors, smallest_train);
    decoding.n_neighbors = smallest_train;
  }
  const auto x = rows(population, windows);
  out["scheme"] = to_string(decoding.scheme);
  out["n_splits"] = decoding.n_splits;
  out["seeds"] = decoding.n_seeds;
  for (auto kind : {ClassifierKind::LogisticRegression, ClassifierKind::KNeighbors}) {
    decoding.classifier = kind;
    const auto result = decode(x, labels, decoding);
    json c = {{"scores", to_json(result.scores)}};
    if (decoding.shuffled_control) c["shuffled_labels"] = to_json(result.shuffled);
    // Confusion summed over seeds: rows true, columns predicted.
    std::vector<int> order;
    std::vector<std::int64_t> sum;
    for (const auto& run : result.runs) {
      if (sum.empty()) {
        order = run.confusion.labels;
        sum.assign(run.confusion.counts.size(), 0);
      }
      for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += run.confusion.counts[i];
    }
    json matrix = json::array();
    for (std::size_t i = 0; i < order.size(); ++i) {
      matrix.push_back(std::vector<std::int64_t>(sum.begin() + i * order.size(),
                                                 sum.begin() + (i + 1) * order.size()));
    }
    c["confusion_matrix"] = {{"labels", order}, {"counts", matrix}};
    if (kind == ClassifierKind::KNeighbors) c["n_neighbors"] = decoding.n_neighbors;
    out[to_string(kind)] = c;
  }
  return out;
}

json clustering_section(const torch::Tensor& population, const LabelledWindows& l,
                        const EvaluationOptions& options) {
  const auto& windows = l.windows;
  const auto& labels = l.labels;
  const std::size_t k = distinct(labels);
  json out = {{"windows", windows.size()}, {"n_clusters", k}};
  if (k < 2 || windows.size() <= k) {
    out["skipped"] = "needs at least two labels and more windows than labels";
    return out;
  }
  const auto x = rows(population, windows);
  const KMeansResult km = k_means_clusters(x, k, options.kmeans_n_init, options.seed);
  const auto& clusters = km.labels;
  out["kmeans_restarts"] = km.restarts;
  out["adjusted_rand_score"] = adjusted_rand_score(labels, clusters);
  out["normalized_mutual_info_score"] = normalized_mutual_info_score(labels, clusters);
  out["silhouette_score"] = silhouette_score(x, labels);
  out["davies_bouldin_score"] = davies_bouldin_score(x, labels);
  out["calinski_harabasz_score"] = calinski_harabasz_score(x, labels);
  return out;
}

json groups_section(const EmbeddingsFile& e, const graphs::GraphSequence* graphs,
                    const EvaluationOptions& options) {
  json out;
  if (e.groups.empty() || distinct(e.groups) < 2) {
    out["skipped"] = "the recording has fewer than two unit groups";
    return out;
  }
  out["group_names"] = e.group_names;
  out["geometry"] = options.group_geometry;
  const std::size_t n_units = e.n_units();
  std::vector<double> silhouettes, aris;
  std::vector<int> window_labels;
  json per_window = json::array();
  for (std::size_t t = 0; t < e.n_windows(); ++t) {
    std::vector<std::size_t> units;
    for (auto u : active_units(graphs, t, n_units)) {
      if (e.groups[u] >= 0) units.push_back(u);
    }
    std::vector<int> truth;
    for (auto u : units) truth.push_back(e.groups[u]);
    const std::size_t k = distinct(truth);
    json row = {{"window", t}, {"label", e.window_label[t]}, {"units", units.size()}};
    if (k < 2 || units.size() <= k) {
      row["skipped"] = "fewer than two groups among the window's active units";
      per_window.push_back(row);
      continue;
    }
    auto z = rows(e.mu[static_cast<int64_t>(t)], units);
    if (options.group_geometry == "angular") z = unit_length_rows(z);
    const KMeansResult km = k_means_clusters(z, k, options.kmeans_n_init, options.seed + t);
    const auto& clusters = km.labels;
    row["kmeans_restarts"] = km.restarts;
    row["silhouette_score"] = silhouette_score(z, truth);
    row["adjusted_rand_score"] = adjusted_rand_score(truth, clusters);
    row["normalized_mutual_info_score"] = normalized_mutual_info_score(truth, clusters);
    silhouettes.push_back(row["silhouette_score"]);
    aris.push_back(row["adjusted_rand_score"]);
    window_labels.push_back(e.window_label[t]);
    per_window.push_back(row);
  }
  out["per_window"] = per_window;
  if (silhouettes.empty()) return out;
  out["silhouette_score"] = to_json(mean_sd(silhouettes));
  out["adjusted_rand_score"] = to_json(mean_sd(aris));
  // The same per label: which states separate the groups.
  json by_label = json::object();
  for (int label : std::set<int>(window_labels.begin(), window_labels.end())) {
    std::vector<double> s, a;
    for (std::size_t i = 0; i < window_labels.size(); ++i) {
      if (window_labels[i] == label) {
        s.push_back(silhouettes[i]);
        a.push_back(aris[i]);
      }
    }
    const std::string name = label >= 0 && static_cast<std::size_t>(label) < e.label_names.size()
                                 ? e.label_names[static_cast<std::size_t>(label)]
                                 : std::to_string(label);
    by_label[name] = {{"silhouette_score", to_json(mean_sd(s))}, {"adjusted_rand_score", to_json(mean_sd(a))}};
  }
  out["by_label"] = by_label;
  auto first = options.contrast_first, second = options.contrast_second;
  const std::set<int> present(window_labels.begin(), window_labels.end());
  if (first.empty() && second.empty() && present.count(0) && present.count(1) && e.label_names.size() == 2) {
    first = {0};
    second = {1};
  }
  if (!first.empty() && !second.empty()) {
    const auto c = separation_contrast(silhouettes, window_labels, first, second);
    out["silhouette_contrast"] = {{"first_labels", first}, {"second_labels", second},
                                  {"first_mean", c.first_mean}, {"second_mean", c.second_mean},
                                  {"difference", c.difference}};
  }
  return out;
}

json reconstruction_section(const EmbeddingsFile& e, const graphs::GraphSequence& graphs,
                            const EvaluationOptions& options) {
  json out;
  if (graphs.size() != e.n_windows() || graphs.n_units() != e.n_units()) {
    throw Error(fmt::format("the graphs ({} windows x {} units) are not those of these embeddings "
                            "({} windows x {} units)",
                            graphs.size(), graphs.n_units(), e.n_windows(), e.n_units()));
  }
  // Units only: the history node's edges are all ones by construction, and
  // scoring them would only inflate the numbers.
  const auto nodes = e.n_units();
  ReconstructionOptions r;
  r.negatives = nodes <= options.exhaustive_pairs_max_nodes ? NegativePairs::All : NegativePairs::Balanced;
  out["negatives"] = r.negatives == NegativePairs::All ? "all" : "balanced";
  std::vector<double> auc, ap;
  json per_window = json::array();
  for (std::size_t t = 0; t < graphs.size(); ++t) {
    const auto n = static_cast<int64_t>(nodes);
    auto a = graphs.graph(t).adjacency.to(torch::kCPU);
    int64_t edges = 0;
    if (a.is_sparse()) {
      // Kept sparse: the pairs are drawn from the edges (10,000 units).
      a = a.coalesce();
      const auto rows = a.indices()[0], columns = a.indices()[1];
      const auto keep = rows.lt(n).logical_and_(columns.lt(n)).logical_and_(a.values().ne(0));
      edges = keep.logical_and(rows.ne(columns)).sum().item<int64_t>();
      a = torch::sparse_coo_tensor(torch::stack({rows.masked_select(keep), columns.masked_select(keep)}),
                                   a.values().masked_select(keep), {n, n})
              .coalesce();
    } else {
      a = a.narrow(0, 0, n).narrow(1, 0, n);
      edges = (a - torch::diag(a.diagonal())).count_nonzero().item<int64_t>();
    }
    const auto pairs = static_cast<int64_t>(nodes * (nodes - 1));
    json row = {{"window", t}};
    if (edges == 0 || edges == pairs) {
      row["skipped"] = edges == 0 ? "no edges" : "complete graph: no non-edges";
      per_window.push_back(row);
      continue;
    }
    r.seed = options.seed + t;
    const auto units = e.mu[static_cast<int64_t>(t)].narrow(0, 0, static_cast<int64_t>(nodes));
    const auto s = reconstruction_scores(units, a, r);
    row["roc_auc_score"] = s.roc_auc;
    row["average_precision_score"] = s.average_precision;
    row["positives"] = s.positives;
    row["negatives"] = s.negatives;
    auc.push_back(s.roc_auc);
    ap.push_back(s.average_precision);
    per_window.push_back(row);
  }
  out["per_window"] = per_window;
  if (!auc.empty()) {
    out["roc_auc_score"] = to_json(mean_sd(auc));
    out["average_precision_score"] = to_json(mean_sd(ap));
  }
  return out;
}

}  // namespace

json evaluate_embeddings(const EmbeddingsFile& e, const graphs::GraphSequence* graphs,
                         const EvaluationOptions& options) {
  if (options.group_geometry != "euclidean" && options.group_geometry != "angular") {
    throw Error(fmt::format("group geometry must be euclidean or angular, got '{}'", options.group_geometry));
  }
  std::string used;
  const auto population = population_of_windows(e, options.population, used);
  json m = {{"model", e.model}, {"windows", e.n_windows()}, {"units", e.n_units()},
            {"population_embedding", used}, {"population_dims", population.size(1)},
            {"min_purity", options.min_purity}};
  const auto decoded = labelled(e, options.min_purity);
  m["decoding"] = decoding_section(population, decoded, options);
  m["clustering"] = clustering_section(population, decoded, options);
  m["groups"] = groups_section(e, graphs, options);
  if (graphs != nullptr) m["reconstruction"] = reconstruction_section(e, *graphs, options);
  return m;
}

std::string metrics_table(const json& m) {
  std::string out;
  const auto line = [&](const std::string& name, const json& value) {
    if (value.is_object() && value.contains("mean")) {
      out += fmt::format("  {:<44} {:.3f} +- {:.3f}\n", name, value["mean"].get<double>(),
                         value["sd"].get<double>());
    } else if (value.is_number()) {
      out += fmt::format("  {:<44} {:.3f}\n", name, value.get<double>());
    }
  };
  out += fmt::format("{} on {} windows x {} units (population embedding: {}, {} dims)\n",
                     m.value("model", std::string("?")), m["windows"].get<std::size_t>(),
                     m["units"].get<std::size_t>(), m["population_embedding"].get<std::string>(),
                     m["population_dims"].get<int64_t>());
  const auto& d = m["decoding"];
  if (d.contains("skipped")) {
    out += "  decoding: skipped (" + d["skipped"].get<std::string>() + ")\n";
  } else {
    for (const char* c : {"logistic_regression", "k_neighbors"}) {
      line(fmt::format("decoding {} accuracy_score", c), d[c]["scores"]["accuracy_score"]);
      line(fmt::format("decoding {} balanced_accuracy_score", c), d[c]["scores"]["balanced_accuracy_score"]);
      line(fmt::format("decoding {} f1_score (macro)", c), d[c]["scores"]["f1_score"]);
      if (d[c].contains("shuffled_labels")) {
        line(fmt::format("  shuffled labels: accuracy_score"), d[c]["shuffled_labels"]["accuracy_score"]);
      }
    }
    for (const char* note : {"note", "neighbors_note"}) {
      if (d.contains(note)) out += "  decoding: " + d[note].get<std::string>() + "\n";
    }
  }
  for (const char* k : {"adjusted_rand_score", "normalized_mutual_info_score", "silhouette_score",
                        "davies_bouldin_score", "calinski_harabasz_score"}) {
    if (m["clustering"].contains(k)) line(fmt::format("windows by label: {}", k), m["clustering"][k]);
  }
  const auto& g = m["groups"];
  if (g.contains("silhouette_score")) {
    const std::string space = g.value("geometry", "euclidean") == "angular" ? " (angular)" : "";
    line(fmt::format("unit groups{}: silhouette_score (per window)", space), g["silhouette_score"]);
    line(fmt::format("unit groups{}: k-means adjusted_rand_score", space), g["adjusted_rand_score"]);
    for (const auto& [label, v] : g["by_label"].items()) {
      line(fmt::format("  in '{}' windows: silhouette_score", label), v["silhouette_score"]);
      line(fmt::format("  in '{}' windows: adjusted_rand_score", label), v["adjusted_rand_score"]);
    }
  }
  if (m.contains("reconstruction") && m["reconstruction"].contains("roc_auc_score")) {
    line("reconstruction roc_auc_score", m["reconstruction"]["roc_auc_score"]);
    line("reconstruction average_precision_score", m["reconstruction"]["average_precision_score"]);
  }
  return out;
}

torch::Tensor population_embedding(const EmbeddingsFile& embeddings, const std::string& choice,
                                   std::string& used) {
  return population_of_windows(embeddings, choice, used);
}

std::string population_embedding_description(const std::string& used) {
  if (used == "gram") return "Gram matrix of the units' mu (mu mu^T, upper triangle)";
  if (used == "norms") return "norms of the units' mu";
  if (used == "units") return "every unit's mu, concatenated";
  if (used == "aligned") return "every unit's mu, each window rotated onto one frame (Procrustes), concatenated";
  if (used == "history") return "history node's mu";
  return "mean of the units' mu";
}

}  // namespace tavrnn::eval
