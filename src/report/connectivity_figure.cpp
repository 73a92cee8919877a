// Connectivity matrices of selected windows, units ordered by group so that
// within- and between-group coupling show as blocks.
#include <algorithm>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "run_figure_parts.h"

namespace tavrnn::report::detail {

namespace {

// Units sorted by group code (stable: recording order within a group;
// units without a group last).
std::vector<std::size_t> unit_order(std::size_t n, const UnitGrouping& groups) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (groups.codes.size() != n) return order;
  const auto key = [&](std::size_t u) {
    const int c = groups.codes[u];
    return c < 0 ? std::numeric_limits<int>::max() : c;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  return order;
}

}  // namespace

FigureFile connectivity_figure(const fs::path& out, const graphs::GraphSequence& sequence,
                               const UnitGrouping& groups, const std::vector<std::string>& label_names,
                               const std::vector<std::size_t>& windows, ConnectivityMatrix matrix) {
  const std::size_t n = sequence.n_units();
  const auto order = unit_order(n, groups);
  const bool grouped = groups.codes.size() == n;
  // Runs of one group along the ordered units: [begin, end) and code.
  struct Run {
    std::size_t begin, end;
    int code;
  };
  std::vector<Run> runs;
  if (grouped) {
    for (std::size_t i = 0; i < n; ++i) {
      const int code = groups.codes[order[i]];
      if (runs.empty() || runs.back().code != code) runs.push_back({i, i, code});
      runs.back().end = i + 1;
    }
  }
  const bool weights = matrix == ConnectivityMatrix::Weights;
  const std::string what = weights ? "|r| (W)" : "adjacency A";
  const std::size_t cols = std::min<std::size_t>(3, windows.size());
  const std::size_t rows = (windows.size() + cols - 1) / cols;
  FigureSpec spec{
      "connectivity",
      fmt::format("Functional connectivity {} per window{}", what, grouped ? ", units ordered by group" : ""),
      fmt::format("{} of {} window(s) (history node left out). {}{}",
                  weights ? "Weights W = |r|, the absolute Pearson correlation of the units' activity "
                            "after filtering (diagonal 1),"
                          : "Binary adjacency A = 1[|r| >= theta] (self loops on the diagonal),",
                  windows.size(),
                  grouped ? "Units are sorted by group; white lines separate the groups, whose names "
                            "label the blocks. "
                          : "",
                  "Colour: viridis, dark = 0, yellow = 1."),
      1300, rows == 1 ? 620 : 1000};
  return render_figure(out, spec, [&](Canvas& c) {
    c.page_title(spec.title);
    const PageBox area{0.1, 0.86, 0.1, 0.88};
    const double extent = static_cast<double>(n) - 0.5;
    for (std::size_t k = 0; k < windows.size(); ++k) {
      const std::size_t t = windows[k];
      auto w = (weights ? sequence.dense_weights(t) : sequence.dense_adjacency(t))
                   .to(torch::kCPU, torch::kFloat64)
                   .contiguous();
      const auto index = torch::tensor(std::vector<std::int64_t>(order.begin(), order.end()), torch::kLong);
      w = w.index_select(0, index).index_select(1, index).contiguous();  // drops the history node too
      const std::vector<double> values(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
      const std::size_t row = k / cols, col = k % cols;
      c.panel(grid_cell(area, rows, cols, row, col, 0.35, 0.3), {-0.5, extent}, {extent, -0.5}, false, true);
      c.heatmap(values, n, n, ColourMap::Viridis, 0.0, 1.0);
      for (std::size_t r = 1; r < runs.size(); ++r) {
        const double b = static_cast<double>(runs[r].begin) - 0.5;
        c.line({b, b}, {-0.5, extent}, {255, 255, 255}, 1.5);
        c.line({-0.5, extent}, {b, b}, {255, 255, 255}, 1.5);
      }
      c.axes(row + 1 == rows && !grouped ? "unit" : "", col == 0 && !grouped ? "unit" : "",
             window_name(t, sequence.info(t).label, label_names), !grouped, !grouped);
      for (const auto& run : runs) {
        const double centre = (static_cast<double>(run.begin) + static_cast<double>(run.end) - 1) / 2;
        if (col == 0) c.edge_label('l', centre, 0.6, groups.name_of(run.code), true);
        if (row + 1 == rows || k + cols >= windows.size()) c.edge_label('b', centre, 1.3, groups.name_of(run.code));
      }
    }
    c.colour_bar({0.9, 0.92, 0.25, 0.75}, ColourMap::Viridis, 0.0, 1.0, weights ? "|r|" : "edge (0/1)");
  });
}

}  // namespace tavrnn::report::detail
