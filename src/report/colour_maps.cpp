#include "tavrnn/report/colour_maps.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::report {

namespace {

// matplotlib's viridis sampled at 9 equally spaced points (the d3 and
// ColorBrewer-style 9-step scheme); between them the map is close to linear
// in RGB, so interpolating keeps it perceptually uniform to the eye.
constexpr std::array<Rgb, 9> kViridis = {{{0x44, 0x01, 0x54}, {0x47, 0x2c, 0x7a}, {0x3b, 0x51, 0x8b},
                                          {0x2c, 0x71, 0x8e}, {0x21, 0x90, 0x8d}, {0x27, 0xad, 0x81},
                                          {0x5c, 0xc8, 0x63}, {0xaa, 0xdc, 0x32}, {0xfd, 0xe7, 0x25}}};

// ColorBrewer RdBu, 11 classes, reversed so that negative is blue; the
// centre is its near-white #f7f7f7 replaced by pure white so that 0 reads as
// "nothing".
constexpr std::array<Rgb, 11> kDiverging = {{{0x05, 0x30, 0x61}, {0x21, 0x66, 0xac}, {0x43, 0x93, 0xc3},
                                             {0x92, 0xc5, 0xde}, {0xd1, 0xe5, 0xf0}, {0xff, 0xff, 0xff},
                                             {0xfd, 0xdb, 0xc7}, {0xf4, 0xa5, 0x82}, {0xd6, 0x60, 0x4d},
                                             {0xb2, 0x18, 0x2b}, {0x67, 0x00, 0x1f}}};

template <std::size_t N>
Rgb interpolate(const std::array<Rgb, N>& anchors, double t) {
  const double position = std::clamp(t, 0.0, 1.0) * (N - 1);
  const auto i = std::min(static_cast<std::size_t>(position), N - 2);
  const double f = position - static_cast<double>(i);
  const auto mix = [f](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + f * (static_cast<double>(b) - a)));
  };
  const Rgb& a = anchors[i];
  const Rgb& b = anchors[i + 1];
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

}  // namespace

Rgb colour_at(ColourMap map, double t) {
  if (std::isnan(t)) return {0x80, 0x80, 0x80};
  return map == ColourMap::Viridis ? interpolate(kViridis, t) : interpolate(kDiverging, t);
}

double normalise(double value, double low, double high) {
  if (!(high > low)) return 0.5;
  return std::clamp((value - low) / (high - low), 0.0, 1.0);
}

std::string to_hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }

Rgb from_hex(std::string_view hex) {
  const auto digit = [&](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    throw Error(fmt::format("colour '{}': expected #rrggbb, found a non-hex digit '{}'", hex, ch));
  };
  if (hex.size() != 7 || hex[0] != '#') {
    throw Error(fmt::format("colour '{}': expected #rrggbb (7 characters)", hex));
  }
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(digit(hex[i]) * 16 + digit(hex[i + 1])); };
  return {byte(1), byte(3), byte(5)};
}

double relative_luminance(Rgb c) {
  const auto linear = [](std::uint8_t v) {
    const double s = v / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

}  // namespace tavrnn::report
