#pragma once
// Spike times in a plain HDF5 file (not NWB): one dataset of every unit's
// spike times concatenated unit after unit, and per-unit spike counts or end
// offsets into it, the layout of MEA exports (g2chvc-mea's /spikes and
// /sCount) and of NWB's ragged arrays (spike_times and spike_times_index).
// docs/formats.md, "HDF5 spike times".
#include <filesystem>
#include <string>

#include "tavrnn/recording/binning.h"
#include "tavrnn/recording/recording.h"

namespace tavrnn::io {

struct Hdf5SpikeSelection {
  std::string spike_times;  // 1-D numbers: every unit's times, concatenated
  std::string unit_counts;  // 1-D integers: spikes per unit, in order (or:)
  std::string unit_index;   // 1-D integers: each unit's end offset into spike_times
  std::string unit_names;   // optional 1-D strings or integers, one per unit
  double time_scale = 1.0;  // times x time_scale = seconds (1e-3 for milliseconds)
};

// Bins the units' spikes (read a piece at a time). Error naming the file
// and dataset for a missing or ill-shaped dataset, counts that do not add
// up to the times, offsets out of order, or a time that is negative or not
// finite; without `spike_times` the error lists the file's 1-D datasets.
Recording read_hdf5_spikes(const std::filesystem::path& path, const Hdf5SpikeSelection& selection,
                           const BinningOptions& binning);

}  // namespace tavrnn::io
