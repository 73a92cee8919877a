// Layout and data helpers the run figures share.
#include <algorithm>

#include "run_figure_parts.h"
#include "tavrnn/embedding/tsne.h"

namespace tavrnn::report::detail {

PageBox grid_cell(const PageBox& area, std::size_t rows, std::size_t cols, std::size_t row, std::size_t col,
                  double gap_x, double gap_y) {
  // cols cells and cols - 1 gaps of gap_x cells fill the width (rows likewise).
  const double w = (area.x1 - area.x0) / (cols + (cols - 1) * gap_x);
  const double h = (area.y1 - area.y0) / (rows + (rows - 1) * gap_y);
  const double x0 = area.x0 + col * w * (1 + gap_x);
  const double y1 = area.y1 - row * h * (1 + gap_y);
  return {x0, x0 + w, y1 - h, y1};
}

torch::Tensor tsne_map(const torch::Tensor& x, std::uint64_t seed) {
  embedding::TsneOptions options;
  const double n = static_cast<double>(x.size(0));
  options.perplexity = std::min(30.0, (n - 1.0) / 3.0);
  options.init = embedding::TsneInit::Random;
  options.seed = seed;
  return embedding::tsne(x.to(torch::kCPU, torch::kFloat64), options).embedding;
}

std::vector<double> column(const torch::Tensor& xy, std::int64_t j) {
  const auto c = xy.select(1, j).to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

std::string window_name(std::size_t t, int label, const std::vector<std::string>& label_names) {
  if (label < 0) return "window " + std::to_string(t);
  const auto name = static_cast<std::size_t>(label) < label_names.size() ? label_names[label]
                                                                        : std::to_string(label);
  return "window " + std::to_string(t) + ": " + name;
}

}  // namespace tavrnn::report::detail
