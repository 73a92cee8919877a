#pragma once
// NdArray: an n-dimensional array as numpy stores it, independent of LibTorch
// so that file I/O compiles fast and stays a plain value. Elements are kept
// in native byte order and C (row-major) order whatever the file had.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tavrnn::io {

enum class DType {
  Bool, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float32, Float64,
  String  // numpy '<U' / '|S' fixed-width strings (names of labels, groups, units)
};

std::string dtype_name(DType dtype);  // numpy's name: "int16", "float64", "str"
std::size_t dtype_size(DType dtype);  // bytes per element in memory (0 for String)
bool is_integral(DType dtype);        // Bool and the integer types
bool is_floating(DType dtype);

struct NdArray {
  DType dtype = DType::Float64;
  std::vector<std::size_t> shape;
  std::vector<unsigned char> bytes;    // numeric data, native order, C order
  std::vector<std::string> strings;    // String data (UTF-8), C order

  std::size_t size() const;  // number of elements (1 for a 0-d array)
  std::size_t ndim() const { return shape.size(); }
  std::string shape_string() const;  // "(3, 4)" as numpy prints it

  // Element i (C order) converted to double. Integers beyond 2^53 lose
  // precision, as in numpy's astype(float64).
  double as_double(std::size_t i) const;
  // Element i as an exact integer; throws Error if the dtype is floating or
  // String, or if a uint64 value does not fit int64.
  std::int64_t as_int64(std::size_t i) const;
  std::uint64_t as_uint64(std::size_t i) const;  // for uint64 arrays (any integral)

  std::vector<double> to_doubles() const;
  std::vector<std::int64_t> to_int64s() const;  // integral dtypes only

  static NdArray from_doubles(std::vector<double> values, std::vector<std::size_t> shape);
  static NdArray from_floats(const std::vector<float>& values, std::vector<std::size_t> shape);
  // Counts in the narrowest of uint8, uint16 and uint32 that holds every
  // value when all are whole numbers >= 0; float64 otherwise (rates).
  static NdArray from_counts(const std::vector<double>& values, std::vector<std::size_t> shape);
  static NdArray from_int64s(const std::vector<std::int64_t>& values,
                             std::vector<std::size_t> shape);
  static NdArray from_strings(std::vector<std::string> values, std::vector<std::size_t> shape);
  static NdArray scalar(double value);
};

}  // namespace tavrnn::io
