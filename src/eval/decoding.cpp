#include "tavrnn/eval/decoding.h"

#include <algorithm>

#include <fmt/format.h>
#include <torch/torch.h>

#include "feature_matrix.h"
#include "label_encoding.h"
#include "util/random_stream.h"
#include "tavrnn/util/error.h"
#include "tavrnn/eval/k_neighbors.h"
#include "tavrnn/eval/logistic_regression.h"
#include "tavrnn/eval/standard_scaler.h"

namespace tavrnn::eval {
namespace {

// SplitMix64's finaliser: turns seed s into an unrelated seed for the label
// permutation, so that the control's permutation and the seed's splits are
// not drawn from the same words.
std::uint64_t derived_seed(std::uint64_t seed) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

torch::Tensor rows(const torch::Tensor& x, const std::vector<std::size_t>& index) {
  std::vector<int64_t> i(index.begin(), index.end());
  return x.index_select(0, torch::tensor(i, torch::kInt64));
}

std::vector<int> pick(const std::vector<int>& labels, const std::vector<std::size_t>& index) {
  std::vector<int> out;
  out.reserve(index.size());
  for (const auto i : index) out.push_back(labels[i]);
  return out;
}

ClassificationScores mean_scores(const std::vector<ClassificationScores>& per_split) {
  ClassificationScores m;
  for (const auto& s : per_split) {
    m.accuracy += s.accuracy;
    m.balanced_accuracy += s.balanced_accuracy;
    m.precision += s.precision;
    m.recall += s.recall;
    m.f1 += s.f1;
  }
  const auto n = static_cast<double>(per_split.size());
  m.accuracy /= n;
  m.balanced_accuracy /= n;
  m.precision /= n;
  m.recall /= n;
  m.f1 /= n;
  return m;
}

// One seed's protocol: mean scores over its splits, and the summed confusion.
ClassificationScores run_protocol(const torch::Tensor& x, const std::vector<int>& labels,
                                  const DecodingOptions& options, std::uint64_t seed,
                                  const std::vector<int>& classes, ConfusionMatrix* confusion) {
  std::vector<ClassificationScores> per_split;
  for (const Split& split : make_splits(labels, options, seed)) {
    const std::vector<int> truth = pick(labels, split.test);
    const std::vector<int> predicted = fit_predict(x, labels, split, options);
    per_split.push_back(classification_scores(truth, predicted));
    if (confusion != nullptr) {
      const ConfusionMatrix c = confusion_matrix(truth, predicted, classes);
      if (confusion->counts.empty()) *confusion = c;
      else
        for (std::size_t i = 0; i < c.counts.size(); ++i) confusion->counts[i] += c.counts[i];
    }
  }
  return mean_scores(per_split);
}

ScoreSummary summarise(const std::vector<DecodingRun>& runs, bool shuffled) {
  std::vector<double> a, ba, p, r, f;
  for (const auto& run : runs) {
    const ClassificationScores& s = shuffled ? run.shuffled : run.scores;
    a.push_back(s.accuracy);
    ba.push_back(s.balanced_accuracy);
    p.push_back(s.precision);
    r.push_back(s.recall);
    f.push_back(s.f1);
  }
  return {mean_sd(a), mean_sd(ba), mean_sd(p), mean_sd(r), mean_sd(f)};
}

}  // namespace

std::string to_string(ClassifierKind kind) {
  return kind == ClassifierKind::LogisticRegression ? "logistic_regression" : "k_neighbors";
}

std::string to_string(SplitScheme scheme) {
  return scheme == SplitScheme::StratifiedKFold ? "stratified_k_fold" : "stratified_shuffle_split";
}

std::vector<int> fit_predict(const torch::Tensor& x, const std::vector<int>& labels,
                             const Split& split, const DecodingOptions& options) {
  const torch::Tensor X = detail::feature_matrix(x, "decoding: X");
  detail::check_label_count(labels.size(), static_cast<std::size_t>(X.size(0)), "decoding");
  for (const auto* part : {&split.train, &split.test}) {
    if (part->empty()) throw Error("decoding: a split has an empty train or test part");
    for (const auto i : *part) {
      if (i >= labels.size()) {
        throw Error(fmt::format("decoding: split index {} is out of range for {} samples", i,
                                labels.size()));
      }
    }
  }
  torch::Tensor train = rows(X, split.train), test = rows(X, split.test);
  if (options.standardize) {
    StandardScaler scaler;
    scaler.fit(train);
    train = scaler.transform(train);
    test = scaler.transform(test);
  }
  const std::vector<int> y = pick(labels, split.train);
  if (options.classifier == ClassifierKind::LogisticRegression) {
    LogisticRegressionOptions lr;
    lr.C = options.C;
    return LogisticRegression(lr).fit(train, y).predict(test);
  }
  return KNeighborsClassifier(options.n_neighbors).fit(train, y).predict(test);
}

std::vector<Split> make_splits(const std::vector<int>& labels, const DecodingOptions& options,
                               std::uint64_t seed) {
  if (options.scheme == SplitScheme::StratifiedKFold) {
    return stratified_k_fold(labels, options.n_splits, /*shuffle=*/true, seed);
  }
  return stratified_shuffle_split(labels, options.n_splits, options.test_size, seed);
}

std::vector<int> shuffled_labels(const std::vector<int>& labels, std::uint64_t seed) {
  std::vector<int> out = labels;
  RandomStream random(derived_seed(seed));
  random.shuffle(out.begin(), out.end());
  return out;
}

DecodingResult decode(const torch::Tensor& x, const std::vector<int>& labels,
                      const DecodingOptions& options) {
  if (options.n_seeds < 1) throw Error("decoding: n_seeds must be at least 1");
  const torch::Tensor X = detail::feature_matrix(x, "decoding: X");
  detail::check_label_count(labels.size(), static_cast<std::size_t>(X.size(0)), "decoding");
  const std::vector<int> classes = detail::encode_labels(labels).classes;
  DecodingResult result;
  for (std::size_t s = 0; s < options.n_seeds; ++s) {
    DecodingRun run;
    run.seed = options.first_seed + s;
    run.scores = run_protocol(X, labels, options, run.seed, classes, &run.confusion);
    if (options.shuffled_control) {
      run.shuffled = run_protocol(X, shuffled_labels(labels, run.seed), options, run.seed, classes,
                                  nullptr);
    }
    result.runs.push_back(std::move(run));
  }
  result.scores = summarise(result.runs, false);
  if (options.shuffled_control) result.shuffled = summarise(result.runs, true);
  return result;
}

std::vector<std::size_t> labelled_windows(const std::vector<int>& labels,
                                          const std::vector<double>& purity, double min_purity) {
  if (labels.size() != purity.size()) {
    throw Error(fmt::format("labelled windows: {} labels but {} purities", labels.size(),
                            purity.size()));
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= 0 && purity[i] >= min_purity) out.push_back(i);
  }
  return out;
}

}  // namespace tavrnn::eval
