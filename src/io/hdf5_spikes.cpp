#include "tavrnn/io/hdf5_spikes.h"

#include <cmath>

#include <fmt/format.h>

#include "hdf5_file.h"
#include "nwb_table.h"
#include "ragged_spike_times.h"
#include "tavrnn/util/error.h"

namespace tavrnn::io {

namespace {

// "/spikes (7830 numbers), /sCount (33 integers), ..." for the error that
// asks which datasets to read.
std::string one_dimensional_datasets(const hdf5::File& file) {
  std::string listing;
  file.walk([&](const std::string& path, bool is_group) {
    if (is_group) return;
    const auto shape = file.shape(path);
    if (shape.size() != 1) return;
    const auto kind = file.element_kind(path);
    listing += fmt::format("{}{} ({} {})", listing.empty() ? "" : ", ", path, shape[0],
                           kind == hdf5::ElementKind::Integer ? "integers"
                           : kind == hdf5::ElementKind::Float ? "numbers"
                                                              : hdf5::element_kind_name(kind));
  });
  return listing.empty() ? "none" : listing;
}

std::vector<std::uint64_t> offsets_from_counts(const hdf5::File& file, const std::string& counts_path,
                                               std::size_t n_times) {
  if (!file.is_dataset(counts_path)) file.fail(counts_path, "expected the per-unit spike counts, found no dataset");
  if (file.shape(counts_path).size() != 1) file.fail(counts_path, "expected one count per unit (1-D)");
  std::vector<std::uint64_t> offsets;
  std::uint64_t total = 0;
  std::size_t unit = 0;
  for (const std::int64_t count : file.read_int64s(counts_path)) {
    if (count < 0) file.fail(counts_path, fmt::format("unit {}: expected a count >= 0, found {}", unit, count));
    total += static_cast<std::uint64_t>(count);
    if (total > n_times) {
      file.fail(counts_path, fmt::format("the counts of units 0..{} add up to {}, past the {} spike times", unit,
                                         total, n_times));
    }
    offsets.push_back(total);
    ++unit;
  }
  if (total != n_times) {
    file.fail(counts_path, fmt::format("the counts add up to {} spikes; the spike times hold {}", total, n_times));
  }
  return offsets;
}

std::vector<std::string> unit_names(const hdf5::File& file, const std::string& path, std::size_t n_units) {
  std::vector<std::string> names;
  if (path.empty()) {
    for (std::size_t u = 0; u < n_units; ++u) names.push_back(std::to_string(u));
    return names;
  }
  if (!file.is_dataset(path)) file.fail(path, "expected the units' names, found no dataset");
  if (file.element_kind(path) == hdf5::ElementKind::String) {
    names = file.read_strings(path);
  } else {
    for (const std::int64_t id : file.read_int64s(path)) names.push_back(std::to_string(id));
  }
  if (names.size() != n_units) {
    file.fail(path, fmt::format("expected {} names (one per unit), found {}", n_units, names.size()));
  }
  return names;
}

}  // namespace

Recording read_hdf5_spikes(const std::filesystem::path& path, const Hdf5SpikeSelection& selection,
                           const BinningOptions& binning) {
  const hdf5::File file(path);
  if (selection.spike_times.empty()) {
    throw Error(fmt::format("reading {}: name the dataset of spike times (`h5-spike-times`) and the units' counts "
                            "(`h5-unit-counts`) or end offsets (`h5-unit-index`); its 1-D datasets: {}",
                            file.name(), one_dimensional_datasets(file)));
  }
  if (selection.unit_counts.empty() == selection.unit_index.empty()) {
    throw Error(fmt::format("reading {}: give one of `h5-unit-counts` (spikes per unit) and `h5-unit-index` (each "
                            "unit's end offset), found {}",
                            file.name(), selection.unit_counts.empty() ? "neither" : "both"));
  }
  if (!(selection.time_scale > 0) || !std::isfinite(selection.time_scale)) {
    throw Error(fmt::format("`h5-time-scale`: expected a positive factor (times x factor = seconds), found {}",
                            selection.time_scale));
  }
  const std::string& times = selection.spike_times;
  if (!file.is_dataset(times)) file.fail(times, "expected the spike times, found no dataset");
  const auto shape = file.shape(times);
  if (shape.size() != 1) {
    file.fail(times, fmt::format("expected one dimension (every unit's spike times, concatenated), found {}",
                                 shape.size()));
  }
  std::vector<std::uint64_t> offsets;
  if (!selection.unit_counts.empty()) {
    offsets = offsets_from_counts(file, selection.unit_counts, shape[0]);
  } else {
    if (!file.is_dataset(selection.unit_index)) {
      file.fail(selection.unit_index, "expected the units' end offsets, found no dataset");
    }
    const auto index_shape = file.shape(selection.unit_index);
    if (index_shape.size() != 1) file.fail(selection.unit_index, "expected one end offset per unit (1-D)");
    offsets = nwb::checked_index(file, selection.unit_index, index_shape[0], shape[0]);
  }
  std::vector<std::string> ids = unit_names(file, selection.unit_names, offsets.size());
  Activity activity = bin_ragged_spike_times(file, times, offsets, ids, binning, std::size_t{1} << 20,
                                             selection.time_scale);
  Recording recording(std::move(activity), binning.bin_width_s, std::move(ids), fmt::format("reading {}", file.name()));
  recording.set_start_time_s(binning.start_s.value_or(0.0));
  return recording;
}

}  // namespace tavrnn::io
