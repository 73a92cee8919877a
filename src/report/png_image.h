#pragma once
// A minimal PNG encoder for the heatmaps embedded in SVG figures: 8-bit RGB,
// deflate "stored" blocks (no compression, so no zlib dependency; a heatmap
// is small), and base64 for data: URIs. Private to src/report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tavrnn::report::detail {

// rgb: height rows of width pixels, 3 bytes each, top row first.
std::string encode_png_rgb(std::size_t width, std::size_t height, const std::vector<std::uint8_t>& rgb);

std::string base64(const std::string& bytes);

}  // namespace tavrnn::report::detail
