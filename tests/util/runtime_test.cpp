#include "tavrnn/util/runtime.h"

#include <dlfcn.h>
#include <hdf5.h>
#include <malloc.h>
#include <zip.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <torch/version.h>

#include "tavrnn/util/progress.h"

namespace tavrnn {
namespace {

// Restores LibTorch's and OpenBLAS's thread counts when a test ends.
class ThreadCountRestorer {
 public:
  ThreadCountRestorer() : before_(at::get_num_threads()) {}
  ~ThreadCountRestorer() { set_num_threads(before_); }
  int before() const { return before_; }

 private:
  int before_;
};

int every_core() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// OpenBLAS's own thread count, when the BLAS in the process is OpenBLAS.
int openblas_threads_or_minus_one() {
  using GetThreads = int (*)();
  if (auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"))) return get();
  return -1;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

TEST(Runtime, BlasLibraryIsFoundAndIsNotTheReferenceOne) {
  const BlasInfo blas = detect_blas();
  EXPECT_NE(blas.vendor, "unknown") << blas.library;
  // scripts/install-deps.sh installs OpenBLAS; the netlib BLAS is 50x slower.
  EXPECT_FALSE(blas.is_reference) << blas.library;
}

TEST(Runtime, DetectedBlasIsAnExistingLibraryAndNamedConsistently) {
  const BlasInfo blas = detect_blas();
  ASSERT_NE(blas.vendor, "unknown") << blas.library;
  EXPECT_TRUE(std::filesystem::path(blas.library).is_absolute()) << blas.library;
  EXPECT_TRUE(std::filesystem::exists(blas.library)) << blas.library;
  EXPECT_EQ(blas.is_reference, blas.vendor == "reference (netlib)") << blas.vendor;
  // OpenBLAS is recognised by its own entry point, and its description kept.
  using GetConfig = char* (*)();
  if (auto get_config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    EXPECT_EQ(blas.vendor, "OpenBLAS");
    EXPECT_EQ(blas.config, std::string(get_config()));
  } else {
    EXPECT_EQ(blas.config, "");
  }
}

TEST(Runtime, SetNumThreadsSetsLibTorchThreads) {
  const ThreadCountRestorer restore;
  set_num_threads(1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(num_threads(), 1);
  set_num_threads(3);
  EXPECT_EQ(at::get_num_threads(), 3);
  EXPECT_EQ(num_threads(), 3);
  set_num_threads(restore.before());
  EXPECT_EQ(at::get_num_threads(), restore.before());
  EXPECT_EQ(num_threads(), restore.before());
}

TEST(Runtime, NumThreadsReportsLibTorchsCount) {
  const ThreadCountRestorer restore;
  at::set_num_threads(2);
  EXPECT_EQ(num_threads(), 2);
  at::set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
}

TEST(Runtime, ZeroOrNegativeThreadsMeansEveryCore) {
  const ThreadCountRestorer restore;
  set_num_threads(1);
  set_num_threads(0);
  EXPECT_EQ(at::get_num_threads(), every_core());
  set_num_threads(1);
  set_num_threads(-4);
  EXPECT_EQ(at::get_num_threads(), every_core());
}

TEST(Runtime, SetNumThreadsAlsoSetsOpenBlasThreads) {
  if (openblas_threads_or_minus_one() < 0) GTEST_SKIP() << "the BLAS in this process is not OpenBLAS";
  const ThreadCountRestorer restore;
  set_num_threads(1);
  EXPECT_EQ(openblas_threads_or_minus_one(), 1);
}

TEST(Runtime, TorchVersionIsTheOneCompiledAgainst) {
  const std::string expected =
      fmt::format("{}.{}.{}", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH);
  EXPECT_EQ(torch_version().rfind(expected, 0), 0u) << torch_version();
  EXPECT_TRUE(std::regex_match(torch_version(), std::regex(R"(\d+\.\d+\.\d+.*)"))) << torch_version();
}

TEST(Runtime, VersionReportNamesTavrnnLibTorchBlasThreadsHdf5AndLibzip) {
  const ThreadCountRestorer restore;
  set_num_threads(1);
  const std::string report = version_report();
  const BlasInfo blas = detect_blas();
  EXPECT_EQ(report.rfind(std::string("tavrnn ") + TAVRNN_VERSION + "\n", 0), 0u) << report;
  EXPECT_NE(report.find("  LibTorch  " + torch_version() + "\n"), std::string::npos) << report;
  EXPECT_NE(report.find("  BLAS      " + blas.vendor + " (" + blas.library + ")\n"), std::string::npos)
      << report;
  if (!blas.config.empty()) {
    EXPECT_NE(report.find("\n            " + blas.config + "\n"), std::string::npos) << report;
  }
  EXPECT_NE(report.find("  threads   1\n"), std::string::npos) << report;
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  EXPECT_NE(report.find(fmt::format("  HDF5      {}.{}.{}\n", major, minor, release)), std::string::npos)
      << report;
  const std::string libzip_line = std::string("  libzip    ") + zip_libzip_version();
  ASSERT_GE(report.size(), libzip_line.size());
  EXPECT_EQ(report.substr(report.size() - libzip_line.size()), libzip_line) << report;  // the last line
  EXPECT_EQ(count_of(report, "\n"), blas.config.empty() ? 5u : 6u) << report;  // no newline after libzip
}

TEST(Runtime, VersionReportFollowsTheThreadCount) {
  const ThreadCountRestorer restore;
  set_num_threads(2);
  EXPECT_NE(version_report().find("  threads   2\n"), std::string::npos) << version_report();
  set_num_threads(1);
  EXPECT_NE(version_report().find("  threads   1\n"), std::string::npos) << version_report();
}

TEST(Runtime, ReferenceBlasWarningIsLoggedAtMostOnceAndOnlyForTheReferenceBlas) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = spdlog::default_logger();
  logger->sinks().push_back(sink);
  warn_once_if_reference_blas();
  warn_once_if_reference_blas();
  warn_once_if_reference_blas();
  logger->flush();
  logger->sinks().pop_back();
  const std::size_t warnings = count_of(captured.str(), "reference BLAS");
  if (detect_blas().is_reference) {
    EXPECT_EQ(warnings, 1u) << captured.str();
    EXPECT_NE(captured.str().find("libopenblas0-pthread"), std::string::npos) << captured.str();
  } else {
    EXPECT_EQ(warnings, 0u) << captured.str();
  }
}

void* volatile escaped_block = nullptr;  // keeps the compiler from eliding malloc/free

TEST(Runtime, KeepFreedMemoryServesLargeBlocksFromTheHeapAndKeepsThemOnFree) {
  keep_freed_memory();
  constexpr std::size_t kBytes = std::size_t{24} << 20;  // below the 32 MiB mmap threshold it sets
  const struct mallinfo2 before = mallinfo2();
  void* block = std::malloc(kBytes);
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kBytes);
  escaped_block = block;
  const struct mallinfo2 held = mallinfo2();
  std::free(block);
  escaped_block = nullptr;
  const struct mallinfo2 after = mallinfo2();
  // Not a mapping of its own (glibc's default threshold would have mmapped
  // it, and unmapped it on free) ...
  EXPECT_EQ(held.hblkhd, before.hblkhd);
  EXPECT_GE(held.uordblks, before.uordblks + kBytes);
  // ... and freeing it does not trim the heap.
  EXPECT_EQ(after.arena, held.arena);
}

TEST(ProgressBar, DurationsAreWrittenLikeAClock) {
  EXPECT_EQ(ProgressBar::format_duration(12.4), "12s");
  EXPECT_EQ(ProgressBar::format_duration(247), "4:07");
  EXPECT_EQ(ProgressBar::format_duration(3903), "1:05:03");
  EXPECT_EQ(ProgressBar::format_duration(-1), "--");
}

}  // namespace
}  // namespace tavrnn
