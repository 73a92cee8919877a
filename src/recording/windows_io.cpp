// Reading explicit window ranges from CSV or JSON files.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/csv.h"
#include "tavrnn/recording/windows.h"

namespace tavrnn {
namespace {

std::size_t to_bin(double value, double scale_to_bins, const std::string& origin, std::size_t line,
                   const std::string& column) {
  const double bins = value * scale_to_bins;
  const double rounded = std::round(bins);
  // Beyond 2^53 bins a double holds no whole numbers apart (and no recording
  // comes near): refused rather than cast out of range.
  if (!std::isfinite(bins) || bins < 0 || rounded > 9007199254740992.0 ||
      std::abs(bins - rounded) > 1e-6 * std::max(1.0, rounded)) {
    throw Error(fmt::format("reading {} line {}: column '{}': expected a whole bin index >= 0 (at most 2^53), "
                            "found {}",
                            origin, line, column, value));
  }
  return static_cast<std::size_t>(rounded);
}

std::vector<BinRange> ranges_from_csv(const std::string& path, double bin_width_s) {
  const io::CsvTable table = io::read_csv(path, io::CsvHeader::Auto);
  std::size_t start_col = 0, stop_col = 1;
  double scale = 1.0;  // values to bins
  if (!table.header.empty()) {
    auto find = [&](std::initializer_list<const char*> names) -> std::ptrdiff_t {
      for (std::size_t i = 0; i < table.header.size(); ++i) {
        for (const char* n : names) {
          if (table.header[i] == n) return static_cast<std::ptrdiff_t>(i);
        }
      }
      return -1;
    };
    std::ptrdiff_t s = find({"start", "begin", "start_bin"});
    std::ptrdiff_t e = find({"stop", "end", "stop_bin", "end_bin"});
    if (s < 0 || e < 0) {
      s = find({"start_s", "start_time", "begin_s"});
      e = find({"stop_s", "stop_time", "end_s"});
      scale = 1.0 / bin_width_s;
    }
    if (s < 0 || e < 0) {
      throw Error(fmt::format("reading {}: expected columns start,stop (bins) or start_s,stop_s "
                              "(seconds), found header '{}'",
                              path, fmt::join(table.header, ",")));
    }
    start_col = static_cast<std::size_t>(s);
    stop_col = static_cast<std::size_t>(e);
  }
  std::vector<BinRange> ranges;
  for (const auto& row : table.rows) {
    const std::size_t needed = std::max(start_col, stop_col) + 1;
    if (row.fields.size() < needed) {
      throw Error(fmt::format("reading {} line {}: expected at least {} columns (start,stop), "
                              "found {}",
                              path, row.line, needed, row.fields.size()));
    }
    const double s = io::parse_csv_number(row.fields[start_col], path, row.line, start_col + 1);
    const double e = io::parse_csv_number(row.fields[stop_col], path, row.line, stop_col + 1);
    ranges.push_back({to_bin(s, scale, path, row.line, "start"), to_bin(e, scale, path, row.line, "stop")});
  }
  return ranges;
}

std::vector<BinRange> ranges_from_json(const std::string& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(io::read_file_bytes(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("reading {}: not valid JSON: {}", path, e.what()));
  }
  if (!j.is_array()) {
    throw Error(fmt::format("reading {}: expected a JSON array of [start, stop] pairs (bins)", path));
  }
  std::vector<BinRange> ranges;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& pair = j[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
        !pair[1].is_number_unsigned()) {
      throw Error(fmt::format("reading {}: entry {}: expected [start, stop] with whole bin "
                              "indices >= 0, found {}",
                              path, i, pair.dump()));
    }
    ranges.push_back({pair[0].get<std::size_t>(), pair[1].get<std::size_t>()});
  }
  return ranges;
}

}  // namespace

std::vector<BinRange> read_window_ranges(const std::string& path, double bin_width_s) {
  std::string ext = path.size() >= 5 ? path.substr(path.size() - 5) : "";
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".json") return ranges_from_json(path);
  return ranges_from_csv(path, bin_width_s);
}

}  // namespace tavrnn
