// The simulator's engine: latent drives -> rates -> Poisson spikes, and the
// ground truth that says what was planted. The model is written out in
// simulation_model.h; the presets live in simulate_presets.cpp.
//
// Determinism: one RandomStream (std::mt19937_64 seeded with `seed`, own
// samplers) is consumed in a fixed order: the preset's structure
// (baselines, silent units, segments or trajectory, place fields), then the
// latents (within-group drives in group order, then each state's shared
// drives in order, each over all bins), then the spikes (unit by unit, bin
// by bin; silent units draw nothing). Same preset and seed give bitwise the
// same recording on one libm (see random_stream.h for what may differ).
//
// ground_truth fields (JSON):
//   preset, seed, bin_width_s, n_units, n_bins, duration_s
//   model: {log_rate (the formula), latent: {kind "AR(1)", time_constant_s,
//           ar_coefficient, stationary_variance 1}, max_rate_hz,
//           mean_corrected true (expected rate = rate_hz in every state,
//           before the clamp at max_rate_hz)}
//   groups: {names [G], unit_group [N] (codes), members {name: [unit indices]}}
//   within_group_gain: {group name: gain}   always-on drive private to a group
//   states: [{name, code, n_bins,
//             shared_drives: [{groups [names], gain}],   a latent per entry
//             coupled_group_pairs: [[name, name], ...]}] pairs sharing a drive
//   segments: [{start_bin, end_bin (exclusive), state (name)}], runs in time
//   labels: {names [...], n_unlabelled_bins}   Recording::labels: the state
//           of each bin (small, dishbrain-like), or the end zones with the
//           middle of the track unlabelled (hippocampus-like)
//   silent_units: [unit indices]      rows that are all zero
//   baseline_rate_hz: [N]             0 for silent units
//   plus the preset's own fields (see simulate_presets.cpp), e.g.
//   place_fields for hippocampus-like.
// Bitwise-identical results across builds: a * b + c must not be fused into
// one FMA, which GCC and clang do by default wherever the target has FMA
// (aarch64, x86-64 with -march=native).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "simulation_model.h"
#include "tavrnn/util/error.h"
#include "tavrnn/simulate/simulate.h"

namespace tavrnn {

std::vector<std::string> simulation_presets() {
  return {"small", "hippocampus-like", "dishbrain-like"};
}

SimulatedRecording simulate(const std::string& preset, std::uint64_t seed,
                            const SimulationSize& size) {
  if (!(size.duration_s >= 0.0) || !std::isfinite(size.duration_s)) {
    throw Error(fmt::format("simulate: duration must be a finite number of seconds >= 0 (0 = the "
                            "preset's own), found {}",
                            size.duration_s));
  }
  RandomStream stream(seed);
  if (preset == "small") return run_simulation(small_preset(seed, size, stream), stream);
  if (preset == "hippocampus-like")
    return run_simulation(hippocampus_preset(seed, size, stream), stream);
  if (preset == "dishbrain-like")
    return run_simulation(dishbrain_preset(seed, size, stream), stream);
  std::string known;
  for (const auto& name : simulation_presets()) known += (known.empty() ? "" : ", ") + name;
  throw Error(fmt::format("simulate: unknown preset '{}' (known: {})", preset, known));
}

std::vector<StateSegment> state_segments(const std::vector<int>& state_of_bin) {
  std::vector<StateSegment> segments;
  for (std::size_t b = 0; b < state_of_bin.size(); ++b) {
    if (segments.empty() || segments.back().state != state_of_bin[b]) {
      segments.push_back({b, b + 1, state_of_bin[b]});
    } else {
      segments.back().end_bin = b + 1;
    }
  }
  return segments;
}

std::vector<double> lognormal_baselines(std::size_t n, double median_hz, double sigma_log,
                                        RandomStream& stream) {
  std::vector<double> rates(n);
  for (auto& r : rates) r = median_hz * std::exp(sigma_log * stream.normal());
  return rates;
}

std::vector<std::size_t> silence_units(std::vector<double>& baseline_rate_hz, std::size_t count,
                                       RandomStream& stream) {
  std::vector<std::size_t> order(baseline_rate_hz.size());
  for (std::size_t u = 0; u < order.size(); ++u) order[u] = u;
  stream.shuffle(order.begin(), order.end());
  order.resize(std::min(count, order.size()));
  std::sort(order.begin(), order.end());
  for (std::size_t u : order) baseline_rate_hz[u] = 0.0;
  return order;
}

std::vector<int> alternating_states(std::size_t n_bins, int n_states, std::size_t min_bins,
                                    std::size_t max_bins, RandomStream& stream) {
  std::vector<int> states;
  states.reserve(n_bins);
  int state = static_cast<int>(stream.uniform_int(static_cast<std::uint64_t>(n_states)));
  while (states.size() < n_bins) {
    const std::size_t length = min_bins + stream.uniform_int(max_bins - min_bins + 1);
    const std::size_t end = std::min(n_bins, states.size() + length);
    states.resize(end, state);
    // Next state: any other one (with two states, the other one).
    const auto shift = 1 + stream.uniform_int(static_cast<std::uint64_t>(n_states - 1));
    state = static_cast<int>((static_cast<std::uint64_t>(state) + shift) %
                             static_cast<std::uint64_t>(n_states));
  }
  return states;
}

namespace {

// An AR(1) path with unit stationary variance, started in stationarity.
void draw_latent(double ar, RandomStream& stream, std::vector<double>& z) {
  const double innovation_sd = std::sqrt(1.0 - ar * ar);
  z[0] = stream.normal();
  for (std::size_t b = 1; b < z.size(); ++b) z[b] = ar * z[b - 1] + innovation_sd * stream.normal();
}

// exp(total drive of each group), groups x bins, mean-corrected per state.
std::vector<double> group_drive_factors(const SimulationSpec& spec, double ar,
                                        RandomStream& stream) {
  const std::size_t n_groups = spec.group_names.size();
  const std::size_t n_bins = spec.n_bins;
  std::vector<double> drive(n_groups * n_bins, 0.0);
  // Sum of squared gains per (state, group), for the log-normal correction.
  std::vector<double> variance(spec.states.size() * n_groups, 0.0);
  std::vector<double> z(n_bins);
  for (std::size_t g = 0; g < n_groups; ++g) {
    const double gain = spec.within_group_gain[g];
    if (gain == 0.0) continue;
    draw_latent(ar, stream, z);
    for (std::size_t b = 0; b < n_bins; ++b) drive[g * n_bins + b] += gain * z[b];
    for (std::size_t s = 0; s < spec.states.size(); ++s) variance[s * n_groups + g] += gain * gain;
  }
  for (std::size_t s = 0; s < spec.states.size(); ++s) {
    for (const auto& shared : spec.states[s].shared_drives) {
      draw_latent(ar, stream, z);
      for (int g : shared.groups) {
        variance[s * n_groups + static_cast<std::size_t>(g)] += shared.gain * shared.gain;
        double* row = &drive[static_cast<std::size_t>(g) * n_bins];
        for (std::size_t b = 0; b < n_bins; ++b) {
          if (spec.state_of_bin[b] == static_cast<int>(s)) row[b] += shared.gain * z[b];
        }
      }
    }
  }
  for (std::size_t g = 0; g < n_groups; ++g) {
    for (std::size_t b = 0; b < n_bins; ++b) {
      const auto s = static_cast<std::size_t>(spec.state_of_bin[b]);
      double& d = drive[g * n_bins + b];
      d = std::exp(d - 0.5 * variance[s * n_groups + g]);
    }
  }
  return drive;
}

nlohmann::json ground_truth(const SimulationSpec& spec, double ar,
                            const std::vector<std::size_t>& silent) {
  using nlohmann::json;
  const std::size_t n_units = spec.unit_groups.size();
  json truth;
  truth["preset"] = spec.preset;
  truth["seed"] = spec.seed;
  truth["bin_width_s"] = spec.bin_width_s;
  truth["n_units"] = n_units;
  truth["n_bins"] = spec.n_bins;
  truth["duration_s"] = spec.bin_width_s * static_cast<double>(spec.n_bins);
  truth["model"] = {
      {"log_rate",
       "log(rate_hz_u(b) * bin_width_s) + within_group_gain[g] * z_g(b) + sum over the current "
       "state's shared drives d containing g of gain_d * z_d(b) - 0.5 * sum of squared gains; "
       "spikes ~ Poisson(min(exp(log_rate), max_rate_hz * bin_width_s))"},
      {"latent",
       {{"kind", "AR(1)"},
        {"time_constant_s", spec.latent_time_constant_s},
        {"ar_coefficient", ar},
        {"stationary_variance", 1.0}}},
      {"max_rate_hz", spec.max_rate_hz},
      {"mean_corrected", true}};
  json members = json::object();
  for (std::size_t g = 0; g < spec.group_names.size(); ++g) {
    json list = json::array();
    for (std::size_t u = 0; u < n_units; ++u) {
      if (spec.unit_groups[u] == static_cast<int>(g)) list.push_back(u);
    }
    members[spec.group_names[g]] = list;
  }
  truth["groups"] = {
      {"names", spec.group_names}, {"unit_group", spec.unit_groups}, {"members", members}};
  json within = json::object();
  for (std::size_t g = 0; g < spec.group_names.size(); ++g) {
    within[spec.group_names[g]] = spec.within_group_gain[g];
  }
  truth["within_group_gain"] = within;
  json states = json::array();
  for (std::size_t s = 0; s < spec.states.size(); ++s) {
    json drives = json::array();
    json pairs = json::array();
    for (const auto& shared : spec.states[s].shared_drives) {
      json names = json::array();
      for (int g : shared.groups) names.push_back(spec.group_names[static_cast<std::size_t>(g)]);
      drives.push_back({{"groups", names}, {"gain", shared.gain}});
      for (std::size_t i = 0; i < shared.groups.size(); ++i) {
        for (std::size_t j = i + 1; j < shared.groups.size(); ++j)
          pairs.push_back({names[i], names[j]});
      }
    }
    const auto n_state_bins =
        std::count(spec.state_of_bin.begin(), spec.state_of_bin.end(), static_cast<int>(s));
    states.push_back({{"name", spec.states[s].name},
                      {"code", s},
                      {"n_bins", n_state_bins},
                      {"shared_drives", drives},
                      {"coupled_group_pairs", pairs}});
  }
  truth["states"] = states;
  json segments = json::array();
  for (const auto& seg : state_segments(spec.state_of_bin)) {
    segments.push_back({{"start_bin", seg.start_bin},
                        {"end_bin", seg.end_bin},
                        {"state", spec.states[static_cast<std::size_t>(seg.state)].name}});
  }
  truth["segments"] = segments;
  truth["labels"] = {
      {"names", spec.labels.names},
      {"n_unlabelled_bins",
       std::count(spec.labels.codes.begin(), spec.labels.codes.end(), Categorical::kMissing)}};
  truth["silent_units"] = silent;
  truth["baseline_rate_hz"] = spec.baseline_rate_hz;
  for (const auto& item : spec.preset_truth.items()) truth[item.key()] = item.value();
  return truth;
}

}  // namespace

SimulatedRecording run_simulation(SimulationSpec spec, RandomStream& stream) {
  const std::size_t n_units = spec.unit_groups.size();
  const std::size_t n_bins = spec.n_bins;
  const double ar = std::exp(-spec.bin_width_s / spec.latent_time_constant_s);
  const std::vector<double> drive = group_drive_factors(spec, ar, stream);

  Activity activity = Activity::zeros(n_units, n_bins);
  std::vector<double> rate_hz(n_bins);
  std::vector<std::size_t> silent;
  const double max_count_rate = spec.max_rate_hz * spec.bin_width_s;
  for (std::size_t u = 0; u < n_units; ++u) {
    if (spec.baseline_rate_hz[u] == 0.0) {
      silent.push_back(u);
      continue;
    }
    if (spec.tuned_rate_hz) {
      spec.tuned_rate_hz(u, rate_hz.data());
    } else {
      std::fill(rate_hz.begin(), rate_hz.end(), spec.baseline_rate_hz[u]);
    }
    const double* factor = &drive[static_cast<std::size_t>(spec.unit_groups[u]) * n_bins];
    for (std::size_t b = 0; b < n_bins; ++b) {
      const double lambda = std::min(rate_hz[b] * spec.bin_width_s * factor[b], max_count_rate);
      const auto count = stream.poisson(lambda);
      if (count > 0) activity.add_count(u, b, static_cast<std::uint32_t>(count));
    }
  }

  nlohmann::json truth = ground_truth(spec, ar, silent);
  Recording recording(std::move(activity), spec.bin_width_s, spec.unit_ids,
                      fmt::format("simulate {}", spec.preset));
  recording.set_groups(Categorical{spec.unit_groups, spec.group_names});
  recording.set_labels(std::move(spec.labels));
  if (spec.behaviour) recording.set_behaviour(std::move(*spec.behaviour));
  return SimulatedRecording{std::move(recording), std::move(truth)};
}

}  // namespace tavrnn
