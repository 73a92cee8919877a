#pragma once
// Facts about, and settings of, the numerical runtime: which BLAS LibTorch
// calls, and how many threads it and OpenBLAS use.
#include <string>

namespace tavrnn {

struct BlasInfo {
  std::string library;  // resolved path of the library that defines sgemm_
  std::string vendor;   // "OpenBLAS", "reference (netlib)", "BLIS", "MKL", "unknown"
  std::string config;   // OpenBLAS's own description, when it is OpenBLAS
  bool is_reference = false;
};

// Looks up sgemm_ in the loaded process (LibTorch's BLAS) with dladdr.
BlasInfo detect_blas();

// Logs one warning per process when the netlib reference BLAS is in use
// (Debian's default alternative; ~50x slower than OpenBLAS here).
void warn_once_if_reference_blas();

// Sets LibTorch's intra-op threads and OpenBLAS's own pool together: OpenBLAS
// keeps its own threads, and leaving it at its default on top of LibTorch's
// oversubscribes small machines. n <= 0 means every available core.
void set_num_threads(int n);
int num_threads();

// Keeps freed memory in the process for reuse instead of handing it back to
// the kernel: an epoch allocates and frees the same large tensors every time,
// and glibc's defaults unmap or trim them, so each epoch paid ~10 % of its
// time in page faults re-touching fresh pages. Call once at start-up.
void keep_freed_memory();

// libgomp (LibTorch's OpenMP) reads OMP_WAIT_POLICY once, when it is loaded,
// before main. Its default lets idle OpenMP threads spin after each parallel
// region, stealing the cores OpenBLAS's own threads need: on 2 cores, 2
// threads then ran a small model 3x slower than 1. So, unless the user chose
// a policy, this re-executes the program (argv as main got it) once with the
// passive one. For programs' main, first thing; returns only when nothing
// was re-executed.
void prefer_passive_openmp_threads(char** argv);

std::string torch_version();
std::string version_report();  // multi-line: tavrnn, LibTorch, BLAS, threads
}  // namespace tavrnn
