#include "tavrnn/report/figure.h"

#include <mutex>
#include <string_view>

#include <fmt/format.h>
#include <plplot/plstream.h>

#include "tavrnn/error.h"
#include "tavrnn/io/atomic_file.h"

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

// Renders `draw` with one device into `path`; returns the strings drawn.
std::vector<std::string> render(const char* device, const fs::path& path, const FigureSpec& spec,
                                const std::function<void(Canvas&)>& draw) {
  plstream stream;  // a fresh stream: its own colours, page and file
  stream.sdev(device);
  stream.sfnam(path.c_str());
  stream.spage(0, 0, spec.width_px, spec.height_px, 0, 0);
  stream.scolbg(255, 255, 255);
  stream.scol0(1, 0, 0, 0);
  stream.init();
  stream.adv(0);
  Canvas canvas(stream);
  draw(canvas);
  return canvas.texts();
  // ~plstream ends the stream: cairo finishes and closes the file here.
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
    render("pngcairo", png.temporary(), spec, draw);
    png.commit();
  }
  {
    // The SVG is rendered to a temporary, given its text, then written
    // atomically; the temporary is removed when `scratch` goes.
    io::AtomicPath scratch(file.svg);
    const auto texts = render("svgcairo", scratch.temporary(), spec, draw);
    io::write_file_atomically(file.svg, with_svg_text(io::read_file_bytes(scratch.temporary()), spec, texts));
  }
  return file;
}

}  // namespace tavrnn::report
