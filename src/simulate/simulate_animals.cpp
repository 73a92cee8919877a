// Several animals of one preparation: the preset's rules, each animal its own
// units, behaviour and size (simulate.h).
#include <cmath>

#include <fmt/format.h>

#include "simulation_model.h"
#include "tavrnn/simulate/simulate.h"
#include "tavrnn/util/error.h"

namespace tavrnn {

std::size_t preset_units(const std::string& preset) {
  // The presets' structure alone (no latents, no spikes), over one second.
  RandomStream stream(0);
  const SimulationSize one_second{0, 1.0};
  if (preset == "small") return small_preset(0, one_second, stream).unit_groups.size();
  if (preset == "hippocampus-like") return hippocampus_preset(0, one_second, stream).unit_groups.size();
  if (preset == "dishbrain-like") return dishbrain_preset(0, one_second, stream).unit_groups.size();
  simulate(preset, 0, one_second);  // throws, naming the presets there are
  return 0;
}

std::uint64_t animal_seed(std::uint64_t seed, std::size_t animal) {
  // splitmix64 of (seed, animal): unrelated streams for neighbouring animals
  // and for neighbouring study seeds.
  std::uint64_t z = seed * 0xD1B54A32D192ED03ULL + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(animal) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::size_t animal_units(std::size_t base_units, std::size_t animal, std::size_t animals) {
  if (animals <= 1) return base_units;
  const double factor = 0.75 + 0.5 * static_cast<double>(animal) / static_cast<double>(animals - 1);
  return static_cast<std::size_t>(std::lround(factor * static_cast<double>(base_units)));
}

std::vector<SimulatedRecording> simulate_animals(const std::string& preset, std::uint64_t seed,
                                                 std::size_t animals, const SimulationSize& size) {
  if (animals < 1 || animals > 1000) {
    throw Error(fmt::format("simulate: animals must be between 1 and 1000, found {}", animals));
  }
  const std::size_t base = size.units > 0 ? size.units : preset_units(preset);
  std::vector<SimulatedRecording> out;
  out.reserve(animals);
  for (std::size_t k = 0; k < animals; ++k) {
    SimulatedRecording animal =
        simulate(preset, animal_seed(seed, k), {animal_units(base, k, animals), size.duration_s});
    animal.ground_truth["animal"] = k + 1;
    animal.ground_truth["animals"] = animals;
    animal.ground_truth["study_seed"] = seed;
    out.push_back(std::move(animal));
  }
  return out;
}

}  // namespace tavrnn
