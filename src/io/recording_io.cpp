#include "tavrnn/io/recording_io.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "tavrnn/recording/behaviour.h"
#include "tavrnn/recording/binning.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/csv.h"
#include "tavrnn/io/npy.h"
#include "tavrnn/io/npz.h"
#include "recording_readers.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

std::string recording_format_name(RecordingFormat format) {
  switch (format) {
    case RecordingFormat::Auto: return "auto";
    case RecordingFormat::Npz: return "npz";
    case RecordingFormat::Npy: return "npy";
    case RecordingFormat::CsvSpikes: return "csv-spikes";
    case RecordingFormat::CsvCounts: return "csv-counts";
    case RecordingFormat::Nwb: return "nwb";
    case RecordingFormat::Mat: return "mat";
    case RecordingFormat::Hdf5Spikes: return "h5-spikes";
  }
  return "?";
}

namespace {

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// A CSV of spike times has a header naming a time column, or two columns
// whose first is not numeric (unit ids are strings).
RecordingFormat sniff_csv(const fs::path& path) {
  return names_spike_time_column(read_csv_header(path)) ? RecordingFormat::CsvSpikes
                                               : RecordingFormat::CsvCounts;
}

std::string array_origin(const fs::path& path, const std::string& key) {
  return fmt::format("reading {}: array '{}'", path.string(), key);
}

void require_numeric(const NdArray& a, const fs::path& path, const std::string& key) {
  if (a.dtype == DType::String) {
    throw Error(fmt::format("{}: expected numbers, found strings ({})", array_origin(path, key),
                            dtype_name(a.dtype)));
  }
}

double read_scalar(const NdArray& a, const fs::path& path, const std::string& key) {
  require_numeric(a, path, key);
  if (a.size() != 1) {
    throw Error(fmt::format("{}: expected a single number, found shape {}", array_origin(path, key),
                            a.shape_string()));
  }
  return a.as_double(0);
}

// Unit ids or names: strings kept, integers written in decimal.
std::vector<std::string> read_strings(const NdArray& a, const fs::path& path, const std::string& key,
                                      std::size_t expected) {
  if (a.ndim() != 1 || a.size() != expected) {
    throw Error(fmt::format("{}: expected {} entries (1-D), found shape {}", array_origin(path, key),
                            expected, a.shape_string()));
  }
  if (a.dtype == DType::String) return a.strings;
  if (!is_integral(a.dtype)) {
    throw Error(fmt::format("{}: expected strings or integers, found {}", array_origin(path, key),
                            dtype_name(a.dtype)));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(std::to_string(a.as_int64(i)));
  return out;
}

// Discrete codes per element: integer codes (negative = missing) with
// optional names, or strings (Categorical::from_strings: empty = missing).
Categorical read_codes(const NpzArrays& arrays, const fs::path& path, const std::string& key,
                       const std::string& names_key, std::size_t expected,
                       const std::string& per_what) {
  const NdArray& a = arrays.at(key);
  if (a.ndim() != 1 || a.size() != expected) {
    throw Error(fmt::format("{}: expected {} entries (one per {}), found shape {}",
                            array_origin(path, key), expected, per_what, a.shape_string()));
  }
  if (a.dtype == DType::String) return Categorical::from_strings(a.strings);
  if (!is_integral(a.dtype)) {
    throw Error(fmt::format("{}: expected integer codes or strings, found {}",
                            array_origin(path, key), dtype_name(a.dtype)));
  }
  Categorical out;
  std::int64_t max_code = -1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::int64_t c = a.as_int64(i);
    if (c < 0) c = Categorical::kMissing;
    if (c > 1000000) {
      throw Error(fmt::format("{}: expected small codes, found {} at index {}",
                              array_origin(path, key), c, i));
    }
    max_code = std::max(max_code, c);
    out.codes.push_back(static_cast<int>(c));
  }
  if (auto it = arrays.find(names_key); it != arrays.end()) {
    out.names = read_strings(it->second, path, names_key, it->second.size());
    if (static_cast<std::int64_t>(out.names.size()) <= max_code) {
      throw Error(fmt::format("{}: code {} has no name ({} has {} names)", array_origin(path, key),
                              max_code, names_key, out.names.size()));
    }
  } else {
    for (std::int64_t c = 0; c <= max_code; ++c) out.names.push_back(std::to_string(c));
  }
  return out;
}

Activity activity_from_array(const NdArray& a, const fs::path& path, const std::string& key,
                             bool time_major) {
  require_numeric(a, path, key);
  if (a.ndim() != 2) {
    throw Error(fmt::format("{}: expected 2 dimensions ({}), found shape {}",
                            array_origin(path, key), time_major ? "bins x units" : "units x bins",
                            a.shape_string()));
  }
  if (a.dtype == DType::UInt8 && !time_major) {
    // Counts as bytes stay bytes: no float64 copy of the whole recording.
    return Activity::from_bytes(a.shape[0], a.shape[1], std::vector<std::uint8_t>(a.bytes.begin(), a.bytes.end()));
  }
  std::vector<double> values = a.to_doubles();
  if (time_major) return Activity::from_time_major(a.shape[0], a.shape[1], values);
  return Activity{a.shape[0], a.shape[1], std::move(values)};
}

SpikeTrains spike_trains_from_arrays(const NdArray& times, const NdArray& units, const fs::path& path) {
  require_numeric(times, path, "spike_times");
  if (times.ndim() != 1 || units.ndim() != 1 || times.size() != units.size()) {
    throw Error(fmt::format(
        "reading {}: arrays 'spike_times' and 'spike_units': expected two 1-D arrays of one "
        "length, found shapes {} and {}",
        path.string(), times.shape_string(), units.shape_string()));
  }
  const std::vector<std::string> ids = read_strings(units, path, "spike_units", units.size());
  SpikeTrains trains;
  std::map<std::string, std::size_t> index;
  // Integer unit ids are ordered numerically, string ids by first appearance.
  std::vector<std::string> order = ids;
  if (units.dtype != DType::String) {
    std::vector<std::int64_t> numeric = units.to_int64s();
    std::sort(numeric.begin(), numeric.end());
    numeric.erase(std::unique(numeric.begin(), numeric.end()), numeric.end());
    order.clear();
    for (auto v : numeric) order.push_back(std::to_string(v));
  }
  for (const auto& id : order) {
    if (index.emplace(id, trains.unit_ids.size()).second) {
      trains.unit_ids.push_back(id);
      trains.times_s.emplace_back();
    }
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const double t = times.as_double(i);
    if (!std::isfinite(t) || t < 0) {
      throw Error(fmt::format("{}: expected finite times >= 0 (seconds), found {} at index {}",
                              array_origin(path, "spike_times"), t, i));
    }
    trains.times_s[index.at(ids[i])].push_back(t);
  }
  for (auto& t : trains.times_s) std::sort(t.begin(), t.end());
  return trains;
}

double require_bin_width(const RecordingReadOptions& options, const fs::path& path) {
  if (!options.bin_width_s) {
    throw Error(fmt::format("reading {}: expected a bin width (`bin-width` SECONDS); the file does "
                            "not record one",
                            path.string()));
  }
  return *options.bin_width_s;
}

// `behaviour-series` KEY `behaviour-times` KEY: samples [S] or [S, D] at
// their own times [S] (seconds, ascending, the spike times' clock).
SampledSignal sampled_signal_from_arrays(const NpzArrays& arrays, const fs::path& path,
                                         const RecordingReadOptions& options) {
  const std::string& key = options.behaviour_series;
  if (options.behaviour_times.empty()) {
    throw Error(fmt::format("reading {}: `behaviour-series` {}: expected `behaviour-times` KEY too, "
                            "the array of the samples' times in seconds",
                            path.string(), key));
  }
  const NdArray& values = require_array(arrays, key, path);
  const NdArray& times = require_array(arrays, options.behaviour_times, path);
  require_numeric(values, path, key);
  require_numeric(times, path, options.behaviour_times);
  if (values.ndim() < 1 || values.ndim() > 2) {
    throw Error(fmt::format("{}: expected samples or samples x dims, found shape {}",
                            array_origin(path, key), values.shape_string()));
  }
  if (times.ndim() != 1 || times.size() != values.shape[0]) {
    throw Error(fmt::format("{}: expected {} times (one per sample of '{}'), found shape {}",
                            array_origin(path, options.behaviour_times), values.shape[0], key,
                            times.shape_string()));
  }
  SampledSignal signal;
  signal.n_dims = values.ndim() == 2 ? values.shape[1] : 1;
  signal.values = values.to_doubles();
  signal.times_s = times.to_doubles();
  for (std::size_t i = 0; i < signal.times_s.size(); ++i) {
    const double t = signal.times_s[i];
    if (!std::isfinite(t) || (i > 0 && t < signal.times_s[i - 1])) {
      throw Error(fmt::format("{}: expected finite ascending times (seconds), found {} at "
                              "index {}{}",
                              array_origin(path, options.behaviour_times), t, i,
                              i > 0 ? fmt::format(" after {}", signal.times_s[i - 1]) : ""));
    }
  }
  for (std::size_t d = 0; d < signal.n_dims; ++d) {
    signal.names.push_back(signal.n_dims == 1 ? key : fmt::format("{}_{}", key, d));
  }
  return signal;
}

Recording read_npz_recording(const fs::path& path, const RecordingReadOptions& options) {
  const NpzArrays arrays = read_npz(path);
  std::optional<double> bin_width_s = options.bin_width_s;
  if (!bin_width_s) {
    if (auto it = arrays.find("bin_width_s"); it != arrays.end()) {
      bin_width_s = read_scalar(it->second, path, "bin_width_s");
    }
  }
  std::optional<Recording> recording;
  std::vector<std::string> unit_ids;
  if (arrays.count("counts")) {
    const NdArray& counts = arrays.at("counts");
    Activity activity = activity_from_array(counts, path, "counts", options.time_major);
    if (auto it = arrays.find("unit_ids"); it != arrays.end()) {
      unit_ids = read_strings(it->second, path, "unit_ids", activity.n_units());
    }
    if (!bin_width_s) bin_width_s = require_bin_width(options, path);
    recording.emplace(std::move(activity), *bin_width_s, unit_ids,
                      fmt::format("reading {}", path.string()));
  } else if (arrays.count("spike_times")) {
    const NdArray& units = require_array(arrays, "spike_units", path);
    SpikeTrains trains = spike_trains_from_arrays(arrays.at("spike_times"), units, path);
    if (!bin_width_s) bin_width_s = require_bin_width(options, path);
    BinningOptions binning{*bin_width_s, options.start_s, options.stop_s};
    Activity activity = bin_spike_trains(trains, binning, path.string());
    recording.emplace(std::move(activity), *bin_width_s, trains.unit_ids,
                      fmt::format("reading {}", path.string()));
    recording->set_start_time_s(options.start_s.value_or(0.0));
  } else {
    require_array(arrays, "counts", path);  // throws, listing the keys found
  }
  const std::string origin = fmt::format("reading {}", path.string());
  if (arrays.count("labels")) {
    recording->set_labels(
        read_codes(arrays, path, "labels", "label_names", recording->n_bins(), "bin"));
  }
  if (auto it = arrays.find("behaviour"); it != arrays.end()) {
    const NdArray& b = it->second;
    require_numeric(b, path, "behaviour");
    if (b.ndim() < 1 || b.ndim() > 2 || b.shape[0] != recording->n_bins()) {
      throw Error(fmt::format("{}: expected {} rows (bins x dims), found shape {}",
                              array_origin(path, "behaviour"), recording->n_bins(), b.shape_string()));
    }
    Behaviour behaviour{b.ndim() == 1 ? 1 : b.shape[1], b.to_doubles(), {}};
    if (auto n = arrays.find("behaviour_names"); n != arrays.end()) {
      behaviour.names = read_strings(n->second, path, "behaviour_names", behaviour.n_dims);
    }
    recording->set_behaviour(std::move(behaviour));
  }
  if (!options.behaviour_series.empty()) {
    if (arrays.count("behaviour")) {
      throw Error(fmt::format("{}: `behaviour-series` {}: the file already has per-bin 'behaviour'; "
                              "expected one or the other",
                              origin, options.behaviour_series));
    }
    if (auto it = arrays.find("start_time_s"); it != arrays.end()) {
      recording->set_start_time_s(read_scalar(it->second, path, "start_time_s"));
    }
    const SampledSignal signal = sampled_signal_from_arrays(arrays, path, options);
    recording->set_behaviour(resample_onto_bins(signal, recording->n_bins(), recording->bin_width_s(),
                                                recording->start_time_s(), ResampleMethod::BinMean));
  }
  if (arrays.count("groups")) {
    recording->set_groups(
        read_codes(arrays, path, "groups", "group_names", recording->n_units(), "unit"));
  }
  if (auto it = arrays.find("start_time_s"); it != arrays.end()) {
    recording->set_start_time_s(read_scalar(it->second, path, "start_time_s"));
  }
  return std::move(*recording);
}

// Counts as small unsigned integers (what NdArray::from_counts would pick
// from the doubles), straight from the compact storage: 10,000 units x
// 48,000 bins is 480 MB of uint8 to compress instead of 3.8 GB of float64.
NdArray counts_array(const Activity& a) {
  std::vector<std::size_t> shape{a.n_units(), a.n_bins()};
  if (a.storage() == Activity::Storage::Float64) return NdArray::from_counts(a.to_doubles(), shape);
  NdArray array;
  array.shape = std::move(shape);
  if (a.storage() == Activity::Storage::UInt8) {
    array.dtype = DType::UInt8;
    const auto* first = static_cast<const unsigned char*>(a.data());
    array.bytes.assign(first, first + a.size());
    return array;
  }
  // int16 storage holds 256..32767 at its largest, which uint16 holds too.
  array.dtype = DType::UInt16;
  array.bytes.resize(a.size() * sizeof(std::uint16_t));
  const auto* shorts = static_cast<const std::int16_t*>(a.data());
  auto* out = reinterpret_cast<std::uint16_t*>(array.bytes.data());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = static_cast<std::uint16_t>(shorts[i]);
  return array;
}

}  // namespace

Categorical trial_labels_on_bins(const std::vector<std::string>& trial_labels,
                                 const std::vector<BinRange>& trials, std::size_t n_bins) {
  const Categorical per_trial = Categorical::from_strings(trial_labels);
  Categorical labels{std::vector<int>(n_bins, Categorical::kMissing), per_trial.names};
  for (std::size_t k = 0; k < trials.size(); ++k) {
    if (per_trial.codes[k] == Categorical::kMissing) continue;
    std::fill(labels.codes.begin() + static_cast<std::ptrdiff_t>(trials[k].begin),
              labels.codes.begin() + static_cast<std::ptrdiff_t>(trials[k].end), per_trial.codes[k]);
  }
  return labels;
}

Recording read_recording(const fs::path& path, const RecordingReadOptions& options) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw Error(fmt::format("reading {}: expected a recording file, found a directory",
                            path.string()));
  }
  if (!fs::exists(path, ec)) throw Error(fmt::format("reading {}: no such file", path.string()));
  if (options.bin_width_s && !(*options.bin_width_s > 0.0 && std::isfinite(*options.bin_width_s))) {
    throw Error(fmt::format("`bin-width`: expected a positive number of seconds, found {}",
                            *options.bin_width_s));
  }
  RecordingFormat format = options.format;
  const std::string ext = lower_extension(path);
  if (format == RecordingFormat::Auto) {
    if (ext == ".npz") {
      format = RecordingFormat::Npz;
    } else if (ext == ".npy") {
      format = RecordingFormat::Npy;
    } else if (ext == ".csv" || ext == ".tsv" || ext == ".txt") {
      format = sniff_csv(path);
    } else if (ext == ".nwb") {
      format = RecordingFormat::Nwb;
    } else if (ext == ".mat") {
      format = RecordingFormat::Mat;
    } else if (ext == ".h5" || ext == ".hdf5") {
      format = RecordingFormat::Hdf5Spikes;
    } else {
      throw Error(fmt::format("reading {}: unknown file type '{}' (expected .npz, .npy, .csv, "
                              ".nwb, .mat or .h5; "
                              "or give `format`)",
                              path.string(), ext));
    }
  }
  const std::string origin = fmt::format("reading {}", path.string());
  if (!options.behaviour_series.empty() && format != RecordingFormat::Npz &&
      format != RecordingFormat::Nwb) {
    throw Error(fmt::format("{}: `behaviour-series`: expected an .npz or .nwb recording, found {}",
                            origin, recording_format_name(format)));
  }
  std::optional<Recording> recording;
  switch (format) {
    case RecordingFormat::Npz:
      recording.emplace(read_npz_recording(path, options));
      break;
    case RecordingFormat::Npy: {
      const NdArray a = read_npy(path);
      Activity activity = activity_from_array(a, path, "counts", options.time_major);
      recording.emplace(std::move(activity), require_bin_width(options, path),
                        std::vector<std::string>{}, origin);
      break;
    }
    case RecordingFormat::CsvCounts: {
      std::vector<std::string> ids;
      Activity activity = read_counts_csv(path, options.time_major, &ids);
      recording.emplace(std::move(activity), require_bin_width(options, path), ids, origin);
      break;
    }
    case RecordingFormat::CsvSpikes: {
      const double w = require_bin_width(options, path);
      SpikeCounts counts = bin_spike_times_csv(path, BinningOptions{w, options.start_s, options.stop_s});
      recording.emplace(std::move(counts.activity), w, std::move(counts.unit_ids), origin);
      recording->set_start_time_s(options.start_s.value_or(0.0));
      break;
    }
    case RecordingFormat::Nwb:
      recording.emplace(read_nwb_recording(path, options));
      break;
    case RecordingFormat::Mat:
      recording.emplace(read_mat_recording(path, options));
      break;
    case RecordingFormat::Hdf5Spikes:
      recording.emplace(read_hdf5_spikes(
          path, options.h5, BinningOptions{require_bin_width(options, path), options.start_s, options.stop_s}));
      break;
    case RecordingFormat::Auto:
      break;
  }
  if (options.labels_csv) {
    Categorical labels = read_labels_csv(*options.labels_csv);
    if (labels.codes.size() != recording->n_bins()) {
      throw Error(fmt::format("reading {}: expected {} labels (one per bin of {}), found {}",
                              options.labels_csv->string(), recording->n_bins(), path.string(),
                              labels.codes.size()));
    }
    recording->set_labels(std::move(labels));
  }
  if (options.rebin != 1) recording.emplace(rebin(*recording, options.rebin, origin));
  if (options.behaviour_first_pc || !options.behaviour_labels.empty()) {
    if (!recording->behaviour()) {
      throw Error(fmt::format("{}: {}: expected a behaviour, found none (an .npz 'behaviour' array, or "
                              "`behaviour-series`)",
                              origin,
                              options.behaviour_first_pc ? "`behaviour-axis` first-pc" : "`behaviour-labels`"));
    }
  }
  if (options.behaviour_first_pc) {
    recording->set_behaviour(first_principal_axis(*recording->behaviour(), origin));
  }
  if (!options.behaviour_labels.empty()) {
    recording->set_labels(label_behaviour_ranges(*recording->behaviour(), options.behaviour_labels, origin));
  }
  if (!options.label_all.empty()) {
    if (options.labels_csv || !options.behaviour_labels.empty()) {
      throw Error(fmt::format("{}: `label` labels every bin; it does not combine with `{}`", origin,
                              options.labels_csv ? "labels" : "behaviour-labels"));
    }
    Categorical one;
    one.names = {options.label_all};
    one.codes.assign(recording->n_bins(), 0);
    recording->set_labels(std::move(one));
  }
  return std::move(*recording);
}

void write_recording_npz(const fs::path& path, const Recording& recording) {
  std::vector<std::pair<std::string, NdArray>> arrays;
  const Activity& a = recording.activity();
  arrays.emplace_back("counts", counts_array(a));
  arrays.emplace_back("bin_width_s", NdArray::scalar(recording.bin_width_s()));
  arrays.emplace_back("start_time_s", NdArray::scalar(recording.start_time_s()));
  arrays.emplace_back("unit_ids", NdArray::from_strings(recording.unit_ids(), {a.n_units()}));
  if (const auto& labels = recording.labels()) {
    std::vector<std::int64_t> codes(labels->codes.begin(), labels->codes.end());
    arrays.emplace_back("labels", NdArray::from_int64s(codes, {codes.size()}));
    arrays.emplace_back("label_names", NdArray::from_strings(labels->names, {labels->names.size()}));
  }
  if (const auto& behaviour = recording.behaviour()) {
    arrays.emplace_back("behaviour",
                        NdArray::from_doubles(behaviour->values, {a.n_bins(), behaviour->n_dims}));
    if (!behaviour->names.empty()) {
      arrays.emplace_back("behaviour_names",
                          NdArray::from_strings(behaviour->names, {behaviour->names.size()}));
    }
  }
  if (const auto& groups = recording.groups()) {
    std::vector<std::int64_t> codes(groups->codes.begin(), groups->codes.end());
    arrays.emplace_back("groups", NdArray::from_int64s(codes, {codes.size()}));
    arrays.emplace_back("group_names", NdArray::from_strings(groups->names, {groups->names.size()}));
  }
  write_npz(path, arrays, /*compress=*/true);
}

}  // namespace tavrnn::io
