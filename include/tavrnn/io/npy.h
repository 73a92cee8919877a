#pragma once
// numpy .npy format (versions 1.0, 2.0, 3.0): every numeric dtype numpy
// writes (bool, int8..int64, uint8..uint64, float16 excluded, float32/64) in
// both byte orders and in C or Fortran order, plus fixed-width strings
// ('<U', '|S'). Object arrays (pickles) are refused with a clear error.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

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

// A numeric C-order .npy read piece by piece from a stream of its bytes (a
// member of an .npz decompressed in order), so that an array larger than
// memory is never whole in it: the header first, then the elements.
class NpyReader {
 public:
  // Copies up to `size` next bytes into `out`; returns how many (0 at the end).
  using Source = std::function<std::size_t(char* out, std::size_t size)>;
  // Reads and checks the header; Error naming `origin` for a string dtype,
  // Fortran order or a malformed header.
  NpyReader(Source source, std::string origin);

  DType dtype() const { return dtype_; }
  const std::vector<std::size_t>& shape() const { return shape_; }
  std::size_t count() const { return count_; }          // elements in all
  std::size_t remaining() const { return count_ - read_; }
  // The next `n` elements as a 1-d array in the host's byte order; Error when
  // fewer than `n` remain or the data ends early.
  NdArray next(std::size_t n);

 private:
  void fill(char* out, std::size_t size, const char* what);
  Source source_;
  std::string origin_;
  DType dtype_ = DType::Float64;
  std::vector<std::size_t> shape_;
  std::size_t itemsize_ = 0, count_ = 0, read_ = 0;
  bool swap_ = false;
};

}  // namespace tavrnn::io
