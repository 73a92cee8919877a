#include "ragged_spike_times.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::io {

Activity bin_ragged_spike_times(const hdf5::File& file, const std::string& times_path,
                                const std::vector<std::uint64_t>& offsets, const std::vector<std::string>& unit_ids,
                                const BinningOptions& options, std::size_t piece_values, double time_scale) {
  const std::vector<std::size_t> shape = file.shape(times_path);
  if (shape.size() != 1) {
    file.fail(times_path, fmt::format("expected one dimension (every unit's spike times, concatenated), found {}",
                                      shape.size()));
  }
  const std::size_t n_times = shape[0];
  const std::size_t n_units = offsets.size();
  const std::string origin = fmt::format("reading {}: {}", file.name(), times_path);
  // Calls visit(unit, spike of that unit, time) for every spike, a piece of
  // the dataset at a time.
  const std::size_t kPiece = std::max<std::size_t>(1, piece_values);
  auto for_each_spike = [&](const auto& visit) {
    std::size_t unit = 0;
    std::size_t unit_begin = 0;
    for (std::size_t begin = 0; begin < n_times; begin += kPiece) {
      const std::vector<double> times = file.read_doubles(times_path, begin, std::min(kPiece, n_times - begin));
      for (std::size_t k = 0; k < times.size(); ++k) {
        const std::size_t i = begin + k;
        while (unit < n_units && offsets[unit] <= i) unit_begin = offsets[unit++];
        // Values past the last unit's end offset belong to no unit.
        if (unit == n_units) return;
        visit(unit, i - unit_begin, times[k] * time_scale);
      }
    }
  };
  std::optional<double> last_spike;
  for_each_spike([&](std::size_t unit, std::size_t spike, double t) {
    if (!std::isfinite(t) || t < 0.0) {
      throw Error(fmt::format("{}: unit '{}' spike {}: expected a finite time >= 0, found {}", origin,
                              unit_ids.at(unit), spike, t));
    }
    last_spike = std::max(last_spike.value_or(t), t);
  });
  SpikeBinner binner(n_units, options, last_spike, origin);
  for_each_spike([&](std::size_t unit, std::size_t, double t) { binner.add(unit, t); });
  return std::move(binner).finish();
}

}  // namespace tavrnn::io
