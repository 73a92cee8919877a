// 2-D maps of the embeddings: the units' embeddings in windows of two label
// sets (are the groups separated in one state and not the other?), and the
// population embedding of every window coloured by its label.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "run_figure_parts.h"
#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/report/group_palette.h"
#include "tavrnn/embedding/pca.h"

namespace tavrnn::report::detail {

namespace {

AxisRange padded(const std::vector<double>& v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double pad = 0.08 * std::max(*hi - *lo, 1e-9);
  return {*lo - pad, *hi + pad};
}

std::string label_name(const eval::EmbeddingsFile& e, int code) {
  if (code < 0) return "unlabelled";
  return static_cast<std::size_t>(code) < e.label_names.size() ? e.label_names[code] : std::to_string(code);
}

std::string label_of(const eval::EmbeddingsFile& e, std::size_t t) { return label_name(e, e.window_label[t]); }

}  // namespace

FigureFile unit_embedding_figure(const fs::path& out, const eval::EmbeddingsFile& e, const UnitGrouping& groups,
                                 const std::vector<std::size_t>& first, const std::vector<std::size_t>& second,
                                 std::uint64_t seed) {
  const auto n = static_cast<std::int64_t>(e.n_units());
  const bool grouped = groups.codes.size() == static_cast<std::size_t>(n);
  std::vector<std::vector<std::size_t>> rows;
  for (const auto* set : {&first, &second}) {
    if (!set->empty()) rows.push_back(*set);
  }
  std::size_t cols = 0;
  for (const auto& r : rows) cols = std::max(cols, r.size());
  const auto row_label = [&](const std::vector<std::size_t>& r) { return label_of(e, r.front()); };
  const std::string contrast =
      rows.size() == 2 ? fmt::format("windows labelled {} vs {}", row_label(rows[0]), row_label(rows[1]))
                       : fmt::format("windows labelled {}", row_label(rows[0]));
  FigureSpec spec{
      "unit_embeddings",
      fmt::format("Unit embeddings (t-SNE), {}, coloured by {}", contrast, grouped ? "unit group" : "unit"),
      fmt::format("Each point is one unit's node embedding mu (history node left out) in one window, mapped "
                  "to 2-D by t-SNE (perplexity min(30, (N-1)/3), seeded random start, seed {}); each panel "
                  "is its own map, so axes are not comparable across panels. Rows: {}. Colours: unit groups "
                  "(Okabe-Ito, the same in every figure).",
                  seed, contrast),
      1300, rows.size() == 1 ? 560 : 960};
  // The maps first, so that both renderings (PNG, SVG) draw the same points.
  std::vector<std::vector<torch::Tensor>> maps;
  for (const auto& r : rows) {
    maps.emplace_back();
    for (std::size_t t : r) maps.back().push_back(tsne_map(e.mu[static_cast<std::int64_t>(t)].slice(0, 0, n), seed));
  }
  std::set<int> present(groups.codes.begin(), groups.codes.end());
  return render_figure(out, spec, [&](Canvas& c) {
    c.page_title(spec.title);
    const PageBox area{0.07, 0.84, 0.1, 0.86};
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t j = 0; j < rows[i].size(); ++j) {
        const auto x = column(maps[i][j], 0), y = column(maps[i][j], 1);
        c.panel(grid_cell(area, rows.size(), cols, i, j, 0.3, 0.38), padded(x), padded(y), false, true);
        for (int code : present) {
          std::vector<double> px, py;
          for (std::int64_t u = 0; u < n; ++u) {
            if (!grouped || groups.codes[u] == code) {
              px.push_back(x[u]);
              py.push_back(y[u]);
            }
          }
          c.points(px, py, grouped ? group_colour(code) : group_colour(0), 1.1);
        }
        if (!grouped) c.points(x, y, group_colour(0), 1.1);
        const std::size_t t = rows[i][j];
        c.axes("t-SNE 1 (a.u.)", j == 0 ? "t-SNE 2 (a.u.)" : "",
               window_name(t, e.window_label[t], e.label_names), false, false);
      }
    }
    if (grouped) {
      std::vector<LegendEntry> legend;
      for (int code : present) legend.push_back({groups.name_of(code), group_colour(code), false});
      c.legend({0.87, 0.99, 0.55, 0.55 + 0.05 * (legend.size() + 1)}, legend, "unit group");
    }
  });
}

FigureFile population_figure(const fs::path& out, const eval::EmbeddingsFile& e, const std::string& readout,
                             PopulationMap map, std::uint64_t seed) {
  std::string used;
  const auto x = eval::population_embedding(e, readout, used);
  const bool use_tsne = map == PopulationMap::Tsne;
  torch::Tensor xy;
  double explained[2] = {0, 0};
  if (use_tsne) {
    xy = tsne_map(x, seed);
  } else {
    const auto p = embedding::pca(x.to(torch::kFloat64), std::min<std::int64_t>(2, std::min(x.size(0), x.size(1))));
    xy = p.scores.size(1) == 2 ? p.scores : torch::cat({p.scores, torch::zeros_like(p.scores)}, 1);
    for (std::int64_t k = 0; k < p.explained_variance_ratio.size(0); ++k) {
      explained[k] = p.explained_variance_ratio[k].item<double>() * 100;
    }
  }
  const auto px = column(xy, 0), py = column(xy, 1);
  const std::string method = use_tsne ? "t-SNE" : "PCA";
  const std::string source = eval::population_embedding_description(used);
  FigureSpec spec{
      "population_embeddings",
      fmt::format("Population embeddings ({}), one point per window, coloured by window label", method),
      fmt::format("Each point is one window's population embedding ({}), mapped to 2-D by {}; a grey line "
                  "joins consecutive windows. Colours: window labels (Okabe-Ito by label code).{}",
                  source, method,
                  use_tsne ? fmt::format(" Perplexity min(30, (T-1)/3), seeded random start (seed {}).", seed)
                           : ""),
      1100, 800};
  std::set<int> labels(e.window_label.begin(), e.window_label.end());
  return render_figure(out, spec, [&](Canvas& c) {
    c.panel({0.1, 0.76, 0.1, 0.88}, padded(px), padded(py));
    c.line(px, py, {0xbb, 0xbb, 0xbb}, 1.0);
    std::vector<LegendEntry> legend;
    for (int l : labels) {
      std::vector<double> lx, ly;
      for (std::size_t t = 0; t < px.size(); ++t) {
        if (e.window_label[t] == l) {
          lx.push_back(px[t]);
          ly.push_back(py[t]);
        }
      }
      c.points(lx, ly, group_colour(l), 1.4);
      legend.push_back({label_name(e, l), group_colour(l), false});
    }
    if (use_tsne) {
      c.axes("t-SNE 1 (a.u.)", "t-SNE 2 (a.u.)", spec.title);
    } else {
      c.axes(fmt::format("PC 1 ({:.0f}% of variance)", explained[0]),
             fmt::format("PC 2 ({:.0f}% of variance)", explained[1]), spec.title);
    }
    c.legend({0.79, 0.98, 0.6, 0.6 + 0.05 * (legend.size() + 1)}, legend, "window label");
  });
}

}  // namespace tavrnn::report::detail
