// Behaviour from an NWB TimeSeries (SpatialSeries, ...) as a sampled signal.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hdf5_file.h"
#include "nwb_table.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/nwb.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

namespace {

// Every group holding `data` plus `timestamps` or `starting_time`.
std::vector<std::string> find_series(const hdf5::File& file) {
  std::vector<std::string> found;
  file.walk([&](const std::string& path, bool is_group) {
    if (!is_group || nwb::neurodata_type(file, path).empty()) return;
    if (file.is_dataset(nwb::join(path, "data")) &&
        (file.is_dataset(nwb::join(path, "timestamps")) ||
         file.is_dataset(nwb::join(path, "starting_time")))) {
      found.push_back(path);
    }
  });
  return found;
}

std::vector<double> sample_times(const hdf5::File& file, const std::string& series,
                                 std::size_t n_samples) {
  const std::string stamps = nwb::join(series, "timestamps");
  if (file.is_dataset(stamps)) {
    std::vector<double> times = file.read_doubles(stamps);
    if (times.size() != n_samples) {
      file.fail(stamps, fmt::format("expected {} timestamps (one per sample of data), found {}",
                                    n_samples, times.size()));
    }
    for (std::size_t i = 0; i < times.size(); ++i) {
      if (!std::isfinite(times[i]) || (i > 0 && times[i] < times[i - 1])) {
        file.fail(stamps, fmt::format("expected finite ascending times, found {} at index {}",
                                      times[i], i));
      }
    }
    return times;
  }
  const std::string start = nwb::join(series, "starting_time");
  const std::vector<double> t0 = file.read_doubles(start);
  const auto rate = file.number_attribute(start, "rate");
  if (t0.size() != 1 || !rate || !(*rate > 0.0) || !std::isfinite(*rate)) {
    file.fail(start, "expected one starting time with a positive 'rate' attribute (Hz)");
  }
  std::vector<double> times(n_samples);
  for (std::size_t i = 0; i < n_samples; ++i) times[i] = t0[0] + static_cast<double>(i) / *rate;
  return times;
}

}  // namespace

SampledSignal read_nwb_series(const fs::path& path, const std::string& name) {
  const hdf5::File file(path);
  const std::string series =
      resolve_nwb_object(find_series(file), name, "TimeSeries (data with timestamps or rate)", file.name());
  const std::string data = nwb::join(series, "data");
  const std::vector<std::size_t> shape = file.shape(data);
  if (shape.empty() || shape.size() > 2) {
    file.fail(data, fmt::format("expected samples or samples x dims, found {} dimensions", shape.size()));
  }
  SampledSignal signal;
  signal.n_dims = shape.size() == 2 ? shape[1] : 1;
  signal.values = file.read_doubles(data);
  // NWB stores data in acquisition units; value * conversion + offset is SI.
  const double conversion = file.number_attribute(data, "conversion").value_or(1.0);
  const double offset = file.number_attribute(data, "offset").value_or(0.0);
  if (conversion != 1.0 || offset != 0.0) {
    for (double& v : signal.values) v = v * conversion + offset;
  }
  signal.times_s = sample_times(file, series, shape[0]);
  const std::string base = hdf5::base_name(series);
  const bool spatial = nwb::neurodata_type(file, series) == "SpatialSeries" && signal.n_dims <= 3;
  for (std::size_t d = 0; d < signal.n_dims; ++d) {
    if (signal.n_dims == 1) signal.names.push_back(base);
    else if (spatial) signal.names.push_back(base + "_" + std::string(1, "xyz"[d]));
    else signal.names.push_back(fmt::format("{}_{}", base, d));
  }
  return signal;
}

}  // namespace tavrnn::io
