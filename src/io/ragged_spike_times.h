#pragma once
// Binning a ragged array of spike times in an HDF5 file (every unit's times
// concatenated in one 1-D dataset, with each unit's end offset), read a
// piece at a time so that 10^8 spikes never sit in memory at once. NWB's
// Units tables and the generic HDF5 spike-time layout both are this.
// Internal to io/.
#include <cstdint>
#include <string>
#include <vector>

#include "hdf5_file.h"
#include "tavrnn/recording/binning.h"

namespace tavrnn::io {

// Counts of each unit's spikes in `times_path` (values [offsets[u-1],
// offsets[u]) belong to unit u; values past the last offset to none), each
// time multiplied by `time_scale` to make seconds. Error naming the dataset,
// unit and spike for a time that is not finite or negative.
Activity bin_ragged_spike_times(const hdf5::File& file, const std::string& times_path,
                                const std::vector<std::uint64_t>& offsets, const std::vector<std::string>& unit_ids,
                                const BinningOptions& options, std::size_t piece_values, double time_scale = 1.0);

}  // namespace tavrnn::io
