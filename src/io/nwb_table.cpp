#include "nwb_table.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::io::nwb {

std::string join(const std::string& group, const std::string& child) {
  return group == "/" ? "/" + child : group + "/" + child;
}

std::string neurodata_type(const hdf5::File& file, const std::string& path) {
  return file.string_attribute(path, "neurodata_type").value_or("");
}

std::vector<std::string> find_typed_groups(const hdf5::File& file,
                                           const std::vector<std::string>& types) {
  std::vector<std::string> found;
  file.walk([&](const std::string& path, bool is_group) {
    if (!is_group) return;
    const std::string type = neurodata_type(file, path);
    if (std::find(types.begin(), types.end(), type) != types.end()) found.push_back(path);
  });
  return found;
}

std::size_t table_rows(const hdf5::File& file, const std::string& table) {
  const std::string id = join(table, "id");
  if (!file.is_dataset(id)) file.fail(table, "expected an 'id' dataset (DynamicTable), found none");
  const std::vector<std::size_t> shape = file.shape(id);
  if (shape.size() != 1) file.fail(id, fmt::format("expected 1 dimension, found {}", shape.size()));
  return shape[0];
}

namespace {

bool is_index_or_id(const hdf5::File& file, const std::string& table, const std::string& name) {
  if (name == "id") return true;
  const std::string type = neurodata_type(file, join(table, name));
  return type == "VectorIndex" || type == "ElementIdentifiers" ||
         (name.size() > 6 && name.compare(name.size() - 6, 6, "_index") == 0 &&
          file.is_dataset(join(table, name.substr(0, name.size() - 6))));
}

NwbColumn describe_column(const hdf5::File& file, const std::string& table, const std::string& name) {
  const std::string path = join(table, name);
  NwbColumn column{name, "", file.shape(path)};
  if (file.is_dataset(path + "_index")) {
    column.kind = "ragged";
    return column;
  }
  switch (file.element_kind(path)) {
    case hdf5::ElementKind::Integer:
    case hdf5::ElementKind::Float: column.kind = column.shape.size() == 1 ? "numbers" : "array"; break;
    case hdf5::ElementKind::String: column.kind = column.shape.size() == 1 ? "strings" : "array"; break;
    case hdf5::ElementKind::Reference: column.kind = "references"; break;
    case hdf5::ElementKind::Compound: column.kind = "compound"; break;
    case hdf5::ElementKind::Other: column.kind = "other"; break;
  }
  return column;
}

}  // namespace

std::vector<NwbColumn> table_columns(const hdf5::File& file, const std::string& table) {
  std::vector<std::string> names;
  for (const std::string& name : file.string_list_attribute(table, "colnames")) {
    if (!file.is_dataset(join(table, name))) {
      file.fail(join(table, name), "column listed in the table's colnames is missing");
    }
    names.push_back(name);
  }
  for (const std::string& child : file.children(table)) {
    if (std::find(names.begin(), names.end(), child) != names.end()) continue;
    if (!file.is_dataset(join(table, child)) || is_index_or_id(file, table, child)) continue;
    names.push_back(child);
  }
  std::vector<NwbColumn> columns;
  for (const std::string& name : names) columns.push_back(describe_column(file, table, name));
  return columns;
}

std::vector<std::uint64_t> checked_index(const hdf5::File& file, const std::string& index_path,
                                         std::size_t n_rows, std::size_t n_values) {
  if (!file.is_dataset(index_path)) file.fail(index_path, "expected a VectorIndex dataset, found none");
  // Read as int64 whatever the file's integer type (uint8, uint16, ...):
  // HDF5 converts, and a uint64 past int64's range saturates, which the
  // bound check below reports as past the end.
  const std::vector<std::int64_t> raw = file.read_int64s(index_path);
  if (raw.size() != n_rows) {
    file.fail(index_path, fmt::format("expected {} end offsets (one per row), found {}", n_rows,
                                      raw.size()));
  }
  std::vector<std::uint64_t> offsets(raw.size());
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] < previous) {
      file.fail(index_path, fmt::format("expected non-decreasing end offsets, found {} after {} at "
                                        "row {}",
                                        raw[i], previous, i));
    }
    if (static_cast<std::uint64_t>(raw[i]) > n_values) {
      file.fail(index_path, fmt::format("end offset {} at row {} is past the end of the {} values",
                                        raw[i], i, n_values));
    }
    offsets[i] = static_cast<std::uint64_t>(raw[i]);
    previous = raw[i];
  }
  return offsets;
}

std::vector<std::string> column_text(const hdf5::File& file, const std::string& table,
                                     const std::string& name) {
  const std::string path = join(table, name);
  const std::vector<NwbColumn> columns = table_columns(file, table);
  const auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const NwbColumn& c) { return c.name == name; });
  if (it == columns.end()) {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
    file.fail(table, fmt::format("no column '{}'; the table has: {}", name,
                                 names.empty() ? "no columns" : names));
  }
  if (!it->scalar()) {
    file.fail(path, fmt::format("expected one number or string per row, found a {} column",
                                it->kind));
  }
  const std::size_t rows = table_rows(file, table);
  if (it->shape.size() != 1 || it->shape[0] != rows) {
    file.fail(path, fmt::format("expected {} values (one per row of {}), found {}", rows, table,
                                it->shape.empty() ? 0 : it->shape[0]));
  }
  std::vector<std::string> text;
  if (it->kind == "strings") return file.read_strings(path);
  if (it->kind == "references") {
    for (const std::string& target : file.read_reference_paths(path)) {
      text.push_back(hdf5::base_name(target));
    }
    return text;
  }
  if (file.element_kind(path) == hdf5::ElementKind::Integer) {
    for (std::int64_t v : file.read_int64s(path)) text.push_back(std::to_string(v));
    return text;
  }
  // Shortest text that reads back as the same double; NaN is "no value".
  for (double v : file.read_doubles(path)) text.push_back(std::isnan(v) ? "" : fmt::format("{}", v));
  return text;
}

}  // namespace tavrnn::io::nwb
