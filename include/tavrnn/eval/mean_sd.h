#pragma once
// Mean +- standard deviation of a metric over seeds (or windows), the form
// every repeated result is reported in.
#include <cstddef>
#include <vector>

namespace tavrnn::eval {

struct MeanSd {
  double mean = 0.0;
  double sd = 0.0;     // sample standard deviation (ddof = 1); 0 for one value
  std::size_t n = 0;   // number of values
};

// Throws Error for an empty list.
MeanSd mean_sd(const std::vector<double>& values);

}  // namespace tavrnn::eval
