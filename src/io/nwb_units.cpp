// Spiking units from an NWB Units table: the ragged spike_times column is
// read in one bulk read and split by its VectorIndex, because recordings hold
// 1e8+ spikes and one read per unit would be thousands of small HDF5 reads.
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "hdf5_file.h"
#include "nwb_table.h"
#include "ragged_spike_times.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/nwb.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

namespace {

std::string find_units_table(const hdf5::File& file, const std::string& name) {
  return resolve_nwb_object(nwb::find_typed_groups(file, {"Units"}), name,
                            "Units table (neurodata_type 'Units')", file.name());
}

std::vector<std::vector<std::pair<double, double>>> read_obs_intervals(const hdf5::File& file,
                                                                       const std::string& table,
                                                                       std::size_t n_units) {
  const std::string path = nwb::join(table, "obs_intervals");
  if (!file.is_dataset(path)) return {};
  const std::vector<std::size_t> shape = file.shape(path);
  if (shape.size() != 2 || shape[1] != 2) {
    file.fail(path, fmt::format("expected [intervals, 2] (start, stop), found {} dimensions{}",
                                shape.size(), shape.size() == 2 ? " of width " + std::to_string(shape[1]) : ""));
  }
  const std::vector<double> values = file.read_doubles(path);
  const auto offsets = nwb::checked_index(file, path + "_index", n_units, shape[0]);
  std::vector<std::vector<std::pair<double, double>>> out(n_units);
  std::size_t begin = 0;
  for (std::size_t u = 0; u < n_units; ++u) {
    for (std::size_t k = begin; k < offsets[u]; ++k) out[u].emplace_back(values[2 * k], values[2 * k + 1]);
    begin = offsets[u];
  }
  return out;
}

// A Units table's ragged spike_times column: where it is, for how many units.
struct SpikeTimesColumn {
  std::string table;
  std::string times;
  std::size_t n_units = 0;
};

SpikeTimesColumn find_spike_times(const hdf5::File& file, const std::string& table_name) {
  SpikeTimesColumn column;
  column.table = find_units_table(file, table_name);
  column.n_units = nwb::table_rows(file, column.table);
  column.times = nwb::join(column.table, "spike_times");
  if (!file.is_dataset(column.times)) {
    file.fail(column.table, "expected a 'spike_times' column (Units table), found none");
  }
  return column;
}

std::vector<std::string> read_unit_ids(const hdf5::File& file, const std::string& table) {
  std::vector<std::string> ids;
  for (std::int64_t id : file.read_int64s(nwb::join(table, "id"))) ids.push_back(std::to_string(id));
  return ids;
}

}  // namespace

NwbUnits read_nwb_units(const fs::path& path, const std::string& table_name) {
  const hdf5::File file(path);
  const SpikeTimesColumn column = find_spike_times(file, table_name);
  const std::string& table = column.table;
  const std::string& times_path = column.times;
  const std::size_t n_units = column.n_units;
  std::vector<double> times = file.read_doubles(times_path);  // the one bulk read
  const auto offsets = nwb::checked_index(file, times_path + "_index", n_units, times.size());

  NwbUnits units;
  units.table_path = table;
  units.trains.unit_ids = read_unit_ids(file, table);
  units.trains.times_s.resize(n_units);
  std::size_t begin = 0;
  for (std::size_t u = 0; u < n_units; ++u) {
    auto& train = units.trains.times_s[u];
    train.assign(times.begin() + static_cast<std::ptrdiff_t>(begin),
                 times.begin() + static_cast<std::ptrdiff_t>(offsets[u]));
    // NWB does not require sorted spike times; binning does.
    if (!std::is_sorted(train.begin(), train.end())) std::sort(train.begin(), train.end());
    begin = offsets[u];
  }
  times = {};
  units.trains.validate(fmt::format("reading {}: {}", file.name(), times_path));
  units.obs_intervals = read_obs_intervals(file, table, n_units);
  return units;
}

NwbSpikeCounts bin_nwb_units(const fs::path& path, const std::string& table_name,
                             const BinningOptions& options, std::size_t piece_values) {
  const hdf5::File file(path);
  const SpikeTimesColumn column = find_spike_times(file, table_name);
  const std::string& times_path = column.times;
  const std::size_t n_units = column.n_units;
  NwbSpikeCounts out;
  out.table_path = column.table;
  const std::vector<std::size_t> shape = file.shape(times_path);
  if (shape.size() != 1) {
    file.fail(times_path, fmt::format("expected one dimension (the ragged column), found {}", shape.size()));
  }
  const std::size_t n_times = shape[0];
  const auto offsets = nwb::checked_index(file, times_path + "_index", n_units, n_times);
  out.unit_ids = read_unit_ids(file, out.table_path);
  if (out.unit_ids.size() != n_units) {
    file.fail(nwb::join(out.table_path, "id"),
              fmt::format("expected {} ids (one per unit), found {}", n_units, out.unit_ids.size()));
  }
  out.activity = bin_ragged_spike_times(file, times_path, offsets, out.unit_ids, options, piece_values);
  return out;
}

std::vector<std::string> read_nwb_column_text(const fs::path& path, const std::string& table,
                                              const std::string& column) {
  const hdf5::File file(path);
  return nwb::column_text(file, table, column);
}

}  // namespace tavrnn::io
