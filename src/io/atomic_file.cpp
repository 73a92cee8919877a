#include "tavrnn/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::io {
namespace fs = std::filesystem;

namespace {

// Unique within the process (counter) and across processes (pid), so two
// runs writing into one directory never share a temporary.
fs::path temporary_next_to(const fs::path& target) {
  static std::atomic<unsigned long> counter{0};
  const std::string name = fmt::format(".{}.tmp-{}-{}", target.filename().string(),
                                       static_cast<long>(::getpid()), counter++);
  return target.parent_path() / name;
}

void fsync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicPath::AtomicPath(fs::path target) : target_(std::move(target)) {
  if (target_.empty()) throw Error("writing output: empty file name");
  const fs::path dir = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error(fmt::format("writing {}: directory {} does not exist", target_.string(),
                            dir.string()));
  }
  if (fs::is_directory(target_, ec)) {
    throw Error(fmt::format("writing {}: expected a file name, found a directory",
                            target_.string()));
  }
  temporary_ = temporary_next_to(target_);
}

AtomicPath::~AtomicPath() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temporary_, ec);
  }
}

void AtomicPath::commit() {
  fsync_path(temporary_);
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    throw Error(fmt::format("writing {}: cannot rename the temporary file into place: {}",
                            target_.string(), std::strerror(errno)));
  }
  committed_ = true;
  fsync_path(target_.has_parent_path() ? target_.parent_path() : fs::path("."));
}

void write_file_atomically(const fs::path& target, std::string_view bytes) {
  write_file_atomically(target, [&](std::ostream& out) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  });
}

void write_file_atomically(const fs::path& target,
                           const std::function<void(std::ostream&)>& write) {
  AtomicPath atomic(target);
  {
    std::ofstream out(atomic.temporary(), std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(fmt::format("writing {}: cannot create {}: {}", target.string(),
                              atomic.temporary().string(), std::strerror(errno)));
    }
    write(out);
    out.flush();
    if (!out) {
      throw Error(fmt::format("writing {}: write failed (disk full?)", target.string()));
    }
  }
  atomic.commit();
}

void ensure_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (fs::exists(dir, ec)) {
    throw Error(fmt::format("creating output directory {}: a file of that name exists",
                            dir.string()));
  }
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error(fmt::format("creating output directory {}: {}", dir.string(), ec.message()));
  }
}

std::string read_file_bytes(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw Error(fmt::format("reading {}: no such file", path.string()));
  }
  if (fs::is_directory(path, ec)) {
    throw Error(fmt::format("reading {}: expected a file, found a directory", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("reading {}: cannot open: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("reading {}: read failed", path.string()));
  return std::move(buffer).str();
}

}  // namespace tavrnn::io
