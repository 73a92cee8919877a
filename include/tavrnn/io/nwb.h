#pragma once
// Neurodata Without Borders (NWB 2.x, HDF5) input: spiking units, trial and
// epoch tables, and behaviour series, found by their `neurodata_type`
// attribute wherever the file keeps them. Layout and options: docs/formats.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tavrnn/recording/binning.h"

namespace tavrnn::io {

// Which parts of an NWB file make the recording. Objects are named by path
// or by a unique trailing part of it (resolve_nwb_object in io/nwb.h).
struct NwbSelection {
  std::string units_table;       // default: the file's only Units table
  std::string group_column;      // per-unit column as unit groups: location, electrode_group
  std::string trials_table;      // TimeIntervals rows become Recording::trials(); default
                                 // "/intervals/trials" when the file has it
  std::string label_column;      // trials-table column whose value labels each trial's bins
};

// One column of a DynamicTable (Units, TimeIntervals).
struct NwbColumn {
  std::string name;
  std::string kind;  // "numbers", "strings", "references", "ragged", "array", "compound"
  std::vector<std::size_t> shape;  // of the dataset (of the values for ragged ones)
  // A column with one scalar per row: usable as unit groups or trial labels.
  bool scalar() const { return kind == "numbers" || kind == "strings" || kind == "references"; }
};

struct NwbUnitsTableInfo {
  std::string path;  // "/units", "/acquisition/UnitsTest"
  std::size_t n_units = 0;
  std::size_t n_spikes = 0;
  std::vector<NwbColumn> columns;  // spike_times and obs_intervals included
};

struct NwbIntervalsInfo {
  std::string path;  // "/intervals/trials"
  std::size_t n_rows = 0;
  std::vector<NwbColumn> columns;
};

struct NwbSeriesInfo {
  std::string path;           // "/processing/behavior/Position/position"
  std::string neurodata_type; // "SpatialSeries", "TimeSeries", ...
  std::vector<std::size_t> shape;  // of `data`: samples (x dims)
  std::string timing;         // "timestamps" or "rate 60 Hz from 0 s"
  std::string unit;           // `data`'s unit attribute, may be empty
};

// What an NWB file holds that tavrnn can use (`tavrnn info FILE.nwb`). The
// index of every Units table is checked here (offsets non-decreasing and
// within spike_times), without reading the spike times themselves.
struct NwbContents {
  std::vector<NwbUnitsTableInfo> units_tables;
  std::vector<NwbIntervalsInfo> interval_tables;
  std::vector<NwbSeriesInfo> series;
  std::string to_text() const;
};
NwbContents list_nwb(const std::filesystem::path& path);

// Objects are named by their full path or, when unique, by any trailing
// part of it ("trials", "Position/position"). An empty name picks the only
// object of that kind; otherwise Error lists the candidates.
std::string resolve_nwb_object(const std::vector<std::string>& paths, const std::string& name,
                               const std::string& what, const std::filesystem::path& file);

struct NwbUnits {
  std::string table_path;
  SpikeTrains trains;  // unit_ids from `id`; times sorted per unit
  // obs_intervals per unit as [start, stop] pairs in seconds; empty when the
  // table has none.
  std::vector<std::vector<std::pair<double, double>>> obs_intervals;
};
// Reads spike_times in one bulk read and splits it by spike_times_index.
NwbUnits read_nwb_units(const std::filesystem::path& path, const std::string& table = "");

// The Units table binned without holding its spikes: spike_times is read a
// million values at a time, twice (checks and the last spike; then counts),
// so memory is the counts alone however many spikes it holds. Same checks
// as read_nwb_units + bin_spike_trains (times need not be sorted).
struct NwbSpikeCounts {
  std::string table_path;
  std::vector<std::string> unit_ids;  // from `id`
  Activity activity;
};
NwbSpikeCounts bin_nwb_units(const std::filesystem::path& path, const std::string& table,
                             const BinningOptions& options, std::size_t piece_values = std::size_t{1} << 20);

// A per-unit (or per-row) scalar column as text: strings as they are,
// integers in decimal, other numbers with %g, object references as the
// name of the object they point at (an ElectrodeGroup's name).
std::vector<std::string> read_nwb_column_text(const std::filesystem::path& path,
                                              const std::string& table, const std::string& column);

// A TimeIntervals table: start_time, stop_time and its scalar columns.
struct NwbIntervals {
  std::string path;
  std::vector<double> start_s;
  std::vector<double> stop_s;
  std::vector<std::string> column_names;              // scalar columns other than the times
  std::vector<std::vector<std::string>> column_text;  // [column][row], as read_nwb_column_text
  const std::vector<std::string>& column(const std::string& name, const std::string& file) const;
};
NwbIntervals read_nwb_intervals(const std::filesystem::path& path, const std::string& table);

// A TimeSeries or SpatialSeries: `data` (samples x dims) times `conversion`
// (+ `offset`), at `timestamps` or at starting_time + i / rate.
SampledSignal read_nwb_series(const std::filesystem::path& path, const std::string& series);

}  // namespace tavrnn::io
