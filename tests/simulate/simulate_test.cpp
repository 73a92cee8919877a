#include "tavrnn/simulate/simulate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "../error_message.h"
#include "tavrnn/util/error.h"

namespace tavrnn {
namespace {

// Each preset simulated once per test binary (dishbrain-like takes seconds).
const SimulatedRecording& simulated(const std::string& preset) {
  static std::map<std::string, SimulatedRecording> cache;
  auto it = cache.find(preset);
  if (it == cache.end()) it = cache.emplace(preset, simulate(preset, 7)).first;
  return it->second;
}

// ---- simulate: determinism, presets, errors ---------------------------------

TEST(Simulate, SameSeedGivesBitwiseIdenticalRecordingAndTruth) {
  for (const std::string preset : {"small", "hippocampus-like"}) {
    const SimulatedRecording a = simulate(preset, 11);
    const SimulatedRecording b = simulate(preset, 11);
    ASSERT_EQ(a.recording.activity().to_doubles().size(), b.recording.activity().to_doubles().size());
    EXPECT_TRUE(a.recording.activity().to_doubles() == b.recording.activity().to_doubles()) << preset;
    EXPECT_EQ(a.ground_truth.dump(), b.ground_truth.dump()) << preset;
    EXPECT_EQ(a.recording.labels()->codes, b.recording.labels()->codes) << preset;
  }
}

TEST(Simulate, DifferentSeedGivesDifferentSpikesAndSegments) {
  const SimulatedRecording a = simulate("small", 1);
  const SimulatedRecording b = simulate("small", 2);
  EXPECT_FALSE(a.recording.activity().to_doubles() == b.recording.activity().to_doubles());
  EXPECT_NE(a.ground_truth["segments"].dump(), b.ground_truth["segments"].dump());
}

TEST(Simulate, UnknownPresetThrowsNamingTheKnownOnes) {
  try {
    simulate("x", 1);
    FAIL() << "expected tavrnn::Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "simulate: unknown preset 'x' (known: small, hippocampus-like, dishbrain-like)");
  }
  EXPECT_EQ(simulation_presets(),
            (std::vector<std::string>{"small", "hippocampus-like", "dishbrain-like"}));
}

TEST(Simulate, SmallRunsInWellUnderASecond) {
  const auto start = std::chrono::steady_clock::now();
  const SimulatedRecording sim = simulate("small", 3);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 0.5) << "small took " << seconds << " s";
  EXPECT_GT(sim.recording.n_units(), 0u);
}

void expect_groups(const Recording& rec, const std::vector<std::string>& names,
                   const std::vector<std::size_t>& sizes) {
  ASSERT_TRUE(rec.groups().has_value());
  EXPECT_EQ(rec.groups()->names, names);
  for (std::size_t g = 0; g < names.size(); ++g) {
    EXPECT_EQ(rec.groups()->count(static_cast<int>(g)), sizes[g]) << names[g];
  }
}

TEST(Simulate, SmallHasFourGroupsTwoStatesAndEveryBinLabelled) {
  const Recording& rec = simulated("small").recording;
  EXPECT_EQ(rec.n_units(), 32u);
  EXPECT_EQ(rec.n_bins(), 6000u);
  EXPECT_DOUBLE_EQ(rec.bin_width_s(), 0.05);
  EXPECT_EQ(rec.unit_ids().front(), "u00");
  expect_groups(rec, {"A", "B", "C", "D"}, {8, 8, 8, 8});
  ASSERT_TRUE(rec.labels().has_value());
  EXPECT_EQ(rec.labels()->names, (std::vector<std::string>{"state_a", "state_b"}));
  EXPECT_EQ(rec.labels()->count(Categorical::kMissing), 0u);
  EXPECT_GT(rec.labels()->count(0), 1000u);
  EXPECT_GT(rec.labels()->count(1), 1000u);
  EXPECT_FALSE(rec.behaviour().has_value());
}

TEST(Simulate, HippocampusLikeHasPositionBehaviourAndEndLabels) {
  const SimulatedRecording& sim = simulated("hippocampus-like");
  const Recording& rec = sim.recording;
  EXPECT_EQ(rec.n_units(), 120u);
  EXPECT_EQ(rec.n_bins(), 36000u);
  EXPECT_DOUBLE_EQ(rec.bin_width_s(), 0.025);
  EXPECT_EQ(rec.unit_ids().back(), "u119");
  expect_groups(rec, {"CA1_a", "CA1_b", "CA3"}, {48, 48, 24});
  ASSERT_TRUE(rec.behaviour().has_value());
  EXPECT_EQ(rec.behaviour()->n_dims, 1u);
  EXPECT_EQ(rec.behaviour()->names, (std::vector<std::string>{"position_m"}));
  ASSERT_TRUE(rec.labels().has_value());
  EXPECT_EQ(rec.labels()->names, (std::vector<std::string>{"start_end", "far_end"}));
  int crossings = 0;  // runs from one end to the other
  int last_end = -1;
  for (std::size_t b = 0; b < rec.n_bins(); ++b) {
    const double x = rec.behaviour()->values[b];
    ASSERT_GE(x, 0.0);
    ASSERT_LE(x, 1.6);
    const int expected = x < 0.2 ? 0 : (x >= 1.4 ? 1 : Categorical::kMissing);
    ASSERT_EQ(rec.labels()->codes[b], expected) << "bin " << b << ", x " << x;
    if (expected != Categorical::kMissing && expected != last_end) {
      if (last_end != -1) ++crossings;
      last_end = expected;
    }
  }
  EXPECT_GT(crossings, 80) << "an animal running laps for 15 min";
  EXPECT_GT(rec.labels()->count(Categorical::kMissing), 5000u);
  EXPECT_EQ(sim.ground_truth["place_fields"]["centre_m"].size(), 120u);
}

TEST(Simulate, DishbrainLikeHasFiveSubregionsAndHighLowEpochs) {
  const SimulatedRecording& sim = simulated("dishbrain-like");
  const Recording& rec = sim.recording;
  EXPECT_EQ(rec.n_units(), 900u);
  EXPECT_EQ(rec.n_bins(), 24000u);
  EXPECT_DOUBLE_EQ(rec.bin_width_s(), 0.05);
  EXPECT_EQ(rec.unit_ids().front(), "ch0000");
  expect_groups(rec, {"Sens", "R_down", "R_up", "L_down", "L_up"}, {500, 100, 100, 100, 100});
  ASSERT_TRUE(rec.labels().has_value());
  EXPECT_EQ(rec.labels()->names, (std::vector<std::string>{"high", "low"}));
  EXPECT_EQ(rec.labels()->count(Categorical::kMissing), 0u);
  for (const auto& seg : sim.ground_truth["segments"]) {
    const std::size_t length =
        seg["end_bin"].get<std::size_t>() - seg["start_bin"].get<std::size_t>();
    EXPECT_LE(length, 4800u);
    if (seg["end_bin"].get<std::size_t>() != rec.n_bins()) {
      EXPECT_GE(length, 1200u);
    }
  }
}

TEST(Simulate, SegmentsTileTheRecordingAndAgreeWithTheLabels) {
  for (const std::string preset : {"small", "dishbrain-like"}) {
    const SimulatedRecording& sim = simulated(preset);
    const auto& codes = sim.recording.labels()->codes;
    const auto& names = sim.recording.labels()->names;
    std::size_t next = 0;
    for (const auto& seg : sim.ground_truth["segments"]) {
      ASSERT_EQ(seg["start_bin"].get<std::size_t>(), next) << preset;
      next = seg["end_bin"].get<std::size_t>();
      const std::string state = seg["state"];
      for (std::size_t b = seg["start_bin"]; b < next; ++b) ASSERT_EQ(names[codes[b]], state);
    }
    EXPECT_EQ(next, sim.recording.n_bins()) << preset;
  }
}

TEST(Simulate, SilentUnitsAreAllZeroAndListedAndNoOtherUnitIs) {
  for (const std::string& preset : simulation_presets()) {
    const SimulatedRecording& sim = simulated(preset);
    const Activity& y = sim.recording.activity();
    std::set<std::size_t> listed;
    for (const auto& u : sim.ground_truth["silent_units"]) listed.insert(u.get<std::size_t>());
    EXPECT_GE(listed.size(), 2u) << preset;
    for (std::size_t u = 0; u < y.n_units(); ++u) {
      double total = 0.0;
      for (std::size_t b = 0; b < y.n_bins(); ++b) total += y.at(u, b);
      if (listed.count(u)) {
        EXPECT_EQ(total, 0.0) << preset << " unit " << u;
        EXPECT_EQ(sim.ground_truth["baseline_rate_hz"][u].get<double>(), 0.0);
      } else {
        EXPECT_GT(total, 0.0) << preset << " unit " << u << " is silent but not listed";
      }
    }
  }
}

TEST(Simulate, GroundTruthDescribesGroupsStatesAndUnitsOfEveryPreset) {
  for (const std::string& preset : simulation_presets()) {
    const SimulatedRecording& sim = simulated(preset);
    const auto& truth = sim.ground_truth;
    const Recording& rec = sim.recording;
    EXPECT_EQ(truth["preset"], preset);
    EXPECT_EQ(truth["seed"].get<std::uint64_t>(), 7u);
    EXPECT_EQ(truth["n_units"].get<std::size_t>(), rec.n_units());
    EXPECT_EQ(truth["n_bins"].get<std::size_t>(), rec.n_bins());
    EXPECT_DOUBLE_EQ(truth["bin_width_s"].get<double>(), rec.bin_width_s());
    EXPECT_EQ(truth["groups"]["names"].get<std::vector<std::string>>(), rec.groups()->names);
    EXPECT_EQ(truth["groups"]["unit_group"].get<std::vector<int>>(), rec.groups()->codes);
    std::size_t members = 0;
    for (const auto& item : truth["groups"]["members"].items()) members += item.value().size();
    EXPECT_EQ(members, rec.n_units()) << preset;
    EXPECT_EQ(truth["baseline_rate_hz"].size(), rec.n_units()) << preset;
    EXPECT_EQ(truth["within_group_gain"].size(), rec.groups()->names.size()) << preset;
    std::size_t state_bins = 0;
    for (const auto& st : truth["states"]) {
      state_bins += st["n_bins"].get<std::size_t>();
      for (const auto& drive : st["shared_drives"]) EXPECT_GT(drive["gain"].get<double>(), 0.0);
    }
    EXPECT_EQ(state_bins, rec.n_bins()) << preset;
    EXPECT_GT(truth["model"]["latent"]["ar_coefficient"].get<double>(), 0.0);
  }
}

// E[min(X, cap)] for X log-normal with mean m and log-sd sigma (closed form).
double clamped_lognormal_mean(double m, double sigma, double cap) {
  if (sigma == 0.0) return std::min(m, cap);
  const double mu = std::log(m) - 0.5 * sigma * sigma;
  const auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  return m * phi((std::log(cap) - mu - sigma * sigma) / sigma) +
         cap * (1.0 - phi((std::log(cap) - mu) / sigma));
}

// Expected spike count of each unit under the model written in the ground
// truth: baseline * exp(sigma Z - sigma^2 / 2), sigma^2 the summed squared
// gains of the unit's group in the bin's state, clamped at max_rate_hz.
TEST(Simulate, SpikeCountsMatchTheMeanCorrectedClampedRateOfTheGroundTruth) {
  for (const std::string preset : {"small", "dishbrain-like"}) {
    const SimulatedRecording& sim = simulated(preset);
    const auto& truth = sim.ground_truth;
    const Activity& y = sim.recording.activity();
    const auto& names = sim.recording.groups()->names;
    const double dt = sim.recording.bin_width_s();
    const double cap = truth["model"]["max_rate_hz"].get<double>() * dt;
    double observed = 0.0, expected = 0.0, uncorrected = 0.0;
    for (const auto& st : truth["states"]) {
      const auto bins = st["n_bins"].get<double>();
      for (std::size_t g = 0; g < names.size(); ++g) {
        double variance = std::pow(truth["within_group_gain"][names[g]].get<double>(), 2);
        for (const auto& drive : st["shared_drives"]) {
          const auto groups = drive["groups"].get<std::vector<std::string>>();
          if (std::count(groups.begin(), groups.end(), names[g]))
            variance += std::pow(drive["gain"].get<double>(), 2);
        }
        for (std::size_t u = 0; u < y.n_units(); ++u) {
          if (sim.recording.groups()->codes[u] != static_cast<int>(g)) continue;
          const double m = truth["baseline_rate_hz"][u].get<double>() * dt;
          if (m == 0.0) continue;
          expected += bins * clamped_lognormal_mean(m, std::sqrt(variance), cap);
          uncorrected +=
              bins * clamped_lognormal_mean(m * std::exp(0.5 * variance), std::sqrt(variance), cap);
        }
      }
    }
    for (double v : y.to_doubles()) observed += v;
    // Tolerance: the group latents are few, heavy-tailed and autocorrelated.
    EXPECT_NEAR(observed / expected, 1.0, 0.1)
        << preset << ": observed " << observed << " spikes, expected " << expected
        << " (without the mean correction " << uncorrected << ")";
    EXPECT_GT(uncorrected / expected, 1.5) << preset;
  }
}

// ---- the planted coupling, measured with plain Pearson correlations -------

double pearson(const Activity& y, std::size_t u, std::size_t v,
               const std::vector<std::size_t>& bins) {
  double mu = 0.0, mv = 0.0;
  for (std::size_t b : bins) {
    mu += y.at(u, b);
    mv += y.at(v, b);
  }
  mu /= static_cast<double>(bins.size());
  mv /= static_cast<double>(bins.size());
  double suv = 0.0, suu = 0.0, svv = 0.0;
  for (std::size_t b : bins) {
    const double du = y.at(u, b) - mu, dv = y.at(v, b) - mv;
    suv += du * dv;
    suu += du * du;
    svv += dv * dv;
  }
  return (suu > 0.0 && svv > 0.0) ? suv / std::sqrt(suu * svv) : 0.0;
}

// Windows of `size` bins of one state: chunks of each run of the state in
// time, or (concatenate, like the rat reference) of all its bins in order.
std::vector<std::vector<std::size_t>> state_windows(const std::vector<int>& state_of_bin, int state,
                                                    std::size_t size, bool concatenate) {
  std::vector<std::vector<std::size_t>> windows;
  std::vector<std::size_t> current;
  for (std::size_t b = 0; b <= state_of_bin.size(); ++b) {
    const bool in_state = b < state_of_bin.size() && state_of_bin[b] == state;
    if (in_state) current.push_back(b);
    if (current.size() == size) {
      windows.push_back(current);
      current.clear();
    }
    if (!in_state && !concatenate) current.clear();
  }
  return windows;
}

// Per state, the mean over windows and over pairs of active units (mean
// count >= min_count per bin in the state, at most max_units per group) of
// the correlation between two groups, keyed "A-B" (or "A-A" within).
std::map<std::string, double> group_correlations(const SimulatedRecording& sim, int state,
                                                 std::size_t window_bins, bool concatenate,
                                                 double min_count, std::size_t max_units) {
  const Activity& y = sim.recording.activity();
  const Categorical& groups = *sim.recording.groups();
  std::vector<int> state_of_bin(y.n_bins());
  for (const auto& seg : sim.ground_truth["segments"]) {
    int code = 0;
    for (const auto& st : sim.ground_truth["states"]) {
      if (st["name"] == seg["state"]) code = st["code"];
    }
    for (std::size_t b = seg["start_bin"]; b < seg["end_bin"].get<std::size_t>(); ++b)
      state_of_bin[b] = code;
  }
  const auto windows = state_windows(state_of_bin, state, window_bins, concatenate);
  EXPECT_GE(windows.size(), 3u) << "state " << state;
  std::vector<std::vector<std::size_t>> active(groups.names.size());
  for (std::size_t u = 0; u < y.n_units(); ++u) {
    double total = 0.0;
    for (const auto& w : windows) {
      for (std::size_t b : w) total += y.at(u, b);
    }
    auto& list = active[static_cast<std::size_t>(groups.codes[u])];
    if (total >= min_count * static_cast<double>(windows.size() * window_bins) &&
        list.size() < max_units) {
      list.push_back(u);
    }
  }
  std::map<std::string, double> result;
  for (std::size_t g1 = 0; g1 < groups.names.size(); ++g1) {
    for (std::size_t g2 = g1; g2 < groups.names.size(); ++g2) {
      double sum = 0.0;
      std::size_t n = 0;
      for (const auto& w : windows) {
        for (std::size_t u : active[g1]) {
          for (std::size_t v : active[g2]) {
            if (g1 == g2 && v <= u) continue;
            sum += pearson(y, u, v, w);
            ++n;
          }
        }
      }
      result[groups.names[g1] + "-" + groups.names[g2]] = n ? sum / static_cast<double>(n) : NAN;
    }
  }
  return result;
}

// Every state of the ground truth: group pairs listed in its
// coupled_group_pairs correlate above coupled_min, every other pair of
// distinct groups stays within +-uncoupled_max.
void expect_planted_coupling(const SimulatedRecording& sim, const std::string& preset,
                             std::size_t window_bins, bool concatenate, double min_count,
                             std::size_t max_units, double coupled_min, double uncoupled_max) {
  const auto& names = sim.recording.groups()->names;
  for (const auto& st : sim.ground_truth["states"]) {
    const std::string state = st["name"];
    const auto r =
        group_correlations(sim, st["code"], window_bins, concatenate, min_count, max_units);
    std::set<std::string> coupled;
    for (const auto& pair : st["coupled_group_pairs"]) {
      coupled.insert(pair[0].get<std::string>() + "-" + pair[1].get<std::string>());
      coupled.insert(pair[1].get<std::string>() + "-" + pair[0].get<std::string>());
    }
    std::string all;
    for (const auto& [pair, value] : r) all += fmt::format(" {}={:.3f}", pair, value);
    fmt::print("[ measured ] {} {} (mean r, {}-bin windows):{}\n", preset, state, window_bins, all);
    for (std::size_t g1 = 0; g1 < names.size(); ++g1) {
      for (std::size_t g2 = g1 + 1; g2 < names.size(); ++g2) {
        const std::string pair = names[g1] + "-" + names[g2];
        const double value = r.at(pair);
        if (coupled.count(pair)) {
          EXPECT_GT(value, coupled_min)
              << preset << " " << state << ": coupled " << pair << " r = " << value;
        } else {
          EXPECT_LT(std::fabs(value), uncoupled_max)
              << preset << " " << state << ": uncoupled " << pair << " r = " << value;
        }
      }
    }
  }
}

void expect_planted_coupling(const std::string& preset, std::size_t window_bins, bool concatenate,
                             double min_count, std::size_t max_units, double coupled_min,
                             double uncoupled_max) {
  expect_planted_coupling(simulated(preset), preset, window_bins, concatenate, min_count, max_units,
                          coupled_min, uncoupled_max);
}

TEST(Simulate, SmallCoupledGroupsCorrelateAndUncoupledOnesDoNot) {
  expect_planted_coupling("small", 400, false, 0.25, 100, 0.4, 0.08);
}

TEST(Simulate, HippocampusLikeEndsCoupleCA3WithOneCA1GroupEach) {
  // Concatenated bins of each state, as the rat reference builds windows.
  expect_planted_coupling("hippocampus-like", 400, true, 0.2, 100, 0.35, 0.08);
}

TEST(Simulate, DishbrainLikeSensCouplesToMotorRegionsOnlyInHighEpochs) {
  // low's motor-only drive is weaker (gain 1.0), hence the lower bar.
  expect_planted_coupling("dishbrain-like", 400, false, 0.25, 40, 0.22, 0.08);
}

// ---- sizes: --units and --duration -------------------------------------------

TEST(SimulateSize, ThePresetsOwnSizeGivesTheSameBytes) {
  for (const auto& [preset, units, seconds] :
       std::vector<std::tuple<std::string, std::size_t, double>>{{"small", 32, 300.0},
                                                                 {"hippocampus-like", 120, 900.0}}) {
    const SimulatedRecording a = simulate(preset, 5);
    const SimulatedRecording b = simulate(preset, 5, {units, seconds});
    EXPECT_TRUE(a.recording.activity().to_doubles() == b.recording.activity().to_doubles()) << preset;
    EXPECT_EQ(a.ground_truth.dump(), b.ground_truth.dump()) << preset;
  }
}

TEST(SimulateSize, UnitsRepeatTheGroupsAndTheirCouplings) {
  const SimulatedRecording sim = simulate("small", 4, {100, 0.0});
  const Recording& rec = sim.recording;
  EXPECT_EQ(rec.n_units(), 100u);
  EXPECT_EQ(rec.n_bins(), 6000u);
  EXPECT_EQ(rec.unit_ids().back(), "u99");
  // round(100 / 32) = 3 copies of A, B, C, D: 34, 33 and 33 units.
  expect_groups(rec, {"A_0", "B_0", "C_0", "D_0", "A_1", "B_1", "C_1", "D_1", "A_2", "B_2", "C_2", "D_2"},
                {9, 9, 8, 8, 9, 8, 8, 8, 9, 8, 8, 8});
  EXPECT_EQ(sim.ground_truth["copies"], 3);
  EXPECT_EQ(sim.ground_truth["module_units"], 32);
  EXPECT_EQ(sim.ground_truth["silent_units"].size(), 6u);  // 2 of 32, in proportion
  const auto& state_a = sim.ground_truth["states"][0];
  EXPECT_EQ(state_a["shared_drives"].size(), 6u);  // A-B and C-D in each copy
  EXPECT_EQ(state_a["coupled_group_pairs"][2], (nlohmann::json{"A_1", "B_1"}));
  expect_planted_coupling(sim, "small x 3", 400, false, 0.25, 100, 0.4, 0.08);
}

TEST(SimulateSize, FewerUnitsThanThePresetShrinkItsGroups) {
  const SimulatedRecording sim = simulate("hippocampus-like", 4, {30, 120.0});
  expect_groups(sim.recording, {"CA1_a", "CA1_b", "CA3"}, {12, 12, 6});
  EXPECT_EQ(sim.recording.n_bins(), 4800u);  // 120 s of 25 ms bins
  EXPECT_FALSE(sim.ground_truth.contains("copies"));
  EXPECT_EQ(sim.ground_truth["place_fields"]["centre_m"].size(), 30u);
}

TEST(SimulateSize, DurationSetsTheNumberOfBins) {
  EXPECT_EQ(simulate("small", 4, {0, 60.0}).recording.n_bins(), 1200u);
  EXPECT_EQ(simulate("small", 4, {0, 60.0}).recording.n_units(), 32u);
}

TEST(SimulateSize, SizesThePresetCannotTakeAreRefusedWithTheMinimum) {
  using test_support::error_of;
  EXPECT_EQ(error_of([] { simulate("small", 1, {5, 0.0}); }),
            "simulate: 5 units leave a group of the preset 'small' with 1 unit(s); its 4 groups "
            "need at least 2 units each: ask for at least 8 units");
  EXPECT_NE(error_of([] { simulate("dishbrain-like", 1, {12, 0.0}); }).find("at least 18 units"),
            std::string::npos);
  EXPECT_NE(error_of([] { simulate("small", 1, {0, -1.0}); }).find("duration must be"),
            std::string::npos);
  EXPECT_EQ(error_of([] { simulate("small", 1, {0, 0.01}); }),
            "simulate: duration 0.01 s is under one 0.05 s bin of the preset 'small'");
}

TEST(SimulateAnimals, EachAnimalHasThePresetsRulesItsOwnUnitsAndItsOwnSize) {
  EXPECT_EQ(preset_units("small"), 32u);
  EXPECT_EQ(preset_units("hippocampus-like"), 120u);
  EXPECT_EQ(preset_units("dishbrain-like"), 900u);
  const auto animals = simulate_animals("hippocampus-like", 3, 4, {0, 60.0});
  ASSERT_EQ(animals.size(), 4u);
  const std::vector<std::size_t> units = {90, 110, 130, 150};  // 0.75 to 1.25 x 120
  for (std::size_t k = 0; k < 4; ++k) {
    const auto& truth = animals[k].ground_truth;
    EXPECT_EQ(animals[k].recording.n_units(), units[k]) << "animal " << k + 1;
    EXPECT_EQ(truth["animal"], k + 1);
    EXPECT_EQ(truth["animals"], 4);
    EXPECT_EQ(truth["study_seed"], 3);
    EXPECT_EQ(truth["seed"], animal_seed(3, k));
    // The animal is the single simulation of its seed and size, bitwise.
    const SimulatedRecording alone = simulate("hippocampus-like", animal_seed(3, k), {units[k], 60.0});
    EXPECT_TRUE(alone.recording.activity().to_doubles() == animals[k].recording.activity().to_doubles());
    // The same states and coupling rules in every animal (each spends its
    // own time in them); its own behaviour.
    const auto rules = [](nlohmann::json states) {
      for (auto& state : states) state.erase("n_bins");
      return states.dump();
    };
    EXPECT_EQ(rules(truth["states"]), rules(animals[0].ground_truth["states"])) << "animal " << k + 1;
    EXPECT_EQ(truth["groups"]["names"], animals[0].ground_truth["groups"]["names"]);
    EXPECT_EQ(animals[k].recording.labels()->names, animals[0].recording.labels()->names);
    if (k > 0) {
      EXPECT_NE(truth["seed"], animals[k - 1].ground_truth["seed"]);
      EXPECT_NE(truth["segments"].dump(), animals[0].ground_truth["segments"].dump());
    }
  }
  // The largest animal at the preset's duration keeps the planted couplings.
  expect_planted_coupling(simulate("hippocampus-like", animal_seed(3, 3), {150, 900.0}), "hippocampus-like animal 4",
                          400, true, 0.2, 100, 0.35, 0.08);
  // One animal is the preset's size; sizes come from --units when given.
  EXPECT_EQ(simulate_animals("small", 1, 1, {0, 30.0})[0].recording.n_units(), 32u);
  EXPECT_EQ(simulate_animals("small", 1, 3, {64, 30.0})[2].recording.n_units(), 80u);
  EXPECT_NE(test_support::error_of([] { simulate_animals("small", 1, 0); }).find("between 1 and 1000"),
            std::string::npos);
}

}  // namespace
}  // namespace tavrnn
