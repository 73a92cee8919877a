#pragma once
// Colour maps of tavrnn's figures (docs/figures.md): perceptually uniform and
// readable with colour-vision deficiencies. Sequential values (|r|, attention
// weights, fractions) use viridis; signed values centred on 0 use a
// blue-white-red diverging map in the style of ColorBrewer's RdBu.
#include <cstdint>
#include <string>
#include <string_view>

namespace tavrnn::report {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb& a, const Rgb& b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
  friend bool operator!=(const Rgb& a, const Rgb& b) { return !(a == b); }
};

enum class ColourMap {
  Viridis,    // sequential: dark purple (0) -> yellow (1)
  Diverging,  // dark blue (0) -> white (0.5) -> dark red (1); map a signed v as 0.5 + v / (2 max|v|)
};

// The map at t in [0, 1] (clamped; NaN gives mid grey #808080), linear in
// RGB between the map's published anchor colours.
Rgb colour_at(ColourMap map, double t);

// Where `value` falls on [low, high] (clamped to [0, 1]); for Diverging use a
// range symmetric about 0 so that 0 is white.
double normalise(double value, double low, double high);

// "#rrggbb" (lower case) and back; from_hex throws Error on anything else.
std::string to_hex(Rgb colour);
Rgb from_hex(std::string_view hex);

// WCAG relative luminance in [0, 1]: which text colour (black or white)
// stays readable on a cell of this colour.
double relative_luminance(Rgb colour);

}  // namespace tavrnn::report
