#include "tavrnn/eval/splits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

std::vector<int> labels_of(const std::vector<int>& y, const std::vector<std::size_t>& index) {
  std::vector<int> out;
  for (const auto i : index) out.push_back(y[i]);
  return out;
}

TEST(StratifiedKFold, WithoutShuffleDealsClassesRoundRobinLikeSklearn) {
  // Class 1 appears first, so sklearn deals it first: the sorted-by-
  // appearance order is 1 1 1 0 0 0 0 0 0 and position p goes to fold p % 3.
  const std::vector<int> y = {1, 1, 1, 0, 0, 0, 0, 0, 0};
  const auto splits = stratified_k_fold(y, 3, /*shuffle=*/false, 0);
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(splits[0].test, (std::vector<std::size_t>{0, 3, 4}));
  EXPECT_EQ(splits[1].test, (std::vector<std::size_t>{1, 5, 6}));
  EXPECT_EQ(splits[2].test, (std::vector<std::size_t>{2, 7, 8}));
  EXPECT_EQ(splits[0].train, (std::vector<std::size_t>{1, 2, 5, 6, 7, 8}));
}

TEST(StratifiedKFold, ShuffledFoldsPartitionSamplesAndKeepClassProportions) {
  std::vector<int> y;
  for (int i = 0; i < 23; ++i) y.push_back(i % 3 == 0 ? 5 : (i % 3 == 1 ? -1 : 2));
  const auto splits = stratified_k_fold(y, 4, /*shuffle=*/true, 7);
  std::vector<int> times_tested(y.size(), 0);
  for (const Split& s : splits) {
    EXPECT_EQ(s.train.size() + s.test.size(), y.size());
    for (const auto i : s.test) ++times_tested[i];
    std::map<int, int> count;
    for (const int label : labels_of(y, s.test)) ++count[label];
    for (const auto& [label, c] : count) EXPECT_TRUE(c == 1 || c == 2) << label;  // 7 or 8 of each / 4
  }
  EXPECT_TRUE(std::all_of(times_tested.begin(), times_tested.end(), [](int t) { return t == 1; }));
}

TEST(StratifiedKFold, ShuffleIsDeterminedBySeed) {
  std::vector<int> y(40);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<int>(i % 2);
  EXPECT_EQ(stratified_k_fold(y, 5, true, 3)[0].test, stratified_k_fold(y, 5, true, 3)[0].test);
  EXPECT_NE(stratified_k_fold(y, 5, true, 3)[0].test, stratified_k_fold(y, 5, true, 4)[0].test);
}

TEST(StratifiedKFold, RefusesImpossibleStratification) {
  EXPECT_THROW(stratified_k_fold({0, 1, 0, 1}, 5, false, 0), Error);       // fewer samples than folds
  EXPECT_THROW(stratified_k_fold({0, 0, 0, 1, 1, 1, 1}, 4, false, 0), Error);  // class of 3 < 4 folds
  EXPECT_THROW(stratified_k_fold({2, 2, 2, 2}, 2, false, 0), Error);       // one class
  EXPECT_THROW(stratified_k_fold({0, 1, 0, 1}, 1, false, 0), Error);       // one fold
}

TEST(StratifiedShuffleSplit, SizesFollowSklearnAndClassesAreProportional) {
  std::vector<int> y;
  for (int i = 0; i < 30; ++i) y.push_back(i < 20 ? 0 : 1);
  const auto splits = stratified_shuffle_split(y, 6, 0.25, 11);
  ASSERT_EQ(splits.size(), 6u);
  for (const Split& s : splits) {
    EXPECT_EQ(s.test.size(), 8u);  // ceil(0.25 * 30)
    EXPECT_EQ(s.train.size(), 22u);
    const auto test = labels_of(y, s.test);
    // Train first: 22 draws in proportion 2:1 are 14.67 and 7.33, floors
    // 14 + 7, the larger remainder (class 0) gets the last; the test part
    // takes what remains, 5 + 3.
    EXPECT_EQ(std::count(test.begin(), test.end(), 0), 5);
    std::vector<std::size_t> both = s.train;
    both.insert(both.end(), s.test.begin(), s.test.end());
    std::sort(both.begin(), both.end());
    EXPECT_EQ(std::adjacent_find(both.begin(), both.end()), both.end());
  }
  EXPECT_NE(splits[0].test, splits[1].test);
}

TEST(StratifiedShuffleSplit, RefusesSingletonClassesAndTooSmallParts) {
  EXPECT_THROW(stratified_shuffle_split({0, 0, 0, 1}, 2, 0.5, 0), Error);
  EXPECT_THROW(stratified_shuffle_split({0, 0, 1, 1, 2, 2}, 2, 0.1, 0), Error);  // 1 test sample, 3 classes
  EXPECT_THROW(stratified_shuffle_split({0, 0, 1, 1}, 2, 1.0, 0), Error);
}

}  // namespace
}  // namespace tavrnn::eval
