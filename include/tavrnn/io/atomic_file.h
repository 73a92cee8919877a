#pragma once
// Every output of tavrnn is written through these helpers: the bytes go to a
// temporary file in the target's directory, are flushed to disk, and the
// temporary is renamed over the target. A run killed half-way leaves either
// the old file or none, never a truncated file that looks complete.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace tavrnn::io {

// A temporary path next to `target` that becomes `target` on commit(). If it
// is destroyed without commit() (an exception, an early return) the
// temporary is removed. Use it for writers that need a path (libzip, HDF5).
class AtomicPath {
 public:
  explicit AtomicPath(std::filesystem::path target);
  ~AtomicPath();
  AtomicPath(const AtomicPath&) = delete;
  AtomicPath& operator=(const AtomicPath&) = delete;

  const std::filesystem::path& temporary() const { return temporary_; }
  const std::filesystem::path& target() const { return target_; }
  // fsyncs the temporary and renames it over the target.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

void write_file_atomically(const std::filesystem::path& target, std::string_view bytes);
void write_file_atomically(const std::filesystem::path& target,
                           const std::function<void(std::ostream&)>& write);

// Creates `dir` (and parents) or throws Error naming it.
void ensure_directory(const std::filesystem::path& dir);

// Reads a whole file, throwing Error naming it when it is missing, is a
// directory or cannot be read.
std::string read_file_bytes(const std::filesystem::path& path);

}  // namespace tavrnn::io
