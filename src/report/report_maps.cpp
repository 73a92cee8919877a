#include "report_maps.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "tavrnn/embedding/pca.h"
#include "tavrnn/embedding/tsne.h"

namespace tavrnn::report {

namespace {

// Three decimals of a map coordinate are far below what a reader can see and
// keep the page small.
std::vector<double> rounded_column(const torch::Tensor& xy, std::int64_t column) {
  const auto c = xy.select(1, column).contiguous().to(torch::kFloat64);
  std::vector<double> out(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  for (auto& v : out) v = std::isfinite(v) ? std::round(v * 1000.0) / 1000.0 : 0.0;
  return out;
}

}  // namespace

double map_perplexity(std::int64_t n) { return std::min(30.0, static_cast<double>(n - 1) / 3.0); }

ScatterMap map_2d(const torch::Tensor& x, std::uint64_t seed, const torch::Tensor& start) {
  const auto n = x.size(0), d = x.size(1);
  ScatterMap map;
  if (n < 2 || d < 1) {
    map.method = "single point";
    map.x.assign(static_cast<std::size_t>(n), 0.0);
    map.y.assign(static_cast<std::size_t>(n), 0.0);
    return map;
  }
  const double perplexity = map_perplexity(n);
  torch::Tensor xy;
  if (perplexity >= kMinPerplexity) {
    embedding::TsneOptions options;
    options.perplexity = perplexity;
    options.init = embedding::TsneInit::Random;
    options.seed = seed;
    if (start.defined()) options.initial_embedding = start;
    xy = embedding::tsne(x, options).embedding;
    map.method = fmt::format("t-SNE (perplexity {:.3g})", perplexity);
  } else {
    const auto k = std::min<std::int64_t>({2, n, d});
    xy = embedding::pca(x, k).scores;
    if (k == 1) xy = torch::cat({xy, torch::zeros_like(xy)}, 1);
    map.method = "PCA";
  }
  map.x = rounded_column(xy, 0);
  map.y = rounded_column(xy, 1);
  return map;
}

std::vector<std::size_t> mapped_windows(std::size_t n_windows, std::size_t max_windows) {
  const std::size_t k = std::min(n_windows, max_windows);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t t = k == 1 ? 0 : (i * (n_windows - 1) + (k - 1) / 2) / (k - 1);
    if (out.empty() || out.back() != t) out.push_back(t);
  }
  return out;
}

}  // namespace tavrnn::report
