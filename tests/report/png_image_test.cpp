#include "report/png_image.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "tavrnn/util/error.h"

namespace tavrnn::report::detail {
namespace {

struct DecodedPng {
  std::size_t width = 0;
  std::size_t height = 0;
  std::vector<std::uint8_t> rgb;
  std::size_t idat_chunks = 0;
};

std::uint32_t get32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes.at(at + i));
  return v;
}

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// An independent reader of what encode_png_rgb promises (8-bit RGB, not
// interlaced), written from the PNG specification with zlib's crc32 and
// uncompress: it checks the signature, IHDR, every chunk's CRC and the chunk
// order, inflates the IDAT data and undoes each row's filter, whichever of
// the five the encoder chose. Failures are gtest failures; call it through
// ASSERT_NO_FATAL_FAILURE.
void decode_png(const std::string& png, DecodedPng& out) {
  ASSERT_GE(png.size(), 8u);
  ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::string idat;
  bool seen_header = false, seen_end = false;
  std::size_t at = 8;
  while (at < png.size()) {
    ASSERT_FALSE(seen_end) << "bytes after IEND at offset " << at;
    ASSERT_LE(at + 12, png.size()) << "truncated chunk at offset " << at;
    const std::uint32_t length = get32(png, at);
    ASSERT_LE(at + 12 + length, png.size()) << "chunk at offset " << at << " runs past the end";
    const std::string type = png.substr(at + 4, 4);
    const std::string body = png.substr(at + 8, length);
    const auto crc = ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(png.data() + at + 4),
                             static_cast<uInt>(4 + length));
    EXPECT_EQ(get32(png, at + 8 + length), static_cast<std::uint32_t>(crc)) << "CRC of chunk " << type;
    if (!seen_header) {
      ASSERT_EQ(type, "IHDR") << "the first chunk must be IHDR";
      ASSERT_EQ(length, 13u);
      out.width = get32(body, 0);
      out.height = get32(body, 4);
      EXPECT_EQ(static_cast<int>(body[8]), 8) << "bit depth";
      EXPECT_EQ(static_cast<int>(body[9]), 2) << "colour type (RGB)";
      EXPECT_EQ(static_cast<int>(body[10]), 0) << "compression method";
      EXPECT_EQ(static_cast<int>(body[11]), 0) << "filter method";
      EXPECT_EQ(static_cast<int>(body[12]), 0) << "interlace method";
      seen_header = true;
    } else if (type == "IDAT") {
      idat += body;
      ++out.idat_chunks;
    } else if (type == "IEND") {
      EXPECT_EQ(length, 0u);
      seen_end = true;
    } else {
      // Only ancillary chunks (lower-case first letter) may be skipped.
      EXPECT_TRUE(type[0] >= 'a' && type[0] <= 'z') << "unexpected critical chunk " << type;
    }
    at += 12 + length;
  }
  ASSERT_TRUE(seen_end) << "no IEND chunk";
  ASSERT_GT(out.idat_chunks, 0u) << "no IDAT chunk";

  const std::size_t stride = 3 * out.width;
  const std::size_t expected = out.height * (1 + stride);
  // One spare byte: a stream that inflates to more than expected fails below
  // instead of being cut to fit.
  std::vector<Bytef> raw(expected + 1);
  uLongf raw_size = static_cast<uLongf>(raw.size());
  ASSERT_EQ(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                       static_cast<uLong>(idat.size())),
            Z_OK);
  ASSERT_EQ(raw_size, expected);

  out.rgb.assign(out.height * stride, 0);
  constexpr std::size_t kBytesPerPixel = 3;
  for (std::size_t y = 0; y < out.height; ++y) {
    const int filter = raw[y * (1 + stride)];
    const Bytef* in = raw.data() + y * (1 + stride) + 1;
    std::uint8_t* row = out.rgb.data() + y * stride;
    const std::uint8_t* up = y > 0 ? row - stride : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= kBytesPerPixel ? row[i - kBytesPerPixel] : 0;
      const int b = up ? up[i] : 0;
      const int c = up && i >= kBytesPerPixel ? up[i - kBytesPerPixel] : 0;
      int predictor = 0;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) / 2; break;
        case 4: predictor = paeth(a, b, c); break;
        default: FAIL() << "row " << y << " has filter type " << filter;
      }
      row[i] = static_cast<std::uint8_t>((in[i] + predictor) & 0xFF);
    }
  }
}

// Pixels that differ in every channel from their left, upper and upper-left
// neighbours, so a swapped channel, row or column cannot go unnoticed.
std::vector<std::uint8_t> distinct_pixels(std::size_t width, std::size_t height) {
  std::vector<std::uint8_t> rgb;
  for (std::size_t y = 0; y < height; ++y) {
    for (std::size_t x = 0; x < width; ++x) {
      rgb.push_back(static_cast<std::uint8_t>(17 * x + 3 * y));
      rgb.push_back(static_cast<std::uint8_t>(250 - 29 * y - x));
      rgb.push_back(static_cast<std::uint8_t>(7 * x * y + 101));
    }
  }
  return rgb;
}

TEST(EncodePngRgb, DecodesToTheSamePixels) {
  // 3 columns x 2 rows, written out by hand: top row first, RGB per pixel.
  const std::vector<std::uint8_t> rgb = {
      255, 0,   0,   0,   255, 0,   0,   0, 255,  // red, green, blue
      0,   0,   0,   128, 128, 128, 255, 255, 254,  // black, grey, near-white
  };
  DecodedPng png;
  ASSERT_NO_FATAL_FAILURE(decode_png(encode_png_rgb(3, 2, rgb), png));
  EXPECT_EQ(png.width, 3u);
  EXPECT_EQ(png.height, 2u);
  EXPECT_EQ(png.rgb, rgb);
}

TEST(EncodePngRgb, NonSquareImageKeepsRowsAndColumnsApart) {
  const std::vector<std::uint8_t> rgb = distinct_pixels(7, 4);
  DecodedPng png;
  ASSERT_NO_FATAL_FAILURE(decode_png(encode_png_rgb(7, 4, rgb), png));
  EXPECT_EQ(png.width, 7u);
  EXPECT_EQ(png.height, 4u);
  ASSERT_EQ(png.rgb.size(), rgb.size());
  for (std::size_t i = 0; i < rgb.size(); ++i) {
    EXPECT_EQ(png.rgb[i], rgb[i]) << "pixel (" << (i / 3) % 7 << ", " << (i / 3) / 7 << ") channel " << i % 3;
  }
}

TEST(EncodePngRgb, ImageLargerThanOneDeflateBlockRoundTrips) {
  // 301 x 97 x 3 bytes + filter bytes: about 87 kB of raw rows, more than a
  // 64 kB stored block or a 32 kB deflate window.
  const std::vector<std::uint8_t> rgb = distinct_pixels(301, 97);
  DecodedPng png;
  ASSERT_NO_FATAL_FAILURE(decode_png(encode_png_rgb(301, 97, rgb), png));
  EXPECT_EQ(png.width, 301u);
  EXPECT_EQ(png.height, 97u);
  EXPECT_TRUE(png.rgb == rgb) << "pixels differ";
}

TEST(EncodePngRgb, FlatImageIsCompressedFarBelowItsRawSize) {
  const std::size_t side = 200;
  std::vector<std::uint8_t> rgb;
  for (std::size_t i = 0; i < side * side; ++i) rgb.insert(rgb.end(), {12, 34, 56});
  const std::string encoded = encode_png_rgb(side, side, rgb);
  const std::size_t raw_size = side * (1 + 3 * side);  // 120200 bytes, what stored blocks would hold
  EXPECT_LT(encoded.size(), raw_size / 50) << encoded.size() << " bytes";
  DecodedPng png;
  ASSERT_NO_FATAL_FAILURE(decode_png(encoded, png));
  EXPECT_TRUE(png.rgb == rgb) << "pixels differ";
}

TEST(EncodePngRgb, PixelCountThatDoesNotMatchTheSizeIsAnError) {
  EXPECT_THROW(encode_png_rgb(2, 2, std::vector<std::uint8_t>(11)), Error);
  EXPECT_THROW(encode_png_rgb(2, 2, std::vector<std::uint8_t>(13)), Error);
  EXPECT_THROW(encode_png_rgb(0, 0, {}), Error);
}

}  // namespace
}  // namespace tavrnn::report::detail
