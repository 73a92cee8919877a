#pragma once
// Classification metrics with scikit-learn's names and definitions
// (sklearn.metrics, version 1.2): labels are plain ints, the set of classes
// is the sorted union of y_true and y_pred unless given, and precision,
// recall and F1 are macro averages with zero_division=0.
#include <cstdint>
#include <vector>

namespace tavrnn::eval {

struct ConfusionMatrix {
  std::vector<int> labels;            // row/column order
  std::vector<std::int64_t> counts;   // [K, K] row-major: counts[i*K + j] = samples of class
                                      // labels[i] predicted as labels[j]
  std::int64_t at(std::size_t true_index, std::size_t predicted_index) const {
    return counts[true_index * labels.size() + predicted_index];
  }
};

// `labels` empty: the sorted union of y_true and y_pred. Otherwise those
// labels in that order; samples whose true or predicted label is not among
// them are left out, as in sklearn.
ConfusionMatrix confusion_matrix(const std::vector<int>& y_true, const std::vector<int>& y_pred,
                                 const std::vector<int>& labels = {});

// Fraction of exact matches.
double accuracy_score(const std::vector<int>& y_true, const std::vector<int>& y_pred);

// Mean recall over the classes present in y_true (classes only predicted
// are left out, as sklearn does, with its warning).
double balanced_accuracy_score(const std::vector<int>& y_true, const std::vector<int>& y_pred);

// Macro averages over the union of labels; a class never predicted has
// precision 0, a class never true has recall 0 (zero_division=0), and F1 is
// 0 where precision + recall is 0.
double precision_score(const std::vector<int>& y_true, const std::vector<int>& y_pred);
double recall_score(const std::vector<int>& y_true, const std::vector<int>& y_pred);
double f1_score(const std::vector<int>& y_true, const std::vector<int>& y_pred);

// The five scores decoding reports, computed together.
struct ClassificationScores {
  double accuracy = 0.0;
  double balanced_accuracy = 0.0;
  double precision = 0.0;  // macro
  double recall = 0.0;     // macro
  double f1 = 0.0;         // macro
};
ClassificationScores classification_scores(const std::vector<int>& y_true,
                                           const std::vector<int>& y_pred);

}  // namespace tavrnn::eval
