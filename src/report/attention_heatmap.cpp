#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "report_sections.h"

namespace tavrnn::report {

namespace {

// Viridis at nine stops, linearly interpolated: perceptually uniform and
// readable with colour-vision deficiencies and in greyscale.
std::string viridis(double v) {
  static constexpr std::array<std::array<int, 3>, 9> kStops = {{{68, 1, 84}, {71, 44, 122}, {59, 81, 139},
      {44, 113, 142}, {33, 144, 141}, {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}}};
  v = std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0) * (kStops.size() - 1);
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(v), kStops.size() - 2);
  const double f = v - static_cast<double>(i);
  std::array<int, 3> rgb{};
  for (int k = 0; k < 3; ++k) {
    rgb[k] = static_cast<int>(std::lround(kStops[i][k] + f * (kStops[i + 1][k] - kStops[i][k])));
  }
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

}  // namespace

std::string attention_heatmap(const std::vector<std::vector<double>>& a) {
  const std::size_t T = a.size();
  if (T == 0) return {};
  // Long runs are drawn in blocks (means) so the page stays small.
  constexpr std::size_t kMaxCells = 120;
  const std::size_t block = (T + kMaxCells - 1) / kMaxCells;
  const std::size_t cells = (T + block - 1) / block;
  std::vector<std::vector<double>> m(cells, std::vector<double>(cells, 0.0));
  double top = 0.0;
  for (std::size_t i = 0; i < cells; ++i) {
    for (std::size_t j = 0; j < cells; ++j) {
      double sum = 0.0;
      std::size_t n = 0;
      for (std::size_t r = i * block; r < std::min(T, (i + 1) * block); ++r) {
        for (std::size_t s = j * block; s < std::min(T, (j + 1) * block) && s < a[r].size(); ++s, ++n) {
          sum += a[r][s];
        }
      }
      m[i][j] = n ? sum / static_cast<double>(n) : 0.0;
      if (std::isfinite(m[i][j])) top = std::max(top, m[i][j]);
    }
  }
  const double size = std::clamp(480.0 / static_cast<double>(cells), 3.0, 18.0);
  const double side = size * static_cast<double>(cells);
  const double left = 50, upper = 10, bar = 16;
  const double width = left + side + 70, height = upper + side + 45;
  std::string svg = fmt::format(
      "<svg id=\"attention-heatmap\" width=\"{0}\" height=\"{1}\" shape-rendering=\"crispEdges\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"attention weights\" font-size=\"11\">\n",
      width, height);
  const bool titles = cells <= 60;
  for (std::size_t i = 0; i < cells; ++i) {
    for (std::size_t j = 0; j < cells; ++j) {
      svg += fmt::format("<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\">",
                         left + j * size, upper + i * size, size, size, viridis(top > 0 ? m[i][j] / top : 0));
      if (titles) svg += fmt::format("<title>step {} attends state {}: {:.3f}</title>", i * block, j * block, m[i][j]);
      svg += "</rect>";
    }
    svg += "\n";
  }
  // Axes: a few tick labels, then the colour bar from 0 to the largest weight.
  const std::size_t every = std::max<std::size_t>(1, cells / 6);
  for (std::size_t k = 0; k < cells; k += every) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>", left + (k + 0.5) * size,
                       upper + side + 14, k * block);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", left - 4,
                       upper + (k + 0.5) * size + 4, k * block);
  }
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">attended state (window)</text>",
                     left + side / 2, upper + side + 32);
  svg += fmt::format("<text transform=\"translate(12 {:.1f}) rotate(-90)\" text-anchor=\"middle\">step (window)</text>\n",
                     upper + side / 2);
  constexpr int kBarSteps = 32;
  for (int k = 0; k < kBarSteps; ++k) {
    const double h = side / kBarSteps;
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.2f}\" width=\"{}\" height=\"{:.2f}\" fill=\"{}\"/>", left + side + 12,
                       upper + side - (k + 1) * h, bar, h + 0.5, viridis((k + 0.5) / kBarSteps));
  }
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{:.3g}</text><text x=\"{:.1f}\" y=\"{:.1f}\">0</text>\n",
                     left + side + 12 + bar + 4, upper + 10, top, left + side + 12 + bar + 4, upper + side);
  return svg + "</svg>\n";
}

}  // namespace tavrnn::report
