#pragma once
// Canvas: the few drawing primitives tavrnn's figures are made of (panels
// with labelled axes, heatmaps, colour bars, points, lines, error bars,
// legends), on top of one PLplot stream. It hides PLplot's details (colour
// indices, its '#' text escapes, char heights) and records every string it
// draws, so that the SVG can carry them as text (cairo writes glyph outlines).
//
// A Canvas is made by render_figure (figure.h) for each output format; the
// drawing code never sees PLplot. Coordinates: a panel's place on the page is
// given in normalised page units ([0, 1], origin bottom left); inside a panel
// everything is in the panel's world (data) coordinates.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tavrnn/report/colour_maps.h"

class plstream;  // PLplot's C++ stream (plplot/plstream.h)

namespace tavrnn::report {

struct PageBox {
  double x0 = 0.1, x1 = 0.9, y0 = 0.1, y1 = 0.9;  // normalised page coordinates
};

struct AxisRange {
  double low = 0.0, high = 1.0;
};

// A heatmap kept as pixels (one per cell) for vector output; see
// Canvas::heatmap.
struct Raster {
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint8_t> rgb;  // rows x cols x 3, row 0 first
  Rgb placeholder;                // colour of the rectangle drawn in its place
};

struct LegendEntry {
  std::string text;
  Rgb colour;
  bool line = false;  // a line sample instead of a point
};

class Canvas {
 public:
  // vector_output: heatmaps become Rasters (below) instead of one filled
  // polygon per cell, which for 100 x 100 units is 10^4 SVG paths per panel.
  explicit Canvas(plstream& stream, bool vector_output = false);

  // Starts a panel: its place on the page and its data ranges. log_y: the
  // y axis is log10 (ranges are given in data units, > 0).
  // square: the largest square inside box (PLplot's vpas).
  void panel(const PageBox& box, AxisRange x, AxisRange y, bool log_y = false, bool square = false);
  // Frame, ticks and numbers on the bottom/left (either can be turned off for
  // categorical axes), axis labels and the panel's title.
  void axes(const std::string& x_label, const std::string& y_label, const std::string& title,
            bool x_numbers = true, bool y_numbers = true);
  // Text outside the frame at data position `at` along the bottom ("b"),
  // left ("l"), top ("t") or right ("r") edge, `lines` character heights out.
  void edge_label(char side, double at, double lines, const std::string& text, bool vertical = false);
  // The page's title, centred above everything.
  void page_title(const std::string& title);

  // Matrix [rows, cols] row-major; cell (i, j) is centred on (x = j, y = i)
  // with sides 1, so integer ticks fall on cell centres. For row 0 at the
  // top, as in a printed matrix, give the panel y = {rows - 0.5, -0.5}.
  // NaN cells are left blank. With vector output the cells go to rasters()
  // and a rectangle of a unique placeholder colour marks where they belong;
  // render_figure swaps it for an embedded PNG.
  void heatmap(const std::vector<double>& values, std::size_t rows, std::size_t cols, ColourMap map,
               double low, double high);
  // A vertical colour bar in `box` with numbers on its right and a label.
  void colour_bar(const PageBox& box, ColourMap map, double low, double high, const std::string& label);

  void points(const std::vector<double>& x, const std::vector<double>& y, Rgb colour, double size = 1.0);
  void line(const std::vector<double>& x, const std::vector<double>& y, Rgb colour, double width = 2.0,
            bool dashed = false);
  void error_bars(const std::vector<double>& x, const std::vector<double>& low,
                  const std::vector<double>& high, Rgb colour);
  // Text at a data position; justification 0 = left, 0.5 = centre, 1 = right.
  void text(double x, double y, const std::string& text, Rgb colour = {}, double justification = 0.5,
            double size = 1.0);
  // A legend in its own box on the page, one entry per row from the top.
  void legend(const PageBox& box, const std::vector<LegendEntry>& entries, const std::string& title = "");

  // Every string drawn so far, in order (for the SVG's <desc>).
  const std::vector<std::string>& texts() const { return texts_; }
  const std::vector<Raster>& rasters() const { return rasters_; }

 private:
  void set_colour(Rgb colour);
  // The character scale (from `scale` down) at which `text` fits in
  // width_fraction of the page's width.
  double fitted_scale(const std::string& text, double width_fraction, double scale);
  std::string escaped(const std::string& text);  // records it too

  plstream& stream_;
  std::vector<std::string> texts_;
  std::vector<Raster> rasters_;
  bool vector_output_ = false;
  bool log_y_ = false;
  AxisRange x_, y_;
};

}  // namespace tavrnn::report
