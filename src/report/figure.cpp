#include "tavrnn/report/figure.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <string_view>

#include <fmt/format.h>
#include <plplot/plstream.h>

#include "tavrnn/util/error.h"
#include "png_image.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/report/html_text.h"

namespace tavrnn::report {

namespace fs = std::filesystem;

namespace {

std::mutex& plplot_mutex() {
  static std::mutex m;
  return m;
}

bool has_device(std::string_view name) {
  // plgDevs fills caller-owned arrays; 128 is far above PLplot's device count.
  std::vector<const char*> menu(128), devices(128);
  const char** m = menu.data();
  const char** d = devices.data();
  int n = static_cast<int>(devices.size());
  plgDevs(&m, &d, &n);
  for (int i = 0; i < n; ++i) {
    if (devices[i] != nullptr && name == devices[i]) return true;
  }
  return false;
}

struct Drawn {
  std::vector<std::string> texts;
  std::vector<Raster> rasters;
};

// Renders `draw` with one device into `path`; returns what the canvas kept.
Drawn render(const char* device, const fs::path& path, const FigureSpec& spec,
             const std::function<void(Canvas&)>& draw, bool vector_output) {
  plstream stream;  // a fresh stream: its own colours, page and file
  stream.sdev(device);
  stream.sfnam(path.c_str());
  stream.spage(0, 0, spec.width_px, spec.height_px, 0, 0);
  stream.scolbg(255, 255, 255);
  stream.scol0(1, 0, 0, 0);
  stream.init();
  stream.adv(0);
  Canvas canvas(stream, vector_output);
  draw(canvas);
  return {canvas.texts(), canvas.rasters()};
  // ~plstream ends the stream: cairo finishes and closes the file here.
}

// The colour of a cairo SVG fill, "fill:rgb(12.941176%,56.078431%,0%)",
// at `at` (just after "fill:rgb("), as 8-bit channels.
bool parse_fill(const std::string& svg, std::size_t at, Rgb& colour) {
  double channel[3];
  std::size_t pos = at;
  for (int k = 0; k < 3; ++k) {
    const auto end = svg.find('%', pos);
    if (end == std::string::npos || end - pos > 16) return false;
    channel[k] = std::strtod(svg.c_str() + pos, nullptr);
    pos = end + 2;  // past "%," (or "%)")
  }
  const auto byte = [](double percent) { return static_cast<std::uint8_t>(std::lround(percent * 2.55)); };
  colour = {byte(channel[0]), byte(channel[1]), byte(channel[2])};
  return true;
}

// Each heatmap's placeholder rectangle becomes an <image> of its cells at
// the rectangle's place (its bounding box as cairo wrote it), drawn with
// sharp pixels; everything drawn after it (boundaries, frame) stays on top.
std::string with_embedded_rasters(std::string svg, const FigureSpec& spec, const std::vector<Raster>& rasters) {
  for (const auto& raster : rasters) {
    std::size_t found = std::string::npos;
    for (auto at = svg.find("fill:rgb("); at != std::string::npos; at = svg.find("fill:rgb(", at + 1)) {
      Rgb c;
      if (parse_fill(svg, at + 9, c) && c == raster.placeholder) {
        found = at;
        break;
      }
    }
    const auto begin = found == std::string::npos ? found : svg.rfind("<path", found);
    const auto end = begin == std::string::npos ? begin : svg.find("/>", found);
    const auto d = begin == std::string::npos ? begin : svg.find(" d=\"", begin);
    if (end == std::string::npos || d == std::string::npos || d > end) {
      throw Error(fmt::format("writing {}.svg: the heatmap's placeholder is not in cairo's output", spec.name));
    }
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    int index = 0;
    for (std::size_t pos = d + 4; pos < end && svg[pos] != '"';) {
      char* next = nullptr;
      const double v = std::strtod(svg.c_str() + pos, &next);
      if (next == svg.c_str() + pos) {
        ++pos;  // a command letter or a space
        continue;
      }
      pos = static_cast<std::size_t>(next - svg.c_str());
      if (index++ % 2 == 0) {
        x0 = std::min(x0, v);
        x1 = std::max(x1, v);
      } else {
        y0 = std::min(y0, v);
        y1 = std::max(y1, v);
      }
    }
    // cairo writes PLplot's paths in a y-up frame with transform="matrix(1,0,0,-1,0,H)".
    const auto transform = svg.find(" transform=\"matrix(", begin);
    if (transform != std::string::npos && transform < end) {
      double m[6];
      const char* at = svg.c_str() + transform + 19;
      for (double& v : m) {
        char* next = nullptr;
        v = std::strtod(at, &next);
        at = next + 1;  // past ',' or ')'
      }
      double tx0 = INFINITY, tx1 = -INFINITY, ty0 = INFINITY, ty1 = -INFINITY;
      for (double x : {x0, x1}) {
        for (double y : {y0, y1}) {
          const double u = m[0] * x + m[2] * y + m[4], v = m[1] * x + m[3] * y + m[5];
          tx0 = std::min(tx0, u);
          tx1 = std::max(tx1, u);
          ty0 = std::min(ty0, v);
          ty1 = std::max(ty1, v);
        }
      }
      x0 = tx0, x1 = tx1, y0 = ty0, y1 = ty1;
    }
    const auto image = fmt::format(
        "<image x=\"{:.4f}\" y=\"{:.4f}\" width=\"{:.4f}\" height=\"{:.4f}\" preserveAspectRatio=\"none\" "
        "style=\"image-rendering:pixelated\" xlink:href=\"data:image/png;base64,{}\"/>",
        x0, y0, x1 - x0, y1 - y0, base64_encode(detail::encode_png_rgb(raster.cols, raster.rows, raster.rgb)));
    svg.replace(begin, end + 2 - begin, image);
  }
  return svg;
}

std::string with_svg_text(std::string svg, const FigureSpec& spec, const std::vector<std::string>& texts) {
  const auto root = svg.find("<svg");
  const auto close = root == std::string::npos ? root : svg.find('>', root);
  if (close == std::string::npos) {
    throw Error(fmt::format("writing {}.svg: cairo wrote no <svg> element", spec.name));
  }
  std::string desc = spec.caption;
  if (!texts.empty()) {
    desc += (desc.empty() ? "" : " ") + std::string("Text in the figure:");
    for (std::size_t i = 0; i < texts.size(); ++i) desc += (i ? "; " : " ") + texts[i];
    desc += ".";
  }
  const auto inserted = fmt::format("\n<title>{}</title>\n<desc>{}</desc>", xml_escaped(spec.title),
                                    xml_escaped(desc));
  svg.insert(close + 1, inserted);
  // cairo numbers its surfaces per process (<g id="surface77">); one name
  // for every figure keeps the bytes a function of the drawing alone.
  const auto id = svg.find("<g id=\"surface");
  if (id != std::string::npos) {
    const auto quote = svg.find('"', id + 7);
    if (quote != std::string::npos) svg.replace(id + 7, quote - (id + 7), "figure");
  }
  return svg;
}

}  // namespace

bool cairo_devices_available() {
  std::lock_guard<std::mutex> lock(plplot_mutex());
  return has_device("pngcairo") && has_device("svgcairo");
}

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

FigureFile render_figure(const fs::path& out_dir, const FigureSpec& spec,
                         const std::function<void(Canvas&)>& draw) {
  if (!cairo_devices_available()) {
    throw Error(fmt::format("drawing figure {}: PLplot has no pngcairo/svgcairo device (install "
                            "plplot-driver-cairo)", spec.name));
  }
  io::ensure_directory(out_dir);
  FigureFile file{spec.name, spec.title, spec.caption, out_dir / (spec.name + ".png"),
                  out_dir / (spec.name + ".svg")};
  std::lock_guard<std::mutex> lock(plplot_mutex());
  {
    io::AtomicPath png(file.png);
    render("pngcairo", png.temporary(), spec, draw, false);
    png.commit();
  }
  {
    // The SVG is rendered to a temporary, given its text, then written
    // atomically; the temporary is removed when `scratch` goes.
    io::AtomicPath scratch(file.svg);
    const auto drawn = render("svgcairo", scratch.temporary(), spec, draw, true);
    auto svg = with_embedded_rasters(io::read_file_bytes(scratch.temporary()), spec, drawn.rasters);
    io::write_file_atomically(file.svg, with_svg_text(std::move(svg), spec, drawn.texts));
  }
  return file;
}

}  // namespace tavrnn::report
