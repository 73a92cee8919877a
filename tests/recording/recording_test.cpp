#include "tavrnn/recording/recording.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "tavrnn/util/error.h"
#include "tavrnn/recording/summary.h"

namespace tavrnn {
namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Recording, ValidatesShapeAndNamesTheProblem) {
  // The size is checked where the values are given, and names their source.
  const auto m = message_of([] { Recording(Activity{2, 3, std::vector<double>(5), "x.npz: activity"}, 0.1, {}, "x.npz"); });
  EXPECT_NE(m.find("x.npz"), std::string::npos) << m;
  EXPECT_NE(m.find("expected 2 x 3 = 6 values, found 5"), std::string::npos) << m;
}

TEST(Recording, RejectsNaNInfAndNegativeActivityWithPosition) {
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(), -1.0}) {
    std::vector<double> v(6, 1.0);
    v[4] = bad;
    const auto m = message_of([&] { Recording(Activity{2, 3, v}, 0.1); });
    EXPECT_NE(m.find("unit 1, bin 1"), std::string::npos) << m;
  }
}

TEST(Recording, RejectsBadBinWidthAndDuplicateIds) {
  EXPECT_THROW(Recording(Activity{1, 1, {1.0}}, 0.0), Error);
  EXPECT_THROW(Recording(Activity{1, 1, {1.0}}, -0.1), Error);
  EXPECT_THROW(Recording(Activity{2, 1, {1.0, 2.0}}, 0.1, {"a", "a"}), Error);
  EXPECT_THROW(Recording(Activity{2, 1, {1.0, 2.0}}, 0.1, {"a"}), Error);
  EXPECT_THROW(Recording(Activity{0, 0, {}}, 0.1), Error);
}

TEST(Recording, DefaultUnitIdsAreIndices) {
  Recording r(Activity{3, 1, {0, 1, 2}}, 0.025);
  EXPECT_EQ(r.unit_ids(), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_DOUBLE_EQ(r.duration_s(), 0.025);
}

TEST(Recording, LabelsGroupsAndBehaviourAreCheckedAgainstShape) {
  Recording r(Activity{2, 3, std::vector<double>(6, 1.0)}, 0.1);
  EXPECT_THROW(r.set_labels(Categorical{{0, 1}, {"a", "b"}}), Error);      // length 2 != 3
  EXPECT_THROW(r.set_labels(Categorical{{0, 2, -1}, {"a", "b"}}), Error);  // code 2 has no name
  r.set_labels(Categorical{{0, 1, -1}, {"a", "b"}});
  EXPECT_EQ(r.labels()->count(-1), 1u);
  EXPECT_THROW(r.set_groups(Categorical{{0}, {"g"}}), Error);     // length 1 != 2
  EXPECT_THROW(r.set_groups(Categorical{{0, 1}, {"g"}}), Error);  // code 1 has no name
  EXPECT_THROW(r.set_groups(Categorical{{0, -2}, {"g"}}), Error);
  // A unit may have no group: Categorical's missing code, as for labels.
  r.set_groups(Categorical{{0, Categorical::kMissing}, {"g"}});
  EXPECT_EQ(r.groups()->count(Categorical::kMissing), 1u);
  r.set_groups(Categorical{{0, 0}, {"g"}});
  EXPECT_THROW(r.set_behaviour(Behaviour{2, std::vector<double>(5), {}}), Error);
  r.set_behaviour(Behaviour{2, std::vector<double>(6), {"x", "y"}});
  EXPECT_EQ(r.behaviour()->n_dims, 2u);
}

TEST(Activity, TimeMajorIsTransposed) {
  // bins x units: [[1, 2], [3, 4], [5, 6]] -> units x bins [[1,3,5],[2,4,6]]
  const Activity a = Activity::from_time_major(3, 2, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(a.n_units(), 2u);
  EXPECT_EQ(a.to_doubles(), (std::vector<double>{1, 3, 5, 2, 4, 6}));
}

TEST(RecordingSummary, RatesSilentUnitsAndLabelCounts) {
  // 3 units x 4 bins of 0.5 s (2 s): unit 0 has 4 spikes (2 Hz), unit 1 none.
  Recording r(Activity{3, 4, {1, 1, 1, 1, 0, 0, 0, 0, 2, 0, 0, 0}}, 0.5, {"a", "b", "c"});
  r.set_labels(Categorical{{0, 0, 1, -1}, {"left", "right"}});
  const RecordingSummary s = summarise(r);
  EXPECT_DOUBLE_EQ(s.rates.max_hz, 2.0);
  EXPECT_DOUBLE_EQ(s.rates.min_hz, 0.0);
  EXPECT_DOUBLE_EQ(s.rates.median_hz, 1.0);
  EXPECT_EQ(s.silent_units, (std::vector<std::string>{"b"}));
  ASSERT_EQ(s.labels.size(), 3u);
  EXPECT_EQ(s.labels[0].n, 2u);
  EXPECT_EQ(s.labels[2].n, 1u);
  EXPECT_TRUE(s.integer_counts);
  EXPECT_NE(s.to_text().find("silent units 1 (b)"), std::string::npos) << s.to_text();
}

TEST(RecordingSummary, UnitsWithoutAGroupAreCountedLast) {
  Recording r(Activity{3, 1, {1, 1, 1}}, 0.5);
  r.set_groups(Categorical{{0, Categorical::kMissing, 0}, {"CA1"}});
  const RecordingSummary s = summarise(r);
  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_EQ(s.groups[0].name, "CA1");
  EXPECT_EQ(s.groups[0].n, 2u);
  EXPECT_EQ(s.groups[1].name, "(no group)");
  EXPECT_EQ(s.groups[1].n, 1u);
  r.set_groups(Categorical{{0, 0, 0}, {"CA1"}});
  EXPECT_EQ(summarise(r).groups.size(), 1u);  // no "(no group)" entry when every unit has one
}

}  // namespace
}  // namespace tavrnn
