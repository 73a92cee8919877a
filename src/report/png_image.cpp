#include "png_image.h"

#include <fmt/format.h>
#include <zlib.h>

#include "tavrnn/util/error.h"

namespace tavrnn::report::detail {

namespace {

constexpr std::size_t kMaxPngSide = 0x7FFFFFFFu;

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

// length, type, body, then the CRC-32 of type and body.
void append_chunk(std::string& out, const char* type, const std::string& body) {
  put32(out, static_cast<std::uint32_t>(body.size()));
  const std::size_t start = out.size();
  out += type;
  out += body;
  const auto* typed = reinterpret_cast<const Bytef*>(out.data() + start);
  put32(out, static_cast<std::uint32_t>(::crc32(::crc32(0L, Z_NULL, 0), typed,
                                                static_cast<uInt>(out.size() - start))));
}

// A zlib stream (what IDAT holds). The best level: the report is written
// once and read as one file, and a heatmap is small enough that the extra
// effort is not felt.
std::string zlib_deflated(const std::string& raw) {
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string out(size, '\0');
  const int status = compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                               reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                               Z_BEST_COMPRESSION);
  if (status != Z_OK) {
    throw Error(fmt::format("encoding a PNG heatmap: zlib compress2 failed with status {} on {} bytes",
                            status, raw.size()));
  }
  out.resize(size);
  return out;
}

}  // namespace

std::string encode_png_rgb(std::size_t width, std::size_t height, const std::vector<std::uint8_t>& rgb) {
  if (width == 0 || height == 0 || width > kMaxPngSide || height > kMaxPngSide) {
    throw Error(fmt::format("encoding a PNG heatmap: expected width and height in 1..{}, found {}x{}",
                            kMaxPngSide, width, height));
  }
  if (rgb.size() / 3 / width != height || rgb.size() != 3 * width * height) {
    throw Error(fmt::format("encoding a PNG heatmap of {}x{} pixels: expected {} RGB bytes, found {}", width,
                            height, 3 * width * height, rgb.size()));
  }
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  put32(header, static_cast<std::uint32_t>(width));
  put32(header, static_cast<std::uint32_t>(height));
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, adaptive filters, no interlace
  append_chunk(png, "IHDR", header);
  std::string raw;
  raw.reserve(height * (1 + 3 * width));
  for (std::size_t y = 0; y < height; ++y) {
    raw += '\0';  // filter type None: deflate already finds the flat runs of a heatmap
    raw.append(reinterpret_cast<const char*>(rgb.data()) + y * 3 * width, 3 * width);
  }
  append_chunk(png, "IDAT", zlib_deflated(raw));
  append_chunk(png, "IEND", "");
  return png;
}

}  // namespace tavrnn::report::detail
