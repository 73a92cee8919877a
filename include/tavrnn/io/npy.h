#pragma once
// numpy .npy format (versions 1.0, 2.0, 3.0): every numeric dtype numpy
// writes (bool, int8..int64, uint8..uint64, float16 excluded, float32/64) in
// both byte orders and in C or Fortran order, plus fixed-width strings
// ('<U', '|S'). Object arrays (pickles) are refused with a clear error.
#include <filesystem>
#include <string>
#include <string_view>

#include "tavrnn/io/ndarray.h"

namespace tavrnn::io {

// Parses the bytes of a .npy file. `origin` names the source in errors
// ("rec.npz: array 'counts'" or "counts.npy").
NdArray parse_npy(std::string_view bytes, const std::string& origin);
NdArray read_npy(const std::filesystem::path& path);

// Serialises float32, float64, int64 (and String as '<U') arrays, C order,
// little-endian, format version 1.0 (2.0 if the header needs it).
std::string serialize_npy(const NdArray& array);
void write_npy(const std::filesystem::path& path, const NdArray& array);  // atomic

}  // namespace tavrnn::io
