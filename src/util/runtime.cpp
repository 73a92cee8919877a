#include "tavrnn/util/runtime.h"

#include <dlfcn.h>
#include <unistd.h>
#include <malloc.h>
#include <hdf5.h>
#include <zip.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <algorithm>

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/version.h>

namespace tavrnn {

BlasInfo detect_blas() {
  BlasInfo info;
  void* symbol = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info where{};
  if (symbol == nullptr || dladdr(symbol, &where) == 0 || where.dli_fname == nullptr) {
    info.library = "(sgemm_ not loaded)";
    info.vendor = "unknown";
    return info;
  }
  std::error_code ec;
  const auto resolved = std::filesystem::canonical(where.dli_fname, ec);
  info.library = ec ? std::string(where.dli_fname) : resolved.string();
  using GetConfig = char* (*)();
  if (auto get_config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    info.config = get_config();
  }
  const std::string& lib = info.library;
  if (lib.find("openblas") != std::string::npos || !info.config.empty()) {
    info.vendor = "OpenBLAS";
  } else if (lib.find("blis") != std::string::npos) {
    info.vendor = "BLIS";
  } else if (lib.find("mkl") != std::string::npos) {
    info.vendor = "MKL";
  } else if (lib.find("atlas") != std::string::npos) {
    info.vendor = "ATLAS";
  } else if (lib.find("/blas/") != std::string::npos) {
    info.vendor = "reference (netlib)";
    info.is_reference = true;
  } else {
    info.vendor = "unknown";
  }
  return info;
}

void warn_once_if_reference_blas() {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) return;
  const BlasInfo blas = detect_blas();
  if (blas.is_reference) {
    spdlog::warn(
        "LibTorch is using the netlib reference BLAS ({}), which is ~50x slower than OpenBLAS; "
        "install it with: apt-get install libopenblas0-pthread",
        blas.library);
  }
}

void set_num_threads(int n) {
  // libgomp here can default to 1 thread even with 2 cores available, so
  // "default" means every core the process may use, stated explicitly.
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(n);
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(n);
  }
}

int num_threads() { return at::get_num_threads(); }

std::string torch_version() { return TORCH_VERSION; }

std::string version_report() {
  const BlasInfo blas = detect_blas();
  unsigned hdf5_major = 0, hdf5_minor = 0, hdf5_release = 0;
  H5get_libversion(&hdf5_major, &hdf5_minor, &hdf5_release);
  std::string report = fmt::format("tavrnn {}\n", TAVRNN_VERSION);
  report += fmt::format("  LibTorch  {}\n", torch_version());
  report += fmt::format("  BLAS      {} ({})\n", blas.vendor, blas.library);
  if (!blas.config.empty()) report += fmt::format("            {}\n", blas.config);
  report += fmt::format("  threads   {}\n", num_threads());
  report += fmt::format("  HDF5      {}.{}.{}\n", hdf5_major, hdf5_minor, hdf5_release);
  report += fmt::format("  libzip    {}", zip_libzip_version());
  return report;
}

void prefer_passive_openmp_threads(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "passive", 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure: carry on as we are
}

void keep_freed_memory() {
  // Blocks up to 32 MiB (glibc's largest setting; a [901, 901] float64 is
  // 6.5 MiB) come from the heap, not from mmap, whose free unmaps them; and
  // the heap's top is only trimmed beyond 1 GiB of free space.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace tavrnn
