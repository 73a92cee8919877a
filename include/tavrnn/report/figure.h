#pragma once
// One figure, drawn by a function on a Canvas, written as NAME.png
// (PLplot's pngcairo device) and NAME.svg (svgcairo): white background,
// DejaVu Sans through cairo/pango, sizes in pixels (SVG: points, 1:1).
//
// PLplot keeps library-wide state and is not thread-safe: render_figure
// draws one figure at a time (a process-wide mutex), each format on its own
// fresh plstream, so no setting leaks from one figure to the next.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tavrnn/report/canvas.h"

namespace tavrnn::report {

// What a written figure is; the manifest figures.json lists these.
struct FigureFile {
  std::string name;     // file stem, e.g. "connectivity"
  std::string title;    // what it shows, one line
  std::string caption;  // how to read it, a few sentences
  std::filesystem::path png, svg;
};

struct FigureSpec {
  std::string name, title, caption;
  int width_px = 1200;
  int height_px = 800;
};

// Draws `draw` twice (PNG, then SVG) and writes both files atomically into
// out_dir (created if needed). The SVG gains a <title> (spec.title) and a
// <desc> (caption and every string the canvas drew): cairo writes text as
// glyph outlines, and these keep it searchable and readable by screen
// readers. Throws Error when PLplot lacks the cairo devices.
FigureFile render_figure(const std::filesystem::path& out_dir, const FigureSpec& spec,
                         const std::function<void(Canvas&)>& draw);

// Whether this PLplot has the pngcairo and svgcairo devices (Debian:
// plplot-driver-cairo).
bool cairo_devices_available();

// Escapes &, <, >, " for XML text and attributes.
std::string xml_escaped(const std::string& text);

}  // namespace tavrnn::report
