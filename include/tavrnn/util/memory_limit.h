#pragma once
// The most memory one array that an input's numbers size (counts spanning
// the recording's time range, a matrix an input declares) may take: the
// machine's physical memory, or TAVRNN_MEMORY_LIMIT_MB when set (a shared
// node's share; the fuzzers set 64). An input that needs more is refused
// with a clear error before anything is allocated, instead of the process
// being killed part-way.
#include <cstdint>
#include <string>

namespace tavrnn {

std::uint64_t memory_limit_bytes();

// Error "`what` needs N (more than the memory limit of M ...)" when `bytes`
// exceeds memory_limit_bytes(); `what` says what was being allocated and why.
void check_memory_need(double bytes, const std::string& what);

}  // namespace tavrnn
