#pragma once
// The one-screen summary `tavrnn graphs` prints: windows, edges per window,
// density, components kept by filtering, zero-variance units, memory.
#include <string>

#include "tavrnn/graphs/graph_sequence.h"

namespace tavrnn::graphs {

// A table of the windows (the first 10 and last 5 when there are more than
// 20) and totals over all of them.
std::string graph_sequence_summary(const GraphSequence& sequence);

}  // namespace tavrnn::graphs
