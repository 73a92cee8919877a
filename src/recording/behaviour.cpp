#include "tavrnn/recording/behaviour.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include <torch/types.h>

#include "tavrnn/embedding/pca.h"
#include "tavrnn/recording/binning.h"
#include "tavrnn/util/error.h"

namespace tavrnn {

Behaviour first_principal_axis(const Behaviour& behaviour, const std::string& origin) {
  const std::size_t D = behaviour.n_dims;
  const std::size_t B = D == 0 ? 0 : behaviour.values.size() / D;
  const std::string what = fmt::format("{}: first principal axis of the behaviour", origin);
  std::vector<std::size_t> finite_bins;
  std::vector<double> rows;  // the finite bins' values, [n, D]
  for (std::size_t b = 0; b < B; ++b) {
    const auto row = behaviour.values.begin() + static_cast<std::ptrdiff_t>(b * D);
    const bool finite = std::all_of(row, row + static_cast<std::ptrdiff_t>(D),
                                    [](double v) { return std::isfinite(v); });
    if (!finite) continue;
    finite_bins.push_back(b);
    rows.insert(rows.end(), row, row + static_cast<std::ptrdiff_t>(D));
  }
  const auto n = static_cast<std::int64_t>(finite_bins.size());
  if (n < 2) {
    throw Error(fmt::format("{}: expected at least 2 bins where every dimension is finite, found {}",
                            what, n));
  }
  const torch::Tensor x =
      torch::from_blob(rows.data(), {n, static_cast<std::int64_t>(D)}, torch::kFloat64);
  const embedding::PcaResult pc = embedding::pca(x, 1);
  if (!(pc.explained_variance[0].item<double>() > 0.0)) {
    throw Error(fmt::format("{}: expected a behaviour that varies, found a constant", what));
  }
  // The coordinate runs the way of the dimension the axis mostly follows:
  // its largest |loading| is made positive (whatever PCA's own convention),
  // so "start:0%:15%" of `behaviour-labels` keeps naming the same end.
  const torch::Tensor axis = pc.components[0];
  const double sign = axis[axis.abs().argmax()].item<double>() < 0 ? -1.0 : 1.0;
  const torch::Tensor coordinate = (pc.scores.select(1, 0) * sign).contiguous();
  const double* value = coordinate.data_ptr<double>();
  Behaviour out{1, std::vector<double>(B, kMissingSample), {"pc1"}};
  for (std::size_t i = 0; i < finite_bins.size(); ++i) out.values[finite_bins[i]] = value[i];
  return out;
}

Categorical label_behaviour_ranges(const Behaviour& behaviour, const std::string& ranges,
                                   const std::string& origin) {
  const std::string what = fmt::format("{}: labels from behaviour ranges '{}'", origin, ranges);
  if (behaviour.n_dims != 1) {
    throw Error(fmt::format("{}: expected a 1-D behaviour (reduce it with `behaviour-axis` first-pc), "
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
  std::vector<double> sums(a.n_units() * B, 0.0);
  for (std::size_t u = 0; u < a.n_units(); ++u)
    for (std::size_t b = 0; b < B * factor; ++b) sums[u * B + b / factor] += a.at(u, b);
  Activity out(a.n_units(), B, std::move(sums));
  Recording r(std::move(out), recording.bin_width_s() * static_cast<double>(factor), recording.unit_ids(),
              origin);
  r.set_start_time_s(recording.start_time_s());
  if (const auto& labels = recording.labels()) {
    Categorical coarse{std::vector<int>(B, Categorical::kMissing), labels->names};
    for (std::size_t b = 0; b < B; ++b) {
      std::map<int, std::size_t> votes;
      for (std::size_t k = 0; k < factor; ++k) ++votes[labels->codes[b * factor + k]];
      int winner = Categorical::kMissing;
      std::size_t most = 0;
      bool tie = false;
      for (const auto& [code, count] : votes) {
        if (count > most) {
          winner = code, most = count, tie = false;
        } else if (count == most) {
          tie = true;
        }
      }
      coarse.codes[b] = tie ? Categorical::kMissing : winner;
    }
    r.set_labels(std::move(coarse));
  }
  if (const auto& behaviour = recording.behaviour()) {
    const std::size_t D = behaviour->n_dims;
    Behaviour coarse{D, std::vector<double>(B * D, kMissingSample), behaviour->names};
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
