#include "tavrnn/recording/behaviour.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include <torch/torch.h>

#include "tavrnn/embedding/pca.h"
#include "tavrnn/recording/binning.h"
#include "tavrnn/util/error.h"
#include "error_message.h"

namespace tavrnn {
namespace {


using test_support::error_of;

// Positions along a line at 30 degrees through (100, 50), with a little
// sideways jitter: the first principal axis is the line.
Behaviour tilted_track(std::size_t n) {
  Behaviour b{2, {}, {"x", "y"}};
  const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
  for (std::size_t i = 0; i < n; ++i) {
    const double along = static_cast<double>(i) - static_cast<double>(n - 1) / 2.0;
    const double across = (i % 2 == 0 ? 0.5 : -0.5);
    b.values.push_back(100.0 + c * along - s * across);
    b.values.push_back(50.0 + s * along + c * across);
  }
  return b;
}

TEST(FirstPrincipalAxis, ProjectsATiltedTrackOnItsLength) {
  const Behaviour b = tilted_track(101);
  const Behaviour pc = first_principal_axis(b, "test");
  ASSERT_EQ(pc.n_dims, 1u);
  EXPECT_EQ(pc.names, (std::vector<std::string>{"pc1"}));
  ASSERT_EQ(pc.values.size(), 101u);
  // Centred, in the units of the input, increasing along the track (the
  // axis' largest loading, x, is positive); the jitter is orthogonal.
  for (std::size_t i = 0; i < 101; ++i) EXPECT_NEAR(pc.values[i], static_cast<double>(i) - 50.0, 1e-9);
}

TEST(FirstPrincipalAxis, SignIsFixedByTheLargestLoading) {
  Behaviour b = tilted_track(11);
  for (std::size_t i = 0; i < 11; ++i) b.values[2 * i] = -b.values[2 * i];  // mirror x
  const Behaviour pc = first_principal_axis(b, "test");
  // The largest loading (x, now decreasing along the track) is positive:
  // the coordinate decreases with i.
  EXPECT_GT(pc.values.front(), pc.values.back());
}

TEST(FirstPrincipalAxis, LargestLoadingRuleHoldsWherePcaOrientsByTheLargestScore) {
  // Positions along x, skewed so that the largest |score| lies at the low
  // end: embedding::pca orients its component towards -x (largest score
  // positive), the behaviour's rule keeps +x (largest loading positive), so
  // "start:0%:15%" stays the low-x end of the track.
  const Behaviour b{2, {0, 5, 8, 5, 9, 5, 10, 5}, {"x", "y"}};
  const auto pca = embedding::pca(
      torch::tensor({0.0, 5.0, 8.0, 5.0, 9.0, 5.0, 10.0, 5.0}, torch::kFloat64).reshape({4, 2}), 1);
  ASSERT_LT(pca.components[0][0].item<double>(), 0.0);  // the case this test is about
  const Behaviour pc = first_principal_axis(b, "test");
  const std::vector<double> expected{-6.75, 1.25, 2.25, 3.25};  // x minus its mean
  ASSERT_EQ(pc.values.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(pc.values[i], expected[i], 1e-12) << i;
}

TEST(FirstPrincipalAxis, NonFiniteBinsAreLeftOutAndStayNaN) {
  Behaviour b = tilted_track(21);
  const Behaviour clean = first_principal_axis(b, "test");
  b.values.insert(b.values.begin() + 20, {kMissingSample, 7.0});  // a bin with a missing x
  const Behaviour pc = first_principal_axis(b, "test");
  ASSERT_EQ(pc.values.size(), 22u);
  EXPECT_TRUE(std::isnan(pc.values[10]));
  for (std::size_t i = 0; i < 10; ++i) EXPECT_NEAR(pc.values[i], clean.values[i], 1e-9);
  for (std::size_t i = 11; i < 22; ++i) EXPECT_NEAR(pc.values[i], clean.values[i - 1], 1e-9);
}

TEST(FirstPrincipalAxis, ConstantOrMissingBehaviourIsAnError) {
  EXPECT_NE(error_of([] { first_principal_axis(Behaviour{2, {1, 2, 1, 2, 1, 2}, {}}, "rec.npz"); })
                .find("rec.npz: first principal axis of the behaviour: expected a behaviour that varies"),
            std::string::npos);
  EXPECT_NE(error_of([] { first_principal_axis(Behaviour{2, {1, kMissingSample, kMissingSample, 2}, {}}, "rec.npz"); })
                .find("expected at least 2 bins where every dimension is finite, found 0"),
            std::string::npos);
}

TEST(BehaviourLabels, PercentBoundsAreFractionsOfTheSpan) {
  // Values -10..10: 15% of the span is -7, 85% is 7.
  std::vector<double> v;
  for (int i = -10; i <= 10; ++i) v.push_back(i);
  v.push_back(kMissingSample);
  const Categorical labels =
      label_behaviour_ranges(Behaviour{1, v, {"pc1"}}, "start:0%:15%,end:85%:100%]", "test");
  EXPECT_EQ(labels.names, (std::vector<std::string>{"start", "end"}));
  const int u = Categorical::kMissing;
  std::vector<int> expected;
  for (int i = -10; i <= 10; ++i) expected.push_back(i < -7 ? 0 : (i >= 7 ? 1 : u));
  expected.push_back(u);
  EXPECT_EQ(labels.codes, expected);
}

TEST(BehaviourLabels, ValuesAndPercentagesMix) {
  const std::vector<double> v{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const Categorical labels = label_behaviour_ranges(Behaviour{1, v, {}}, "low:-1:2,high:50%:100%]", "t");
  const int u = Categorical::kMissing;
  EXPECT_EQ(labels.codes, (std::vector<int>{0, 0, u, u, u, 1, 1, 1, 1, 1, 1}));
}

TEST(BehaviourLabels, ErrorsNameWhatWasWrong) {
  EXPECT_NE(error_of([] { label_behaviour_ranges(Behaviour{2, {0, 1, 2, 3}, {}}, "a:0%:10%", "rec.npz"); })
                .find("expected a 1-D behaviour (reduce it with `behaviour-axis` first-pc), found 2"),
            std::string::npos);
  EXPECT_NE(error_of([] { label_behaviour_ranges(Behaviour{1, {3, 3, kMissingSample}, {}}, "a:0%:10%", "rec.npz"); })
                .find("every finite value equal to 3"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              label_behaviour_ranges(Behaviour{1, {0, 10}, {}}, "a:0%:60%,b:50%:100%", "rec.npz");
            }).find("overlap"),
            std::string::npos);
  EXPECT_NE(error_of([] { label_behaviour_ranges(Behaviour{1, {0, 10}, {}}, "a:0%:x%", "rec.npz"); })
                .find("expected a number for high, found 'x'"),
            std::string::npos);
}

TEST(Rebin, SumsCountsAndKeepsTrialsLabelsAndBehaviour) {
  // 2 units x 7 bins: rebinning by 3 keeps 2 bins (the 7th bin is dropped).
  Recording r(Activity{2, 7, {1, 0, 1, 0, 2, 0, 9, 0, 1, 1, 1, 1, 1, 9}}, 0.001, {"a", "b"}, "test");
  r.set_labels(Categorical{{0, 0, 1, 1, Categorical::kMissing, 0, 1}, {"x", "y"}});
  r.set_behaviour(Behaviour{1, {1, 2, kMissingSample, 4, 5, 6, 7}, {"pos"}});
  r.set_trials({{0, 3}, {3, 6}});
  r.set_start_time_s(2.5);
  const Recording c = rebin(r, 3, "test");
  EXPECT_EQ(c.n_bins(), 2u);
  EXPECT_DOUBLE_EQ(c.bin_width_s(), 0.003);
  EXPECT_DOUBLE_EQ(c.start_time_s(), 2.5);
  EXPECT_EQ(c.activity().to_doubles(), (std::vector<double>{2, 2, 2, 3}));
  // bins 0-2: two x, one y -> x; bins 3-5: y, unlabelled, x -> a tie, unlabelled.
  EXPECT_EQ(c.labels()->codes, (std::vector<int>{0, Categorical::kMissing}));
  EXPECT_DOUBLE_EQ(c.behaviour()->values[0], 1.5);  // the NaN is left out
  EXPECT_DOUBLE_EQ(c.behaviour()->values[1], 5.0);
  ASSERT_EQ(c.trials().size(), 2u);
  EXPECT_EQ(c.trials()[1].begin, 1u);
  EXPECT_EQ(c.trials()[1].end, 2u);
  EXPECT_NE(error_of([&] { rebin(r, 8, "rec.mat"); }).find("expected at least 8 bins, found 7"),
            std::string::npos);
}

}  // namespace
}  // namespace tavrnn
