#pragma once
// numpy .npz archives (np.savez / np.savez_compressed) through libzip.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tavrnn/io/ndarray.h"
#include "tavrnn/io/npy.h"

namespace tavrnn::io {

// Named arrays of an .npz; names are given without the ".npy" suffix.
using NpzArrays = std::map<std::string, NdArray>;

NpzArrays read_npz(const std::filesystem::path& path);

// Reads one named array; throws Error naming the file and the missing key
// (and the keys that are there) when it is absent.
const NdArray& require_array(const NpzArrays& arrays, const std::string& key,
                             const std::filesystem::path& path);

// An .npz opened from its file and read one array at a time: what is never
// asked for is never decompressed, and stream() reads one array in pieces,
// so a graphs file larger than memory can be read window by window.
class NpzReader {
 public:
  // Error naming the file when it is missing, empty or not a zip archive.
  explicit NpzReader(const std::filesystem::path& path);
  ~NpzReader();
  NpzReader(NpzReader&&) noexcept;
  NpzReader& operator=(NpzReader&&) noexcept;

  const std::filesystem::path& path() const;
  std::vector<std::string> keys() const;  // sorted
  bool has(const std::string& key) const;
  // The whole array; Error naming the file and the keys present when absent.
  NdArray read(const std::string& key) const;
  // The array from its first byte, read in pieces; each call opens the member
  // afresh (and keeps the file open as long as it lives).
  NpyReader stream(const std::string& key) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes atomically; `compress` uses deflate like np.savez_compressed.
void write_npz(const std::filesystem::path& path,
               const std::vector<std::pair<std::string, NdArray>>& arrays,
               bool compress = true);

}  // namespace tavrnn::io
