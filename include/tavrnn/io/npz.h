#pragma once
// numpy .npz archives (np.savez / np.savez_compressed) through libzip.
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tavrnn/io/ndarray.h"

namespace tavrnn::io {

// Named arrays of an .npz; names are given without the ".npy" suffix.
using NpzArrays = std::map<std::string, NdArray>;

NpzArrays read_npz(const std::filesystem::path& path);

// Reads one named array; throws Error naming the file and the missing key
// (and the keys that are there) when it is absent.
const NdArray& require_array(const NpzArrays& arrays, const std::string& key,
                             const std::filesystem::path& path);

// Writes atomically; `compress` uses deflate like np.savez_compressed.
void write_npz(const std::filesystem::path& path,
               const std::vector<std::pair<std::string, NdArray>>& arrays,
               bool compress = true);

}  // namespace tavrnn::io
