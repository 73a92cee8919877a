// Listing what an NWB file holds (tavrnn info) and naming objects in it.
#include <algorithm>

#include <fmt/format.h>

#include "hdf5_file.h"
#include "nwb_table.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/nwb.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

namespace {

using nwb::join;

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string columns_text(const std::vector<NwbColumn>& columns) {
  std::string text;
  for (const auto& c : columns) {
    text += fmt::format("{}{} ({} {})", text.empty() ? "" : ", ", c.name, c.kind, shape_text(c.shape));
  }
  return text.empty() ? "none" : text;
}

NwbUnitsTableInfo describe_units(const hdf5::File& file, const std::string& table) {
  NwbUnitsTableInfo info{table, nwb::table_rows(file, table), 0, nwb::table_columns(file, table)};
  const std::string times = join(table, "spike_times");
  if (!file.is_dataset(times)) {
    file.fail(table, "expected a 'spike_times' column (Units table), found none");
  }
  const std::vector<std::size_t> shape = file.shape(times);
  if (shape.size() != 1) file.fail(times, fmt::format("expected 1 dimension, found {}", shape.size()));
  const auto offsets = nwb::checked_index(file, times + "_index", info.n_units, shape[0]);
  info.n_spikes = offsets.empty() ? 0 : offsets.back();
  return info;
}

NwbIntervalsInfo describe_intervals(const hdf5::File& file, const std::string& table) {
  NwbIntervalsInfo info{table, nwb::table_rows(file, table), nwb::table_columns(file, table)};
  for (const char* required : {"start_time", "stop_time"}) {
    if (!file.is_dataset(join(table, required))) {
      file.fail(table, fmt::format("expected a '{}' column (TimeIntervals table), found none",
                                   required));
    }
  }
  return info;
}

// Any TimeSeries subtype: a group with `data` and either `timestamps` or
// `starting_time` (whose `rate` attribute gives the sampling rate).
std::optional<NwbSeriesInfo> describe_series(const hdf5::File& file, const std::string& group,
                                             const std::string& type) {
  const std::string data = join(group, "data");
  const bool has_timestamps = file.is_dataset(join(group, "timestamps"));
  const bool has_start = file.is_dataset(join(group, "starting_time"));
  if (!file.is_dataset(data) || (!has_timestamps && !has_start)) return std::nullopt;
  NwbSeriesInfo info{group, type, file.shape(data), "timestamps", file.string_attribute(data, "unit").value_or("")};
  if (!has_timestamps) {
    const std::string start = join(group, "starting_time");
    const std::vector<double> t0 = file.read_doubles(start);
    const auto rate = file.number_attribute(start, "rate");
    info.timing = rate && t0.size() == 1 ? fmt::format("rate {} Hz from {} s", *rate, t0[0])
                                         : std::string("starting_time without a rate");
  }
  return info;
}

}  // namespace

NwbContents list_nwb(const fs::path& path) {
  const hdf5::File file(path);
  NwbContents contents;
  file.walk([&](const std::string& object, bool is_group) {
    if (!is_group) return;
    const std::string type = nwb::neurodata_type(file, object);
    if (type.empty()) return;
    if (type == "Units") {
      contents.units_tables.push_back(describe_units(file, object));
    } else if (type == "TimeIntervals") {
      contents.interval_tables.push_back(describe_intervals(file, object));
    } else if (auto series = describe_series(file, object, type)) {
      contents.series.push_back(*series);
    }
  });
  return contents;
}

std::string NwbContents::to_text() const {
  std::string text = fmt::format("units tables: {}\n", units_tables.size());
  for (const auto& t : units_tables) {
    text += fmt::format("  {}: {} units, {} spikes; columns: {}\n", t.path, t.n_units, t.n_spikes,
                        columns_text(t.columns));
  }
  text += fmt::format("interval tables: {}\n", interval_tables.size());
  for (const auto& t : interval_tables) {
    text += fmt::format("  {}: {} rows; columns: {}\n", t.path, t.n_rows, columns_text(t.columns));
  }
  text += fmt::format("series: {}\n", series.size());
  for (const auto& s : series) {
    text += fmt::format("  {} ({}): data {}{}, {}\n", s.path, s.neurodata_type, shape_text(s.shape),
                        s.unit.empty() ? "" : " " + s.unit, s.timing);
  }
  return text;
}

std::string resolve_nwb_object(const std::vector<std::string>& paths, const std::string& name,
                               const std::string& what, const fs::path& file) {
  std::vector<std::string> matches;
  if (name.empty()) {
    matches = paths;
  } else {
    const std::string wanted = name.front() == '/' ? name : "/" + name;
    for (const auto& p : paths) {
      const bool tail = p.size() >= wanted.size() &&
                        p.compare(p.size() - wanted.size(), wanted.size(), wanted) == 0;
      if (p == name || tail) matches.push_back(p);
    }
  }
  if (matches.size() == 1) return matches.front();
  std::string listed;
  for (const auto& p : paths) listed += (listed.empty() ? "" : ", ") + p;
  if (paths.empty()) {
    throw Error(fmt::format("reading {}: expected a {}, found none", file.string(), what));
  }
  if (matches.empty()) {
    throw Error(fmt::format("reading {}: no {} named '{}'; the file has: {}", file.string(), what,
                            name, listed));
  }
  throw Error(fmt::format("reading {}: {} {}s{}; name one of: {}", file.string(), matches.size(),
                          what, name.empty() ? "" : " match '" + name + "'", listed));
}

}  // namespace tavrnn::io
