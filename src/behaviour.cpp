#include "tavrnn/behaviour.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>

#include "tavrnn/binning.h"
#include "tavrnn/error.h"

namespace tavrnn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The eigenvector of the symmetric D x D matrix `a` (row-major) with the
// largest eigenvalue, by cyclic Jacobi rotations (D is 2 or 3 for
// positions: exact to rounding in a few sweeps).
std::vector<double> leading_eigenvector(std::vector<double> a, std::size_t d) {
  std::vector<double> v(d * d, 0.0);
  for (std::size_t i = 0; i < d; ++i) v[i * d + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p < d; ++p)
      for (std::size_t q = p + 1; q < d; ++q) off += a[p * d + q] * a[p * d + q];
    if (off == 0.0) break;
    for (std::size_t p = 0; p < d; ++p) {
      for (std::size_t q = p + 1; q < d; ++q) {
        const double apq = a[p * d + q];
        if (apq == 0.0) continue;
        const double theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (std::size_t k = 0; k < d; ++k) {  // a <- a J
          const double akp = a[k * d + p], akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < d; ++k) {  // a <- J^T a
          const double apk = a[p * d + k], aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < d; ++k) {  // v <- v J
          const double vkp = v[k * d + p], vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < d; ++i)
    if (a[i * d + i] > a[best * d + best]) best = i;
  std::vector<double> axis(d);
  for (std::size_t k = 0; k < d; ++k) axis[k] = v[k * d + best];
  return axis;
}

}  // namespace

Behaviour first_principal_axis(const Behaviour& behaviour, const std::string& origin) {
  const std::size_t D = behaviour.n_dims;
  const std::size_t B = D == 0 ? 0 : behaviour.values.size() / D;
  const std::string what = fmt::format("{}: first principal axis of the behaviour", origin);
  std::vector<bool> finite(B, true);
  std::vector<double> mean(D, 0.0);
  std::size_t n = 0;
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t d = 0; d < D; ++d) finite[b] = finite[b] && std::isfinite(behaviour.values[b * D + d]);
    if (!finite[b]) continue;
    ++n;
    for (std::size_t d = 0; d < D; ++d) mean[d] += behaviour.values[b * D + d];
  }
  if (n < 2) {
    throw Error(fmt::format("{}: expected at least 2 bins where every dimension is finite, found {}",
                            what, n));
  }
  for (auto& m : mean) m /= static_cast<double>(n);
  std::vector<double> cov(D * D, 0.0);
  for (std::size_t b = 0; b < B; ++b) {
    if (!finite[b]) continue;
    for (std::size_t i = 0; i < D; ++i)
      for (std::size_t j = 0; j < D; ++j)
        cov[i * D + j] += (behaviour.values[b * D + i] - mean[i]) * (behaviour.values[b * D + j] - mean[j]);
  }
  double trace = 0.0;
  for (std::size_t i = 0; i < D; ++i) trace += cov[i * D + i];
  if (!(trace > 0.0)) throw Error(fmt::format("{}: expected a behaviour that varies, found a constant", what));
  std::vector<double> axis = leading_eigenvector(cov, D);
  std::size_t largest = 0;
  for (std::size_t k = 1; k < D; ++k)
    if (std::abs(axis[k]) > std::abs(axis[largest])) largest = k;
  if (axis[largest] < 0)
    for (auto& a : axis) a = -a;
  Behaviour out{1, std::vector<double>(B, kNaN), {"pc1"}};
  for (std::size_t b = 0; b < B; ++b) {
    if (!finite[b]) continue;
    double x = 0.0;
    for (std::size_t d = 0; d < D; ++d) x += (behaviour.values[b * D + d] - mean[d]) * axis[d];
    out.values[b] = x;
  }
  return out;
}

BinLabels label_behaviour_ranges(const Behaviour& behaviour, const std::string& ranges,
                                 const std::string& origin) {
  const std::string what = fmt::format("{}: labels from behaviour ranges '{}'", origin, ranges);
  if (behaviour.n_dims != 1) {
    throw Error(fmt::format("{}: expected a 1-D behaviour (reduce it with --behaviour-axis first-pc), "
                            "found {} dimensions",
                            what, behaviour.n_dims));
  }
  const auto resolved = resolve_percent_bounds(parse_labelled_ranges(ranges), behaviour.values, what);
  return discretise(behaviour.values, resolved);
}

Recording rebin(const Recording& recording, std::size_t factor, const std::string& origin) {
  const std::string what = fmt::format("{}: rebinning by {}", origin, factor);
  if (factor == 0) throw Error(fmt::format("{}: expected a factor >= 1", what));
  if (factor == 1) return recording;
  const std::size_t B = recording.n_bins() / factor;
  if (B == 0) {
    throw Error(fmt::format("{}: expected at least {} bins, found {}", what, factor, recording.n_bins()));
  }
  const Activity& a = recording.activity();
  Activity out{a.n_units, B, std::vector<double>(a.n_units * B, 0.0)};
  for (std::size_t u = 0; u < a.n_units; ++u)
    for (std::size_t b = 0; b < B * factor; ++b) out.values[u * B + b / factor] += a.at(u, b);
  Recording r(std::move(out), recording.bin_width_s() * static_cast<double>(factor), recording.unit_ids(),
              origin);
  r.set_start_time_s(recording.start_time_s());
  if (const auto& labels = recording.labels()) {
    BinLabels coarse{std::vector<int>(B, BinLabels::kUnlabelled), labels->names};
    for (std::size_t b = 0; b < B; ++b) {
      std::map<int, std::size_t> votes;
      for (std::size_t k = 0; k < factor; ++k) ++votes[labels->codes[b * factor + k]];
      int winner = BinLabels::kUnlabelled;
      std::size_t most = 0;
      bool tie = false;
      for (const auto& [code, count] : votes) {
        if (count > most) {
          winner = code, most = count, tie = false;
        } else if (count == most) {
          tie = true;
        }
      }
      coarse.codes[b] = tie ? BinLabels::kUnlabelled : winner;
    }
    r.set_labels(std::move(coarse));
  }
  if (const auto& behaviour = recording.behaviour()) {
    const std::size_t D = behaviour->n_dims;
    Behaviour coarse{D, std::vector<double>(B * D, kNaN), behaviour->names};
    for (std::size_t b = 0; b < B; ++b) {
      for (std::size_t d = 0; d < D; ++d) {
        double sum = 0.0;
        std::size_t n = 0;
        for (std::size_t k = 0; k < factor; ++k) {
          const double v = behaviour->values[(b * factor + k) * D + d];
          if (std::isfinite(v)) sum += v, ++n;
        }
        if (n > 0) coarse.values[b * D + d] = sum / static_cast<double>(n);
      }
    }
    r.set_behaviour(std::move(coarse));
  }
  if (const auto& groups = recording.groups()) r.set_groups(*groups);
  std::vector<BinRange> trials;
  for (std::size_t i = 0; i < recording.trials().size(); ++i) {
    const BinRange& t = recording.trials()[i];
    auto to_coarse = [&](std::size_t bin) {
      return std::min(B, static_cast<std::size_t>(std::llround(static_cast<double>(bin) / factor)));
    };
    const BinRange c{to_coarse(t.begin), to_coarse(t.end)};
    if (c.begin >= c.end) {
      throw Error(fmt::format("{}: trial {} (bins {}-{}) is shorter than one coarse bin", what, i,
                              t.begin, t.end));
    }
    trials.push_back(c);
  }
  if (!trials.empty()) r.set_trials(std::move(trials));
  return r;
}

}  // namespace tavrnn
