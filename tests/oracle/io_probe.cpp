// Driven by tests/oracle/npz_oracle.py so that numpy, not tavrnn, judges the
// .npz reader and writer:
//   tavrnn_io_probe dump FILE.npz          JSON of every array, exactly
//   tavrnn_io_probe write OUT.npz          fixed arrays, compressed
//   tavrnn_io_probe write-stored OUT.npz   the same arrays, uncompressed
// JSON has no NaN or infinity, so those floats are written as the strings
// "nan", "inf" and "-inf"; every other float is a double printed with
// round-trip precision (float32 widened exactly), integers are exact.
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "tavrnn/util/error.h"
#include "tavrnn/io/npz.h"

namespace {

using tavrnn::io::DType;
using tavrnn::io::NdArray;

nlohmann::json float_value(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

nlohmann::json describe(const NdArray& array) {
  nlohmann::json values = nlohmann::json::array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (array.dtype == DType::String) {
      values.push_back(array.strings.at(i));
    } else if (array.dtype == DType::UInt64) {
      values.push_back(array.as_uint64(i));
    } else if (tavrnn::io::is_integral(array.dtype)) {
      values.push_back(array.as_int64(i));
    } else {
      values.push_back(float_value(array.as_double(i)));
    }
  }
  return {
      {"dtype", tavrnn::io::dtype_name(array.dtype)}, {"shape", array.shape}, {"values", values}};
}

void dump(const std::string& path) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, array] : tavrnn::io::read_npz(path)) out[name] = describe(array);
  // '|S' arrays may hold bytes that are not UTF-8; replace them rather than fail.
  std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// The oracle checks these exact values; keep the two in step.
void write(const std::string& path, bool compress) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::pair<std::string, NdArray>> arrays = {
      {"float32",
       NdArray::from_floats({0.5f, -1.25f, 1.0f / 3.0f, 3.4028235e38f, 1e-45f, -0.0f}, {2, 3})},
      {"float64",
       NdArray::from_doubles({1e-300, -0.0, 1.0 / 3.0, 1.7976931348623157e308, -inf, std::nan("")},
                             {3, 2})},
      {"int64", NdArray::from_int64s({std::numeric_limits<std::int64_t>::min(), -1, 0,
                                      std::numeric_limits<std::int64_t>::max()},
                                     {4})},
      {"scalar", NdArray::scalar(0.1)},
      {"strings", NdArray::from_strings({"alpha", "β-band", "x"}, {3})},
      {"empty", NdArray::from_doubles({}, {0, 3})},
  };
  tavrnn::io::write_npz(path, arrays, compress);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: tavrnn_io_probe dump|write|write-stored FILE.npz\n";
    return 2;
  }
  const std::string mode = argv[1];
  try {
    if (mode == "dump") {
      dump(argv[2]);
    } else if (mode == "write" || mode == "write-stored") {
      write(argv[2], mode == "write");
    } else {
      std::cerr << "tavrnn_io_probe: unknown mode '" << mode << "'\n";
      return 2;
    }
  } catch (const tavrnn::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
