#include "tavrnn/io/mat.h"

#include <matio.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include <fmt/format.h>

#include "tavrnn/util/error.h"
#include "tavrnn/util/memory_limit.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

namespace {

struct MatCloser {
  void operator()(mat_t* m) const { Mat_Close(m); }
};
struct VarFreer {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFreer>;

MatFile open_mat(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(fmt::format("reading {}: no such file", path.string()));
  MatFile file(Mat_Open(path.string().c_str(), MAT_ACC_RDONLY));
  if (!file) {
    throw Error(fmt::format("reading {}: expected a MATLAB .mat file (v5 or v7.3), found something "
                            "matio cannot open",
                            path.string()));
  }
  return file;
}

std::string class_name(const matvar_t* v) {
  if (v->isLogical) return "logical";
  switch (v->class_type) {
    case MAT_C_EMPTY: return "empty";
    case MAT_C_CELL: return "cell";
    case MAT_C_STRUCT: return "struct";
    case MAT_C_OBJECT: return "object";
    case MAT_C_CHAR: return "char";
    case MAT_C_SPARSE: return "sparse";
    case MAT_C_DOUBLE: return "double";
    case MAT_C_SINGLE: return "single";
    case MAT_C_INT8: return "int8";
    case MAT_C_UINT8: return "uint8";
    case MAT_C_INT16: return "int16";
    case MAT_C_UINT16: return "uint16";
    case MAT_C_INT32: return "int32";
    case MAT_C_UINT32: return "uint32";
    case MAT_C_INT64: return "int64";
    case MAT_C_UINT64: return "uint64";
    case MAT_C_FUNCTION: return "function handle";
    case MAT_C_OPAQUE: return "opaque";
  }
  return "unknown";
}

std::vector<std::size_t> dims_of(const matvar_t* v) {
  return std::vector<std::size_t>(v->dims, v->dims + v->rank);
}

std::string dims_text(const std::vector<std::size_t>& dims) {
  std::string text;
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? "x" : "") + std::to_string(dims[i]);
  return text;
}

std::size_t element_count(const matvar_t* v) {
  std::size_t n = 1;
  for (int i = 0; i < v->rank; ++i) n *= v->dims[i];
  return n;
}

// The bytes a variable's header declares for its own data (in doubles: a
// forged header's product of dimensions need not fit in an integer). The
// elements of cells and structs are read, and allocated, one at a time.
double declared_bytes(const matvar_t* v) {
  double n = 1;
  for (int k = 0; k < v->rank; ++k) n *= static_cast<double>(v->dims[k]);
  const bool containers = v->class_type == MAT_C_CELL || v->class_type == MAT_C_STRUCT;
  const std::size_t size = containers ? sizeof(matvar_t*) : Mat_SizeOfClass(v->class_type);
  return n * static_cast<double>(size > 0 ? size : 1);
}

// Reads `name` after checking what its header declares against what the
// file can hold (deflate expands at most 1,032-fold) and the memory limit,
// so that a forged size is an error before libmatio allocates it.
matvar_t* read_checked(mat_t* file, const std::string& name, const fs::path& path) {
  MatVar info{Mat_VarReadInfo(file, name.c_str())};
  if (info) {
    std::error_code ec;
    const double file_bytes = static_cast<double>(fs::file_size(path, ec));
    const double declared = declared_bytes(info.get());
    if (!ec && declared > file_bytes * 1032 + 4096) {
      throw Error(fmt::format("reading {}: variable '{}' declares {:.0f} bytes of data, more than a {:.0f}-byte "
                              "file can hold: a damaged or forged file",
                              path.string(), name, declared, file_bytes));
    }
    check_memory_need(declared, fmt::format("reading {}: variable '{}'", path.string(), name));
  }
  return Mat_VarRead(file, name.c_str());
}

std::string describe(const matvar_t* v) {
  std::string text = fmt::format("{} {}", class_name(v), dims_text(dims_of(v)));
  if (v->class_type == MAT_C_STRUCT) {
    const unsigned n = Mat_VarGetNumberOfFields(const_cast<matvar_t*>(v));
    char* const* names = Mat_VarGetStructFieldnames(v);
    std::string fields;
    for (unsigned i = 0; i < n; ++i) fields += (i ? ", " : "") + std::string(names[i]);
    text += " with fields " + (fields.empty() ? std::string("(none)") : fields);
  }
  return text;
}

bool is_numeric(const matvar_t* v) {
  return v->class_type >= MAT_C_DOUBLE && v->class_type <= MAT_C_UINT64 && !v->isComplex;
}

// matio stores numeric data in the element type of the variable's class.
std::vector<double> numeric_values(const matvar_t* v) {
  const std::size_t n = element_count(v);
  std::vector<double> out(n);
  if (n == 0) return out;
  const auto copy = [&](auto* p) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(p[i]);
  };
  switch (v->data_type) {
    case MAT_T_DOUBLE: copy(static_cast<const double*>(v->data)); break;
    case MAT_T_SINGLE: copy(static_cast<const float*>(v->data)); break;
    case MAT_T_INT8: copy(static_cast<const std::int8_t*>(v->data)); break;
    case MAT_T_UINT8: copy(static_cast<const std::uint8_t*>(v->data)); break;
    case MAT_T_INT16: copy(static_cast<const std::int16_t*>(v->data)); break;
    case MAT_T_UINT16: copy(static_cast<const std::uint16_t*>(v->data)); break;
    case MAT_T_INT32: copy(static_cast<const std::int32_t*>(v->data)); break;
    case MAT_T_UINT32: copy(static_cast<const std::uint32_t*>(v->data)); break;
    case MAT_T_INT64: copy(static_cast<const std::int64_t*>(v->data)); break;
    case MAT_T_UINT64: copy(static_cast<const std::uint64_t*>(v->data)); break;
    default:
      throw Error(fmt::format("unsupported matio element type {}", static_cast<int>(v->data_type)));
  }
  return out;
}

// Walks the cells (and struct arrays) below a variable, collecting one
// spike train per leaf. `where` is the MATLAB expression of the current
// element, for messages: spikes{1}{1}{3}{2}.time
class SpikeTreeReader {
 public:
  SpikeTreeReader(std::string origin, std::string field) : origin_(std::move(origin)), field_(std::move(field)) {}

  void walk(matvar_t* v, const std::string& where, std::vector<std::size_t> levels) {
    if (v == nullptr || element_count(v) == 0 || v->class_type == MAT_C_EMPTY) {
      ++skipped_empty;
      return;
    }
    const std::size_t n = element_count(v);
    if (v->class_type == MAT_C_CELL) {
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::size_t> next = levels;
        if (n > 1) next.push_back(i + 1);
        walk(Mat_VarGetCell(v, static_cast<int>(i)), fmt::format("{}{{{}}}", where, i + 1), next);
      }
      return;
    }
    if (v->class_type == MAT_C_STRUCT) {
      if (field_.empty()) {
        fail(where, "a cell array of spike-time vectors (or structs with `mat-field` NAME)",
             describe(v));
      }
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::size_t> next = levels;
        if (n > 1) next.push_back(i + 1);
        const std::string element = n > 1 ? fmt::format("{}({})", where, i + 1) : where;
        matvar_t* times = Mat_VarGetStructFieldByName(v, field_.c_str(), i);
        if (times == nullptr) fail(element, fmt::format("a struct with field '{}'", field_), describe(v));
        add_train(times, element + "." + field_, next);
      }
      return;
    }
    if (!field_.empty()) fail(where, fmt::format("a struct with field '{}'", field_), describe(v));
    add_train(v, where, levels);
  }

  SpikeTrains trains;
  std::vector<std::vector<std::size_t>> unit_levels;
  std::size_t skipped_empty = 0;

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& expected,
                         const std::string& found) const {
    throw Error(fmt::format("{}: variable {}: expected {}, found {}", origin_, where, expected, found));
  }

  void add_train(const matvar_t* v, const std::string& where, const std::vector<std::size_t>& levels) {
    // Spike sorters leave [] (or a struct with time = []) where a cluster
    // was discarded: no spikes, no unit (nelpy's spikes.mat has 6 such
    // structs with meanrate 0 next to its 31 units).
    if (element_count(v) == 0 || v->class_type == MAT_C_EMPTY) {
      ++skipped_empty;
      return;
    }
    if (!is_numeric(v) || v->rank != 2 || (v->dims[0] != 1 && v->dims[1] != 1)) {
      fail(where, "a vector of spike times in seconds", describe(v));
    }
    std::vector<double> times = numeric_values(v);
    // A spike train is a set of times; MATLAB files do not promise order.
    if (!std::is_sorted(times.begin(), times.end())) std::sort(times.begin(), times.end());
    std::string id;
    for (std::size_t k = 0; k < levels.size(); ++k) id += (k ? "." : "") + std::to_string(levels[k]);
    trains.unit_ids.push_back(id.empty() ? "1" : id);
    trains.times_s.push_back(std::move(times));
    unit_levels.push_back(levels);
  }

  std::string origin_;
  std::string field_;
};

std::vector<std::string> split_dots(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = text.find('.', begin);
    parts.push_back(text.substr(begin, dot - begin));
    if (dot == std::string::npos) return parts;
    begin = dot + 1;
  }
}

// The variable to read: the one named, else the file's only one.
std::string choose_variable(const fs::path& path, const std::string& name) {
  if (!name.empty()) return name;
  const std::vector<MatVariableInfo> variables = list_mat(path);
  if (variables.size() == 1) return variables.front().name;
  std::string listed;
  for (const auto& v : variables) listed += (listed.empty() ? "" : "; ") + v.to_text();
  throw Error(fmt::format("reading {}: expected one variable or `mat-var` NAME, found {}: {}",
                          path.string(), variables.size(), listed.empty() ? "none" : listed));
}

}  // namespace

std::string MatVariableInfo::to_text() const {
  return fmt::format("{}: {} {}", name, class_name, dims_text(dims));
}

std::vector<MatVariableInfo> list_mat(const fs::path& path) {
  MatFile file = open_mat(path);
  std::vector<MatVariableInfo> variables;
  while (MatVar v{Mat_VarReadNextInfo(file.get())}) {
    variables.push_back({v->name ? v->name : "", class_name(v.get()), dims_of(v.get())});
  }
  return variables;
}

MatActivity read_mat_activity(const fs::path& path, const MatSelection& selection, bool time_major) {
  const std::string origin = fmt::format("reading {}", path.string());
  const std::string selected = choose_variable(path, selection.variable);
  const std::vector<std::string> parts = split_dots(selected);
  MatFile file = open_mat(path);
  MatVar root{read_checked(file.get(), parts[0], path)};
  if (!root) {
    std::string listed;
    for (const auto& v : list_mat(path)) listed += (listed.empty() ? "" : "; ") + v.to_text();
    throw Error(fmt::format("{}: expected a variable '{}', found none; the file has: {}", origin,
                            parts[0], listed.empty() ? "no variables" : listed));
  }
  // NAME.FIELD.FIELD descends scalar structs, as MATLAB's s.a.b does.
  matvar_t* v = root.get();
  std::string where = parts[0];
  for (std::size_t k = 1; k < parts.size(); ++k) {
    if (v->class_type != MAT_C_STRUCT || element_count(v) != 1) {
      throw Error(fmt::format("{}: variable {}: expected a 1x1 struct with field '{}', found {}",
                              origin, where, parts[k], describe(v)));
    }
    matvar_t* child = Mat_VarGetStructFieldByName(v, parts[k].c_str(), 0);
    if (child == nullptr) {
      throw Error(fmt::format("{}: variable {}: expected a field '{}', found {}", origin, where,
                              parts[k], describe(v)));
    }
    v = child;
    where += "." + parts[k];
  }

  MatActivity activity;
  activity.variable = selected;
  if (is_numeric(v) && selection.field.empty()) {
    if (v->rank != 2 && v->rank != 3) {
      throw Error(fmt::format("{}: variable {}: expected a 2-D matrix ({}) or a 3-D stack of trials "
                              "({} x trials), found {}",
                              origin, where, time_major ? "bins x units" : "units x bins",
                              time_major ? "bins x units" : "units x bins", describe(v)));
    }
    // MATLAB is column-major: element (r, c, k) is data[r + c * rows + k * rows * cols].
    // Trial k of a 3-D stack becomes bins [k * per_trial, (k + 1) * per_trial).
    const std::vector<double> values = numeric_values(v);
    const std::size_t rows = v->dims[0];
    const std::size_t cols = v->dims[1];
    const std::size_t n_trials = v->rank == 3 ? v->dims[2] : 1;
    const std::size_t n_units = time_major ? cols : rows;
    const std::size_t per_trial = time_major ? rows : cols;
    std::vector<double> counts(values.size());
    const std::size_t n_bins = per_trial * n_trials;
    for (std::size_t k = 0; k < n_trials; ++k) {
      const double* trial = values.data() + k * rows * cols;
      for (std::size_t u = 0; u < n_units; ++u) {
        double* out = counts.data() + u * n_bins + k * per_trial;
        for (std::size_t b = 0; b < per_trial; ++b) {
          out[b] = time_major ? trial[b + u * rows] : trial[u + b * rows];
        }
      }
      if (v->rank == 3) activity.trials.push_back({k * per_trial, (k + 1) * per_trial});
    }
    activity.counts = Activity(n_units, n_bins, std::move(counts));
    return activity;
  }
  if (v->class_type != MAT_C_CELL && v->class_type != MAT_C_STRUCT) {
    throw Error(fmt::format(
        "{}: variable {}: expected a numeric matrix (units x bins), a cell array of spike-time "
        "vectors or of structs (`mat-field`), found {}",
        origin, where, describe(v)));
  }
  SpikeTreeReader reader(origin, selection.field);
  reader.walk(v, where, {});
  if (reader.trains.unit_ids.empty()) {
    throw Error(fmt::format("{}: variable {}: expected at least one unit, found only {} empty cells",
                            origin, where, reader.skipped_empty));
  }
  // With two or more indexed levels (tetrode, unit), the first is the group.
  bool nested = true;
  for (const auto& levels : reader.unit_levels) nested = nested && levels.size() >= 2;
  if (nested) {
    std::vector<std::string> group_of_unit;
    for (const auto& levels : reader.unit_levels) group_of_unit.push_back(std::to_string(levels.front()));
    activity.groups = Categorical::from_strings(group_of_unit);
  }
  activity.trains = std::move(reader.trains);
  activity.skipped_empty = reader.skipped_empty;
  return activity;
}

std::vector<std::string> read_mat_text_values(const fs::path& path, const std::string& variable) {
  const std::string origin = fmt::format("reading {}", path.string());
  MatFile file = open_mat(path);
  MatVar v{read_checked(file.get(), variable, path)};
  if (!v) throw Error(fmt::format("{}: expected a variable '{}', found none", origin, variable));
  const std::size_t n = element_count(v.get());
  std::vector<std::string> text;
  if (is_numeric(v.get()) && v->rank == 2 && (v->dims[0] == 1 || v->dims[1] == 1)) {
    // Shortest text that reads back as the same number ("1", "0.5"); NaN is no value.
    for (double x : numeric_values(v.get())) text.push_back(std::isnan(x) ? "" : fmt::format("{}", x));
    return text;
  }
  if (v->class_type == MAT_C_CELL) {
    for (std::size_t i = 0; i < n; ++i) {
      matvar_t* c = Mat_VarGetCell(v.get(), static_cast<int>(i));
      if (c == nullptr || element_count(c) == 0) {
        text.emplace_back();
      } else if (c->class_type == MAT_C_CHAR && (c->data_type == MAT_T_UINT8 || c->data_type == MAT_T_UTF8)) {
        text.emplace_back(static_cast<const char*>(c->data), element_count(c));
      } else {
        throw Error(fmt::format("{}: variable {}{{{}}}: expected a char array, found {}", origin,
                                variable, i + 1, describe(c)));
      }
    }
    return text;
  }
  throw Error(fmt::format("{}: variable {}: expected a numeric vector or a cell array of strings, "
                          "found {}",
                          origin, variable, describe(v.get())));
}

}  // namespace tavrnn::io
