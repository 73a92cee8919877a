#pragma once
// The qualitative palette of every tavrnn report and figure: Okabe & Ito
// (2008), distinguishable with the common colour-vision deficiencies. A
// colour is chosen by code (label code, group code), never by position in a
// plot, so a group keeps its colour across windows, charts and files.
#include <string>

namespace tavrnn::report {

// "#RRGGBB" for a label or group code >= 0 (cycling after 8 colours, black
// last); negative codes (unlabelled, no group) are a neutral grey.
std::string okabe_ito_colour(int code);

}  // namespace tavrnn::report
