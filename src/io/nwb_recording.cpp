// An NWB file as a Recording: binned units, unit groups from a column,
// behaviour resampled onto the bins, and trials (with labels) as bin ranges.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "hdf5_file.h"
#include "nwb_table.h"
#include "recording_readers.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/nwb.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

namespace {

// The trials table to use: the one named, else /intervals/trials when the
// file has a TimeIntervals table there, else none ("").
std::string choose_trials_table(const fs::path& path, const NwbSelection& selection) {
  if (!selection.trials_table.empty()) return selection.trials_table;
  const hdf5::File file(path);
  for (const auto& table : nwb::find_typed_groups(file, {"TimeIntervals"})) {
    if (table == "/intervals/trials") return table;
  }
  if (!selection.label_column.empty()) {
    throw Error(fmt::format("reading {}: `label-column` {}: expected a trials table, found no "
                            "/intervals/trials; name one with `trials-table`",
                            path.string(), selection.label_column));
  }
  return "";
}

// Trial [start, stop) in seconds -> bins [round((start - t0) / w),
// round((stop - t0) / w)), clipped to the recording; trials left empty lie
// outside the binned range and are dropped.
void add_trials(Recording& recording, const fs::path& path, const NwbSelection& selection) {
  const std::string table = choose_trials_table(path, selection);
  if (table.empty()) return;
  const NwbIntervals intervals = read_nwb_intervals(path, table);
  const std::vector<std::string>* label_text =
      selection.label_column.empty() ? nullptr
                                     : &intervals.column(selection.label_column, path.string());
  const double w = recording.bin_width_s();
  const double t0 = recording.start_time_s();
  const auto n_bins = static_cast<long long>(recording.n_bins());
  const auto to_bin = [&](double t) {
    return std::clamp(std::llround((t - t0) / w), 0LL, n_bins);
  };
  std::vector<BinRange> trials;
  std::vector<std::string> trial_label;  // of the trials kept
  for (std::size_t i = 0; i < intervals.start_s.size(); ++i) {
    const long long begin = to_bin(intervals.start_s[i]);
    const long long end = to_bin(intervals.stop_s[i]);
    if (begin >= end) continue;
    trials.push_back({static_cast<std::size_t>(begin), static_cast<std::size_t>(end)});
    if (label_text) trial_label.push_back((*label_text)[i]);
  }
  if (trials.empty()) {
    throw Error(fmt::format("reading {}: {}: expected trials inside the binned range [{}, {}) s, "
                            "found none of {}",
                            path.string(), intervals.path, t0, t0 + recording.duration_s(),
                            intervals.start_s.size()));
  }
  if (trials.size() < intervals.start_s.size()) {
    spdlog::warn("{}: {}: {} of {} trials lie outside the binned range and were dropped",
                 path.string(), intervals.path, intervals.start_s.size() - trials.size(),
                 intervals.start_s.size());
  }
  if (label_text) recording.set_labels(trial_labels_on_bins(trial_label, trials, recording.n_bins()));
  recording.set_trials(std::move(trials));
}

}  // namespace

Recording read_nwb_recording(const fs::path& path, const RecordingReadOptions& options) {
  const std::string origin = fmt::format("reading {}", path.string());
  const NwbSelection& selection = options.nwb;
  if (!options.bin_width_s) {
    throw Error(fmt::format("{}: expected a bin width to bin the spike times (`bin-width` SECONDS)",
                            origin));
  }
  const double w = *options.bin_width_s;
  NwbSpikeCounts units = bin_nwb_units(path, selection.units_table,
                                       BinningOptions{w, options.start_s, options.stop_s});
  Recording recording(std::move(units.activity), w, std::move(units.unit_ids), origin);
  recording.set_start_time_s(options.start_s.value_or(0.0));
  if (!selection.group_column.empty()) {
    // Categorical's rule: a unit whose group is an empty string has none.
    recording.set_groups(Categorical::from_strings(
        read_nwb_column_text(path, units.table_path, selection.group_column)));
  }
  if (!options.behaviour_series.empty()) {
    const SampledSignal signal = read_nwb_series(path, options.behaviour_series);
    recording.set_behaviour(resample_onto_bins(signal, recording.n_bins(), w,
                                               recording.start_time_s(), ResampleMethod::BinMean));
  }
  add_trials(recording, path, selection);
  return recording;
}

}  // namespace tavrnn::io
