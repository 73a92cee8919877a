#include <gtest/gtest.h>
#include <torch/torch.h>

#include "test_tensors.h"
#include "tavrnn/util/error.h"
#include "tavrnn/eval/k_neighbors.h"
#include "tavrnn/eval/logistic_regression.h"
#include "tavrnn/eval/standard_scaler.h"

namespace tavrnn::eval {
namespace {

using test_support::column;

// sklearn's objective, summed: the fit must be its minimiser.
torch::Tensor objective(const torch::Tensor& x, const std::vector<int>& codes, const torch::Tensor& w,
                        const torch::Tensor& b, double C) {
  const torch::Tensor logits = torch::addmm(b, x, w.t());
  const torch::Tensor y = torch::tensor(std::vector<int64_t>(codes.begin(), codes.end()));
  torch::Tensor data;
  if (w.size(0) == 1) {
    data = torch::binary_cross_entropy_with_logits(logits.squeeze(1), y.to(torch::kFloat64),
                                                   {}, {}, at::Reduction::Sum);
  } else {
    data = torch::nn::functional::cross_entropy(
        logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  }
  return data + 0.5 / C * w.square().sum();
}

void expect_stationary(const torch::Tensor& x, const std::vector<int>& y, double C) {
  LogisticRegressionOptions options;
  options.C = C;
  LogisticRegression model(options);
  model.fit(x, y);
  torch::Tensor w = model.coef().clone().requires_grad_(true);
  torch::Tensor b = model.intercept().clone().requires_grad_(true);
  objective(x, y, w, b, C).backward();
  // The gradient of the summed objective vanishes at its minimum.
  EXPECT_LT(w.grad().abs().max().item<double>(), 1e-6);
  EXPECT_LT(b.grad().abs().max().item<double>(), 1e-6);
}

TEST(LogisticRegression, FitIsTheMinimiserOfSklearnsMultinomialObjective) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({60, 4}, torch::kFloat64);
  std::vector<int> y;
  for (int i = 0; i < 60; ++i) y.push_back(i % 3);
  expect_stationary(x, y, 1.0);
  expect_stationary(x, y, 0.05);
}

TEST(LogisticRegression, TwoClassesFitOneLogisticModelAsSklearn) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::randn({40, 3}, torch::kFloat64);
  std::vector<int> y;
  for (int i = 0; i < 40; ++i) y.push_back(i % 2);
  expect_stationary(x, y, 1.0);
  LogisticRegression model;
  model.fit(x, y);
  EXPECT_EQ(model.coef().sizes(), (std::vector<int64_t>{1, 3}));
}

// More features than samples (a population embedding of many units): the
// fit runs in the samples' span and must still be the minimiser over all
// d coefficients, with coef() of full width.
TEST(LogisticRegression, MoreFeaturesThanSamplesStillMinimiseTheWholeObjective) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({24, 500}, torch::kFloat64);
  std::vector<int> two, three;
  for (int i = 0; i < 24; ++i) {
    two.push_back(i % 2);
    three.push_back(i % 3);
  }
  expect_stationary(x, two, 1.0);
  expect_stationary(x, three, 0.1);
  LogisticRegression model;
  model.fit(x, three);
  EXPECT_EQ(model.coef().sizes(), (std::vector<int64_t>{3, 500}));
  // Rank-deficient samples (duplicates) too.
  expect_stationary(torch::cat({x.narrow(0, 0, 12), x.narrow(0, 0, 12)}), two, 1.0);
}

TEST(LogisticRegression, SeparatesAndGivesProbabilities) {
  const torch::Tensor x = column({-3, -2, -1.5, 1.5, 2, 3});
  LogisticRegression model;
  model.fit(x, {4, 4, 4, 9, 9, 9});
  EXPECT_EQ(model.predict(column({-5, 5})), (std::vector<int>{4, 9}));
  const torch::Tensor p = model.predict_proba(column({-5, 0, 5}));
  EXPECT_TRUE(torch::allclose(p.sum(1), torch::ones({3}, torch::kFloat64)));
  EXPECT_GT(p[0][0].item<double>(), 0.9);
}

TEST(LogisticRegression, RefusesOneClassAndBadShapes) {
  LogisticRegression model;
  EXPECT_THROW(model.fit(column({1, 2, 3}), {0, 0, 0}), Error);
  EXPECT_THROW(model.fit(column({1, 2, 3}), {0, 1}), Error);
  EXPECT_THROW(model.fit(torch::ones({3}), {0, 1, 0}), Error);
  EXPECT_THROW(model.predict(column({1})), Error);  // before fit
  EXPECT_THROW(LogisticRegression(LogisticRegressionOptions{0.0}), Error);
}

TEST(KNeighbors, VoteTieGoesToSmallestLabel) {
  // k = 2 nearest of 0.0 are 1.0 (label 7) and -1.0 (label 3): one vote each.
  KNeighborsClassifier model(2);
  model.fit(column({1.0, -1.0, 10.0}), {7, 3, 3});
  EXPECT_EQ(model.predict(column({0.0})), (std::vector<int>{3}));
}

TEST(KNeighbors, DistanceTieAtKthNeighbourTakesLowerTrainingIndex) {
  KNeighborsClassifier model(1);
  model.fit(column({1.0, -1.0}), {7, 3});
  EXPECT_EQ(model.predict(column({0.0})), (std::vector<int>{7}));
  EXPECT_EQ(model.kneighbors(column({0.0}))[0][0].item<int64_t>(), 0);
}

TEST(KNeighbors, MajorityOfNearestAndDuplicatePoints) {
  KNeighborsClassifier model(3);
  model.fit(column({0.0, 0.0, 0.0, 5.0, 5.1, 5.2}), {1, 1, 2, 2, 2, 2});
  EXPECT_EQ(model.predict(column({0.1, 5.0})), (std::vector<int>{1, 2}));
}

TEST(KNeighbors, RefusesMoreNeighboursThanTrainingSamples) {
  KNeighborsClassifier model(4);
  EXPECT_THROW(model.fit(column({0, 1, 2}), {0, 1, 0}), Error);
  EXPECT_THROW(KNeighborsClassifier(0), Error);
}

TEST(StandardScaler, UsesPopulationSdAndLeavesConstantFeaturesAtZero) {
  const torch::Tensor train = torch::tensor({1.0, 0.3, 3.0, 0.3}, torch::kFloat64).reshape({2, 2});
  StandardScaler scaler;
  scaler.fit(train);
  const torch::Tensor out = scaler.transform(train);
  EXPECT_TRUE(torch::allclose(out.select(1, 0), torch::tensor({-1.0, 1.0}, torch::kFloat64)));
  EXPECT_TRUE(out.select(1, 1).eq(0).all().item<bool>());  // not NaN
  EXPECT_DOUBLE_EQ(scaler.scale()[1].item<double>(), 1.0);
  // Fitted once, applied to other samples with the training statistics.
  EXPECT_DOUBLE_EQ(scaler.transform(torch::tensor({{5.0, 0.3}}, torch::kFloat64))[0][0].item<double>(), 3.0);
}

TEST(StandardScaler, AcceptsFloat32AndComputesInFloat64) {
  StandardScaler scaler;
  scaler.fit(torch::tensor({{1.0f}, {2.0f}}));
  EXPECT_EQ(scaler.transform(torch::tensor({{1.5f}})).scalar_type(), torch::kFloat64);
  EXPECT_THROW(scaler.fit(torch::tensor({{1.0}, {std::nan("")}}, torch::kFloat64)), Error);
}

}  // namespace
}  // namespace tavrnn::eval
