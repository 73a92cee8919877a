#include "tavrnn/report/group_palette.h"

#include <set>

#include <gtest/gtest.h>

namespace tavrnn::report {
namespace {

TEST(GroupPalette, IsOkabeItoWithYellowAndBlackLast) {
  const auto& p = group_palette_hex();
  ASSERT_EQ(p.size(), 8u);
  const std::set<std::string> okabe_ito = {"#e69f00", "#56b4e9", "#009e73", "#f0e442",
                                           "#0072b2", "#d55e00", "#cc79a7", "#000000"};
  EXPECT_EQ(std::set<std::string>(p.begin(), p.end()), okabe_ito);
  EXPECT_EQ(p[6], "#f0e442");
  EXPECT_EQ(p[7], "#000000");
}

TEST(GroupPalette, ColourDependsOnlyOnTheCode) {
  EXPECT_EQ(group_colour_hex(0), "#e69f00");
  EXPECT_EQ(group_colour_hex(2), group_palette_hex()[2]);
  EXPECT_EQ(group_colour_hex(9), group_colour_hex(1));  // wraps around
  EXPECT_EQ(group_colour_hex(-1), "#999999");          // no group: grey
  EXPECT_EQ(to_hex(group_colour(3)), group_colour_hex(3));
}

}  // namespace
}  // namespace tavrnn::report
