#pragma once
// A built-in simulator with planted ground truth, so the whole pipeline can be
// demonstrated and tested without outside data.
//
// Units belong to groups. Behaviour states alternate in segments of random
// length. Each state has its own pattern of which groups share a latent drive,
// so functional connectivity changes with behaviour. Spikes are Poisson from
// log-linear rates with heterogeneous baselines; a few units are silent.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/recording/recording.h"

namespace tavrnn {

struct SimulatedRecording {
  Recording recording;
  nlohmann::json ground_truth;  // groups, states, coupling per state, silent units, ...
};

std::vector<std::string> simulation_presets();  // "small", "hippocampus-like", "dishbrain-like"

// How big a simulation is; 0 keeps the preset's own size (docs/simulator.md).
//
// At `units` = N the preset's layout of N0 units (its groups and which of
// them share a drive in each state) is repeated k = max(1, round(N / N0))
// times, each copy with its own drives, and the group sizes are scaled so
// that the copies hold N units between them: planted groups and couplings
// grow with N, each unit keeping about as many coupled partners as at N0.
// Behaviour (the states over time, the trajectory) is one for all copies.
// Silent units scale with N. `duration_s` sets the number of bins.
struct SimulationSize {
  std::size_t units = 0;
  double duration_s = 0.0;
};

// Same preset, seed and size, same numbers on every run; the preset's own
// size gives the same bytes as before sizes existed. Throws Error for an
// unknown preset (naming the ones there are), or a size the preset cannot
// take (too few units for its groups, a duration under one bin).
SimulatedRecording simulate(const std::string& preset, std::uint64_t seed,
                            const SimulationSize& size = {});

// The preset's own number of units (small 32, hippocampus-like 120,
// dishbrain-like 900); Error for an unknown preset.
std::size_t preset_units(const std::string& preset);

// Several animals of one preparation (docs/simulator.md, "Several
// animals"): every animal has the preset's behaviour states and coupling
// rules (which groups share a drive in which state, with what gain); each
// has its own units (baselines, silent units, place fields), its own
// behaviour over time and its own number of units, spread evenly from 0.75
// to 1.25 times `size.units` (the preset's own when 0; one animal: 1 times).
// Animal k (0-based) is simulate(preset, animal_seed(seed, k), {units_k,
// duration}); its ground truth adds `animal` (k + 1), `animals` and
// `study_seed` (`seed`).
std::vector<SimulatedRecording> simulate_animals(const std::string& preset, std::uint64_t seed,
                                                 std::size_t animals, const SimulationSize& size = {});
std::uint64_t animal_seed(std::uint64_t seed, std::size_t animal);
std::size_t animal_units(std::size_t base_units, std::size_t animal, std::size_t animals);

}  // namespace tavrnn
