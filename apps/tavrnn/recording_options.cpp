#include "commands.h"

#include "tavrnn/error.h"

namespace tavrnn::cli {

void add_recording_options(CLI::App& command, RecordingInput& input, RecordingArgument argument) {
  const char* file_help =
      "Recording file: .npz (counts or spike_times + spike_units), .npy (counts), .csv (spike times "
      "unit,time_s or binned counts), .nwb (Units table), .mat (counts matrix or spike-time cells); "
      "see docs/formats.md";
  if (argument == RecordingArgument::Positional) {
    command.add_option("recording", input.path, file_help)->required();
  } else {
    command.add_option("--recording", input.path,
                       std::string(file_help) + ". Read with the recording options below, as "
                                                "`tavrnn graphs` read it");
  }
  command.add_option("--format", input.format, "File format, when the extension is not enough")
      ->check(CLI::IsMember({"auto", "npz", "npy", "csv-spikes", "csv-counts", "nwb", "mat"}))
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
  const char* nwb = "NWB";
  command.add_option("--units-table", input.options.nwb.units_table,
                     "NWB: Units table by path or unique name (default: the only one)")
      ->group(nwb);
  command.add_option("--group-column", input.options.nwb.group_column,
                     "NWB: per-unit column used as unit groups (location, electrode_group, ...)")
      ->group(nwb);
  command.add_option("--behaviour-series", input.options.behaviour_series,
                     "NWB: TimeSeries/SpatialSeries averaged onto the bins as behaviour; .npz: the "
                     "key of behaviour samples at their own times (with --behaviour-times)")
      ->group(nwb);
  command.add_option("--trials-table", input.options.nwb.trials_table,
                     "NWB: TimeIntervals table whose rows are the trials (default: "
                     "/intervals/trials when present); --windows trials makes one window each")
      ->group(nwb);
  command.add_option("--label-column", input.options.nwb.label_column,
                     "NWB: column of the trials table whose value labels each trial's bins")
      ->group(nwb);
  const char* derived = "Derived (applied after reading, in this order)";
  command.add_option("--behaviour-times", input.options.behaviour_times,
                     ".npz: key of the times (seconds, ascending) of the --behaviour-series samples")
      ->group(nwb);
  command.add_option("--rebin", input.options.rebin,
                     "Sum every K bins into one (labels by majority, behaviour by mean, trials "
                     "rescaled); e.g. 25 turns 1 ms bins into 25 ms")
      ->check(CLI::PositiveNumber)
      ->group(derived);
  command.add_option("--behaviour-axis", input.behaviour_axis,
                     "first-pc: replace the behaviour by its projection on its first principal "
                     "axis (a track coordinate from x, y)")
      ->check(CLI::IsMember({"first-pc"}))
      ->group(derived);
  command.add_option("--behaviour-labels", input.options.behaviour_labels,
                     "Per-bin labels from ranges of the 1-D behaviour, NAME:LOW:HIGH,... with values "
                     "or percentages of its span: start:0%:15%,end:85%:100%] (']' closes a range)")
      ->group(derived);
  const char* mat = "MATLAB";
  command.add_option("--mat-var", input.options.mat.variable,
                     "MATLAB: variable holding the activity, NAME or NAME.FIELD (default: the only "
                     "variable)")
      ->group(mat);
  command.add_option("--mat-field", input.options.mat.field,
                     "MATLAB: field of each unit's struct that holds its spike times (e.g. time)")
      ->group(mat);
  command.add_option("--mat-trial-labels", input.options.mat.trial_labels,
                     "MATLAB: variable with one label per trial of a 3-D --mat-var (e.g. GRIP); "
                     "--windows trials makes one window per trial")
      ->group(mat);
}

io::RecordingReadOptions RecordingInput::resolve() const {
  io::RecordingReadOptions resolved = options;
  if (format == "npz") resolved.format = io::RecordingFormat::Npz;
  else if (format == "npy") resolved.format = io::RecordingFormat::Npy;
  else if (format == "csv-spikes") resolved.format = io::RecordingFormat::CsvSpikes;
  else if (format == "csv-counts") resolved.format = io::RecordingFormat::CsvCounts;
  else if (format == "nwb") resolved.format = io::RecordingFormat::Nwb;
  else if (format == "mat") resolved.format = io::RecordingFormat::Mat;
  else resolved.format = io::RecordingFormat::Auto;
  if (!labels_csv.empty()) resolved.labels_csv = labels_csv;
  resolved.behaviour_first_pc = behaviour_axis == "first-pc";
  return resolved;
}

}  // namespace tavrnn::cli
