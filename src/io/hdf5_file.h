#pragma once
// A read-only HDF5 file over the C API: RAII handles and whole-dataset reads
// converted to the type the caller wants. Every error is a tavrnn::Error
// that names the file and the object path inside it, so that readers built
// on it (NWB) report "reading F.nwb: /units/spike_times_index: ...".
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tavrnn::io::hdf5 {

// Owns one hid_t and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t get() const { return id_; }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// What one element of a dataset or attribute is, as far as a reader cares.
enum class ElementKind { Integer, Float, String, Reference, Compound, Other };
std::string element_kind_name(ElementKind kind);

class File {
 public:
  // Opens read-only; Error when the file is missing or not HDF5.
  explicit File(const std::filesystem::path& path);

  const std::string& name() const { return name_; }
  // "reading F: PATH: what" as an Error.
  [[noreturn]] void fail(const std::string& object_path, const std::string& what) const;

  bool exists(const std::string& path) const;  // every component a hard link
  bool is_group(const std::string& path) const;
  bool is_dataset(const std::string& path) const;
  // Names of the hard links in a group, in name order.
  std::vector<std::string> children(const std::string& group) const;
  // Depth-first over every group and dataset reached by hard links; the
  // callback gets the absolute path and whether it is a group.
  void walk(const std::function<void(const std::string& path, bool is_group)>& visit) const;

  // Attributes: a string (fixed or variable length), a list of strings, a number.
  std::optional<std::string> string_attribute(const std::string& object, const std::string& attribute) const;
  std::vector<std::string> string_list_attribute(const std::string& object, const std::string& attribute) const;
  std::optional<double> number_attribute(const std::string& object, const std::string& attribute) const;

  std::vector<std::size_t> shape(const std::string& dataset) const;
  ElementKind element_kind(const std::string& dataset) const;

  // Whole datasets, converted by HDF5 (float32 -> double, uint16 -> int64).
  std::vector<double> read_doubles(const std::string& dataset) const;
  std::vector<std::int64_t> read_int64s(const std::string& dataset) const;
  // Elements [offset, offset + count) of a 1-D dataset (a hyperslab), for
  // datasets read a piece at a time (10^8 spike times).
  std::vector<double> read_doubles(const std::string& dataset, std::size_t offset, std::size_t count) const;
  // Fixed- or variable-length strings, trailing padding removed.
  std::vector<std::string> read_strings(const std::string& dataset) const;
  // Object references, as the absolute path of the object each one names.
  std::vector<std::string> read_reference_paths(const std::string& dataset) const;

 private:
  Handle open_dataset(const std::string& path) const;
  // The dataset, checked to hold integers or floats (read as doubles).
  Handle open_numeric_dataset(const std::string& dataset) const;
  std::string name_;
  Handle file_;
};

// "/a/b/c" -> "c".
std::string base_name(const std::string& path);

}  // namespace tavrnn::io::hdf5
