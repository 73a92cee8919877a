#include "tavrnn/util/memory_limit.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn {

namespace {

std::string human_bytes(double bytes) {
  if (bytes >= 1e12) return fmt::format("{:.1f} TB", bytes / 1e12);
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  return fmt::format("{:.0f} MB", bytes / 1e6);
}

}  // namespace

std::uint64_t memory_limit_bytes() {
  if (const char* text = std::getenv("TAVRNN_MEMORY_LIMIT_MB"); text != nullptr && *text != '\0') {
    char* end = nullptr;
    errno = 0;
    const unsigned long long mb = std::strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || mb == 0) {
      throw Error(fmt::format("environment variable TAVRNN_MEMORY_LIMIT_MB: expected a whole number of "
                              "megabytes > 0, found '{}'",
                              text));
    }
    return static_cast<std::uint64_t>(mb) << 20;
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::uint64_t{1} << 40;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

void check_memory_need(double bytes, const std::string& what) {
  const double limit = static_cast<double>(memory_limit_bytes());
  if (bytes > limit) {
    throw Error(fmt::format("{} needs {}, more than the memory limit of {} ({})", what, human_bytes(bytes),
                            human_bytes(limit),
                            std::getenv("TAVRNN_MEMORY_LIMIT_MB") ? "TAVRNN_MEMORY_LIMIT_MB" : "this machine's memory"));
  }
}

}  // namespace tavrnn
