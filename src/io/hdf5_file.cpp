#include "hdf5_file.h"

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::io::hdf5 {
namespace fs = std::filesystem;

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && close_) close_(id_);
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0 && close_) close_(id_);
}

std::string element_kind_name(ElementKind kind) {
  switch (kind) {
    case ElementKind::Integer: return "integers";
    case ElementKind::Float: return "floats";
    case ElementKind::String: return "strings";
    case ElementKind::Reference: return "object references";
    case ElementKind::Compound: return "compound records";
    case ElementKind::Other: return "other values";
  }
  return "?";
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

namespace {

// HDF5 prints its own error stack to stderr by default; tavrnn reports one
// line itself, so silence it once for the process.
void silence_hdf5_errors() {
  static const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

std::string join_path(const std::string& group, const std::string& child) {
  return group == "/" ? "/" + child : group + "/" + child;
}

ElementKind kind_of(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return ElementKind::Integer;
    case H5T_FLOAT: return ElementKind::Float;
    case H5T_STRING: return ElementKind::String;
    case H5T_REFERENCE: return ElementKind::Reference;
    case H5T_COMPOUND: return ElementKind::Compound;
    default: return ElementKind::Other;
  }
}

std::size_t element_count(hid_t space) {
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

// Reads strings from a dataset or attribute (`is_attribute`) whose file
// type is `type`, `n` elements.
std::vector<std::string> read_string_elements(hid_t object, hid_t type, hid_t space, std::size_t n,
                                              bool is_attribute, const std::function<void(const std::string&)>& fail) {
  std::vector<std::string> out;
  out.reserve(n);
  if (n == 0) return out;
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  if (H5Tis_variable_str(type) > 0) {
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type));
    std::vector<char*> buffer(n, nullptr);
    const herr_t status = is_attribute ? H5Aread(object, mem.get(), buffer.data())
                                       : H5Dread(object, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                                 buffer.data());
    if (status < 0) fail("could not read variable-length strings");
    for (char* s : buffer) out.emplace_back(s ? s : "");
    H5Dvlen_reclaim(mem.get(), space, H5P_DEFAULT, buffer.data());
    return out;
  }
  const std::size_t width = H5Tget_size(type);
  H5Tset_size(mem.get(), width);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  std::vector<char> buffer(n * width, '\0');
  const herr_t status = is_attribute ? H5Aread(object, mem.get(), buffer.data())
                                     : H5Dread(object, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                               buffer.data());
  if (status < 0) fail("could not read fixed-length strings");
  for (std::size_t i = 0; i < n; ++i) {
    std::string s(buffer.data() + i * width, width);
    const auto end = s.find_last_not_of(std::string("\0 ", 2));
    s.erase(end == std::string::npos ? 0 : end + 1);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

File::File(const fs::path& path) : name_(path.string()) {
  silence_hdf5_errors();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(fmt::format("reading {}: no such file", name_));
  if (H5Fis_hdf5(name_.c_str()) <= 0) {
    throw Error(fmt::format("reading {}: expected an HDF5 file, found something else", name_));
  }
  file_ = Handle(H5Fopen(name_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file_.get() < 0) throw Error(fmt::format("reading {}: HDF5 could not open it", name_));
}

void File::fail(const std::string& object_path, const std::string& what) const {
  throw Error(fmt::format("reading {}: {}: {}", name_, object_path, what));
}

bool File::exists(const std::string& path) const {
  if (path == "/") return true;
  // H5Lexists needs every intermediate link to exist, so check them in turn.
  std::size_t pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

bool File::is_group(const std::string& path) const {
  if (!exists(path)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(file_.get(), path.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_GROUP;
}

bool File::is_dataset(const std::string& path) const {
  if (!exists(path)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(file_.get(), path.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_DATASET;
}

std::vector<std::string> File::children(const std::string& group) const {
  Handle g(H5Gopen2(file_.get(), group.c_str(), H5P_DEFAULT), H5Gclose);
  if (g.get() < 0) fail(group, "expected a group, found none");
  H5G_info_t info;
  if (H5Gget_info(g.get(), &info) < 0) fail(group, "could not list the group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size =
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) continue;
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(size));
    // Soft and external links (NWB links electrodes and devices this way)
    // would visit objects twice or leave the file; only hard links count.
    H5L_info_t link;
    if (H5Lget_info(g.get(), name.c_str(), &link, H5P_DEFAULT) < 0 || link.type != H5L_TYPE_HARD) {
      continue;
    }
    names.push_back(std::move(name));
  }
  return names;
}

void File::walk(const std::function<void(const std::string&, bool)>& visit) const {
  // Depth-limited: a hard-link cycle (legal in HDF5, absent from NWB) must
  // not recurse forever.
  std::function<void(const std::string&, int)> descend = [&](const std::string& group, int depth) {
    if (depth > 64) return;
    for (const std::string& child : children(group)) {
      const std::string path = join_path(group, child);
      const bool group_child = is_group(path);
      visit(path, group_child);
      if (group_child) descend(path, depth + 1);
    }
  };
  descend("/", 0);
}

std::optional<std::string> File::string_attribute(const std::string& object,
                                                  const std::string& attribute) const {
  const std::vector<std::string> values = string_list_attribute(object, attribute);
  if (values.size() != 1) return std::nullopt;
  return values.front();
}

std::vector<std::string> File::string_list_attribute(const std::string& object,
                                                     const std::string& attribute) const {
  if (H5Aexists_by_name(file_.get(), object.c_str(), attribute.c_str(), H5P_DEFAULT) <= 0) return {};
  Handle a(H5Aopen_by_name(file_.get(), object.c_str(), attribute.c_str(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) return {};
  Handle space(H5Aget_space(a.get()), H5Sclose);
  const auto on_fail = [&](const std::string& what) { fail(object, "attribute " + attribute + ": " + what); };
  return read_string_elements(a.get(), type.get(), space.get(), element_count(space.get()), true,
                              on_fail);
}

std::optional<double> File::number_attribute(const std::string& object,
                                             const std::string& attribute) const {
  if (H5Aexists_by_name(file_.get(), object.c_str(), attribute.c_str(), H5P_DEFAULT) <= 0) {
    return std::nullopt;
  }
  Handle a(H5Aopen_by_name(file_.get(), object.c_str(), attribute.c_str(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  Handle type(H5Aget_type(a.get()), H5Tclose);
  Handle space(H5Aget_space(a.get()), H5Sclose);
  const ElementKind kind = kind_of(type.get());
  if ((kind != ElementKind::Integer && kind != ElementKind::Float) || element_count(space.get()) != 1) {
    return std::nullopt;
  }
  double value = 0.0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &value) < 0) fail(object, "could not read attribute " + attribute);
  return value;
}

Handle File::open_dataset(const std::string& path) const {
  if (!is_dataset(path)) fail(path, "expected a dataset, found none");
  Handle d(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose);
  if (d.get() < 0) fail(path, "HDF5 could not open the dataset");
  return d;
}

std::vector<std::size_t> File::shape(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(rank > 0 ? static_cast<std::size_t>(rank) : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<std::size_t>(dims.begin(), dims.end());
}

ElementKind File::element_kind(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  return kind_of(type.get());
}

Handle File::open_numeric_dataset(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  const ElementKind kind = kind_of(type.get());
  if (kind != ElementKind::Integer && kind != ElementKind::Float) {
    fail(dataset, fmt::format("expected numbers, found {}", element_kind_name(kind)));
  }
  return d;
}

std::vector<double> File::read_doubles(const std::string& dataset) const {
  Handle d = open_numeric_dataset(dataset);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  std::vector<double> values(element_count(space.get()));
  if (!values.empty() &&
      H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    fail(dataset, "HDF5 could not read the values");
  }
  return values;
}

std::vector<double> File::read_doubles(const std::string& dataset, std::size_t offset,
                                       std::size_t count) const {
  Handle d = open_numeric_dataset(dataset);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) fail(dataset, "expected a 1-D dataset");
  const std::size_t n = element_count(space.get());
  if (offset > n || count > n - offset) {
    fail(dataset, fmt::format("elements [{}, {}) are past the end of its {}", offset, offset + count, n));
  }
  std::vector<double> values(count);
  if (count == 0) return values;
  const hsize_t start[1] = {offset};
  const hsize_t size[1] = {count};
  Handle memory(H5Screate_simple(1, size, nullptr), H5Sclose);
  if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr) < 0 ||
      H5Dread(d.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT, values.data()) < 0) {
    fail(dataset, fmt::format("HDF5 could not read elements [{}, {})", offset, offset + count));
  }
  return values;
}

std::vector<std::int64_t> File::read_int64s(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  const ElementKind kind = kind_of(type.get());
  if (kind != ElementKind::Integer) {
    fail(dataset, fmt::format("expected integers, found {}", element_kind_name(kind)));
  }
  Handle space(H5Dget_space(d.get()), H5Sclose);
  std::vector<std::int64_t> values(element_count(space.get()));
  if (!values.empty() &&
      H5Dread(d.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    fail(dataset, "HDF5 could not read the values as 64-bit integers");
  }
  return values;
}

std::vector<std::string> File::read_strings(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  const ElementKind kind = kind_of(type.get());
  if (kind != ElementKind::String) {
    fail(dataset, fmt::format("expected strings, found {}", element_kind_name(kind)));
  }
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const auto on_fail = [&](const std::string& what) { fail(dataset, what); };
  return read_string_elements(d.get(), type.get(), space.get(), element_count(space.get()), false,
                              on_fail);
}

std::vector<std::string> File::read_reference_paths(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_REFERENCE || H5Tequal(type.get(), H5T_STD_REF_OBJ) <= 0) {
    fail(dataset, fmt::format("expected object references, found {}",
                              element_kind_name(kind_of(type.get()))));
  }
  Handle space(H5Dget_space(d.get()), H5Sclose);
  std::vector<hobj_ref_t> refs(element_count(space.get()));
  if (!refs.empty() &&
      H5Dread(d.get(), H5T_STD_REF_OBJ, H5S_ALL, H5S_ALL, H5P_DEFAULT, refs.data()) < 0) {
    fail(dataset, "HDF5 could not read the references");
  }
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const ssize_t size = H5Rget_name(d.get(), H5R_OBJECT, &refs[i], nullptr, 0);
    if (size < 0) fail(dataset, fmt::format("reference {} names no object", i));
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    H5Rget_name(d.get(), H5R_OBJECT, &refs[i], name.data(), name.size());
    name.resize(static_cast<std::size_t>(size));
    paths.push_back(std::move(name));
  }
  return paths;
}

}  // namespace tavrnn::io::hdf5
