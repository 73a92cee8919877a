#include "tavrnn/report/colour_maps.h"

#include <cmath>

#include <gtest/gtest.h>

#include "tavrnn/util/error.h"

namespace tavrnn::report {
namespace {

TEST(ColourMaps, ViridisEndsAreMatplotlibs) {
  // matplotlib: viridis(0) = #440154, viridis(1) = #fde725, viridis(0.5) = #21908d.
  EXPECT_EQ(to_hex(colour_at(ColourMap::Viridis, 0.0)), "#440154");
  EXPECT_EQ(to_hex(colour_at(ColourMap::Viridis, 1.0)), "#fde725");
  EXPECT_EQ(to_hex(colour_at(ColourMap::Viridis, 0.5)), "#21908d");
}

TEST(ColourMaps, ViridisLuminanceRisesMonotonically) {
  // A sequential map must order values by lightness, or it invents edges.
  double previous = -1.0;
  for (int i = 0; i <= 100; ++i) {
    const double l = relative_luminance(colour_at(ColourMap::Viridis, i / 100.0));
    EXPECT_GT(l, previous) << "at t = " << i / 100.0;
    previous = l;
  }
}

TEST(ColourMaps, DivergingIsWhiteAtZeroBlueBelowRedAbove) {
  EXPECT_EQ(to_hex(colour_at(ColourMap::Diverging, normalise(0.0, -1.0, 1.0))), "#ffffff");
  const Rgb negative = colour_at(ColourMap::Diverging, normalise(-0.8, -1.0, 1.0));
  const Rgb positive = colour_at(ColourMap::Diverging, normalise(0.8, -1.0, 1.0));
  EXPECT_GT(negative.b, negative.r);
  EXPECT_GT(positive.r, positive.b);
}

TEST(ColourMaps, DivergingIsBalancedInLightness) {
  // Equal |v| on both sides should look equally strong: luminances close.
  for (double v : {0.2, 0.5, 0.8, 1.0}) {
    const double a = relative_luminance(colour_at(ColourMap::Diverging, normalise(-v, -1, 1)));
    const double b = relative_luminance(colour_at(ColourMap::Diverging, normalise(v, -1, 1)));
    EXPECT_NEAR(a, b, 0.08) << "v = " << v;
  }
}

TEST(ColourMaps, ClampsOutOfRangeAndGreysNaN) {
  EXPECT_EQ(colour_at(ColourMap::Viridis, -3.0), colour_at(ColourMap::Viridis, 0.0));
  EXPECT_EQ(colour_at(ColourMap::Viridis, 7.0), colour_at(ColourMap::Viridis, 1.0));
  EXPECT_EQ(to_hex(colour_at(ColourMap::Viridis, std::nan(""))), "#808080");
  EXPECT_DOUBLE_EQ(normalise(5.0, 0.0, 10.0), 0.5);
  EXPECT_DOUBLE_EQ(normalise(11.0, 0.0, 10.0), 1.0);
  EXPECT_DOUBLE_EQ(normalise(1.0, 2.0, 2.0), 0.5);  // empty range: the middle
}

TEST(ColourMaps, HexRoundTripsAndRejectsMalformed) {
  const Rgb c{0x12, 0xab, 0xef};
  EXPECT_EQ(to_hex(c), "#12abef");
  EXPECT_EQ(from_hex("#12ABEF"), c);
  EXPECT_THROW(from_hex("12abef"), Error);
  EXPECT_THROW(from_hex("#12abeg"), Error);
}

}  // namespace
}  // namespace tavrnn::report
