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

// Same preset and seed, same numbers on every run. Throws Error for an
// unknown preset, naming the ones there are.
SimulatedRecording simulate(const std::string& preset, std::uint64_t seed);

}  // namespace tavrnn
