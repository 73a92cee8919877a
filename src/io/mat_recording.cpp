// A MATLAB variable as a Recording: counts as they are, spike times binned.
#include <fmt/format.h>

#include "recording_readers.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/mat.h"

namespace tavrnn::io {

Recording read_mat_recording(const std::filesystem::path& path, const RecordingReadOptions& options) {
  const std::string origin = fmt::format("reading {}", path.string());
  if (!options.bin_width_s) {
    throw Error(fmt::format("{}: expected a bin width (`bin-width` SECONDS); .mat files do not "
                            "record one",
                            origin));
  }
  const double w = *options.bin_width_s;
  MatActivity activity = read_mat_activity(path, options.mat, options.time_major);
  const std::string variable_origin = fmt::format("{}: variable {}", origin, activity.variable);
  if (!options.mat.trial_labels.empty() && activity.trials.empty()) {
    throw Error(fmt::format("{}: `mat-trial-labels` {}: expected a 3-D stack of trials, found "
                            "a variable without trials",
                            variable_origin, options.mat.trial_labels));
  }
  if (activity.counts) {
    Recording recording(std::move(*activity.counts), w, {}, variable_origin);
    if (activity.trials.empty()) return recording;
    if (!options.mat.trial_labels.empty()) {
      const std::vector<std::string> values = read_mat_text_values(path, options.mat.trial_labels);
      if (values.size() != activity.trials.size()) {
        throw Error(fmt::format("{}: variable {}: expected {} values (one per trial), found {}",
                                origin, options.mat.trial_labels, activity.trials.size(),
                                values.size()));
      }
      recording.set_labels(trial_labels_on_bins(values, activity.trials, recording.n_bins()));
    }
    recording.set_trials(std::move(activity.trials));
    return recording;
  }
  Activity counts = bin_spike_trains(activity.trains, BinningOptions{w, options.start_s, options.stop_s},
                                     variable_origin);
  Recording recording(std::move(counts), w, activity.trains.unit_ids, variable_origin);
  recording.set_start_time_s(options.start_s.value_or(0.0));
  if (activity.groups) recording.set_groups(std::move(*activity.groups));
  return recording;
}

}  // namespace tavrnn::io
