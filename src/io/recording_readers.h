#pragma once
// Readers of the container formats behind read_recording (recording_io.h):
// each builds a whole Recording from one file and the options that name
// what to take from it.
#include <filesystem>
#include <string>
#include <vector>

#include "tavrnn/io/recording_io.h"

namespace tavrnn::io {

Recording read_nwb_recording(const std::filesystem::path& path, const RecordingReadOptions& options);
Recording read_mat_recording(const std::filesystem::path& path, const RecordingReadOptions& options);

// Per-bin labels from one label per trial (Categorical::from_strings: an
// empty label leaves its bins unlabelled). Where trials overlap, the later
// labelled trial's label wins on the shared bins.
Categorical trial_labels_on_bins(const std::vector<std::string>& trial_labels,
                                 const std::vector<BinRange>& trials, std::size_t n_bins);

}  // namespace tavrnn::io
