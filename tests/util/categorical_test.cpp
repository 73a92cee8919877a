#include "tavrnn/util/categorical.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "error_message.h"

namespace tavrnn {
namespace {

using test_support::error_of;

TEST(Categorical, CodesAreNumberedByFirstAppearance) {
  const Categorical c = Categorical::from_strings({"run", "rest", "run", "sleep", "rest"});
  EXPECT_EQ(c.names, (std::vector<std::string>{"run", "rest", "sleep"}));
  EXPECT_EQ(c.codes, (std::vector<int>{0, 1, 0, 2, 1}));
  EXPECT_EQ(c.size(), 5u);
}

TEST(Categorical, EmptyStringIsMissingAndGetsNoName) {
  const Categorical c = Categorical::from_strings({"", "CA1", "", "CA3", "CA1"});
  EXPECT_EQ(c.codes, (std::vector<int>{Categorical::kMissing, 0, Categorical::kMissing, 1, 0}));
  EXPECT_EQ(c.names, (std::vector<std::string>{"CA1", "CA3"}));
  EXPECT_EQ(c.count(Categorical::kMissing), 2u);
  EXPECT_EQ(c.count(0), 2u);
  EXPECT_EQ(Categorical::kMissing, -1);
}

TEST(Categorical, OnlyTheEmptyStringIsMissing) {
  // '-', a space or "nan" are names like any other: formats that spell
  // missing otherwise map it to "" before building.
  const Categorical c = Categorical::from_strings({"-", " ", "nan", "-"});
  EXPECT_EQ(c.codes, (std::vector<int>{0, 1, 2, 0}));
  EXPECT_EQ(c.names, (std::vector<std::string>{"-", " ", "nan"}));
}

TEST(Categorical, AllMissingOrNoValuesGiveNoNames) {
  const Categorical all_missing = Categorical::from_strings({"", ""});
  EXPECT_EQ(all_missing.codes, (std::vector<int>{-1, -1}));
  EXPECT_TRUE(all_missing.names.empty());
  const Categorical none = Categorical::from_strings({});
  EXPECT_TRUE(none.codes.empty());
  EXPECT_TRUE(none.names.empty());
}

TEST(Categorical, CheckNamesTheCountAndTheBadCode) {
  const Categorical c{{0, 1, Categorical::kMissing}, {"a", "b"}};
  EXPECT_EQ(error_of([&] { c.check(3, "rec.npz: labels", "bin"); }), "");
  EXPECT_EQ(error_of([&] { c.check(4, "rec.npz: labels", "bin"); }),
            "rec.npz: labels: expected 4 codes (one per bin), found 3");
  const Categorical unnamed{{0, 2}, {"a", "b"}};
  EXPECT_EQ(error_of([&] { unnamed.check(2, "groups", "unit"); }),
            "groups: expected codes in [0, 2) or -1 (missing), found 2 at unit 1");
  const Categorical below{{-2}, {"a"}};
  EXPECT_NE(error_of([&] { below.check(1, "groups", "unit"); }).find("found -2 at unit 0"),
            std::string::npos);
}

}  // namespace
}  // namespace tavrnn
