#include "tavrnn/io/ndarray.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "tavrnn/util/error.h"

namespace tavrnn::io {
namespace {

template <typename T>
T load(const NdArray& array, std::size_t i) {
  T value;
  std::memcpy(&value, array.bytes.data() + i * sizeof(T), sizeof(T));
  return value;
}

template <typename T>
void store_all(NdArray& array, const std::vector<T>& values) {
  array.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(array.bytes.data(), values.data(), array.bytes.size());
}

// Checked against the bytes too: a hand-built array may disagree with its
// shape, and reading past `bytes` must not happen whatever the caller did.
void check_index(const NdArray& array, const char* what, std::size_t i) {
  const std::size_t itemsize = dtype_size(array.dtype);
  if (i >= array.size() || itemsize == 0 || i >= array.bytes.size() / itemsize) {
    throw Error(fmt::format("NdArray::{}: element {} is out of range for shape {} ({} bytes)", what,
                            i, array.shape_string(), array.bytes.size()));
  }
}

std::size_t element_count(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

void check_count(const char* what, std::size_t found, const std::vector<std::size_t>& shape) {
  NdArray probe;
  probe.shape = shape;
  if (found != probe.size()) {
    throw Error(fmt::format("NdArray::{}: shape {} holds {} elements, found {} values", what,
                            probe.shape_string(), probe.size(), found));
  }
}

}  // namespace

std::string dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return "bool";
    case DType::Int8:
      return "int8";
    case DType::Int16:
      return "int16";
    case DType::Int32:
      return "int32";
    case DType::Int64:
      return "int64";
    case DType::UInt8:
      return "uint8";
    case DType::UInt16:
      return "uint16";
    case DType::UInt32:
      return "uint32";
    case DType::UInt64:
      return "uint64";
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::String:
      return "str";
  }
  return "unknown";
}

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::Bool:
    case DType::Int8:
    case DType::UInt8:
      return 1;
    case DType::Int16:
    case DType::UInt16:
      return 2;
    case DType::Int32:
    case DType::UInt32:
    case DType::Float32:
      return 4;
    case DType::Int64:
    case DType::UInt64:
    case DType::Float64:
      return 8;
    case DType::String:
      return 0;
  }
  return 0;
}

bool is_integral(DType dtype) {
  return dtype != DType::Float32 && dtype != DType::Float64 && dtype != DType::String;
}

bool is_floating(DType dtype) { return dtype == DType::Float32 || dtype == DType::Float64; }

std::size_t NdArray::size() const { return element_count(shape); }

std::string NdArray::shape_string() const {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

double NdArray::as_double(std::size_t i) const {
  if (dtype == DType::String) {
    throw Error(fmt::format("NdArray::as_double: expected a numeric array, found dtype str"));
  }
  check_index(*this, "as_double", i);
  switch (dtype) {
    case DType::Bool:
      return load<std::uint8_t>(*this, i) != 0 ? 1.0 : 0.0;
    case DType::Int8:
      return load<std::int8_t>(*this, i);
    case DType::Int16:
      return load<std::int16_t>(*this, i);
    case DType::Int32:
      return load<std::int32_t>(*this, i);
    case DType::Int64:
      return static_cast<double>(load<std::int64_t>(*this, i));
    case DType::UInt8:
      return load<std::uint8_t>(*this, i);
    case DType::UInt16:
      return load<std::uint16_t>(*this, i);
    case DType::UInt32:
      return load<std::uint32_t>(*this, i);
    case DType::UInt64:
      return static_cast<double>(load<std::uint64_t>(*this, i));
    case DType::Float32:
      return load<float>(*this, i);
    case DType::Float64:
      return load<double>(*this, i);
    case DType::String:
      break;
  }
  return 0.0;
}

std::int64_t NdArray::as_int64(std::size_t i) const {
  if (dtype == DType::UInt64) {
    const std::uint64_t value = as_uint64(i);
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw Error(
          fmt::format("NdArray::as_int64: element {} of a uint64 array is {}, "
                      "expected at most 2^63-1",
                      i, value));
    }
    return static_cast<std::int64_t>(value);
  }
  if (!is_integral(dtype)) {
    throw Error(
        fmt::format("NdArray::as_int64: expected an integer dtype, found {}", dtype_name(dtype)));
  }
  check_index(*this, "as_int64", i);
  switch (dtype) {
    case DType::Bool:
      return load<std::uint8_t>(*this, i) != 0 ? 1 : 0;
    case DType::Int8:
      return load<std::int8_t>(*this, i);
    case DType::Int16:
      return load<std::int16_t>(*this, i);
    case DType::Int32:
      return load<std::int32_t>(*this, i);
    case DType::Int64:
      return load<std::int64_t>(*this, i);
    case DType::UInt8:
      return load<std::uint8_t>(*this, i);
    case DType::UInt16:
      return load<std::uint16_t>(*this, i);
    case DType::UInt32:
      return load<std::uint32_t>(*this, i);
    default:
      break;
  }
  return 0;
}

std::uint64_t NdArray::as_uint64(std::size_t i) const {
  if (dtype != DType::UInt64) {
    const std::int64_t value = as_int64(i);
    if (value < 0) {
      throw Error(
          fmt::format("NdArray::as_uint64: element {} of an {} array is {}, "
                      "expected a non-negative value",
                      i, dtype_name(dtype), value));
    }
    return static_cast<std::uint64_t>(value);
  }
  check_index(*this, "as_uint64", i);
  return load<std::uint64_t>(*this, i);
}

std::vector<double> NdArray::to_doubles() const {
  if (dtype == DType::Float64 && bytes.size() == size() * sizeof(double)) {
    std::vector<double> out(size());
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
  std::vector<double> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(as_double(i));
  return out;
}

std::vector<std::int64_t> NdArray::to_int64s() const {
  std::vector<std::int64_t> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(as_int64(i));
  return out;
}

NdArray NdArray::from_doubles(std::vector<double> values, std::vector<std::size_t> shape) {
  check_count("from_doubles", values.size(), shape);
  NdArray array;
  array.dtype = DType::Float64;
  array.shape = std::move(shape);
  store_all(array, values);
  return array;
}

namespace {

template <typename T>
void store_converted(NdArray& array, const std::vector<double>& values) {
  array.bytes.resize(values.size() * sizeof(T));
  auto* out = reinterpret_cast<T*>(array.bytes.data());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<T>(values[i]);
}

}  // namespace

NdArray NdArray::from_counts(const std::vector<double>& values, std::vector<std::size_t> shape) {
  check_count("from_counts", values.size(), shape);
  double largest = 0.0;
  for (double v : values) {
    // NaN fails both comparisons and so, like a fraction, keeps float64.
    if (!(v >= 0.0 && v <= 4294967295.0) || v != std::floor(v)) {
      return from_doubles(values, std::move(shape));
    }
    largest = std::max(largest, v);
  }
  NdArray array;
  array.shape = std::move(shape);
  if (largest <= 255.0) {
    array.dtype = DType::UInt8;
    store_converted<std::uint8_t>(array, values);
  } else if (largest <= 65535.0) {
    array.dtype = DType::UInt16;
    store_converted<std::uint16_t>(array, values);
  } else {
    array.dtype = DType::UInt32;
    store_converted<std::uint32_t>(array, values);
  }
  return array;
}

NdArray NdArray::from_floats(const std::vector<float>& values, std::vector<std::size_t> shape) {
  check_count("from_floats", values.size(), shape);
  NdArray array;
  array.dtype = DType::Float32;
  array.shape = std::move(shape);
  store_all(array, values);
  return array;
}

NdArray NdArray::from_int64s(const std::vector<std::int64_t>& values,
                             std::vector<std::size_t> shape) {
  check_count("from_int64s", values.size(), shape);
  NdArray array;
  array.dtype = DType::Int64;
  array.shape = std::move(shape);
  store_all(array, values);
  return array;
}

NdArray NdArray::from_strings(std::vector<std::string> values, std::vector<std::size_t> shape) {
  check_count("from_strings", values.size(), shape);
  NdArray array;
  array.dtype = DType::String;
  array.shape = std::move(shape);
  array.strings = std::move(values);
  return array;
}

NdArray NdArray::scalar(double value) { return from_doubles({value}, {}); }

}  // namespace tavrnn::io
