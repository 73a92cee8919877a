// The simulator's presets: each builds a SimulationSpec (simulation_model.h)
// and draws its random structure from the stream. Gains and rates are chosen
// so that, for units with >= 0.2-0.25 spikes per bin, the Pearson
// correlation of counts between two groups that share a drive is about
// 0.4-0.6 (mean over pairs) in 400-bin windows, and within +-0.05 where they
// do not (tests/simulate_test.cpp measures it; over seeds 1-20 the coupled
// means ranged 0.42-0.63 small, 0.39-0.49 hippocampus-like, 0.45-0.55
// dishbrain-like high, 0.28-0.34 for its weaker low motor drive).
// A within-group drive alone gives r of about 0.1 (0.6 within a group whose
// shared drive is on), so states are told apart by cross-group coupling.
//
// small (32 units, 6000 bins of 50 ms, 300 s):
//   groups A, B, C, D of 8 units (u00-u07 A, u08-u15 B, ...); 2 silent.
//   states state_a (A-B and C-D share a drive) and state_b (A-C and B-D),
//   alternating in segments of 400-1000 bins; labels = state, every bin.
//   Baselines log-normal, median 10 Hz, sigma 0.5. Within-group gain 0.6
//   (always on), shared gain 1.5.
//
// hippocampus-like (120 units, 36000 bins of 25 ms, 15 min):
//   An animal runs back and forth on a 1.6 m track: each run has a
//   half-cosine speed profile with a peak speed drawn from [0.3, 0.7] m/s,
//   and at each end it pauses 0.5-3 s within 5 cm of the end. Behaviour:
//   position_m (1 dim). States from position: start_end [0, 0.2),
//   far_end [1.4, 1.6], middle otherwise; labels start_end (0), far_end (1),
//   middle unlabelled (-1), like the rat reference.
//   Groups CA1_a (u000-u047), CA1_b (u048-u095), CA3 (u096-u119); 3 silent.
//   Rate = baseline (log-normal, median 3 Hz, sigma 0.5) + a Gaussian place
//   field scaled by 1 in the unit's preferred running direction and by a
//   factor in [0.3, 1] in the other (the last run's direction holds during
//   a pause). Field centres are stratified: a group of n units splits the
//   track into n equal slices and gives each unit one, in random order, so
//   every group has fields at both ends. Field sd 0.08-0.18 m, peak
//   log-normal, median 15 Hz, sigma 0.4. Shared drives: start_end
//   CA1_a+CA3, far_end CA1_b+CA3, middle none; gain 1.7 (25 ms bins hold
//   fewer spikes, so it takes more gain for the same correlation);
//   within-group gain 0.6.
//   Extra truth: place_fields {centre_m, width_m, peak_rate_hz,
//   preferred_direction (+1 towards 1.6 m, -1 towards 0),
//   non_preferred_factor} per unit, track_length_m, label_regions_m,
//   runs [{start_bin, end_bin, direction}] (the pauses lie between runs).
//
// All presets: latent time constant 0.15 s (AR coefficient 0.72 at 50 ms,
// 0.85 at 25 ms), rates clamped at 200 Hz (simulation_model.h).
//
// dishbrain-like (900 channels, 24000 bins of 50 ms, 20 min):
//   Groups Sens (ch0000-ch0499), R_down, R_up, L_down, L_up (100 each, in
//   that order); 18 silent channels (dead electrodes). States high and low
//   alternate in segments of 1-4 min (1200-4800 bins); labels = state.
//   high: Sens and all four motor regions share one drive (gain 1.5);
//   low: only the motor regions share a drive (gain 1.0), Sens is on its
//   own. Within-group gain 0.6. Baselines log-normal, median 6 Hz,
//   sigma 0.7.
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
#include <memory>

#include <fmt/format.h>

#include "simulation_model.h"

namespace tavrnn {

namespace {

int decimal_digits(std::size_t value) {
  int digits = 1;
  for (; value >= 10; value /= 10) ++digits;
  return digits;
}

// Units in consecutive blocks, one block per group.
// Ids are the prefix and the unit index padded to `digits` ("u007").
void assign_groups(SimulationSpec& spec, const std::vector<std::size_t>& sizes,
                   const std::string& id_prefix, int digits) {
  for (std::size_t g = 0; g < sizes.size(); ++g) {
    for (std::size_t i = 0; i < sizes[g]; ++i) {
      spec.unit_ids.push_back(fmt::format("{}{:0{}d}", id_prefix, spec.unit_groups.size(), digits));
      spec.unit_groups.push_back(static_cast<int>(g));
    }
  }
}

// `total` split in proportion to `sizes` (largest remainders, ties to the
// first): `sizes` itself when `total` is their sum.
std::vector<std::size_t> proportional_sizes(const std::vector<std::size_t>& sizes,
                                            std::size_t total) {
  std::size_t module = 0;
  for (std::size_t s : sizes) module += s;
  std::vector<std::size_t> out(sizes.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t given = 0;
  for (std::size_t g = 0; g < sizes.size(); ++g) {
    const double exact = static_cast<double>(sizes[g]) * static_cast<double>(total) /
                         static_cast<double>(module);
    out[g] = static_cast<std::size_t>(std::floor(exact));
    given += out[g];
    remainders.emplace_back(exact - std::floor(exact), g);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < total; ++i, ++given) ++out[remainders[i].second];
  return out;
}

// How the preset's layout was repeated (SimulationSize).
struct Tiling {
  std::size_t copies = 1;
  std::size_t module_groups = 0;
  std::size_t module_units = 0;
  std::size_t units = 0;
};

// The preset's groups (names, sizes) repeated to `requested` units (0 =
// the sizes as given), assigned to spec's units in consecutive blocks.
// With one copy the names are the module's; otherwise each gets the copy's
// index ("A_007").
Tiling tile_groups(SimulationSpec& spec, const std::vector<std::string>& names,
                   const std::vector<std::size_t>& sizes, std::size_t requested,
                   const std::string& id_prefix, int digits) {
  Tiling tiling;
  tiling.module_groups = sizes.size();
  for (std::size_t s : sizes) tiling.module_units += s;
  tiling.units = requested == 0 ? tiling.module_units : requested;
  tiling.copies = std::max<std::size_t>(
      1, (tiling.units + tiling.module_units / 2) / tiling.module_units);
  const std::size_t smallest = *std::min_element(sizes.begin(), sizes.end());
  const std::size_t minimum = (2 * tiling.module_units + smallest - 1) / smallest;
  std::vector<std::size_t> all_sizes;
  for (std::size_t c = 0; c < tiling.copies; ++c) {
    const std::size_t copy_units =
        tiling.units / tiling.copies + (c < tiling.units % tiling.copies ? 1 : 0);
    for (std::size_t s : proportional_sizes(sizes, copy_units)) {
      if (s < 2) {
        throw Error(fmt::format(
            "simulate: {} units leave a group of the preset '{}' with {} unit(s); its {} groups "
            "need at least 2 units each: ask for at least {} units",
            tiling.units, spec.preset, s, sizes.size(), minimum));
      }
      all_sizes.push_back(s);
    }
    for (const auto& name : names) {
      spec.group_names.push_back(
          tiling.copies == 1
              ? name
              : fmt::format("{}_{:0{}d}", name, c, decimal_digits(tiling.copies - 1)));
    }
  }
  assign_groups(spec, all_sizes, id_prefix, std::max(digits, decimal_digits(tiling.units - 1)));
  if (tiling.copies > 1) {
    spec.preset_truth["copies"] = tiling.copies;
    spec.preset_truth["module_units"] = tiling.module_units;
  }
  return tiling;
}

// The module's states with every shared drive repeated in each copy (its
// own latent per copy), copy after copy within each state.
std::vector<SimulatedState> tile_states(const std::vector<SimulatedState>& module,
                                        const Tiling& tiling) {
  std::vector<SimulatedState> states;
  for (const auto& state : module) {
    SimulatedState tiled{state.name, {}};
    for (std::size_t c = 0; c < tiling.copies; ++c) {
      for (const auto& drive : state.shared_drives) {
        SharedDrive copy{{}, drive.gain};
        for (int g : drive.groups)
          copy.groups.push_back(g + static_cast<int>(c * tiling.module_groups));
        tiled.shared_drives.push_back(std::move(copy));
      }
    }
    states.push_back(std::move(tiled));
  }
  return states;
}

// The preset's count of silent units, in proportion to the units.
std::size_t silent_count(std::size_t module_count, const Tiling& tiling) {
  return static_cast<std::size_t>(std::llround(static_cast<double>(module_count) *
                                                static_cast<double>(tiling.units) /
                                                static_cast<double>(tiling.module_units)));
}

// Bins for the requested duration (0: the preset's own count).
std::size_t bins_for(const SimulationSize& size, double bin_width_s, std::size_t preset_bins,
                     const std::string& preset) {
  if (size.duration_s == 0.0) return preset_bins;
  const auto bins = static_cast<std::size_t>(std::llround(size.duration_s / bin_width_s));
  if (bins < 1) {
    throw Error(fmt::format("simulate: duration {} s is under one {} s bin of the preset '{}'",
                            size.duration_s, bin_width_s, preset));
  }
  return bins;
}

// Every bin labelled with its state.
Categorical labels_from_states(const SimulationSpec& spec) {
  Categorical labels;
  labels.codes = spec.state_of_bin;
  for (const auto& state : spec.states) labels.names.push_back(state.name);
  return labels;
}

}  // namespace

SimulationSpec small_preset(std::uint64_t seed, const SimulationSize& size, RandomStream& stream) {
  SimulationSpec spec;
  spec.preset = "small";
  spec.seed = seed;
  spec.bin_width_s = 0.05;
  spec.n_bins = bins_for(size, spec.bin_width_s, 6000, spec.preset);
  const Tiling tiling = tile_groups(spec, {"A", "B", "C", "D"}, {8, 8, 8, 8}, size.units, "u", 2);
  spec.baseline_rate_hz = lognormal_baselines(spec.unit_groups.size(), 10.0, 0.5, stream);
  silence_units(spec.baseline_rate_hz, silent_count(2, tiling), stream);
  spec.within_group_gain.assign(spec.group_names.size(), 0.6);
  spec.states = tile_states({{"state_a", {{{0, 1}, 1.5}, {{2, 3}, 1.5}}},
                             {"state_b", {{{0, 2}, 1.5}, {{1, 3}, 1.5}}}},
                            tiling);
  spec.state_of_bin = alternating_states(spec.n_bins, 2, 400, 1000, stream);
  spec.labels = labels_from_states(spec);
  return spec;
}

SimulationSpec dishbrain_preset(std::uint64_t seed, const SimulationSize& size,
                                RandomStream& stream) {
  SimulationSpec spec;
  spec.preset = "dishbrain-like";
  spec.seed = seed;
  spec.bin_width_s = 0.05;
  spec.n_bins = bins_for(size, spec.bin_width_s, 24000, spec.preset);
  const Tiling tiling = tile_groups(spec, {"Sens", "R_down", "R_up", "L_down", "L_up"},
                                    {500, 100, 100, 100, 100}, size.units, "ch", 4);
  spec.baseline_rate_hz = lognormal_baselines(spec.unit_groups.size(), 6.0, 0.7, stream);
  silence_units(spec.baseline_rate_hz, silent_count(18, tiling), stream);
  spec.within_group_gain.assign(spec.group_names.size(), 0.6);
  spec.states = tile_states({{"high", {{{0, 1, 2, 3, 4}, 1.5}}}, {"low", {{{1, 2, 3, 4}, 1.0}}}},
                            tiling);
  spec.state_of_bin = alternating_states(spec.n_bins, 2, 1200, 4800, stream);
  spec.labels = labels_from_states(spec);
  return spec;
}

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTrackLength_m = 1.6;
constexpr double kStartEnd_m = 0.2;  // start_end: [0, 0.2)
constexpr double kFarEnd_m = 1.4;    // far_end: [1.4, 1.6]

struct Trajectory {
  std::vector<double> position_m;  // per bin
  std::vector<int> direction;      // per bin: +1 towards 1.6 m, -1 towards 0
  nlohmann::json runs = nlohmann::json::array();
};

// Back-and-forth runs with a half-cosine speed profile and pauses at the ends.
Trajectory back_and_forth(std::size_t n_bins, double bin_width_s, RandomStream& stream) {
  Trajectory path;
  path.position_m.reserve(n_bins);
  path.direction.reserve(n_bins);
  double x = stream.uniform(0.0, 0.05);
  int direction = -1;  // as if it had just arrived at the start end
  while (path.position_m.size() < n_bins) {
    const auto pause_bins =
        static_cast<std::size_t>(std::lround(stream.uniform(0.5, 3.0) / bin_width_s));
    for (std::size_t i = 0; i < pause_bins && path.position_m.size() < n_bins; ++i) {
      path.position_m.push_back(x);
      path.direction.push_back(direction);
    }
    direction = -direction;
    const double target =
        direction > 0 ? kTrackLength_m - stream.uniform(0.0, 0.05) : stream.uniform(0.0, 0.05);
    const double peak_speed = stream.uniform(0.3, 0.7);
    // A half-cosine covering distance d at peak speed v lasts pi d / (2 v).
    const double duration_s = kPi * std::fabs(target - x) / (2.0 * peak_speed);
    const auto run_bins =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(duration_s / bin_width_s)));
    const std::size_t start = path.position_m.size();
    const double from = x;
    for (std::size_t i = 0; i < run_bins && path.position_m.size() < n_bins; ++i) {
      const double phase = (static_cast<double>(i) + 0.5) / static_cast<double>(run_bins);
      path.position_m.push_back(from + (target - from) * 0.5 * (1.0 - std::cos(kPi * phase)));
      path.direction.push_back(direction);
    }
    if (path.position_m.size() > start) {
      path.runs.push_back(
          {{"start_bin", start}, {"end_bin", path.position_m.size()}, {"direction", direction}});
    }
    x = target;
  }
  return path;
}

struct PlaceFields {
  std::vector<double> centre_m, width_m, peak_rate_hz, non_preferred_factor;
  std::vector<int> preferred_direction;
};

}  // namespace

SimulationSpec hippocampus_preset(std::uint64_t seed, const SimulationSize& size,
                                  RandomStream& stream) {
  SimulationSpec spec;
  spec.preset = "hippocampus-like";
  spec.seed = seed;
  spec.bin_width_s = 0.025;
  spec.n_bins = bins_for(size, spec.bin_width_s, 36000, spec.preset);
  const Tiling tiling =
      tile_groups(spec, {"CA1_a", "CA1_b", "CA3"}, {48, 48, 24}, size.units, "u", 3);
  const std::size_t n_units = spec.unit_groups.size();
  spec.baseline_rate_hz = lognormal_baselines(n_units, 3.0, 0.5, stream);
  silence_units(spec.baseline_rate_hz, silent_count(3, tiling), stream);
  spec.within_group_gain.assign(spec.group_names.size(), 0.6);
  spec.states = tile_states(
      {{"start_end", {{{0, 2}, 1.7}}}, {"far_end", {{{1, 2}, 1.7}}}, {"middle", {}}}, tiling);

  auto path = std::make_shared<Trajectory>(back_and_forth(spec.n_bins, spec.bin_width_s, stream));
  auto fields = std::make_shared<PlaceFields>();
  fields->centre_m.resize(n_units);
  for (std::size_t g = 0; g < spec.group_names.size(); ++g) {
    std::vector<std::size_t> members;
    for (std::size_t u = 0; u < n_units; ++u) {
      if (spec.unit_groups[u] == static_cast<int>(g)) members.push_back(u);
    }
    std::vector<std::size_t> slices(members.size());
    for (std::size_t i = 0; i < slices.size(); ++i) slices[i] = i;
    stream.shuffle(slices.begin(), slices.end());
    const double slice_m = kTrackLength_m / static_cast<double>(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      fields->centre_m[members[i]] = (static_cast<double>(slices[i]) + stream.uniform()) * slice_m;
    }
  }
  for (std::size_t u = 0; u < n_units; ++u) {
    fields->width_m.push_back(stream.uniform(0.08, 0.18));
    fields->peak_rate_hz.push_back(15.0 * std::exp(0.4 * stream.normal()));
    fields->preferred_direction.push_back(stream.uniform() < 0.5 ? -1 : 1);
    fields->non_preferred_factor.push_back(stream.uniform(0.3, 1.0));
    if (spec.baseline_rate_hz[u] == 0.0) fields->peak_rate_hz.back() = 0.0;
  }

  spec.state_of_bin.resize(spec.n_bins);
  spec.labels.names = {"start_end", "far_end"};
  spec.labels.codes.resize(spec.n_bins);
  for (std::size_t b = 0; b < spec.n_bins; ++b) {
    const double x = path->position_m[b];
    const int state = x < kStartEnd_m ? 0 : (x >= kFarEnd_m ? 1 : 2);
    spec.state_of_bin[b] = state;
    spec.labels.codes[b] = state == 2 ? Categorical::kMissing : state;
  }
  spec.behaviour = Behaviour{1, path->position_m, {"position_m"}};

  const std::vector<double> baseline = spec.baseline_rate_hz;
  spec.tuned_rate_hz = [path, fields, baseline](std::size_t u, double* rate_hz) {
    const double centre = fields->centre_m[u];
    const double inv_two_var = 1.0 / (2.0 * fields->width_m[u] * fields->width_m[u]);
    for (std::size_t b = 0; b < path->position_m.size(); ++b) {
      const double d = path->position_m[b] - centre;
      const double scale = path->direction[b] == fields->preferred_direction[u]
                               ? 1.0
                               : fields->non_preferred_factor[u];
      rate_hz[b] = baseline[u] + fields->peak_rate_hz[u] * scale * std::exp(-d * d * inv_two_var);
    }
  };

  spec.preset_truth["track_length_m"] = kTrackLength_m;
  spec.preset_truth["label_regions_m"] = {{"start_end", {0.0, kStartEnd_m}},
                                          {"far_end", {kFarEnd_m, kTrackLength_m}}};
  spec.preset_truth["place_fields"] = {{"centre_m", fields->centre_m},
                                       {"width_m", fields->width_m},
                                       {"peak_rate_hz", fields->peak_rate_hz},
                                       {"preferred_direction", fields->preferred_direction},
                                       {"non_preferred_factor", fields->non_preferred_factor}};
  spec.preset_truth["runs"] = std::move(path->runs);
  return spec;
}

}  // namespace tavrnn
