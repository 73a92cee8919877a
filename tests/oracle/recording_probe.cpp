// Driven by tests/oracle/nwb_oracle.py and mat_oracle.py so that h5py and
// scipy.io, not tavrnn, judge the NWB and MATLAB readers. Prints JSON:
//   tavrnn_recording_probe units FILE [TABLE]        ids, spike times, obs_intervals
//   tavrnn_recording_probe column FILE TABLE COLUMN  a column as text
//   tavrnn_recording_probe intervals FILE TABLE      start/stop and scalar columns
//   tavrnn_recording_probe series FILE SERIES        sample times and values
//   tavrnn_recording_probe mat FILE VAR FIELD [time-major]   read_mat_activity
//   tavrnn_recording_probe recording FILE OPTIONS    read_recording; OPTIONS is
//       JSON: bin_width_s, start_s, stop_s, time_major, units_table,
//       group_column, behaviour_series, trials_table, label_column, mat_var, mat_field,
//       mat_trial_labels, h5_spike_times, h5_unit_counts, h5_unit_index, h5_unit_names,
//       h5_time_scale
// Floats are printed with round-trip precision; NaN as the string "nan".
// Errors: the message on stderr, exit 1.
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "tavrnn/util/error.h"
#include "tavrnn/io/mat.h"
#include "tavrnn/io/nwb.h"
#include "tavrnn/io/recording_io.h"

namespace {

using nlohmann::json;
namespace io = tavrnn::io;

json floats(const std::vector<double>& values) {
  json out = json::array();
  for (double v : values) out.push_back(std::isnan(v) ? json("nan") : json(v));
  return out;
}

json trains_json(const tavrnn::SpikeTrains& trains) {
  json times = json::array();
  for (const auto& t : trains.times_s) times.push_back(floats(t));
  return {{"ids", trains.unit_ids}, {"times", times}};
}

json groups_json(const tavrnn::Categorical& g) { return {{"codes", g.codes}, {"names", g.names}}; }

json units(const std::string& path, const std::string& table) {
  const io::NwbUnits u = io::read_nwb_units(path, table);
  json j = trains_json(u.trains);
  j["table"] = u.table_path;
  j["obs_intervals"] = u.obs_intervals;
  return j;
}

json intervals(const std::string& path, const std::string& table) {
  const io::NwbIntervals t = io::read_nwb_intervals(path, table);
  json columns = json::object();
  for (std::size_t c = 0; c < t.column_names.size(); ++c) columns[t.column_names[c]] = t.column_text[c];
  return {{"path", t.path}, {"start", floats(t.start_s)}, {"stop", floats(t.stop_s)}, {"columns", columns}};
}

json series(const std::string& path, const std::string& name) {
  const tavrnn::SampledSignal s = io::read_nwb_series(path, name);
  return {{"times", floats(s.times_s)}, {"n_dims", s.n_dims}, {"values", floats(s.values)}, {"names", s.names}};
}

json mat(const std::string& path, const std::string& variable, const std::string& field, bool time_major) {
  const io::MatActivity a = io::read_mat_activity(path, io::MatSelection{variable, field, ""}, time_major);
  json j = {{"variable", a.variable}, {"skipped_empty", a.skipped_empty}};
  if (a.counts) {
    j["counts"] = {{"n_units", a.counts->n_units()}, {"n_bins", a.counts->n_bins()}, {"values", floats(a.counts->to_doubles())}};
  } else {
    j["trains"] = trains_json(a.trains);
  }
  if (a.groups) j["groups"] = groups_json(*a.groups);
  json trials = json::array();
  for (const auto& t : a.trials) trials.push_back({t.begin, t.end});
  j["trials"] = trials;
  return j;
}

json recording(const std::string& path, const std::string& options_text) {
  const json o = json::parse(options_text);
  io::RecordingReadOptions options;
  if (o.contains("bin_width_s")) options.bin_width_s = o["bin_width_s"].get<double>();
  if (o.contains("start_s")) options.start_s = o["start_s"].get<double>();
  if (o.contains("stop_s")) options.stop_s = o["stop_s"].get<double>();
  options.time_major = o.value("time_major", false);
  options.nwb = {o.value("units_table", ""), o.value("group_column", ""), o.value("trials_table", ""),
                 o.value("label_column", "")};
  options.behaviour_series = o.value("behaviour_series", "");
  options.behaviour_times = o.value("behaviour_times", "");
  options.rebin = o.value("rebin", std::size_t{1});
  options.behaviour_first_pc = o.value("behaviour_axis", std::string()) == "first-pc";
  options.behaviour_labels = o.value("behaviour_labels", std::string());
  options.mat = {o.value("mat_var", ""), o.value("mat_field", ""), o.value("mat_trial_labels", "")};
  options.h5 = {o.value("h5_spike_times", ""), o.value("h5_unit_counts", ""), o.value("h5_unit_index", ""),
                o.value("h5_unit_names", ""), o.value("h5_time_scale", 1.0)};
  const tavrnn::Recording r = io::read_recording(path, options);
  json j = {{"unit_ids", r.unit_ids()}, {"n_units", r.n_units()}, {"n_bins", r.n_bins()},
            {"bin_width_s", r.bin_width_s()}, {"start_time_s", r.start_time_s()},
            {"counts", floats(r.activity().to_doubles())}};
  json trials = json::array();
  for (const auto& t : r.trials()) trials.push_back({t.begin, t.end});
  j["trials"] = trials;
  if (r.labels()) j["labels"] = {{"codes", r.labels()->codes}, {"names", r.labels()->names}};
  if (r.groups()) j["groups"] = groups_json(*r.groups());
  if (r.behaviour()) {
    j["behaviour"] = {{"n_dims", r.behaviour()->n_dims}, {"values", floats(r.behaviour()->values)},
                      {"names", r.behaviour()->names}};
  }
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  const auto arg = [&](std::size_t i) { return i < a.size() ? a[i] : std::string(); };
  try {
    json out;
    const std::string mode = arg(0);
    if (mode == "units" && a.size() >= 2) out = units(a[1], arg(2));
    else if (mode == "column" && a.size() == 4) out = io::read_nwb_column_text(a[1], a[2], a[3]);
    else if (mode == "intervals" && a.size() == 3) out = intervals(a[1], a[2]);
    else if (mode == "series" && a.size() == 3) out = series(a[1], a[2]);
    else if (mode == "mat" && a.size() >= 4) out = mat(a[1], a[2], a[3], arg(4) == "time-major");
    else if (mode == "recording" && a.size() == 3) out = recording(a[1], a[2]);
    else {
      std::cerr << "usage: tavrnn_recording_probe units|column|intervals|series|mat|recording ...\n";
      return 2;
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  } catch (const tavrnn::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
