#include "tavrnn/eval/mean_sd.h"

#include <cmath>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {

MeanSd mean_sd(const std::vector<double>& values) {
  if (values.empty()) throw Error("mean_sd: no values to summarise");
  MeanSd out;
  out.n = values.size();
  double sum = 0.0;
  for (const double v : values) sum += v;
  out.mean = sum / static_cast<double>(out.n);
  if (out.n > 1) {
    // Two passes: the centred sum of squares does not cancel catastrophically.
    double squares = 0.0;
    for (const double v : values) squares += (v - out.mean) * (v - out.mean);
    out.sd = std::sqrt(squares / static_cast<double>(out.n - 1));
  }
  return out;
}

}  // namespace tavrnn::eval
