#pragma once
// The one place where categorical colours are chosen: the Okabe-Ito palette
// (Okabe & Ito 2008, "Color Universal Design"), distinguishable with every
// common colour-vision deficiency. A unit group's colour depends only on its
// code, so the same group has the same colour in every figure, and the HTML
// report takes its colours from the same function.
#include <string>
#include <vector>

#include "tavrnn/report/colour_maps.h"

namespace tavrnn::report {

// Okabe-Ito in the order codes 0, 1, 2, ... receive them, as "#rrggbb":
// orange, sky blue, bluish green, blue, vermillion, reddish purple, yellow,
// black. Yellow (low contrast on white) and black (the axes' colour) come
// last. Codes beyond 7 wrap around.
const std::vector<std::string>& group_palette_hex();

// Colour of category `code` (unit group, model, window label): palette entry
// code % 8; a negative code (no group, unlabelled) is grey #999999.
Rgb group_colour(int code);
std::string group_colour_hex(int code);

}  // namespace tavrnn::report
