#include "tavrnn/io/csv.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>
#include <fstream>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"

namespace tavrnn::io {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower_trimmed(std::string_view s) {
  std::string out(trim(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// std::from_chars is locale-independent (strtod would read "0,5" under a
// German locale) and refuses hex floats; it does not take a leading '+'.
std::optional<double> to_number(std::string_view field) {
  std::string_view s = trim(field);
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) {
    if (end != s.data() + s.size()) return std::nullopt;
    // Out of range like numpy's float(): overflow is +-inf, underflow +-0.
    const bool negative = s.front() == '-';
    const std::string_view integer_part = s.substr(0, s.find_first_of(".eE"));
    const bool tiny = s.find("e-") != std::string_view::npos ||
                      s.find("E-") != std::string_view::npos ||
                      integer_part.find_first_of("123456789") == std::string_view::npos;
    if (tiny) return negative ? -0.0 : 0.0;
    return negative ? -HUGE_VAL : HUGE_VAL;
  }
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string shown(std::string_view field) {
  // Keeps error messages on one line even for fields with embedded newlines.
  std::string out;
  for (char c : field.substr(0, 60)) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (field.size() > 60) out += "...";
  return out;
}

enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted, AfterQuoted };

// An incremental RFC 4180 parser: feed() it the text in pieces of any size
// (a whole file, or one chunk of it at a time) and it hands each complete
// row to `sink`, so a spike-time file of 10^8 rows never sits in memory.
class CsvParser {
 public:
  using Sink = std::function<void(CsvRow&)>;
  CsvParser(const std::string& origin, char delimiter, Sink sink)
      : origin_(origin), delimiter_(delimiter), sink_(std::move(sink)) {}

  void feed(std::string_view text) {
    if (!started_) {
      // The first three bytes are held until they are all here: they may be
      // a UTF-8 byte order mark (Excel), skipped.
      const std::size_t take = std::min(text.size(), 3 - head_.size());
      head_.append(text.substr(0, take));
      text.remove_prefix(take);
      if (head_.size() < 3) return;
      start();
    }
    consume(text);
  }

  // The end of the text: the last row may lack its line end.
  void finish() {
    if (!started_) start();
    if (state_ == State::Quoted) {
      throw Error(fmt::format(
          "reading {} line {}: expected a closing quote for the field that starts on this line, "
          "found the end of the file",
          origin_, quote_line_));
    }
    if (!row_empty() || !field_.empty() || state_ != State::FieldStart) end_row();
  }

 private:
  void start() {
    started_ = true;
    consume(head_ == "\xEF\xBB\xBF" ? std::string_view() : std::string_view(head_));
  }

  void consume(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      // A "\r\n" is one line end (its '\r' counted it), a lone '\r'
      // (classic Mac) is one too.
      if (after_cr_) {
        after_cr_ = false;
        if (c == '\n') {
          if (state_ == State::Quoted) field_ += '\n';
          continue;
        }
      }
      const bool newline = c == '\n' || c == '\r';
      if (in_comment_) {
        if (!newline) continue;
        in_comment_ = false;
      }
      if (row_empty() && state_ == State::FieldStart && field_.empty()) {
        if (c == '#') {
          in_comment_ = true;
          continue;
        }
        if (newline) {
          after_cr_ = c == '\r';
          ++line_;
          continue;
        }
        row_line_ = line_;
      }
      switch (state_) {
        case State::FieldStart:
        case State::Unquoted:
          if (c == '"' && trim(field_).empty()) {
            field_.clear();
            quote_line_ = line_;
            state_ = State::Quoted;
          } else if (c == delimiter_) {
            end_field();
          } else if (newline) {
            end_row();
          } else {
            field_ += c;
            state_ = State::Unquoted;
          }
          break;
        case State::Quoted:
          if (c == '"') {
            state_ = State::QuoteInQuoted;
          } else {
            field_ += c;
          }
          break;
        case State::QuoteInQuoted:
          if (c == '"') {  // "" inside quotes is one quote
            field_ += '"';
            state_ = State::Quoted;
            break;
          }
          state_ = State::AfterQuoted;
          [[fallthrough]];
        case State::AfterQuoted:
          if (c == delimiter_) {
            end_field();
          } else if (newline) {
            end_row();
          } else if (!is_blank(c)) {
            throw Error(fmt::format(
                "reading {} line {}: expected '{}' or a line end after a closing quote, found '{}'",
                origin_, line_, delimiter_, c));
          }
          break;
      }
      if (newline) {
        after_cr_ = c == '\r';
        ++line_;
      }
    }
  }

  bool row_empty() const { return row_.fields.empty(); }

  void end_field() {
    // Spaces around unquoted fields are padding ("1, 2"); quoted fields keep theirs.
    const bool quoted = state_ == State::QuoteInQuoted || state_ == State::AfterQuoted;
    row_.fields.push_back(quoted ? field_ : std::string(trim(field_)));
    any_quoted_ = any_quoted_ || quoted;
    field_.clear();
    state_ = State::FieldStart;
  }

  void end_row() {
    end_field();
    // A line of spaces only is blank, not a row with one empty field.
    const bool blank = row_.fields.size() == 1 && row_.fields[0].empty() && !any_quoted_;
    if (!blank) {
      row_.line = row_line_;
      sink_(row_);
    }
    row_.fields.clear();
    any_quoted_ = false;
  }

  const std::string& origin_;
  const char delimiter_;
  Sink sink_;
  State state_ = State::FieldStart;
  bool started_ = false;
  std::string head_;
  bool after_cr_ = false;
  bool in_comment_ = false;
  std::size_t line_ = 1;
  std::size_t row_line_ = 1;
  std::size_t quote_line_ = 1;
  std::string field_;
  CsvRow row_;
  bool any_quoted_ = false;
};

std::vector<CsvRow> parse_rows(const std::string& text, const std::string& origin, char delimiter) {
  std::vector<CsvRow> rows;
  CsvParser parser(origin, delimiter, [&](CsvRow& row) { rows.push_back(std::move(row)); });
  parser.feed(text);
  parser.finish();
  return rows;
}

bool row_has_text(const CsvRow& row) {
  return std::any_of(row.fields.begin(), row.fields.end(), [](const std::string& f) {
    return !trim(f).empty() && !to_number(f).has_value();
  });
}

// Moves the first row into the header and returns the line it was on.
std::size_t take_header(CsvTable& table) {
  const std::size_t line = table.rows.front().line;
  table.header = std::move(table.rows.front().fields);
  table.rows.erase(table.rows.begin());
  return line;
}

template <std::size_t N>
std::optional<std::size_t> find_column(const std::vector<std::string>& header,
                                       const char* const (&names)[N]) {
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string name = lower_trimmed(header[c]);
    for (const char* candidate : names) {
      if (name == candidate) return c;
    }
  }
  return std::nullopt;
}

constexpr const char* kUnitColumns[] = {"unit",    "unit_id",    "unit_ids", "id",
                                        "cluster", "cluster_id", "neuron"};
constexpr const char* kTimeColumns[] = {
    "time_s", "time", "times", "t", "spike_time", "spike_times", "spike_time_s", "spike_times_s"};

}  // namespace

bool names_spike_time_column(const std::vector<std::string>& header) {
  return find_column(header, kTimeColumns).has_value();
}

CsvTable parse_csv(const std::string& text, const std::string& origin, CsvHeader header,
                   char delimiter) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '#') {
    throw Error(
        fmt::format("reading {}: expected a delimiter other than '\"', '#' or a line end, "
                    "found character code {}",
                    origin, static_cast<int>(delimiter)));
  }
  CsvTable table;
  table.rows = parse_rows(text, origin, delimiter);
  const bool has_header =
      !table.rows.empty() &&
      (header == CsvHeader::Present || (header == CsvHeader::Auto && row_has_text(table.rows[0])));
  if (has_header) take_header(table);
  return table;
}

CsvTable read_csv(const std::filesystem::path& path, CsvHeader header, char delimiter) {
  return parse_csv(read_file_bytes(path), path.string(), header, delimiter);
}

std::optional<std::size_t> csv_column(const CsvTable& table, const std::string& name) {
  const auto it = std::find(table.header.begin(), table.header.end(), name);
  if (it == table.header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - table.header.begin());
}

double parse_csv_number(const std::string& field, const std::string& origin, std::size_t line,
                        std::size_t column) {
  if (const auto value = to_number(field)) return *value;
  throw Error(fmt::format("reading {} line {} column {}: expected a number, found '{}'", origin,
                          line, column, shown(field)));
}

namespace {

// Reads the file a chunk at a time through the parser: memory is one chunk
// and one row, whatever the file's size.
// `done` (when given) stops the reading at the end of the chunk in which
// it turns true.
void for_each_row_of_file(const std::filesystem::path& path, const std::string& origin,
                          const CsvParser::Sink& sink, std::size_t chunk_bytes = std::size_t{4} << 20,
                          const bool* done = nullptr) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(fmt::format("reading {}: no such file", origin));
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(fmt::format("reading {}: expected a file, found a directory", origin));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("reading {}: cannot open: {}", origin, std::strerror(errno)));
  CsvParser parser(origin, ',', sink);
  // A small file gets a buffer of its size, not the whole chunk.
  const auto size = std::filesystem::file_size(path, ec);
  std::string chunk(ec ? chunk_bytes : std::max<std::size_t>(1, std::min<std::size_t>(chunk_bytes, size + 1)), '\0');
  while (in && !(done && *done)) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > 0) parser.feed(std::string_view(chunk.data(), n));
  }
  if (in.bad()) throw Error(fmt::format("reading {}: read failed", origin));
  parser.finish();
}

// The rows of a spike-time CSV one at a time: tells a header from a first
// spike, picks the unit and time columns, and checks each row.
class SpikeTimeRows {
 public:
  explicit SpikeTimeRows(const std::string& origin) : origin_(origin) {}

  struct Spike {
    const std::string* unit;
    double time_s;
    std::size_t line;
  };

  // The row's spike; nullopt for the header.
  std::optional<Spike> read(const CsvRow& row) {
    if (rows_seen_++ == 0) {
      // Unit ids may be text ("a,0.1"), so "any field is text" would take a
      // header-less file's first spike for a header: a header is a row naming a
      // known column or whose time field is not a number.
      const auto& first = row.fields;
      if (find_column(first, kUnitColumns) || find_column(first, kTimeColumns) ||
          (first.size() >= 2 && !to_number(first[1]))) {
        header_ = first;
        header_line_ = row.line;
        return std::nullopt;
      }
    }
    if (spikes_++ == 0) choose_columns();
    if (row.fields.size() != n_columns_) {
      const std::string expected = header_.size() > 2
                                       ? fmt::format("{} columns (as in the header)", n_columns_)
                                       : std::string("2 columns (unit,time_s)");
      throw Error(fmt::format("reading {} line {}: expected {}, found {}", origin_, row.line,
                              expected, row.fields.size()));
    }
    const std::string& unit = row.fields[unit_col_];
    if (unit.empty()) {
      throw Error(
          fmt::format("reading {} line {} column {}: expected a unit id, found an empty field",
                      origin_, row.line, unit_col_ + 1));
    }
    const double t = parse_csv_number(row.fields[time_col_], origin_, row.line, time_col_ + 1);
    if (!std::isfinite(t) || t < 0.0) {
      throw Error(
          fmt::format("reading {} line {} column {}: expected a finite spike time >= 0, found '{}'",
                      origin_, row.line, time_col_ + 1, shown(trim(row.fields[time_col_]))));
    }
    return Spike{&unit, t, row.line};
  }

  // Throws when the file held no spike.
  void require_spikes() const {
    if (spikes_ == 0) {
      throw Error(
          fmt::format("reading {}: expected spike times (unit,time_s), found no rows", origin_));
    }
  }

 private:
  void choose_columns() {
    if (header_.empty()) return;
    n_columns_ = header_.size();
    const auto unit_found = find_column(header_, kUnitColumns);
    const auto time_found = find_column(header_, kTimeColumns);
    if (n_columns_ == 2) {
      // Two columns: names decide the order when known, else unit,time_s.
      if (unit_found)
        unit_col_ = *unit_found;
      else if (time_found)
        unit_col_ = 1 - *time_found;
      time_col_ = 1 - unit_col_;
    } else if (unit_found && time_found) {
      unit_col_ = *unit_found;
      time_col_ = *time_found;
    } else {
      throw Error(fmt::format(
          "reading {} line {}: expected a header with columns unit and time_s, found '{}'", origin_,
          header_line_, shown(fmt::format("{}", fmt::join(header_, ",")))));
    }
  }

  const std::string& origin_;
  std::size_t rows_seen_ = 0;
  std::size_t spikes_ = 0;
  std::vector<std::string> header_;
  std::size_t header_line_ = 0;
  std::size_t n_columns_ = 2;
  std::size_t unit_col_ = 0;
  std::size_t time_col_ = 1;
};

// The units of a spike-time CSV in order of first appearance, each with
// its latest time so far, for the check that a unit's times ascend.
class SpikeUnits {
 public:
  explicit SpikeUnits(const std::string& origin) : origin_(origin) {}

  // The spike's unit index (a new unit gets the next one); with
  // `require_sorted`, an Error when it comes before its unit's previous spike.
  std::size_t add(const SpikeTimeRows::Spike& spike, bool require_sorted) {
    auto [it, inserted] = index_of_.emplace(*spike.unit, ids.size());
    if (inserted) {
      ids.push_back(*spike.unit);
      latest_.push_back(spike.time_s);
    } else if (require_sorted && spike.time_s < latest_[it->second]) {
      throw Error(
          fmt::format("reading {} line {}: unit '{}': expected spike times in ascending order, "
                      "found {} after {}",
                      origin_, spike.line, *spike.unit, spike.time_s, latest_[it->second]));
    }
    latest_[it->second] = std::max(latest_[it->second], spike.time_s);
    return it->second;
  }
  std::size_t index(const std::string& unit) const { return index_of_.at(unit); }

  std::vector<std::string> ids;

 private:
  const std::string& origin_;
  std::unordered_map<std::string, std::size_t> index_of_;
  std::vector<double> latest_;
};

}  // namespace

std::vector<std::string> read_csv_header(const std::filesystem::path& path) {
  std::optional<CsvRow> first;
  bool done = false;
  for_each_row_of_file(
      path, path.string(),
      [&](CsvRow& row) {
        if (!first) first = std::move(row);
        done = true;
      },
      std::size_t{64} << 10, &done);
  return first && row_has_text(*first) ? first->fields : std::vector<std::string>{};
}

namespace detail {
std::vector<CsvRow> parse_csv_rows_in_pieces(const std::string& text, std::size_t piece) {
  const std::string origin = "pieces";
  std::vector<CsvRow> rows;
  CsvParser parser(origin, ',', [&](CsvRow& row) { rows.push_back(std::move(row)); });
  for (std::size_t i = 0; i < text.size(); i += piece) {
    parser.feed(std::string_view(text).substr(i, piece));
  }
  parser.finish();
  return rows;
}
}  // namespace detail

SpikeTrains read_spike_times_csv(const std::filesystem::path& path, bool require_sorted) {
  const std::string origin = path.string();
  SpikeTimeRows rows(origin);
  SpikeUnits units(origin);
  SpikeTrains trains;
  for_each_row_of_file(path, origin, [&](const CsvRow& row) {
    const auto spike = rows.read(row);
    if (!spike) return;
    const std::size_t u = units.add(*spike, require_sorted);
    if (u == trains.times_s.size()) trains.times_s.emplace_back();
    trains.times_s[u].push_back(spike->time_s);
  });
  rows.require_spikes();
  trains.unit_ids = std::move(units.ids);
  if (!require_sorted) {
    for (auto& times : trains.times_s) std::sort(times.begin(), times.end());
  }
  return trains;
}

SpikeCounts bin_spike_times_csv(const std::filesystem::path& path, const BinningOptions& options) {
  const std::string origin = path.string();
  // First pass: the units in order of appearance, each unit's times in
  // ascending order, and the last spike (the default end of the range).
  SpikeUnits units(origin);
  std::optional<double> last_spike;
  {
    SpikeTimeRows rows(origin);
    for_each_row_of_file(path, origin, [&](const CsvRow& row) {
      const auto spike = rows.read(row);
      if (!spike) return;
      units.add(*spike, /*require_sorted=*/true);
      last_spike = std::max(last_spike.value_or(spike->time_s), spike->time_s);
    });
    rows.require_spikes();
  }
  // Second pass: straight into the counts.
  SpikeBinner binner(units.ids.size(), options, last_spike, origin);
  SpikeTimeRows rows(origin);
  for_each_row_of_file(path, origin, [&](const CsvRow& row) {
    if (const auto spike = rows.read(row)) binner.add(units.index(*spike->unit), spike->time_s);
  });
  SpikeCounts out;
  out.activity = std::move(binner).finish();
  out.unit_ids = std::move(units.ids);
  return out;
}

Activity read_counts_csv(const std::filesystem::path& path, bool time_major,
                         std::vector<std::string>* unit_ids) {
  const std::string origin = path.string();
  CsvTable table = parse_csv(read_file_bytes(path), origin, CsvHeader::Absent);
  // ",0,1,2" is pandas' header for integer column names: a header too.
  const bool has_header =
      !table.rows.empty() &&
      (row_has_text(table.rows.front()) ||
       (table.rows.front().fields.size() > 1 && table.rows.front().fields[0].empty()));
  const std::size_t header_line = has_header ? take_header(table) : 0;
  const char* const what = time_major ? "one row per bin" : "one row per unit";
  if (table.rows.empty()) {
    throw Error(fmt::format("reading {}: expected counts ({}), found no rows", origin, what));
  }
  // pandas' DataFrame.to_csv writes its index first under an empty name:
  // unit ids for units x bins, bin numbers (skipped) for time-major.
  bool index_column = false;
  if (!table.header.empty()) {
    const std::string first = lower_trimmed(table.header.front());
    const bool named_ids = first == "unit" || first == "unit_id" || first == "id";
    if (named_ids && time_major) {
      throw Error(fmt::format(
          "reading {} line {}: expected no unit-id column in time-major counts (rows are bins), "
          "found '{}'",
          origin, header_line, table.header.front()));
    }
    index_column = named_ids || first.empty();
  }
  const std::size_t reference_line = table.header.empty() ? table.rows.front().line : header_line;
  const std::size_t n_fields =
      table.header.empty() ? table.rows.front().fields.size() : table.header.size();
  const std::size_t n_values = n_fields - (index_column ? 1 : 0);
  if (n_values == 0) {
    throw Error(fmt::format("reading {} line {}: expected at least 1 count column, found none",
                            origin, reference_line));
  }

  std::vector<double> values;
  values.reserve(table.rows.size() * n_values);
  std::vector<std::string> ids;
  for (const CsvRow& row : table.rows) {
    if (row.fields.size() != n_fields) {
      throw Error(fmt::format("reading {} line {}: expected {} columns (as in line {}), found {}",
                              origin, row.line, n_fields, reference_line, row.fields.size()));
    }
    if (index_column && !time_major) {
      if (row.fields[0].empty()) {
        throw Error(
            fmt::format("reading {} line {} column 1: expected a unit id, found an empty field",
                        origin, row.line));
      }
      ids.push_back(row.fields[0]);
    }
    for (std::size_t c = index_column ? 1 : 0; c < n_fields; ++c) {
      const double v = parse_csv_number(row.fields[c], origin, row.line, c + 1);
      if (std::isnan(v) || std::isinf(v) || v < 0.0) {
        const std::string found = std::isnan(v)   ? std::string("NaN")
                                  : std::isinf(v) ? std::string("infinity")
                                                  : fmt::format("negative count {}", v);
        throw Error(
            fmt::format("reading {} line {} column {}: expected a finite count >= 0, found {}",
                        origin, row.line, c + 1, found));
      }
      values.push_back(v);
    }
  }
  // Time-major columns are units, so a header names them.
  if (time_major && !table.header.empty()) {
    ids.assign(table.header.begin() + (index_column ? 1 : 0), table.header.end());
  }
  if (unit_ids) *unit_ids = std::move(ids);
  const std::size_t n_rows = table.rows.size();
  if (time_major) return Activity::from_time_major(n_rows, n_values, values);
  return Activity{n_rows, n_values, std::move(values)};
}

Categorical read_labels_csv(const std::filesystem::path& path) {
  const std::string origin = path.string();
  CsvTable table = parse_csv(read_file_bytes(path), origin, CsvHeader::Absent);
  // Labels are text, so "any field is text" cannot tell a header: a header
  // names a "label" column, or is text above a numeric first column (bin,label).
  std::optional<std::size_t> label_col;
  if (!table.rows.empty()) {
    const auto& first = table.rows.front().fields;
    constexpr const char* kLabelColumns[] = {"label", "labels"};
    label_col = find_column(first, kLabelColumns);
    const bool text_over_numbers = table.rows.size() > 1 && first.size() > 1 &&
                                   !to_number(first[0]) && !table.rows[1].fields.empty() &&
                                   to_number(table.rows[1].fields[0]);
    if (label_col || text_over_numbers) take_header(table);
  }
  if (table.rows.empty()) {
    throw Error(
        fmt::format("reading {}: expected labels (one row per bin), found no rows", origin));
  }
  const std::size_t n_fields =
      table.header.empty() ? table.rows.front().fields.size() : table.header.size();
  const std::size_t column = label_col.value_or(n_fields - 1);

  std::vector<std::string> names;
  names.reserve(table.rows.size());
  for (const CsvRow& row : table.rows) {
    if (row.fields.size() != n_fields) {
      throw Error(fmt::format("reading {} line {}: expected {} columns, found {}", origin, row.line,
                              n_fields, row.fields.size()));
    }
    names.push_back(row.fields[column]);
  }
  return Categorical::from_strings(names);
}

}  // namespace tavrnn::io
