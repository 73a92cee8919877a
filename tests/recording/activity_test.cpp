#include <gtest/gtest.h>

#include <vector>

#include "tavrnn/recording/activity_tensor.h"
#include "tavrnn/recording/recording.h"
#include "tavrnn/util/error.h"

namespace tavrnn {
namespace {

TEST(Activity, WholeCountsAreStoredInTheNarrowestTypeThatHoldsThemExactly) {
  const std::vector<double> bytes{0, 1, 255, 7, 0, 3};
  const std::vector<double> shorts{0, 256, 32767, 7, 0, 3};
  const std::vector<double> wide{0, 32768, 1, 7, 0, 3};
  const std::vector<double> rates{0, 0.5, 1, 7, 0, 3};
  EXPECT_EQ(Activity(2, 3, bytes).storage(), Activity::Storage::UInt8);
  EXPECT_EQ(Activity(2, 3, bytes).bytes(), 6u);
  EXPECT_EQ(Activity(2, 3, shorts).storage(), Activity::Storage::Int16);
  EXPECT_EQ(Activity(2, 3, wide).storage(), Activity::Storage::Float64);
  EXPECT_EQ(Activity(2, 3, rates).storage(), Activity::Storage::Float64);
  // Negative or NaN values are kept as they are, for Recording to refuse.
  EXPECT_EQ(Activity(1, 2, {1, -1}).storage(), Activity::Storage::Float64);
  for (const auto* values : {&bytes, &shorts, &wide, &rates}) {
    const Activity a(2, 3, *values);
    EXPECT_EQ(a.to_doubles(), *values);
    EXPECT_EQ(a.at(1, 0), (*values)[3]);
    const torch::Tensor view = activity_tensor(a);
    EXPECT_EQ(view.sizes(), (std::vector<int64_t>{2, 3}));
    EXPECT_TRUE(torch::equal(view.to(torch::kFloat64),
                             torch::tensor(*values, torch::kFloat64).reshape({2, 3})));
  }
  EXPECT_THROW(Activity(2, 3, std::vector<double>(5, 0.0)), Error);
}

TEST(Activity, AddingCountsWidensTheStorageOnlyWhenABinOutgrowsIt) {
  Activity a = Activity::zeros(2, 2);
  EXPECT_EQ(a.storage(), Activity::Storage::UInt8);
  for (int k = 0; k < 255; ++k) a.add_count(0, 1);
  EXPECT_EQ(a.storage(), Activity::Storage::UInt8);
  a.add_count(1, 0, 3);
  a.add_count(0, 1);  // 256
  EXPECT_EQ(a.storage(), Activity::Storage::Int16);
  a.add_count(1, 1, 40000);
  EXPECT_EQ(a.storage(), Activity::Storage::Float64);
  EXPECT_EQ(a.to_doubles(), (std::vector<double>{0, 256, 3, 40000}));
}

TEST(Activity, ByteCountsAreTakenAsTheyAre) {
  const Activity a = Activity::from_bytes(1, 3, {4, 0, 200});
  EXPECT_EQ(a.storage(), Activity::Storage::UInt8);
  EXPECT_EQ(a.to_doubles(), (std::vector<double>{4, 0, 200}));
  EXPECT_THROW(Activity::from_bytes(2, 3, {1, 2}), Error);
}

TEST(Activity, TimeMajorValuesAreTransposed) {
  const Activity a = Activity::from_time_major(3, 2, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(a.to_doubles(), (std::vector<double>{1, 3, 5, 2, 4, 6}));
}

}  // namespace
}  // namespace tavrnn
