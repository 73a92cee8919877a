#pragma once
// Reading and writing recordings in the formats labs use. The .npz layout is
// documented in docs/formats.md.
#include <filesystem>
#include <optional>
#include <string>

#include "tavrnn/io/mat.h"
#include "tavrnn/io/hdf5_spikes.h"
#include "tavrnn/io/nwb.h"
#include "tavrnn/recording/recording.h"

namespace tavrnn::io {

enum class RecordingFormat { Auto, Npz, Npy, CsvSpikes, CsvCounts, Nwb, Mat, Hdf5Spikes };

struct RecordingReadOptions {
  RecordingFormat format = RecordingFormat::Auto;  // Auto: from the extension and CSV header
  bool time_major = false;             // arrays are bins x units (CEBRA, scikit-learn)
  std::optional<double> bin_width_s;   // required for spike times and .npy/.csv counts
                                       // unless the file has bin_width_s
  std::optional<double> start_s;       // binning range for spike times (and NWB trials)
  std::optional<double> stop_s;
  std::optional<std::filesystem::path> labels_csv;  // per-bin labels from a CSV
  // Behaviour sampled at its own times, averaged onto the bins: an NWB
  // TimeSeries / SpatialSeries, or the .npz key of the samples ([S] or
  // [S, D]) with their times in seconds under `behaviour_times` ([S]).
  std::string behaviour_series;
  std::string behaviour_times;
  // Applied after reading, in this order (docs/formats.md, "Derived"):
  std::size_t rebin = 1;            // sum every K bins into one
  bool behaviour_first_pc = false;  // behaviour -> its first principal axis ("pc1")
  std::string behaviour_labels;     // per-bin labels from ranges of the 1-D behaviour
  std::string label_all;            // every bin labelled this (a recording of one condition)
  NwbSelection nwb;
  MatSelection mat;
  Hdf5SpikeSelection h5;  // .h5/.hdf5 spike times (hdf5_spikes.h)
};

Recording read_recording(const std::filesystem::path& path, const RecordingReadOptions& options);

// Writes `counts` (float64, N x B), bin_width_s, unit_ids, and labels,
// label_names, behaviour, behaviour_names, groups, group_names when present.
void write_recording_npz(const std::filesystem::path& path, const Recording& recording);

std::string recording_format_name(RecordingFormat format);

}  // namespace tavrnn::io
