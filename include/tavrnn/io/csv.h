#pragma once
// CSV the way spreadsheets and pandas write it (RFC 4180): quoted fields
// with embedded commas, quotes ("") and newlines, CRLF or LF line ends, an
// optional header, blank lines and lines starting with '#' skipped.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tavrnn/recording/binning.h"
#include "tavrnn/recording/recording.h"

namespace tavrnn::io {

struct CsvRow {
  std::size_t line = 0;  // 1-based line where the row starts, for errors
  std::vector<std::string> fields;
};

struct CsvTable {
  std::vector<std::string> header;  // empty when the file has none
  std::vector<CsvRow> rows;
};

enum class CsvHeader { Auto, Present, Absent };

// Auto: the first row is a header when any of its fields is not a number.
CsvTable parse_csv(const std::string& text, const std::string& origin,
                   CsvHeader header = CsvHeader::Auto, char delimiter = ',');
CsvTable read_csv(const std::filesystem::path& path, CsvHeader header = CsvHeader::Auto,
                  char delimiter = ',');

// The header of a CSV file as read_csv (CsvHeader::Auto) would take it,
// empty when it has none; reads only the start of the file.
std::vector<std::string> read_csv_header(const std::filesystem::path& path);

// The index of the header column `name`; nullopt when the header has none.
std::optional<std::size_t> csv_column(const CsvTable& table, const std::string& name);

// Parses a number; throws Error "reading F line L column C: expected a
// number, found 'x'".
double parse_csv_number(const std::string& field, const std::string& origin,
                        std::size_t line, std::size_t column);

// True when a header names a spike-time column (time_s, time, t, spike_times, ...):
// how a spike-times CSV is told from a counts CSV.
bool names_spike_time_column(const std::vector<std::string>& header);

// `unit,time_s` rows; unit ids are any string. Units appear in the order of
// first appearance; each unit's times are sorted check: unsorted input is an
// error only when `require_sorted`, otherwise sorted here.
SpikeTrains read_spike_times_csv(const std::filesystem::path& path, bool require_sorted = false);

// A spike-time CSV binned without holding its spikes: the file is read
// twice, a chunk at a time (units, order and the last spike; then the
// counts), so memory is the counts alone however many spikes it holds.
// Same checks and errors as read_spike_times_csv(path, true) followed by
// bin_spike_trains.
struct SpikeCounts {
  Activity activity;
  std::vector<std::string> unit_ids;  // in order of first appearance
};
SpikeCounts bin_spike_times_csv(const std::filesystem::path& path, const BinningOptions& options);

// Binned counts: one row per unit (units x bins) or, with time_major, one
// row per bin. An optional first column of unit ids is recognised when the
// header's first field is "unit" / "unit_id" / "id".
Activity read_counts_csv(const std::filesystem::path& path, bool time_major,
                         std::vector<std::string>* unit_ids);

// Per-bin labels: one label per row (column "label", or the last column of
// `bin,label`); empty fields are unlabelled. Names in order of appearance.
Categorical read_labels_csv(const std::filesystem::path& path);

namespace detail {
// The rows of `text` parsed `piece` bytes at a time, as a file is streamed:
// every piece size must give parse_csv's rows (tested).
std::vector<CsvRow> parse_csv_rows_in_pieces(const std::string& text, std::size_t piece);
}  // namespace detail

}  // namespace tavrnn::io
