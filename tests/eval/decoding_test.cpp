#include "tavrnn/eval/decoding.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/eval/logistic_regression.h"
#include "tavrnn/eval/mean_sd.h"
#include "tavrnn/eval/standard_scaler.h"

namespace tavrnn::eval {
namespace {

// Three well separated clusters of 20 windows in 4 dimensions, on a large
// offset and scale that standardisation must undo for kNN.
struct Clusters {
  torch::Tensor x;
  std::vector<int> labels;
};

Clusters clusters() {
  torch::manual_seed(5);
  Clusters c;
  std::vector<torch::Tensor> parts;
  for (int k = 0; k < 3; ++k) {
    parts.push_back(torch::randn({20, 4}, torch::kFloat64) * 0.3 + 4.0 * k);
    for (int i = 0; i < 20; ++i) c.labels.push_back(10 + k);
  }
  c.x = (torch::cat(parts) * 100.0 + 1000.0).to(torch::kFloat32);
  return c;
}

TEST(Decoding, SeparableStatesAreDecodedAndShuffledControlIsNearChance) {
  const Clusters c = clusters();
  for (const auto kind : {ClassifierKind::LogisticRegression, ClassifierKind::KNeighbors}) {
    DecodingOptions options;
    options.classifier = kind;
    options.n_seeds = 5;
    const DecodingResult r = decode(c.x, c.labels, options);
    ASSERT_EQ(r.runs.size(), 5u);
    EXPECT_EQ(r.scores.accuracy.n, 5u);
    EXPECT_DOUBLE_EQ(r.scores.accuracy.mean, 1.0) << to_string(kind);
    EXPECT_DOUBLE_EQ(r.scores.f1.mean, 1.0);
    EXPECT_DOUBLE_EQ(r.scores.accuracy.sd, 0.0);
    // Chance is 1/3; with 60 windows the control's mean over 5 seeds stays
    // far below perfect decoding.
    EXPECT_LT(r.shuffled.accuracy.mean, 0.6) << to_string(kind);
    // Confusion summed over the 5 folds covers every window once.
    std::int64_t total = 0;
    for (const auto v : r.runs[0].confusion.counts) total += v;
    EXPECT_EQ(total, 60);
    EXPECT_EQ(r.runs[0].confusion.labels, (std::vector<int>{10, 11, 12}));
  }
}

TEST(Decoding, RepeatedRandomSplitsAndSeedsAreReproducible) {
  const Clusters c = clusters();
  DecodingOptions options;
  options.scheme = SplitScheme::StratifiedShuffleSplit;
  options.n_splits = 3;
  options.n_seeds = 3;
  options.first_seed = 42;
  const DecodingResult a = decode(c.x, c.labels, options), b = decode(c.x, c.labels, options);
  ASSERT_EQ(a.runs.size(), 3u);
  EXPECT_EQ(a.runs[2].seed, 44u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.runs[i].shuffled.accuracy, b.runs[i].shuffled.accuracy);
  }
  EXPECT_NE(shuffled_labels(c.labels, 1), shuffled_labels(c.labels, 2));
  EXPECT_EQ(make_splits(c.labels, options, 42)[0].test.size(), 15u);  // ceil(0.25 * 60)
}

TEST(Decoding, StandardisationIsFittedOnTheTrainingPartOnly) {
  const Clusters c = clusters();
  const Split split = make_splits(c.labels, DecodingOptions{}, 0)[0];
  std::vector<int64_t> train(split.train.begin(), split.train.end()), test(split.test.begin(), split.test.end());
  const torch::Tensor x = c.x.to(torch::kFloat64);
  const torch::Tensor xtrain = x.index_select(0, torch::tensor(train)), xtest = x.index_select(0, torch::tensor(test));
  StandardScaler scaler;
  scaler.fit(xtrain);
  std::vector<int> ytrain;
  for (const auto i : split.train) ytrain.push_back(c.labels[i]);
  LogisticRegression model;
  model.fit(scaler.transform(xtrain), ytrain);
  EXPECT_EQ(fit_predict(x, c.labels, split, DecodingOptions{}), model.predict(scaler.transform(xtest)));
}

TEST(Decoding, RefusesTooFewWindowsPerClass) {
  const torch::Tensor x = torch::randn({6, 2}, torch::kFloat64);
  EXPECT_THROW(decode(x, {0, 0, 0, 1, 1, 1}, DecodingOptions{}), Error);  // 3 per class < 5 folds
  EXPECT_THROW(decode(x, {0, 0, 0, 0, 0, 0}, DecodingOptions{}), Error);
  EXPECT_THROW(decode(x, {0, 1}, DecodingOptions{}), Error);
}

TEST(Decoding, LabelledWindowsDropUnlabelledAndImpure) {
  EXPECT_EQ(labelled_windows({0, -1, 1, 1}, {1.0, 1.0, 0.5, 0.9}, 0.8),
            (std::vector<std::size_t>{0, 3}));
}

TEST(MeanSd, SampleStandardDeviation) {
  const MeanSd m = mean_sd({1.0, 2.0, 3.0, 4.0});
  EXPECT_DOUBLE_EQ(m.mean, 2.5);
  EXPECT_DOUBLE_EQ(m.sd, std::sqrt(5.0 / 3.0));
  EXPECT_EQ(mean_sd({7.0}).sd, 0.0);
  EXPECT_THROW(mean_sd({}), Error);
}

}  // namespace
}  // namespace tavrnn::eval
