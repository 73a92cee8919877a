#pragma once
// A PNG encoder for the heatmaps embedded in SVG figures: 8-bit RGB, one
// IDAT chunk deflated by zlib (which also gives the chunk CRCs). Private to
// src/report; base64 for the data: URI is report::base64_encode (html_text.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tavrnn::report::detail {

// rgb: height rows of width pixels, 3 bytes each, top row first.
// Throws Error when rgb.size() != 3 * width * height or a side is 0 or
// above PNG's limit of 2^31 - 1.
std::string encode_png_rgb(std::size_t width, std::size_t height, const std::vector<std::uint8_t>& rgb);

}  // namespace tavrnn::report::detail
