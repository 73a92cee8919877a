#include "tavrnn/eval/classification_metrics.h"

#include <gtest/gtest.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

// y_true 0 0 1 1 2 2 / y_pred 0 1 1 1 2 0, worked by hand:
//   recall    c0 1/2, c1 2/2, c2 1/2
//   precision c0 1/2 (predicted at 0, 5), c1 2/3, c2 1/1
//   f1        c0 1/2, c1 4/5, c2 2/3
const std::vector<int> kTrue = {0, 0, 1, 1, 2, 2};
const std::vector<int> kPred = {0, 1, 1, 1, 2, 0};

TEST(ClassificationMetrics, HandWorkedExampleMatchesDefinitions) {
  EXPECT_DOUBLE_EQ(accuracy_score(kTrue, kPred), 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(balanced_accuracy_score(kTrue, kPred), (0.5 + 1.0 + 0.5) / 3.0);
  EXPECT_DOUBLE_EQ(precision_score(kTrue, kPred), (0.5 + 2.0 / 3.0 + 1.0) / 3.0);
  EXPECT_DOUBLE_EQ(recall_score(kTrue, kPred), (0.5 + 1.0 + 0.5) / 3.0);
  EXPECT_NEAR(f1_score(kTrue, kPred), (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-15);
  const ClassificationScores s = classification_scores(kTrue, kPred);
  EXPECT_DOUBLE_EQ(s.accuracy, accuracy_score(kTrue, kPred));
  EXPECT_DOUBLE_EQ(s.f1, f1_score(kTrue, kPred));
}

TEST(ClassificationMetrics, ClassNeverPredictedHasZeroPrecisionNotNaN) {
  // zero_division=0: class 1 is never predicted.
  EXPECT_DOUBLE_EQ(precision_score({0, 0, 1}, {0, 0, 0}), (2.0 / 3.0 + 0.0) / 2.0);
  EXPECT_DOUBLE_EQ(f1_score({0, 0, 1}, {0, 0, 0}), (0.8 + 0.0) / 2.0);
}

TEST(ClassificationMetrics, BalancedAccuracyLeavesOutClassesOnlyPredicted) {
  EXPECT_DOUBLE_EQ(balanced_accuracy_score({0, 0, 1, 1}, {0, 2, 1, 1}), 0.75);
  // ...while the macro averages count class 2 (recall 0 for a never-true class).
  EXPECT_DOUBLE_EQ(recall_score({0, 0, 1, 1}, {0, 2, 1, 1}), (0.5 + 1.0 + 0.0) / 3.0);
}

TEST(ClassificationMetrics, ConfusionMatrixRowsAreTruthColumnsPredictions) {
  const ConfusionMatrix c = confusion_matrix(kTrue, kPred);
  ASSERT_EQ(c.labels, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(c.counts, (std::vector<std::int64_t>{1, 1, 0, 0, 2, 0, 1, 0, 1}));
  // Given labels: their order, and samples with other labels left out.
  const ConfusionMatrix only = confusion_matrix(kTrue, kPred, {2, 0});
  EXPECT_EQ(only.counts, (std::vector<std::int64_t>{1, 1, 0, 1}));
}

TEST(ClassificationMetrics, ArbitraryIntegerLabelsWork) {
  EXPECT_DOUBLE_EQ(accuracy_score({-3, 7, 7}, {-3, 7, -3}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(balanced_accuracy_score({-3, 7, 7}, {-3, 7, -3}), 0.75);
}

TEST(ClassificationMetrics, MismatchedOrEmptyInputsThrow) {
  EXPECT_THROW(accuracy_score({0, 1}, {0}), Error);
  EXPECT_THROW(f1_score({}, {}), Error);
  EXPECT_THROW(confusion_matrix({0}, {0}, {1, 1}), Error);
}

}  // namespace
}  // namespace tavrnn::eval
