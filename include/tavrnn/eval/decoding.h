#pragma once
// Behaviour decoding from population embeddings (MODEL.md section 7; the
// protocol is written out in docs/evaluation.md): for each seed, stratified
// splits of the labelled windows; on each split the features are
// standardised with the training part's mean and scale, a classifier is
// fitted on the training part and scored on the test part; a seed's score is
// the mean over its splits. The same protocol with the labels permuted
// (seeded) is the chance-level control. Results are mean +- sd over seeds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "tavrnn/eval/classification_metrics.h"
#include "tavrnn/eval/mean_sd.h"
#include "tavrnn/eval/splits.h"

namespace tavrnn::eval {

enum class ClassifierKind { LogisticRegression, KNeighbors };
enum class SplitScheme { StratifiedKFold, StratifiedShuffleSplit };

std::string to_string(ClassifierKind kind);  // "logistic_regression" | "k_neighbors"
std::string to_string(SplitScheme scheme);   // "stratified_k_fold" | "stratified_shuffle_split"

struct DecodingOptions {
  ClassifierKind classifier = ClassifierKind::LogisticRegression;
  double C = 1.0;                  // logistic regression: inverse L2 strength
  std::size_t n_neighbors = 5;     // k-nearest neighbours
  SplitScheme scheme = SplitScheme::StratifiedKFold;
  std::size_t n_splits = 5;        // folds, or random splits per seed
  double test_size = 0.25;         // stratified_shuffle_split only
  bool standardize = true;         // StandardScaler fitted on each training part
  std::size_t n_seeds = 10;        // seeds first_seed, first_seed + 1, ...
  std::uint64_t first_seed = 0;
  bool shuffled_control = true;    // also run the protocol on permuted labels
};

// The protocol on one split: standardise (if asked), fit on split.train,
// predict split.test. x: [n, d] any device/floating dtype; labels: n ints.
std::vector<int> fit_predict(const torch::Tensor& x, const std::vector<int>& labels,
                             const Split& split, const DecodingOptions& options);

// The seed's splits of `labels` (k-fold shuffled with the seed, or random splits).
std::vector<Split> make_splits(const std::vector<int>& labels, const DecodingOptions& options,
                               std::uint64_t seed);

// The labels permuted for the shuffled control of `seed` (a stream derived
// from the seed, independent of the splits').
std::vector<int> shuffled_labels(const std::vector<int>& labels, std::uint64_t seed);

struct DecodingRun {
  std::uint64_t seed = 0;
  ClassificationScores scores;     // mean over the seed's splits
  ClassificationScores shuffled;   // the same for the permuted labels (if asked)
  ConfusionMatrix confusion;       // summed over the seed's test parts, all classes
};

struct ScoreSummary {
  MeanSd accuracy, balanced_accuracy, precision, recall, f1;
};

struct DecodingResult {
  std::vector<DecodingRun> runs;
  ScoreSummary scores;             // mean +- sd over seeds
  ScoreSummary shuffled;           // zeros with n = 0 when the control is off
};

// x: [n, d] population embeddings of the labelled windows, labels: one per row.
DecodingResult decode(const torch::Tensor& x, const std::vector<int>& labels,
                      const DecodingOptions& options);

// Windows to decode: those with a label (>= 0, i.e. not kUnlabelled) whose
// purity (fraction of bins carrying the window's majority label) is at least
// `min_purity`. Returns their indices, ascending.
std::vector<std::size_t> labelled_windows(const std::vector<int>& labels,
                                          const std::vector<double>& purity, double min_purity);

}  // namespace tavrnn::eval
