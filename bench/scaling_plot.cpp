// bench/scaling.png (and .svg): the scaling run's time and memory against
// the number of units on log-log axes, with the exponent b of a
// least-squares fit (time or memory ~ N^b) in each legend entry, and the
// reference pattern's epoch and memory beside them when given.
//
//   scaling_plot SCALING.csv [REFERENCE.csv] --out DIR
// SCALING.csv is what bench/scaling.sh writes; REFERENCE.csv has the
// columns nodes,s_per_epoch,peak_rss_mib (bench/scaling_reference.sh).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tavrnn/report/canvas.h"
#include "tavrnn/report/figure.h"
#include "tavrnn/report/group_palette.h"

using namespace tavrnn::report;

namespace {

using Table = std::map<std::string, std::vector<double>>;

Table read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) names.push_back(name);
  Table table;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string cell;
    for (std::size_t c = 0; c < names.size() && std::getline(row, cell, ','); ++c) {
      table[names[c]].push_back(cell.empty() ? NAN : std::stod(cell));
    }
  }
  return table;
}

// Slope of log y against log x over the finite points.
double exponent(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (!(x[i] > 0 && y[i] > 0)) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, n += 1;
  }
  return n < 2 ? NAN : (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

struct Curve {
  std::string name;
  std::vector<double> x, y;
};

void panel(Canvas& c, const PageBox& box, const std::vector<Curve>& curves, const std::string& y_label,
           const PageBox& legend_box) {
  double x_low = 1e300, x_high = -1e300, y_low = 1e300, y_high = -1e300;
  for (const auto& curve : curves) {
    for (std::size_t i = 0; i < curve.x.size(); ++i) {
      if (!(curve.y[i] > 0)) continue;
      x_low = std::min(x_low, std::log10(curve.x[i])), x_high = std::max(x_high, std::log10(curve.x[i]));
      y_low = std::min(y_low, std::log10(curve.y[i])), y_high = std::max(y_high, std::log10(curve.y[i]));
    }
  }
  c.panel(box, {x_low - 0.1, x_high + 0.1}, {y_low - 0.2, y_high + 0.2});
  c.axes("log10 units N", "log10 " + y_label, "");
  std::vector<LegendEntry> legend;
  for (std::size_t k = 0; k < curves.size(); ++k) {
    std::vector<double> lx, ly;
    for (std::size_t i = 0; i < curves[k].x.size(); ++i) {
      if (!(curves[k].y[i] > 0)) continue;
      lx.push_back(std::log10(curves[k].x[i]));
      ly.push_back(std::log10(curves[k].y[i]));
    }
    const Rgb colour = group_colour(static_cast<int>(k));
    c.line(lx, ly, colour, 2.0, curves[k].name.rfind("reference", 0) == 0);
    c.points(lx, ly, colour);
    char text[160];
    std::snprintf(text, sizeof text, "%s: N^%.2f", curves[k].name.c_str(), exponent(curves[k].x, curves[k].y));
    legend.push_back({text, colour, true});
  }
  c.legend(legend_box, legend);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string out = ".";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      inputs.push_back(arg);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s SCALING.csv [REFERENCE.csv] --out DIR\n", argv[0]);
    return 2;
  }
  const Table t = read_csv(inputs[0]);
  const auto& n = t.at("units");
  std::vector<Curve> time{{"graphs, command", n, t.at("graphs_s")},
                          {"graphs, building", n, t.at("building_s")},
                          {"epoch, full loss", n, t.at("epoch_s")},
                          {"epoch, sampled:5", n, t.at("sampled_epoch_s")}};
  std::vector<Curve> memory{{"simulate", n, t.at("simulate_mib")},
                            {"graphs", n, t.at("graphs_mib")},
                            {"fit, full loss", n, t.at("fit_mib")},
                            {"fit, sampled:5", n, t.at("sampled_fit_mib")}};
  if (inputs.size() > 1) {
    const Table r = read_csv(inputs[1]);
    std::vector<double> units;
    for (const double nodes : r.at("nodes")) units.push_back(nodes - 1);  // its N' has the history node
    time.push_back({"reference epoch", units, r.at("s_per_epoch")});
    memory.push_back({"reference", units, r.at("peak_rss_mib")});
  }
  FigureSpec spec{"scaling", "Time and memory against the number of units (bench/scaling.sh)",
                  "Log-log: seconds (left) and peak RSS in MiB (right) of each stage against N; the legend "
                  "gives the exponent b of a least-squares fit ~ N^b. Dashed: the reference pattern.",
                  1400, 650};
  render_figure(out, spec, [&](Canvas& c) {
    c.page_title(spec.title);
    panel(c, {0.09, 0.47, 0.38, 0.9}, time, "seconds", {0.09, 0.47, 0.02, 0.26});
    panel(c, {0.57, 0.97, 0.38, 0.9}, memory, "peak RSS (MiB)", {0.57, 0.97, 0.02, 0.26});
  });
  std::printf("wrote %s/scaling.png and .svg\n", out.c_str());
  return 0;
}
