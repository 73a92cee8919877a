#pragma once
// What identifies a graphs.npz, for its writer and its reader.
#include <cstdint>

namespace tavrnn::graphs {

inline constexpr const char* kGraphFileFormat = "tavrnn-graphs";
// 2: sparse windows may be stored as edge lists (edge_*), W on edges only.
inline constexpr std::int64_t kGraphFileFormatVersion = 2;

}  // namespace tavrnn::graphs
