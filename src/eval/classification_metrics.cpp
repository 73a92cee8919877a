#include "tavrnn/eval/classification_metrics.h"

#include <algorithm>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

void check_pair(const std::vector<int>& y_true, const std::vector<int>& y_pred,
                const char* what) {
  if (y_true.empty()) throw Error(fmt::format("{}: y_true is empty", what));
  if (y_true.size() != y_pred.size()) {
    throw Error(fmt::format("{}: y_true has {} samples but y_pred has {}", what, y_true.size(),
                            y_pred.size()));
  }
}

struct PerClass {
  std::vector<double> precision, recall, f1;
};

// sklearn's precision_recall_fscore_support(average=None, zero_division=0)
// over the union of labels.
PerClass per_class(const std::vector<int>& y_true, const std::vector<int>& y_pred,
                   const char* what) {
  check_pair(y_true, y_pred, what);
  const ConfusionMatrix c = confusion_matrix(y_true, y_pred);
  const std::size_t k = c.labels.size();
  PerClass out;
  for (std::size_t i = 0; i < k; ++i) {
    std::int64_t true_sum = 0, pred_sum = 0;
    for (std::size_t j = 0; j < k; ++j) {
      true_sum += c.at(i, j);
      pred_sum += c.at(j, i);
    }
    const auto tp = static_cast<double>(c.at(i, i));
    const double p = pred_sum == 0 ? 0.0 : tp / static_cast<double>(pred_sum);
    const double r = true_sum == 0 ? 0.0 : tp / static_cast<double>(true_sum);
    out.precision.push_back(p);
    out.recall.push_back(r);
    out.f1.push_back(p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r));
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0.0;
  for (const double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

}  // namespace

ConfusionMatrix confusion_matrix(const std::vector<int>& y_true, const std::vector<int>& y_pred,
                                 const std::vector<int>& labels) {
  check_pair(y_true, y_pred, "confusion_matrix");
  ConfusionMatrix c;
  if (labels.empty()) {
    c.labels = y_true;
    c.labels.insert(c.labels.end(), y_pred.begin(), y_pred.end());
    std::sort(c.labels.begin(), c.labels.end());
    c.labels.erase(std::unique(c.labels.begin(), c.labels.end()), c.labels.end());
  } else {
    c.labels = labels;
    std::vector<int> sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
      throw Error("confusion_matrix: the given labels contain a repeated value");
    }
  }
  const std::size_t k = c.labels.size();
  c.counts.assign(k * k, 0);
  auto index = [&](int label) -> std::ptrdiff_t {
    const auto it = std::find(c.labels.begin(), c.labels.end(), label);
    return it == c.labels.end() ? -1 : it - c.labels.begin();
  };
  for (std::size_t s = 0; s < y_true.size(); ++s) {
    const std::ptrdiff_t i = index(y_true[s]), j = index(y_pred[s]);
    if (i >= 0 && j >= 0) ++c.counts[static_cast<std::size_t>(i) * k + static_cast<std::size_t>(j)];
  }
  return c;
}

double accuracy_score(const std::vector<int>& y_true, const std::vector<int>& y_pred) {
  check_pair(y_true, y_pred, "accuracy_score");
  std::size_t correct = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) correct += y_true[i] == y_pred[i];
  return static_cast<double>(correct) / static_cast<double>(y_true.size());
}

double balanced_accuracy_score(const std::vector<int>& y_true, const std::vector<int>& y_pred) {
  check_pair(y_true, y_pred, "balanced_accuracy_score");
  const ConfusionMatrix c = confusion_matrix(y_true, y_pred);
  std::vector<double> recalls;
  for (std::size_t i = 0; i < c.labels.size(); ++i) {
    std::int64_t true_sum = 0;
    for (std::size_t j = 0; j < c.labels.size(); ++j) true_sum += c.at(i, j);
    if (true_sum > 0) recalls.push_back(static_cast<double>(c.at(i, i)) / static_cast<double>(true_sum));
  }
  return mean(recalls);
}

double precision_score(const std::vector<int>& y_true, const std::vector<int>& y_pred) {
  return mean(per_class(y_true, y_pred, "precision_score").precision);
}

double recall_score(const std::vector<int>& y_true, const std::vector<int>& y_pred) {
  return mean(per_class(y_true, y_pred, "recall_score").recall);
}

double f1_score(const std::vector<int>& y_true, const std::vector<int>& y_pred) {
  return mean(per_class(y_true, y_pred, "f1_score").f1);
}

ClassificationScores classification_scores(const std::vector<int>& y_true,
                                           const std::vector<int>& y_pred) {
  const PerClass pc = per_class(y_true, y_pred, "classification scores");
  ClassificationScores s;
  s.accuracy = accuracy_score(y_true, y_pred);
  s.balanced_accuracy = balanced_accuracy_score(y_true, y_pred);
  s.precision = mean(pc.precision);
  s.recall = mean(pc.recall);
  s.f1 = mean(pc.f1);
  return s;
}

}  // namespace tavrnn::eval
