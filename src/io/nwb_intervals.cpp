// Trials and epochs from NWB TimeIntervals tables.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hdf5_file.h"
#include "nwb_table.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/nwb.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

const std::vector<std::string>& NwbIntervals::column(const std::string& name,
                                                     const std::string& file) const {
  const auto it = std::find(column_names.begin(), column_names.end(), name);
  if (it == column_names.end()) {
    std::string names;
    for (const auto& c : column_names) names += (names.empty() ? "" : ", ") + c;
    throw Error(fmt::format("reading {}: {}: no scalar column '{}'; the table has: {}", file, path,
                            name, names.empty() ? "none" : names));
  }
  return column_text[static_cast<std::size_t>(it - column_names.begin())];
}

NwbIntervals read_nwb_intervals(const fs::path& path, const std::string& table_name) {
  const hdf5::File file(path);
  NwbIntervals intervals;
  intervals.path = resolve_nwb_object(nwb::find_typed_groups(file, {"TimeIntervals"}), table_name,
                                      "TimeIntervals table (trials, epochs)", file.name());
  const std::string& table = intervals.path;
  const std::size_t rows = nwb::table_rows(file, table);
  for (const char* name : {"start_time", "stop_time"}) {
    const std::string column = nwb::join(table, name);
    if (!file.is_dataset(column)) {
      file.fail(table, fmt::format("expected a '{}' column (TimeIntervals table), found none", name));
    }
    std::vector<double> values = file.read_doubles(column);
    if (values.size() != rows) {
      file.fail(column, fmt::format("expected {} values (one per row), found {}", rows, values.size()));
    }
    (std::string(name) == "start_time" ? intervals.start_s : intervals.stop_s) = std::move(values);
  }
  for (std::size_t i = 0; i < rows; ++i) {
    if (!std::isfinite(intervals.start_s[i]) || !(intervals.stop_s[i] >= intervals.start_s[i])) {
      file.fail(table, fmt::format("row {}: expected finite start_time <= stop_time, found [{}, {}]",
                                   i, intervals.start_s[i], intervals.stop_s[i]));
    }
  }
  for (const NwbColumn& c : nwb::table_columns(file, table)) {
    if (!c.scalar() || c.name == "start_time" || c.name == "stop_time") continue;
    intervals.column_names.push_back(c.name);
    intervals.column_text.push_back(nwb::column_text(file, table, c.name));
  }
  return intervals;
}

}  // namespace tavrnn::io
