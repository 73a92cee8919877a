#pragma once
// Splits [0, n) into contiguous parts, one per intra-op thread
// (tavrnn::set_num_threads), and runs fn(begin, end) on each, the calling
// thread taking the first part. at::parallel_for would be the obvious
// choice, but its OpenMP implementation lives in a header and runs serially
// in a translation unit compiled without -fopenmp, as tavrnn's are.
// Internal to src/graphs.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace tavrnn::graphs::detail {

template <typename Fn>
void parallel_blocks(int64_t n, const Fn& fn) {
  const int64_t parts = std::min<int64_t>(n, std::max(1, at::get_num_threads()));
  if (parts <= 1) {
    if (n > 0) fn(int64_t{0}, n);
    return;
  }
  std::vector<std::thread> workers;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(parts));
  auto run = [&](int64_t p) {
    try {
      fn(n * p / parts, n * (p + 1) / parts);
    } catch (...) {
      errors[static_cast<std::size_t>(p)] = std::current_exception();
    }
  };
  for (int64_t p = 1; p < parts; ++p) workers.emplace_back(run, p);
  run(0);
  for (auto& w : workers) w.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace tavrnn::graphs::detail
