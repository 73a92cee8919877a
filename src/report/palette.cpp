#include "tavrnn/report/palette.h"

#include <array>

namespace tavrnn::report {

std::string okabe_ito_colour(int code) {
  // Okabe-Ito order with black moved last: black points disappear among
  // the axes and the text, so it is the colour of the eighth class.
  static constexpr std::array<const char*, 8> kColours = {
      "#E69F00",  // orange
      "#56B4E9",  // sky blue
      "#009E73",  // bluish green
      "#F0E442",  // yellow
      "#0072B2",  // blue
      "#D55E00",  // vermillion
      "#CC79A7",  // reddish purple
      "#000000",  // black
  };
  if (code < 0) return "#999999";
  return kColours[static_cast<std::size_t>(code) % kColours.size()];
}

}  // namespace tavrnn::report
