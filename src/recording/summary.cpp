#include "tavrnn/recording/summary.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace tavrnn {

RecordingSummary summarise(const Recording& recording) {
  RecordingSummary s;
  const Activity& a = recording.activity();
  s.n_units = a.n_units();
  s.n_bins = a.n_bins();
  s.bin_width_s = recording.bin_width_s();
  s.duration_s = recording.duration_s();
  std::vector<double> rates_hz(a.n_units());
  for (std::size_t u = 0; u < a.n_units(); ++u) {
    double total = 0;
    for (std::size_t b = 0; b < a.n_bins(); ++b) {
      const double v = a.at(u, b);
      total += v;
      if (v != std::floor(v)) s.integer_counts = false;
    }
    s.total_count += total;
    rates_hz[u] = total / s.duration_s;
    if (total == 0) s.silent_units.push_back(recording.unit_ids()[u]);
  }
  std::vector<double> sorted = rates_hz;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  s.rates.min_hz = sorted.front();
  s.rates.max_hz = sorted.back();
  s.rates.median_hz = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  double sum = 0;
  for (double r : sorted) sum += r;
  s.rates.mean_hz = sum / static_cast<double>(n);
  if (const auto& labels = recording.labels()) {
    for (std::size_t c = 0; c < labels->names.size(); ++c) {
      s.labels.push_back({labels->names[c], labels->count(static_cast<int>(c))});
    }
    s.labels.push_back({"(unlabelled)", labels->count(Categorical::kMissing)});
  }
  if (const auto& groups = recording.groups()) {
    for (std::size_t c = 0; c < groups->names.size(); ++c) {
      s.groups.push_back({groups->names[c], groups->count(static_cast<int>(c))});
    }
    if (const std::size_t none = groups->count(Categorical::kMissing); none > 0) {
      s.groups.push_back({"(no group)", none});
    }
  }
  if (const auto& behaviour = recording.behaviour()) {
    s.behaviour_dims = behaviour->n_dims;
    s.behaviour_names = behaviour->names;
  }
  s.n_trials = recording.trials().size();
  return s;
}

nlohmann::json RecordingSummary::to_json() const {
  nlohmann::json j;
  j["n_units"] = n_units;
  j["n_bins"] = n_bins;
  j["bin_width_s"] = bin_width_s;
  j["duration_s"] = duration_s;
  j["total_count"] = total_count;
  j["integer_counts"] = integer_counts;
  j["rate_hz"] = {{"mean", rates.mean_hz}, {"median", rates.median_hz}, {"min", rates.min_hz},
                  {"max", rates.max_hz}};
  j["silent_units"] = silent_units;
  auto counts = [](const std::vector<Count>& v) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& c : v) o[c.name] = c.n;
    return o;
  };
  j["labels"] = counts(labels);
  j["groups"] = counts(groups);
  j["behaviour_dims"] = behaviour_dims;
  j["behaviour_names"] = behaviour_names;
  j["n_trials"] = n_trials;
  return j;
}

std::string RecordingSummary::to_text() const {
  std::string out;
  out += fmt::format("units        {}\n", n_units);
  out += fmt::format("bins         {} x {} s = {:.1f} s ({:.1f} min)\n", n_bins, bin_width_s,
                     duration_s, duration_s / 60.0);
  out += fmt::format("activity     {} ({} in total)\n",
                     integer_counts ? "counts" : "rates/real values", total_count);
  out += fmt::format("rate (Hz)    mean {:.3g}, median {:.3g}, min {:.3g}, max {:.3g}\n",
                     rates.mean_hz, rates.median_hz, rates.min_hz, rates.max_hz);
  std::string silent;
  for (std::size_t i = 0; i < silent_units.size() && i < 10; ++i) {
    silent += (i ? ", " : "") + silent_units[i];
  }
  if (silent_units.size() > 10) silent += ", ...";
  out += fmt::format("silent units {}{}\n", silent_units.size(),
                     silent_units.empty() ? "" : " (" + silent + ")");
  if (labels.empty()) {
    out += "labels       none\n";
  } else {
    out += "labels       bins per label:";
    for (const auto& c : labels) out += fmt::format(" {}={}", c.name, c.n);
    out += "\n";
  }
  if (groups.empty()) {
    out += "groups       none\n";
  } else {
    out += "groups       units per group:";
    for (const auto& c : groups) out += fmt::format(" {}={}", c.name, c.n);
    out += "\n";
  }
  if (behaviour_dims == 0) {
    out += "behaviour    none\n";
  } else {
    std::string names;
    for (std::size_t i = 0; i < behaviour_names.size(); ++i) names += (i ? ", " : "") + behaviour_names[i];
    out += fmt::format("behaviour    {} dims{}\n", behaviour_dims, names.empty() ? "" : " (" + names + ")");
  }
  if (n_trials > 0) out += fmt::format("trials       {} (`windows` trials)\n", n_trials);
  return out;
}

}  // namespace tavrnn
