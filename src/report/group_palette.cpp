#include "tavrnn/report/group_palette.h"

namespace tavrnn::report {

const std::vector<std::string>& group_palette_hex() {
  static const std::vector<std::string> palette = {"#e69f00", "#56b4e9", "#009e73", "#0072b2",
                                                   "#d55e00", "#cc79a7", "#f0e442", "#000000"};
  return palette;
}

Rgb group_colour(int code) { return from_hex(group_colour_hex(code)); }

std::string group_colour_hex(int code) {
  if (code < 0) return "#999999";
  const auto& palette = group_palette_hex();
  return palette[static_cast<std::size_t>(code) % palette.size()];
}

}  // namespace tavrnn::report
