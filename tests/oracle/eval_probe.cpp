// Driven by tests/oracle/metrics_oracle.py so that scikit-learn, not
// tavrnn, judges the evaluation metrics. Every mode reads IN.npz and writes
// OUT.npz; a tavrnn::Error exits 1 with its message on stderr (the oracle
// checks where sklearn raises too).
//   metric IN OUT       name (str) and its inputs -> value
//                         classification: y_true, y_pred (int)
//                         adjusted_rand_score, normalized_mutual_info_score:
//                           y_true, y_pred
//                         silhouette/davies_bouldin/calinski_harabasz: x, labels
//                         roc_auc_score, average_precision_score: y_true, y_score
//   confusion IN OUT    y_true, y_pred -> labels, matrix
//   silhouette_samples IN OUT  x, labels -> values
//   kfold IN OUT        y, n_splits, shuffle, seed -> test_fold [n]
//   shuffle_split IN OUT y, n_splits, test_size, seed -> parts [S, n] (1 train, 2 test, 0 neither)
//   scaler IN OUT       x_train, x_test -> mean, scale, transformed
//   logistic IN OUT     x, y, x_test, C -> coef, intercept, predicted, proba
//   knn IN OUT          x, y, x_test, k -> predicted, neighbors
//   fit_predict IN OUT  x, y, parts [S, n] (1 train, 2 test), classifier ("logistic" |
//                       "knn"), k, standardize -> predicted [S, n] (-1 outside test)
//   kmeans_from IN OUT  x, init, max_iter, tol -> labels, centers, inertia, n_iter
//   kmeans IN OUT       x, k, n_init, seed -> labels, centers, inertia
//   pairs IN OUT        z, a, negatives ("all" | "balanced"), seed -> first, second,
//                       y_true, y_score, roc_auc, average_precision
//   groups IN OUT       z [T, N, D], groups, window_labels, first, second -> per_window,
//                       difference, first_mean, second_mean
#include <torch/torch.h>

#include <iostream>
#include <string>

#include "tavrnn/util/error.h"
#include "tavrnn/eval/classification_metrics.h"
#include "tavrnn/eval/clustering_metrics.h"
#include "tavrnn/eval/decoding.h"
#include "tavrnn/eval/group_separation.h"
#include "tavrnn/eval/k_means.h"
#include "tavrnn/eval/k_neighbors.h"
#include "tavrnn/eval/link_prediction.h"
#include "tavrnn/eval/logistic_regression.h"
#include "tavrnn/eval/splits.h"
#include "tavrnn/eval/standard_scaler.h"
#include "tavrnn/io/npz.h"
#include "tavrnn/util/ndarray_tensor.h"
#include "npz_probe_main.h"

namespace {

namespace ev = tavrnn::eval;
using tavrnn::io::NdArray;
using tavrnn::io::NpzArrays;
using tavrnn::probe::Arrays;

const NdArray& get(const NpzArrays& in, const std::string& key) {
  return tavrnn::io::require_array(in, key, "probe input");
}
torch::Tensor matrix(const NpzArrays& in, const std::string& key) {
  return tavrnn::to_tensor(get(in, key), torch::kFloat64, key);
}
std::vector<int> ints(const NpzArrays& in, const std::string& key) {
  const auto v = get(in, key).to_int64s();
  return {v.begin(), v.end()};
}
std::vector<double> doubles(const NpzArrays& in, const std::string& key) {
  return get(in, key).to_doubles();
}
std::int64_t integer(const NpzArrays& in, const std::string& key) { return get(in, key).as_int64(0); }
double real(const NpzArrays& in, const std::string& key) { return get(in, key).as_double(0); }
std::string text(const NpzArrays& in, const std::string& key) { return get(in, key).strings.at(0); }

NdArray int_array(const std::vector<int>& v) {
  return NdArray::from_int64s(std::vector<std::int64_t>(v.begin(), v.end()), {v.size()});
}
NdArray int_array(const std::vector<std::int64_t>& v, std::vector<std::size_t> shape) {
  return NdArray::from_int64s(v, std::move(shape));
}
NdArray double_array(const std::vector<double>& v) { return NdArray::from_doubles(v, {v.size()}); }

double metric(const NpzArrays& in, const std::string& name) {
  if (name == "accuracy_score") return ev::accuracy_score(ints(in, "y_true"), ints(in, "y_pred"));
  if (name == "balanced_accuracy_score")
    return ev::balanced_accuracy_score(ints(in, "y_true"), ints(in, "y_pred"));
  if (name == "precision_score") return ev::precision_score(ints(in, "y_true"), ints(in, "y_pred"));
  if (name == "recall_score") return ev::recall_score(ints(in, "y_true"), ints(in, "y_pred"));
  if (name == "f1_score") return ev::f1_score(ints(in, "y_true"), ints(in, "y_pred"));
  if (name == "adjusted_rand_score")
    return ev::adjusted_rand_score(ints(in, "y_true"), ints(in, "y_pred"));
  if (name == "normalized_mutual_info_score")
    return ev::normalized_mutual_info_score(ints(in, "y_true"), ints(in, "y_pred"));
  if (name == "silhouette_score") return ev::silhouette_score(matrix(in, "x"), ints(in, "labels"));
  if (name == "davies_bouldin_score")
    return ev::davies_bouldin_score(matrix(in, "x"), ints(in, "labels"));
  if (name == "calinski_harabasz_score")
    return ev::calinski_harabasz_score(matrix(in, "x"), ints(in, "labels"));
  if (name == "roc_auc_score") return ev::roc_auc_score(ints(in, "y_true"), doubles(in, "y_score"));
  if (name == "average_precision_score")
    return ev::average_precision_score(ints(in, "y_true"), doubles(in, "y_score"));
  throw tavrnn::Error("probe: unknown metric " + name);
}

// parts [S, n]: 1 train, 2 test.
std::vector<ev::Split> splits_from(const NdArray& parts) {
  const auto v = parts.to_int64s();
  const std::size_t s = parts.shape.at(0), n = parts.shape.at(1);
  std::vector<ev::Split> out(s);
  for (std::size_t i = 0; i < s; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (v[i * n + j] == 1) out[i].train.push_back(j);
      if (v[i * n + j] == 2) out[i].test.push_back(j);
    }
  return out;
}

void run(const std::string& mode, const NpzArrays& in, Arrays& out) {
  if (mode == "metric") {
    out.emplace_back("value", NdArray::scalar(metric(in, text(in, "name"))));
  } else if (mode == "confusion") {
    const ev::ConfusionMatrix c = ev::confusion_matrix(ints(in, "y_true"), ints(in, "y_pred"));
    out.emplace_back("labels", int_array(c.labels));
    out.emplace_back("matrix", int_array(c.counts, {c.labels.size(), c.labels.size()}));
  } else if (mode == "silhouette_samples") {
    out.emplace_back("values", double_array(ev::silhouette_samples(matrix(in, "x"), ints(in, "labels"))));
  } else if (mode == "kfold") {
    const std::vector<int> y = ints(in, "y");
    const auto splits = ev::stratified_k_fold(y, static_cast<std::size_t>(integer(in, "n_splits")),
                                              integer(in, "shuffle") != 0,
                                              static_cast<std::uint64_t>(integer(in, "seed")));
    std::vector<std::int64_t> fold(y.size(), -1);
    for (std::size_t f = 0; f < splits.size(); ++f)
      for (const auto i : splits[f].test) fold[i] = static_cast<std::int64_t>(f);
    out.emplace_back("test_fold", int_array(fold, {y.size()}));
  } else if (mode == "shuffle_split") {
    const std::vector<int> y = ints(in, "y");
    const auto splits = ev::stratified_shuffle_split(
        y, static_cast<std::size_t>(integer(in, "n_splits")), real(in, "test_size"),
        static_cast<std::uint64_t>(integer(in, "seed")));
    std::vector<std::int64_t> parts(splits.size() * y.size(), 0);
    for (std::size_t s = 0; s < splits.size(); ++s) {
      for (const auto i : splits[s].train) parts[s * y.size() + i] = 1;
      for (const auto i : splits[s].test) parts[s * y.size() + i] = 2;
    }
    out.emplace_back("parts", int_array(parts, {splits.size(), y.size()}));
  } else if (mode == "scaler") {
    ev::StandardScaler scaler;
    scaler.fit(matrix(in, "x_train"));
    out.emplace_back("mean", tavrnn::to_ndarray(scaler.mean()));
    out.emplace_back("scale", tavrnn::to_ndarray(scaler.scale()));
    out.emplace_back("transformed", tavrnn::to_ndarray(scaler.transform(matrix(in, "x_test"))));
  } else if (mode == "logistic") {
    ev::LogisticRegressionOptions options;
    options.C = real(in, "C");
    ev::LogisticRegression model(options);
    model.fit(matrix(in, "x"), ints(in, "y"));
    const torch::Tensor test = matrix(in, "x_test");
    out.emplace_back("coef", tavrnn::to_ndarray(model.coef()));
    out.emplace_back("intercept", tavrnn::to_ndarray(model.intercept()));
    out.emplace_back("predicted", int_array(model.predict(test)));
    out.emplace_back("proba", tavrnn::to_ndarray(model.predict_proba(test)));
  } else if (mode == "knn") {
    ev::KNeighborsClassifier model(static_cast<std::size_t>(integer(in, "k")));
    model.fit(matrix(in, "x"), ints(in, "y"));
    const torch::Tensor test = matrix(in, "x_test");
    out.emplace_back("predicted", int_array(model.predict(test)));
    out.emplace_back("neighbors", tavrnn::to_ndarray(model.kneighbors(test)));
  } else if (mode == "fit_predict") {
    ev::DecodingOptions options;
    options.classifier = text(in, "classifier") == "knn" ? ev::ClassifierKind::KNeighbors
                                                         : ev::ClassifierKind::LogisticRegression;
    options.n_neighbors = static_cast<std::size_t>(integer(in, "k"));
    options.standardize = integer(in, "standardize") != 0;
    const torch::Tensor x = matrix(in, "x");
    const std::vector<int> y = ints(in, "y");
    const auto splits = splits_from(get(in, "parts"));
    std::vector<std::int64_t> predicted(splits.size() * y.size(), -1);
    for (std::size_t s = 0; s < splits.size(); ++s) {
      const std::vector<int> p = ev::fit_predict(x, y, splits[s], options);
      for (std::size_t j = 0; j < p.size(); ++j) predicted[s * y.size() + splits[s].test[j]] = p[j];
    }
    out.emplace_back("predicted", int_array(predicted, {splits.size(), y.size()}));
  } else if (mode == "kmeans_from") {
    const ev::KMeansResult r =
        ev::k_means_from(matrix(in, "x"), matrix(in, "init"),
                         static_cast<std::size_t>(integer(in, "max_iter")), real(in, "tol"));
    out.emplace_back("labels", int_array(r.labels));
    out.emplace_back("centers", tavrnn::to_ndarray(r.centers));
    out.emplace_back("inertia", NdArray::scalar(r.inertia));
    out.emplace_back("n_iter", int_array({static_cast<std::int64_t>(r.n_iter)}, {}));
  } else if (mode == "kmeans") {
    ev::KMeansOptions options;
    options.n_clusters = static_cast<std::size_t>(integer(in, "k"));
    options.n_init = static_cast<std::size_t>(integer(in, "n_init"));
    options.seed = static_cast<std::uint64_t>(integer(in, "seed"));
    const ev::KMeansResult r = ev::k_means(matrix(in, "x"), options);
    out.emplace_back("labels", int_array(r.labels));
    out.emplace_back("centers", tavrnn::to_ndarray(r.centers));
    out.emplace_back("inertia", NdArray::scalar(r.inertia));
  } else if (mode == "pairs") {
    ev::ReconstructionOptions options;
    options.negatives = text(in, "negatives") == "balanced" ? ev::NegativePairs::Balanced
                                                            : ev::NegativePairs::All;
    options.seed = static_cast<std::uint64_t>(integer(in, "seed"));
    const torch::Tensor z = matrix(in, "z"), a = matrix(in, "a");
    const ev::ScoredPairs p = ev::scored_pairs(z, a, options);
    const ev::ReconstructionScores s = ev::reconstruction_scores(z, a, options);
    out.emplace_back("first", int_array(p.first, {p.first.size()}));
    out.emplace_back("second", int_array(p.second, {p.second.size()}));
    out.emplace_back("y_true", int_array(p.y_true));
    out.emplace_back("y_score", double_array(p.y_score));
    out.emplace_back("roc_auc", NdArray::scalar(s.roc_auc));
    out.emplace_back("average_precision", NdArray::scalar(s.average_precision));
  } else if (mode == "groups") {
    const std::vector<double> per_window =
        ev::group_silhouette_per_window(matrix(in, "z"), ints(in, "groups"));
    const ev::SeparationContrast c = ev::separation_contrast(
        per_window, ints(in, "window_labels"), ints(in, "first"), ints(in, "second"));
    out.emplace_back("per_window", double_array(per_window));
    out.emplace_back("difference", NdArray::scalar(c.difference));
    out.emplace_back("first_mean", NdArray::scalar(c.first_mean));
    out.emplace_back("second_mean", NdArray::scalar(c.second_mean));
  } else {
    throw tavrnn::Error("probe: unknown mode '" + mode + "'");
  }
}

}  // namespace

int main(int argc, char** argv) {
  return tavrnn::probe::run_npz_probe(argc, argv, "tavrnn_eval_probe", "MODE (see the source)", run);
}
