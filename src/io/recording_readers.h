#pragma once
// Readers of the container formats behind read_recording (recording_io.h):
// each builds a whole Recording from one file and the options that name
// what to take from it.
#include <filesystem>

#include "tavrnn/io/recording_io.h"

namespace tavrnn::io {

Recording read_nwb_recording(const std::filesystem::path& path, const RecordingReadOptions& options);
Recording read_mat_recording(const std::filesystem::path& path, const RecordingReadOptions& options);

}  // namespace tavrnn::io
