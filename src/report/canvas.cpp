#include "tavrnn/report/canvas.h"

#include <algorithm>
#include <cmath>

#include <plplot/plstream.h>

namespace tavrnn::report {

namespace {

// cmap0 index the canvas repaints for each colour it draws with; 0 is the
// background and 1 the default foreground, left alone.
constexpr PLINT kDrawIndex = 15;
constexpr Rgb kBlack{0, 0, 0};
// U+25CF BLACK CIRCLE: with the cairo driver PLplot draws it from the system
// font, a round filled marker that scales with the character height.
constexpr const char* kMarker = "\u25CF";

// PLplot's C++ API cannot measure a string (there is no plstrl there), so
// titles are fitted with an estimate: DejaVu Sans advances about 0.7 of
// PLplot's character height per character (measured on mixed-case titles
// at 72 dpi); 0.72 errs on the side of fitting.
constexpr double kAdvancePerHeight = 0.72;

std::size_t code_points(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

Canvas::Canvas(plstream& stream, bool vector_output) : stream_(stream), vector_output_(vector_output) {}

double Canvas::fitted_scale(const std::string& text, double width_fraction, double scale) {
  PLFLT default_mm = 0, height_mm = 0, x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  stream_.gchr(default_mm, height_mm);
  stream_.gspa(x0, x1, y0, y1);
  const double estimate = static_cast<double>(code_points(text)) * kAdvancePerHeight * default_mm * scale;
  const double available = width_fraction * (x1 - x0);
  return estimate > available ? scale * available / estimate : scale;
}

void Canvas::set_colour(Rgb c) {
  stream_.scol0(kDrawIndex, c.r, c.g, c.b);
  stream_.col0(kDrawIndex);
}

std::string Canvas::escaped(const std::string& text) {
  if (!text.empty()) texts_.push_back(text);
  // '#' starts PLplot's escape sequences (#u superscript, #(nnn) glyphs).
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '#') out += '#';
  }
  return out;
}

void Canvas::panel(const PageBox& box, AxisRange x, AxisRange y, bool log_y, bool square) {
  log_y_ = log_y;
  x_ = x;
  y_ = log_y ? AxisRange{std::log10(y.low), std::log10(y.high)} : y;
  if (square) {
    stream_.vpas(box.x0, box.x1, box.y0, box.y1, 1.0);
  } else {
    stream_.vpor(box.x0, box.x1, box.y0, box.y1);
  }
  stream_.wind(x_.low, x_.high, y_.low, y_.high);
}

void Canvas::axes(const std::string& x_label, const std::string& y_label, const std::string& title,
                  bool x_numbers, bool y_numbers) {
  set_colour(kBlack);
  stream_.width(1.0);
  stream_.lsty(1);
  stream_.schr(0, 1.0);
  const std::string x_options = x_numbers ? "bcnst" : "bc";
  std::string y_options = y_numbers ? "bcnstv" : "bc";
  if (log_y_ && y_numbers) y_options += "l";
  stream_.box(x_options.c_str(), 0, 0, y_options.c_str(), 0, 0);
  const auto x = escaped(x_label), y = escaped(y_label), t = escaped(title);
  stream_.mtex("b", x_numbers ? 3.0 : 1.5, 0.5, 0.5, x.c_str());
  stream_.mtex("l", y_numbers ? 4.5 : 1.5, 0.5, 0.5, y.c_str());
  // A panel's title may overhang its frame a little, not into its neighbours.
  PLFLT vx0 = 0, vx1 = 0, vy0 = 0, vy1 = 0;
  stream_.gvpd(vx0, vx1, vy0, vy1);
  stream_.schr(0, fitted_scale(title, 1.15 * (vx1 - vx0), 1.0));
  stream_.mtex("t", 1.2, 0.5, 0.5, t.c_str());
  stream_.schr(0, 1.0);
}

void Canvas::edge_label(char side, double at, double lines, const std::string& text, bool perpendicular) {
  set_colour(kBlack);
  stream_.schr(0, 0.85);
  const bool horizontal_edge = side == 'b' || side == 't';
  const AxisRange range = horizontal_edge ? x_ : y_;
  const double position = (at - range.low) / (range.high - range.low);
  std::string where(1, side);
  double justification = 0.5;
  if (perpendicular) {
    where += 'v';
    justification = (side == 'l' || side == 'b') ? 1.0 : 0.0;
  }
  const auto t = escaped(text);
  stream_.mtex(where.c_str(), lines, position, justification, t.c_str());
  stream_.schr(0, 1.0);
}

void Canvas::page_title(const std::string& title) {
  set_colour(kBlack);
  stream_.vpor(0.0, 1.0, 0.0, 1.0);
  stream_.wind(0.0, 1.0, 0.0, 1.0);
  stream_.schr(0, fitted_scale(title, 0.96, 1.25));
  const auto t = escaped(title);
  stream_.ptex(0.5, 0.955, 1.0, 0.0, 0.5, t.c_str());
  stream_.schr(0, 1.0);
}

void Canvas::heatmap(const std::vector<double>& values, std::size_t rows, std::size_t cols, ColourMap map,
                     double low, double high) {
  if (vector_output_) {
    Raster raster{rows, cols, {}, {1, 2, static_cast<std::uint8_t>(3 + rasters_.size() % 250)}};
    raster.rgb.reserve(rows * cols * 3);
    for (double v : values) {
      // NaN: white, the page's background (an image cannot leave a hole as cheaply).
      const Rgb c = std::isnan(v) ? Rgb{255, 255, 255} : colour_at(map, normalise(v, low, high));
      raster.rgb.insert(raster.rgb.end(), {c.r, c.g, c.b});
    }
    // The image's top row must be the row drawn at the top of the panel.
    PLFLT wx0 = 0, wx1 = 0, wy0 = 0, wy1 = 0;
    stream_.gvpw(wx0, wx1, wy0, wy1);
    if (wy0 < wy1) {
      for (std::size_t i = 0; i < rows / 2; ++i) {
        std::swap_ranges(raster.rgb.begin() + i * cols * 3, raster.rgb.begin() + (i + 1) * cols * 3,
                         raster.rgb.begin() + (rows - 1 - i) * cols * 3);
      }
    }
    if (wx0 > wx1) {
      for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < cols / 2; ++j) {
          std::swap_ranges(raster.rgb.begin() + (i * cols + j) * 3, raster.rgb.begin() + (i * cols + j + 1) * 3,
                           raster.rgb.begin() + (i * cols + cols - 1 - j) * 3);
        }
      }
    }
    set_colour(raster.placeholder);
    const double x0 = -0.5, x1 = static_cast<double>(cols) - 0.5;
    const double y0 = -0.5, y1 = static_cast<double>(rows) - 0.5;
    PLFLT x[4] = {x0, x1, x1, x0};
    PLFLT y[4] = {y0, y0, y1, y1};
    stream_.fill(4, x, y);
    rasters_.push_back(std::move(raster));
    return;
  }
  for (std::size_t i = 0; i < rows; ++i) {
    const double y0 = static_cast<double>(i) - 0.5;
    for (std::size_t j = 0; j < cols; ++j) {
      const double v = values[i * cols + j];
      if (std::isnan(v)) continue;
      set_colour(colour_at(map, normalise(v, low, high)));
      const double x0 = static_cast<double>(j) - 0.5;
      PLFLT x[4] = {x0, x0 + 1, x0 + 1, x0};
      PLFLT y[4] = {y0, y0, y0 + 1, y0 + 1};
      stream_.fill(4, x, y);
    }
  }
}

void Canvas::colour_bar(const PageBox& box, ColourMap map, double low, double high, const std::string& label) {
  stream_.vpor(box.x0, box.x1, box.y0, box.y1);
  stream_.wind(0.0, 1.0, low, high);
  constexpr int kSteps = 128;
  for (int k = 0; k < kSteps; ++k) {
    const double a = low + (high - low) * k / kSteps, b = low + (high - low) * (k + 1) / kSteps;
    set_colour(colour_at(map, (k + 0.5) / kSteps));
    PLFLT x[4] = {0, 1, 1, 0};
    PLFLT y[4] = {a, a, b, b};
    stream_.fill(4, x, y);
  }
  set_colour(kBlack);
  stream_.schr(0, 0.85);
  stream_.box("bc", 0, 0, "bcmstv", 0, 0);
  const auto t = escaped(label);
  stream_.mtex("r", 4.0, 0.5, 0.5, t.c_str());
  stream_.schr(0, 1.0);
}

void Canvas::points(const std::vector<double>& x, const std::vector<double>& y, Rgb colour, double size) {
  if (x.empty()) return;
  set_colour(colour);
  stream_.schr(0, 0.8 * size);
  std::vector<PLFLT> yy(y);
  if (log_y_) for (auto& v : yy) v = std::log10(v);
  stream_.string(static_cast<PLINT>(x.size()), x.data(), yy.data(), kMarker);
  stream_.schr(0, 1.0);
}

void Canvas::line(const std::vector<double>& x, const std::vector<double>& y, Rgb colour, double width,
                  bool dashed) {
  if (x.size() < 2) return;
  set_colour(colour);
  stream_.width(width);
  stream_.lsty(dashed ? 2 : 1);
  std::vector<PLFLT> yy(y);
  if (log_y_) for (auto& v : yy) v = std::log10(v);
  stream_.line(static_cast<PLINT>(x.size()), x.data(), yy.data());
  stream_.width(1.0);
  stream_.lsty(1);
}

void Canvas::error_bars(const std::vector<double>& x, const std::vector<double>& low,
                        const std::vector<double>& high, Rgb colour) {
  if (x.empty()) return;
  set_colour(colour);
  stream_.width(1.5);
  std::vector<PLFLT> lo(low), hi(high);
  if (log_y_) {
    for (auto& v : lo) v = std::log10(v);
    for (auto& v : hi) v = std::log10(v);
  }
  stream_.erry(static_cast<PLINT>(x.size()), x.data(), lo.data(), hi.data());
  stream_.width(1.0);
}

void Canvas::text(double x, double y, const std::string& text, Rgb colour, double justification, double size) {
  set_colour(colour);
  stream_.schr(0, size);
  const auto t = escaped(text);
  stream_.ptex(x, log_y_ ? std::log10(y) : y, 1.0, 0.0, justification, t.c_str());
  stream_.schr(0, 1.0);
}

void Canvas::legend(const PageBox& box, const std::vector<LegendEntry>& entries, const std::string& title) {
  const double rows = static_cast<double>(entries.size() + (title.empty() ? 0 : 1));
  if (rows == 0) return;
  stream_.vpor(box.x0, box.x1, box.y0, box.y1);
  stream_.wind(0.0, 1.0, 0.0, rows);
  double row = rows - 0.5;
  stream_.schr(0, 0.9);
  if (!title.empty()) {
    set_colour(kBlack);
    const auto t = escaped(title);
    stream_.ptex(0.0, row, 1.0, 0.0, 0.0, t.c_str());
    row -= 1.0;
  }
  for (const auto& e : entries) {
    set_colour(e.colour);
    if (e.line) {
      stream_.width(2.0);
      PLFLT x[2] = {0.02, 0.2};
      PLFLT y[2] = {row, row};
      stream_.line(2, x, y);
      stream_.width(1.0);
    } else {
      PLFLT x[1] = {0.1};
      PLFLT y[1] = {row};
      stream_.string(1, x, y, kMarker);
    }
    set_colour(kBlack);
    const auto t = escaped(e.text);
    stream_.ptex(0.26, row, 1.0, 0.0, 0.0, t.c_str());
    row -= 1.0;
  }
  stream_.schr(0, 1.0);
}

}  // namespace tavrnn::report
