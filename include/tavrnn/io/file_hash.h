#pragma once
// Content hashes recorded in run.json, so a result names exactly the input
// it came from and a resumed or skipped stage can tell its input changed.
#include <filesystem>
#include <string>

namespace tavrnn::io {

// Lower-case hex SHA-256 of a file's bytes (streamed; any size).
std::string sha256_file(const std::filesystem::path& path);

}  // namespace tavrnn::io
