#pragma once
// The simulator's generative model, shared by the presets
// (simulate_presets.cpp builds a SimulationSpec) and the engine
// (simulate.cpp turns a spec into spikes and ground truth).
//
// Per bin b and unit u of group g, in state s = state_of_bin[b]:
//   eta_u(b) = log(rate_hz_u(b) * bin_width_s)
//            + within_group_gain[g] * z_{within,g}(b)            (always on)
//            + sum over shared drives d of state s that include g:
//                gain_d * z_d(b)
//            - 0.5 * (sum of the squared gains of those terms)
//   spikes_u(b) ~ Poisson(min(exp(eta_u(b)), max_rate_hz * bin_width_s))
// z are independent AR(1) Gaussian processes with unit stationary variance
// and time constant latent_time_constant_s; each runs through every bin and
// is only switched in or out by the state. The -0.5 * gain^2 term is the
// log-normal mean correction: the expected rate is rate_hz_u(b) in every
// state, so states differ in correlation, not in firing rate (up to the
// clamp at max_rate_hz, a stand-in for refractoriness, which trims the
// upper tail: at 200 Hz it removes about 10 % of the expected spikes in a
// state with a shared drive of gain 1.5, 20 % for hippocampus-like units in
// their place field at the ends, about 0 without one).
// rate_hz_u(b) is baseline_rate_hz[u], or what tuned_rate_hz writes (place
// fields). A unit with baseline 0 is silent: an all-zero row, no draws.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/random_stream.h"
#include "tavrnn/recording/recording.h"
#include "tavrnn/simulate/simulate.h"

namespace tavrnn {

struct SharedDrive {
  std::vector<int> groups;  // group codes that receive this latent
  double gain = 0.0;
};

struct SimulatedState {
  std::string name;
  std::vector<SharedDrive> shared_drives;
};

struct SimulationSpec {
  std::string preset;
  std::uint64_t seed = 0;
  double bin_width_s = 0.0;
  std::size_t n_bins = 0;

  std::vector<std::string> unit_ids;
  std::vector<std::string> group_names;
  std::vector<int> unit_groups;           // one group code per unit
  std::vector<double> baseline_rate_hz;   // one per unit; 0 = silent
  std::vector<double> within_group_gain;  // one per group

  std::vector<SimulatedState> states;
  std::vector<int> state_of_bin;  // one state code per bin

  double latent_time_constant_s = 0.15;
  double max_rate_hz = 200.0;

  // Optional time-varying rate before the latent drives (place fields):
  // fills rate_hz[0..n_bins) for one unit. Empty: baseline_rate_hz.
  std::function<void(std::size_t unit, double* rate_hz)> tuned_rate_hz;

  Categorical labels;
  std::optional<Behaviour> behaviour;
  nlohmann::json preset_truth = nlohmann::json::object();  // merged into ground_truth
};

// Contiguous runs of equal value: [start, end) with the value.
struct StateSegment {
  std::size_t start_bin = 0;
  std::size_t end_bin = 0;
  int state = 0;
};
std::vector<StateSegment> state_segments(const std::vector<int>& state_of_bin);

// Draws the latents and the spikes from `stream` (continuing after whatever
// the preset drew) and assembles recording and ground truth.
SimulatedRecording run_simulation(SimulationSpec spec, RandomStream& stream);

// Preset builders (simulate_presets.cpp); each draws its random structure
// (baselines, silent units, segments, trajectory, place fields) from stream.
SimulationSpec small_preset(std::uint64_t seed, const SimulationSize& size, RandomStream& stream);
SimulationSpec hippocampus_preset(std::uint64_t seed, const SimulationSize& size,
                                  RandomStream& stream);
SimulationSpec dishbrain_preset(std::uint64_t seed, const SimulationSize& size,
                                RandomStream& stream);

// Helpers the presets share.
std::vector<double> lognormal_baselines(std::size_t n, double median_hz, double sigma_log,
                                        RandomStream& stream);
// Marks `count` distinct units, chosen uniformly, as silent (baseline 0).
std::vector<std::size_t> silence_units(std::vector<double>& baseline_rate_hz, std::size_t count,
                                       RandomStream& stream);
// States alternate (starting with a random one) in segments whose lengths
// are uniform in [min_bins, max_bins]; the last is cut at n_bins.
std::vector<int> alternating_states(std::size_t n_bins, int n_states, std::size_t min_bins,
                                    std::size_t max_bins, RandomStream& stream);

}  // namespace tavrnn
