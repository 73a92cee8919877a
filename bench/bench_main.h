#pragma once
// What every benchmark program shares: the CLI's process policies, so that
// figures measure what `tavrnn` does, and peak memory.
#include <sys/resource.h>

#include <benchmark/benchmark.h>

#include "tavrnn/util/runtime.h"

namespace tavrnn::bench {

// Peak resident memory of this process so far, in MiB.
inline double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// main of a benchmark program: passive OpenMP waiting (OpenMP threads
// spinning beside OpenBLAS's on 2 cores made 2 threads slower than 1) and
// freed blocks up to 32 MiB reused rather than page-faulted in again, as
// apps/tavrnn/main.cpp sets them; then Google Benchmark.
inline int run_benchmarks(int argc, char** argv) {
  prefer_passive_openmp_threads(argv);
  keep_freed_memory();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace tavrnn::bench
