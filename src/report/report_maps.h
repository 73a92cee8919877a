#pragma once
// The 2-D maps of a report: t-SNE where there are enough points for a
// meaningful perplexity, PCA otherwise.
#include <cstdint>

#include <torch/types.h>

#include "tavrnn/report/report_content.h"

namespace tavrnn::report {

// The perplexity a map of n points uses: 30 (scikit-learn's default), lowered
// to (n - 1) / 3 so that each point's neighbourhood stays well inside the
// data. Below kMinPerplexity the map is PCA.
double map_perplexity(std::int64_t n);
inline constexpr double kMinPerplexity = 5.0;

// x: [n, d] -> a map of its rows. `start` ([n, 2], optional) is the t-SNE
// start (the previous window's map keeps successive maps aligned); without
// it the start is random from `seed`.
ScatterMap map_2d(const torch::Tensor& x, std::uint64_t seed, const torch::Tensor& start = {});

// The windows that get a unit map: at most `max_windows`, evenly spaced,
// the first and the last included.
std::vector<std::size_t> mapped_windows(std::size_t n_windows, std::size_t max_windows);

}  // namespace tavrnn::report
