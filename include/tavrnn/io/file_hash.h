#pragma once
// Content hashes recorded in run.json, so a result names exactly the input
// it came from and a resumed or skipped stage can tell its input changed.
#include <filesystem>
#include <string>
#include <string_view>

namespace tavrnn::io {

// Lower-case hex SHA-256 of a file's bytes (streamed; any size).
std::string sha256_file(const std::filesystem::path& path);

// Lower-case hex SHA-256 of bytes in memory (stage keys of `tavrnn run`).
std::string sha256_hex(std::string_view bytes);

}  // namespace tavrnn::io
