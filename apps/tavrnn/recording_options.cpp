#include "commands.h"

#include "tavrnn/error.h"

namespace tavrnn::cli {

void add_recording_options(CLI::App& command, RecordingInput& input) {
  command.add_option("recording", input.path,
                     "Recording file: .npz (counts or spike_times + spike_units), .npy (counts), "
                     ".csv (spike times unit,time_s or binned counts); see docs/formats.md")
      ->required();
  command.add_option("--format", input.format, "File format, when the extension is not enough")
      ->check(CLI::IsMember({"auto", "npz", "npy", "csv-spikes", "csv-counts"}))
      ->capture_default_str();
  command.add_flag("--time-major", input.options.time_major,
                   "Arrays are bins x units (CEBRA, scikit-learn, nilearn layout) instead of "
                   "tavrnn's units x bins");
  command.add_option("--bin-width", input.options.bin_width_s,
                     "Bin width in seconds: binning of spike times, or the width of the bins of a "
                     "counts file that does not record it");
  command.add_option("--start", input.options.start_s,
                     "Spike times: start of the first bin in seconds (default 0)");
  command.add_option("--stop", input.options.stop_s,
                     "Spike times: end of the last bin in seconds (default: the last spike)");
  command.add_option("--labels", input.labels_csv,
                     "CSV of per-bin labels (one row per bin, column 'label'; empty = unlabelled)");
}

io::RecordingReadOptions RecordingInput::resolve() const {
  io::RecordingReadOptions resolved = options;
  if (format == "npz") resolved.format = io::RecordingFormat::Npz;
  else if (format == "npy") resolved.format = io::RecordingFormat::Npy;
  else if (format == "csv-spikes") resolved.format = io::RecordingFormat::CsvSpikes;
  else if (format == "csv-counts") resolved.format = io::RecordingFormat::CsvCounts;
  else resolved.format = io::RecordingFormat::Auto;
  if (!labels_csv.empty()) resolved.labels_csv = labels_csv;
  return resolved;
}

}  // namespace tavrnn::cli
