#include "tavrnn/recording/windows.h"

#include <gtest/gtest.h>

#include "tavrnn/util/error.h"

namespace tavrnn {
namespace {

Recording flat_recording(std::size_t n_bins, double bin_width_s = 0.05) {
  return Recording(Activity{2, n_bins, std::vector<double>(2 * n_bins, 1.0)}, bin_width_s);
}

// Labels: -1 = unlabelled. names a, b.
Recording labelled_recording(const std::vector<int>& codes) {
  Recording r = flat_recording(codes.size());
  r.set_labels(Categorical{codes, {"a", "b"}});
  return r;
}

TEST(TrialWindows, OneWindowPerTrialInTableOrderLabelledByItsBins) {
  Recording r = labelled_recording({0, 0, 0, -1, 1, 1, 1, 1, -1, -1});
  r.set_trials({{4, 8}, {0, 3}, {1, 5}});
  const auto plan = parse_window_plan(r, "trials");
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan.description(), "trials:3");
  EXPECT_EQ(plan.windows()[0].ranges[0].begin, 4u);
  EXPECT_EQ(plan.windows()[0].label, 1);
  EXPECT_EQ(plan.windows()[1].label, 0);
  EXPECT_DOUBLE_EQ(plan.windows()[2].purity, 0.5);  // bins 1..4: a a - b
}

TEST(TrialWindows, RecordingWithoutTrialsIsAClearError) {
  try {
    WindowPlan::trials(flat_recording(10));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no trials"), std::string::npos) << e.what();
  }
  Recording r = flat_recording(10);
  EXPECT_THROW(r.set_trials({{3, 3}}), Error);   // empty
  EXPECT_THROW(r.set_trials({{5, 11}}), Error);  // past the end
}

TEST(SlidingWindows, DishBrainShapeGives19Windows) {
  const auto plan = WindowPlan::sliding(flat_recording(24000), 2400, 1200);
  ASSERT_EQ(plan.size(), 19u);
  EXPECT_EQ(plan.windows()[18].ranges[0].begin, 18u * 1200);
  EXPECT_EQ(plan.windows()[18].ranges[0].end, 24000u);
  EXPECT_EQ(plan.description(), "sliding:2400:1200");
}

TEST(SlidingWindows, MajorityLabelAndPurity) {
  // bins 0..5: a a a b b -1
  const auto plan = WindowPlan::sliding(labelled_recording({0, 0, 0, 1, 1, -1}), 6, 6);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan.windows()[0].label, 0);
  EXPECT_DOUBLE_EQ(plan.windows()[0].purity, 0.5);
}

TEST(SlidingWindows, ImpossiblePlansAreClearErrors) {
  EXPECT_THROW(WindowPlan::sliding(flat_recording(10), 11, 1), Error);
  EXPECT_THROW(WindowPlan::sliding(flat_recording(10), 5, 0), Error);
  EXPECT_THROW(WindowPlan::sliding(flat_recording(10), 0, 1), Error);
  try {
    WindowPlan::sliding(flat_recording(10), 11, 1);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the recording (10 bins)"), std::string::npos)
        << e.what();
  }
}

TEST(SegmentWindows, ContiguousRunsInRealTime) {
  // a a - a b b - - b
  const auto rec = labelled_recording({0, 0, -1, 0, 1, 1, -1, -1, 1});
  const auto plan = WindowPlan::segments(rec, 1, SegmentMode::Contiguous);
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan.windows()[0].ranges[0].begin, 0u);
  EXPECT_EQ(plan.windows()[0].ranges[0].end, 2u);
  EXPECT_EQ(plan.windows()[1].ranges[0].begin, 3u);
  EXPECT_EQ(plan.windows()[2].label, 1);
  EXPECT_EQ(plan.windows()[3].ranges[0].begin, 8u);
}

TEST(SegmentWindows, ConcatenatedRunsJoinVisitsAcrossUnlabelledGaps) {
  // The reference drops unlabelled bins first: a a - a b b - - b becomes
  // a a a b b b, i.e. two windows, each spanning a gap.
  const auto rec = labelled_recording({0, 0, -1, 0, 1, 1, -1, -1, 1});
  const auto plan = WindowPlan::segments(rec, 1, SegmentMode::Concatenated);
  ASSERT_EQ(plan.size(), 2u);
  const auto& first = plan.windows()[0];
  ASSERT_EQ(first.ranges.size(), 2u);
  EXPECT_EQ(first.ranges[0].begin, 0u);
  EXPECT_EQ(first.ranges[0].end, 2u);
  EXPECT_EQ(first.ranges[1].begin, 3u);
  EXPECT_EQ(first.ranges[1].end, 4u);
  EXPECT_EQ(first.n_bins(), 3u);
  EXPECT_EQ(plan.windows()[1].label, 1);
  EXPECT_EQ(plan.windows()[1].n_bins(), 3u);
}

TEST(SegmentWindows, MinimumLengthDropsShortRuns) {
  const auto rec = labelled_recording({0, 0, 0, 1, 0, 0});
  const auto plan = WindowPlan::segments(rec, 2, SegmentMode::Contiguous);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan.windows()[1].ranges[0].begin, 4u);
}

TEST(SegmentWindows, NoLabelledBinsIsAnError) {
  EXPECT_THROW(WindowPlan::segments(labelled_recording({-1, -1}), 1, SegmentMode::Contiguous), Error);
  EXPECT_THROW(WindowPlan::segments(flat_recording(5), 1, SegmentMode::Contiguous), Error);
}

TEST(ExplicitWindows, KeepGivenOrderAndRejectBadRanges) {
  const auto rec = flat_recording(100);
  const auto plan = WindowPlan::explicit_ranges(rec, {{50, 60}, {0, 10}});
  EXPECT_EQ(plan.windows()[0].ranges[0].begin, 50u);
  EXPECT_EQ(plan.windows()[1].source_index, 1u);
  EXPECT_THROW(WindowPlan::explicit_ranges(rec, {{10, 10}}), Error);
  EXPECT_THROW(WindowPlan::explicit_ranges(rec, {{90, 101}}), Error);
  EXPECT_THROW(WindowPlan::explicit_ranges(rec, {}), Error);
}

TEST(WindowSelection, DishBrainReferenceOrderIsKept) {
  const auto all = WindowPlan::sliding(flat_recording(24000), 2400, 1200);
  const auto chosen = all.select({5, 14, 17, 0, 9, 8});
  ASSERT_EQ(chosen.size(), 6u);
  const std::vector<std::size_t> expected{5, 14, 17, 0, 9, 8};
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(chosen.windows()[k].source_index, expected[k]);
    EXPECT_EQ(chosen.windows()[k].ranges[0].begin, expected[k] * 1200);
  }
  EXPECT_THROW(all.select({19}), Error);
}

TEST(BinCounts, SecondsAndBinsResolveToTheSameCount) {
  EXPECT_EQ(resolve_bin_count("2400", 0.05, "--size"), 2400u);
  EXPECT_EQ(resolve_bin_count("120s", 0.05, "--size"), 2400u);
  EXPECT_EQ(resolve_bin_count("2min", 0.05, "--size"), 2400u);
  EXPECT_EQ(resolve_bin_count("250ms", 0.025, "--size"), 10u);
  EXPECT_THROW(resolve_bin_count("0.01s", 0.025, "--size"), Error);  // not a whole bin
  EXPECT_THROW(resolve_bin_count("12.5", 0.025, "--size"), Error);
  EXPECT_THROW(resolve_bin_count("abc", 0.025, "--size"), Error);
  EXPECT_THROW(resolve_bin_count("-3", 0.025, "--size"), Error);
}

}  // namespace
}  // namespace tavrnn
