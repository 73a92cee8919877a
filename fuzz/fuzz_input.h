#pragma once
// What every fuzz target shares: the input as a file for readers that take a
// path (one reused file in /dev/shm: memory, not disk), and the rule that a
// reader may only fail with tavrnn::Error. Any other exception escapes to
// libFuzzer, which reports it as a crash with the input that caused it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "tavrnn/util/error.h"

namespace tavrnn::fuzz {

inline std::filesystem::path input_file(const char* extension) {
  const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  return dir / ("tavrnn-fuzz-" + std::to_string(::getpid()) + extension);
}

inline std::filesystem::path write_input(const uint8_t* data, std::size_t size, const char* extension) {
  const std::filesystem::path path = input_file(extension);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

template <typename Read>
int expect_value_or_error(Read&& read) {
  try {
    read();
  } catch (const tavrnn::Error&) {
    // A clear error: what a malformed file must give.
  }
  return 0;
}

}  // namespace tavrnn::fuzz
