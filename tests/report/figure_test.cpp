#include "tavrnn/report/figure.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "tavrnn/io/atomic_file.h"

namespace tavrnn::report {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("tavrnn_figure_" + name);
  fs::remove_all(dir);
  return dir;
}

FigureFile draw_small(const fs::path& dir) {
  FigureSpec spec{"small", "A title with <angle> & #hash", "Caption.", 400, 300};
  return render_figure(dir, spec, [](Canvas& c) {
    c.panel({0.15, 0.85, 0.15, 0.85}, {0, 2}, {0, 1});
    c.heatmap({0.0, 0.5, 1.0, 0.25}, 2, 2, ColourMap::Viridis, 0.0, 1.0);
    c.points({0.5, 1.5}, {0.2, 0.8}, {0xe6, 0x9f, 0x00});
    c.axes("time (s)", "weight #1", "A title with <angle> & #hash");
  });
}

TEST(Figure, WritesPngAndSvgWithTheirTextAndNoTemporaries) {
  ASSERT_TRUE(cairo_devices_available());
  const auto dir = fresh_dir("text");
  const auto f = draw_small(dir);
  EXPECT_EQ(f.png, dir / "small.png");
  const auto png = io::read_file_bytes(f.png);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const auto svg = io::read_file_bytes(f.svg);
  // cairo writes glyph outlines; the title and every label come back as text.
  EXPECT_NE(svg.find("<title>A title with &lt;angle&gt; &amp; #hash</title>"), std::string::npos);
  EXPECT_NE(svg.find("time (s)"), std::string::npos);
  EXPECT_NE(svg.find("weight #1"), std::string::npos);  // '#' drawn literally, not a PLplot escape
  // The heatmap is one embedded image, not a path per cell, and its
  // placeholder rectangle (rgb 1, 2, 3) is gone.
  EXPECT_NE(svg.find("<image "), std::string::npos);
  EXPECT_NE(svg.find("data:image/png;base64,iVBORw0KGgo"), std::string::npos);  // "\x89PNG\r\n\x1a\n"
  EXPECT_EQ(svg.find("fill:rgb(0.392157%,0.784314%,1.176471%)"), std::string::npos);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2u);  // no temporaries left behind
}

TEST(Figure, SameDrawingGivesSameBytes) {
  const auto a = draw_small(fresh_dir("a")), b = draw_small(fresh_dir("b"));
  EXPECT_EQ(io::read_file_bytes(a.png), io::read_file_bytes(b.png));
  EXPECT_EQ(io::read_file_bytes(a.svg), io::read_file_bytes(b.svg));
}

TEST(Figure, XmlEscapingCoversMarkup) {
  EXPECT_EQ(xml_escaped("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
}

}  // namespace
}  // namespace tavrnn::report
