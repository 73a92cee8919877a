#include "tavrnn/recording/recording.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn {

Recording::Recording(Activity activity, double bin_width_s, std::vector<std::string> unit_ids,
                     const std::string& origin)
    : activity_(std::move(activity)),
      bin_width_s_(bin_width_s),
      unit_ids_(std::move(unit_ids)),
      origin_(origin) {
  const std::size_t n = activity_.n_units();
  const std::size_t b = activity_.n_bins();
  if (n == 0 || b == 0) {
    throw Error(fmt::format("{}: activity: expected at least 1 unit and 1 bin, found {} x {}",
                            origin_, n, b));
  }
  if (!(bin_width_s_ > 0.0) || !std::isfinite(bin_width_s_)) {
    throw Error(fmt::format("{}: bin_width_s: expected a positive number of seconds, found {}",
                            origin_, bin_width_s_));
  }
  // Whole-count storage holds nothing negative or non-finite.
  for (std::size_t i = 0; activity_.storage() == Activity::Storage::Float64 && i < activity_.size(); ++i) {
    const double v = activity_.element(i);
    if (!std::isfinite(v) || v < 0.0) {
      const char* kind = std::isnan(v) ? "not a number" : std::isinf(v) ? "infinite" : "negative";
      throw Error(fmt::format(
          "{}: activity: expected finite counts or rates >= 0, found {} ({}) at unit {}, bin {}",
          origin_, v, kind, i / b, i % b));
    }
  }
  if (unit_ids_.empty()) {
    unit_ids_.reserve(n);
    for (std::size_t u = 0; u < n; ++u) unit_ids_.push_back(std::to_string(u));
  } else if (unit_ids_.size() != n) {
    throw Error(fmt::format("{}: unit_ids: expected {} ids (one per unit), found {}", origin_, n,
                            unit_ids_.size()));
  } else {
    std::unordered_set<std::string> seen;
    for (const auto& id : unit_ids_) {
      if (!seen.insert(id).second) {
        throw Error(fmt::format("{}: unit_ids: expected distinct ids, found '{}' twice", origin_, id));
      }
    }
  }
}

void Recording::set_labels(Categorical labels) {
  labels.check(n_bins(), fmt::format("{}: labels", origin_), "bin");
  labels_ = std::move(labels);
}

void Recording::set_behaviour(Behaviour behaviour) {
  if (behaviour.n_dims == 0 || behaviour.values.size() != n_bins() * behaviour.n_dims) {
    throw Error(fmt::format("{}: behaviour: expected {} bins x D values, found {} values for D = {}",
                            origin_, n_bins(), behaviour.values.size(), behaviour.n_dims));
  }
  if (!behaviour.names.empty() && behaviour.names.size() != behaviour.n_dims) {
    throw Error(fmt::format("{}: behaviour_names: expected {} names, found {}", origin_,
                            behaviour.n_dims, behaviour.names.size()));
  }
  behaviour_ = std::move(behaviour);
}

void Recording::set_groups(Categorical groups) {
  groups.check(n_units(), fmt::format("{}: groups", origin_), "unit");
  groups_ = std::move(groups);
}

void Recording::set_trials(std::vector<BinRange> trials) {
  for (std::size_t k = 0; k < trials.size(); ++k) {
    if (trials[k].begin >= trials[k].end || trials[k].end > n_bins()) {
      throw Error(fmt::format("{}: trial {}: expected bins [begin, end) with begin < end <= {}, "
                              "found [{}, {})",
                              origin_, k, n_bins(), trials[k].begin, trials[k].end));
    }
  }
  trials_ = std::move(trials);
}

}  // namespace tavrnn
