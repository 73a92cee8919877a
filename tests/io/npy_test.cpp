#include "error_message.h"
#include "tavrnn/io/npy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tavrnn/util/error.h"

namespace tavrnn::io {
namespace {

// An .npy file as numpy lays it out: magic, version, header length, the
// header dict padded with spaces to a 64-byte boundary, then the data.
std::string npy(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t k = 0; k < prefix - 8; ++k)
    out += static_cast<char>((header.size() >> (8 * k)) & 0xFF);
  return out + header + data;
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }";
}

// Little-endian bytes of `values` (the test machines are little-endian; the
// big-endian case below reverses each item by hand).
template <typename T>
std::string raw(const std::vector<T>& values, bool big_endian = false) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  if (big_endian)
    for (std::size_t i = 0; i < values.size(); ++i)
      std::reverse(out.begin() + i * sizeof(T), out.begin() + (i + 1) * sizeof(T));
  return out;
}

std::string fmt_shape(std::size_t n) { return "(" + std::to_string(n) + ",)"; }

using test_support::error_of;

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST(Npy, ReadsLittleEndianFloat64) {
  const NdArray array =
      parse_npy(npy(dict("<f8", "(2, 2)"), raw<double>({1.5, -2, 0.25, 1e-300})), "a.npy");
  EXPECT_EQ(array.dtype, DType::Float64);
  EXPECT_EQ(array.shape, (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(array.to_doubles(), (std::vector<double>{1.5, -2, 0.25, 1e-300}));
}

TEST(Npy, BigEndianInt32IsByteSwapped) {
  const NdArray array =
      parse_npy(npy(dict(">i4", "(3,)"), raw<std::int32_t>({1, -2, 0x01020304}, true)), "a.npy");
  EXPECT_EQ(array.dtype, DType::Int32);
  EXPECT_EQ(array.to_int64s(), (std::vector<std::int64_t>{1, -2, 0x01020304}));
}

TEST(Npy, BigEndianFloat64IsByteSwapped) {
  const NdArray array =
      parse_npy(npy(dict(">f8", "(2,)"), raw<double>({1.0 / 3.0, -0.0}, true)), "a.npy");
  EXPECT_EQ(array.as_double(0), 1.0 / 3.0);
  EXPECT_TRUE(std::signbit(array.as_double(1)));
}

template <typename T>
void expect_both_byte_orders(const std::string& code, DType dtype, const std::vector<T>& values) {
  for (const bool big : {false, true}) {
    const std::string descr = (sizeof(T) == 1 ? "|" : big ? ">" : "<") + code;
    const NdArray array =
        parse_npy(npy(dict(descr, fmt_shape(values.size())), raw(values, big)), descr);
    ASSERT_EQ(array.dtype, dtype) << descr;
    for (std::size_t i = 0; i < values.size(); ++i) {
      T read;
      std::memcpy(&read, array.bytes.data() + i * sizeof(T), sizeof(T));
      EXPECT_EQ(read, values[i]) << descr << " element " << i;
    }
  }
}

TEST(Npy, ReadsEveryIntegerWidthInBothByteOrders) {
  using L = std::numeric_limits<std::int64_t>;
  expect_both_byte_orders<std::int8_t>("i1", DType::Int8, {-128, 0, 127});
  expect_both_byte_orders<std::int16_t>("i2", DType::Int16, {-32768, 1, 32767});
  expect_both_byte_orders<std::int32_t>("i4", DType::Int32, {-2147483647 - 1, 2147483647});
  expect_both_byte_orders<std::int64_t>("i8", DType::Int64, {L::min(), -1, L::max()});
  expect_both_byte_orders<std::uint8_t>("u1", DType::UInt8, {0, 255});
  expect_both_byte_orders<std::uint16_t>("u2", DType::UInt16, {0, 65535, 258});
  expect_both_byte_orders<std::uint32_t>("u4", DType::UInt32, {0, 4294967295u, 16909060});
  expect_both_byte_orders<std::uint64_t>("u8", DType::UInt64, {0, ~0ull, 0x0102030405060708ull});
  expect_both_byte_orders<float>("f4", DType::Float32, {1.0f / 3.0f, -0.0f, 3.4e38f});
}

TEST(Npy, UInt64MaxIsExact) {
  const NdArray array = parse_npy(npy(dict("<u8", "(1,)"), raw<std::uint64_t>({~0ull})), "a.npy");
  EXPECT_EQ(array.as_uint64(0), ~0ull);
}

TEST(Npy, BoolBytesReadAsZeroOrOne) {
  const NdArray array = parse_npy(npy(dict("|b1", "(3,)"), std::string("\0\1\2", 3)), "a.npy");
  EXPECT_EQ(array.dtype, DType::Bool);
  EXPECT_EQ(array.bytes, (std::vector<unsigned char>{0, 1, 1}));
}

TEST(Npy, NativeAndNotApplicableByteOrderCharsAreAccepted) {
  EXPECT_EQ(parse_npy(npy(dict("=f8", "(1,)"), raw<double>({2.5})), "a").as_double(0), 2.5);
  EXPECT_EQ(parse_npy(npy(dict("f8", "(1,)"), raw<double>({2.5})), "a").as_double(0), 2.5);
  EXPECT_EQ(parse_npy(npy(dict("|u1", "(1,)"), "\x07"), "a").as_int64(0), 7);
  EXPECT_EQ(parse_npy(npy(dict("|i1", "(1,)"), "\xff"), "a").as_int64(0), -1);
}

TEST(Npy, FortranOrderIsConvertedToCOrder) {
  // 2x3 matrix [[0,1,2],[3,4,5]] stored column by column.
  const NdArray matrix =
      parse_npy(npy(dict("<i8", "(2, 3)", true), raw<std::int64_t>({0, 3, 1, 4, 2, 5})), "a");
  EXPECT_EQ(matrix.to_int64s(), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
  // 2x3x4 with value 100i+10j+k at (i, j, k); Fortran offset is i + 2j + 6k.
  std::vector<double> fortran(24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) fortran[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
  const NdArray cube = parse_npy(npy(dict(">f8", "(2, 3, 4)", true), raw(fortran, true)), "a");
  std::size_t c = 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k, ++c) EXPECT_EQ(cube.as_double(c), 100 * i + 10 * j + k) << c;
}

TEST(Npy, FortranOrderStringsAreConvertedToCOrder) {
  const NdArray labels = parse_npy(npy(dict("|S1", "(2, 2)", true), "acbd"), "a");
  EXPECT_EQ(labels.strings, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(Npy, EmptyTupleShapeIsZeroDimScalar) {
  const NdArray scalar = parse_npy(npy(dict("<f8", "()"), raw<double>({4.5})), "a");
  EXPECT_EQ(scalar.ndim(), 0u);
  EXPECT_EQ(scalar.as_double(0), 4.5);
}

TEST(Npy, HeaderWhitespaceKeyOrderQuotesAndTrailingCommasAreAccepted) {
  const std::string header = "{ \"shape\" :( 2 ,3 , ) ,'fortran_order':False,\t'descr' : '<f4' ,}";
  const NdArray array = parse_npy(npy(header, raw<float>({1, 2, 3, 4, 5, 6})), "a");
  EXPECT_EQ(array.shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(array.as_double(5), 6.0);
  const NdArray one =
      parse_npy(npy("{'descr':'<f8','fortran_order':False,'shape':(1,)}", raw<double>({3})), "a");
  EXPECT_EQ(one.shape, (std::vector<std::size_t>{1}));
}

TEST(Npy, Python2LongSuffixInShapeIsAccepted) {
  const NdArray array = parse_npy(npy(dict("<i2", "(2L, 1L)"), raw<std::int16_t>({3, 4})), "a");
  EXPECT_EQ(array.shape, (std::vector<std::size_t>{2, 1}));
}

TEST(Npy, Version2And3HeadersAreRead) {
  for (const int major : {2, 3}) {
    const NdArray array = parse_npy(npy(dict("<f8", "(1,)"), raw<double>({9}), major), "a");
    EXPECT_EQ(array.as_double(0), 9.0) << major;
  }
}

TEST(Npy, EmptyArrayHasShapeAndNoData) {
  const NdArray array = parse_npy(npy(dict("<f8", "(0, 3)"), ""), "a");
  EXPECT_EQ(array.shape, (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(array.size(), 0u);
  EXPECT_TRUE(array.bytes.empty());
}

TEST(Npy, UnicodeStringsDecodeToUtf8WithoutPadding) {
  const std::u32string a = U"β-band", b = U"x";
  std::string data = raw(std::vector<char32_t>(a.begin(), a.end()));
  data += raw(std::vector<char32_t>{U'x', 0, 0, 0, 0, 0});
  EXPECT_EQ(parse_npy(npy(dict("<U6", "(2,)"), data), "a").strings,
            (std::vector<std::string>{"β-band", "x"}));
  const std::string big = raw(std::vector<char32_t>{U'é', U'z', 0}, true);
  EXPECT_EQ(parse_npy(npy(dict(">U3", "(1,)"), big), "a").strings[0], "éz");
}

TEST(Npy, ByteStringsDropOnlyTrailingNuls) {
  const NdArray array =
      parse_npy(npy(dict("|S5", "(3,)"), std::string("ab\0\0\0abcdea\0b\0\0", 15)), "a");
  EXPECT_EQ(array.dtype, DType::String);
  EXPECT_EQ(array.strings, (std::vector<std::string>{"ab", "abcde", std::string("a\0b", 3)}));
}

TEST(Npy, InvalidUtf32CodePointIsRefused) {
  EXPECT_THROW(parse_npy(npy(dict("<U1", "(1,)"), raw<std::uint32_t>({0x110000})), "a"), Error);
  EXPECT_THROW(parse_npy(npy(dict("<U1", "(1,)"), raw<std::uint32_t>({0xD800})), "a"), Error);
}

TEST(Npy, RefusedDtypesAreNamedInTheError) {
  const std::string pickle =
      error_of([] { parse_npy(npy(dict("|O", "(1,)"), "12345678"), "rec.npz: array 'counts'"); });
  EXPECT_CONTAINS(
      pickle,
      "reading rec.npz: array 'counts': expected a numeric or string dtype, found object ('|O')");
  EXPECT_CONTAINS(error_of([] { parse_npy(npy(dict("<f2", "(1,)"), "12"), "a"); }), "float16");
  EXPECT_CONTAINS(
      error_of([] { parse_npy(npy(dict("<c16", "(1,)"), std::string(16, 'x')), "a"); }),
      "complex");
  EXPECT_CONTAINS(error_of([] { parse_npy(npy(dict("<M8[ns]", "(1,)"), "12345678"), "a"); }),
                  "datetime64");
  EXPECT_CONTAINS(
      error_of([] { parse_npy(npy(dict("<f16", "(1,)"), std::string(16, 'x')), "a"); }),
      "'<f16'");
  EXPECT_CONTAINS(error_of([] { parse_npy(npy(dict("<q8", "(1,)"), "12345678"), "a"); }),
                  "unknown");
  const std::string structured =
      "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }";
  EXPECT_CONTAINS(error_of([&] { parse_npy(npy(structured, std::string(12, 'x')), "a"); }),
                  "structured");
}

TEST(Npy, TruncatedDataNamesExpectedAndFoundBytes) {
  const std::string message = error_of([] {
    parse_npy(npy(dict("<f8", "(3,)"), raw<double>({1, 2})), "x.npy");
  });
  EXPECT_CONTAINS(message, "reading x.npy: truncated data: expected 24 bytes");
  EXPECT_CONTAINS(message, "found 16");
}

TEST(Npy, TrailingDataIsADataSizeMismatch) {
  const std::string message = error_of([] {
    parse_npy(npy(dict("<i4", "(1,)"), raw<std::int32_t>({1, 2})), "x.npy");
  });
  EXPECT_CONTAINS(message, "data size mismatch: expected 4 bytes");
  EXPECT_CONTAINS(message, "found 8");
}

TEST(Npy, BadMagicAndUnsupportedVersionAreRefused) {
  EXPECT_CONTAINS(error_of([] { parse_npy("", "x.npy"); }),
                  "reading x.npy: expected an .npy file");
  EXPECT_CONTAINS(error_of([] { parse_npy("PK\3\4 this is a zip", "x.npy"); }),
                  "expected an .npy file");
  std::string future = npy(dict("<f8", "(1,)"), raw<double>({1}));
  future[6] = 4;
  EXPECT_CONTAINS(error_of([&] { parse_npy(future, "x.npy"); }),
                  "version 1.0, 2.0 or 3.0, found 4.0");
}

TEST(Npy, HeaderLongerThanTheFileIsTruncated) {
  const std::string whole = npy(dict("<f8", "(1,)"), "");
  EXPECT_CONTAINS(error_of([&] { parse_npy(whole.substr(0, 40), "x.npy"); }),
                  "truncated .npy header");
  EXPECT_CONTAINS(error_of([&] { parse_npy(whole.substr(0, 9), "x.npy"); }),
                  "truncated .npy header");
}

TEST(Npy, MalformedHeadersAreRefusedWithBadHeader) {
  const std::vector<std::string> headers = {
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,",   // unterminated tuple
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",  // unterminated dict
      "{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}",  // unterminated string
      "{'descr': '<f8', 'fortran_order': False}",                // missing shape
      "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}",     // not a bool
      "{'descr': '<f8', 'fortran_order': False, 'shape': 3}",    // not a tuple
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} trailing",
      "['descr', '<f8']",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3.5,)}",
  };
  for (const std::string& header : headers) {
    const std::string message =
        error_of([&] { parse_npy(npy(header, std::string(24, '\0')), "x.npy"); });
    EXPECT_CONTAINS(message, "reading x.npy: bad .npy header");
  }
}

TEST(Npy, NegativeDimensionIsRefused) {
  EXPECT_CONTAINS(error_of([] { parse_npy(npy(dict("<f8", "(2, -1)"), ""), "x.npy"); }),
                  "found -1");
}

TEST(Npy, HugeShapeIsRefusedWithoutAllocating) {
  EXPECT_CONTAINS(
      error_of([] { parse_npy(npy(dict("<f8", "(1099511627776, 1099511627776)"), ""), "x"); }),
      "too large");
  EXPECT_CONTAINS(
      error_of([] { parse_npy(npy(dict("<f8", "(99999999999999999999,)"), ""), "x"); }),
      "is too large");
  // Fits in size_t but the file does not hold it.
  EXPECT_CONTAINS(error_of([] { parse_npy(npy(dict("|u1", "(1000000000000,)"), "x"), "x"); }),
                  "truncated data");
}

TEST(Npy, DeeplyNestedHeaderIsRefusedWithoutRecursion) {
  const std::string nested =
      "{'descr': " + std::string(100000, '[') + ", 'fortran_order': False, 'shape': ()}";
  EXPECT_CONTAINS(error_of([&] { parse_npy(npy(nested, ""), "x"); }), "structured dtype");
  const std::string in_shape =
      "{'descr': '<f8', 'fortran_order': False, 'shape': " + std::string(100000, '(') + "}";
  EXPECT_CONTAINS(error_of([&] { parse_npy(npy(in_shape, ""), "x"); }), "bad .npy header");
}

// Every prefix and many random corruptions of a valid file either parse or
// throw tavrnn::Error; nothing else escapes (run under ASan to see reads).
TEST(Npy, MalformedInputNeverEscapesAsAnythingButError) {
  const std::string valid =
      npy(dict(">U2", "(2, 2)", true), raw<std::uint32_t>({65, 66, 67, 0, 68, 0, 69, 70}, true));
  std::mt19937 random(7);
  for (std::size_t length = 0; length <= valid.size(); ++length) {
    std::string input = valid.substr(0, length);
    for (int trial = 0; trial < 20 && !input.empty(); ++trial) {
      std::string mutated = input;
      mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
      try {
        parse_npy(mutated, "fuzz");
      } catch (const Error&) {
      }
    }
    try {
      parse_npy(input, "fuzz");
      EXPECT_EQ(length, valid.size()) << "a prefix parsed";
    } catch (const Error&) {
    }
  }
}

TEST(Npy, WriteThenReadKeepsValuesBitExact) {
  const double inf = std::numeric_limits<double>::infinity();
  const NdArray doubles = NdArray::from_doubles(
      {1e-300, -0.0, 1.0 / 3, 1.7976931348623157e308, -inf, std::nan("")}, {3, 2});
  const NdArray back = parse_npy(serialize_npy(doubles), "a");
  EXPECT_EQ(back.shape, doubles.shape);
  EXPECT_EQ(back.bytes, doubles.bytes);
  const NdArray floats = NdArray::from_floats({0.1f, -3e38f}, {2});
  EXPECT_EQ(parse_npy(serialize_npy(floats), "a").bytes, floats.bytes);
  const NdArray ints = NdArray::from_int64s({std::numeric_limits<std::int64_t>::min(), 7}, {1, 2});
  EXPECT_EQ(parse_npy(serialize_npy(ints), "a").to_int64s(), ints.to_int64s());
  const NdArray labels = NdArray::from_strings({"alpha", "β-band", ""}, {3});
  EXPECT_EQ(parse_npy(serialize_npy(labels), "a").strings, labels.strings);
  EXPECT_EQ(parse_npy(serialize_npy(NdArray::scalar(2.0)), "a").ndim(), 0u);
}

TEST(Npy, OtherNumericDtypesAlsoRoundTrip) {
  NdArray flags;
  flags.dtype = DType::Bool;
  flags.shape = {3};
  flags.bytes = {1, 0, 1};
  EXPECT_EQ(parse_npy(serialize_npy(flags), "a").bytes, flags.bytes);
  NdArray big;
  big.dtype = DType::UInt64;
  big.shape = {};
  const std::string bytes = raw<std::uint64_t>({~0ull});
  big.bytes.assign(bytes.begin(), bytes.end());
  EXPECT_EQ(parse_npy(serialize_npy(big), "a").as_uint64(0), ~0ull);
}

TEST(Npy, WrittenBytesMatchNumpysLayout) {
  // np.save(f, np.array([[1.5, -2.0, 0.25]])) with numpy 1.24.
  const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }";
  const std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + header +
                               std::string(58, ' ') + "\n" + raw<double>({1.5, -2.0, 0.25});
  EXPECT_EQ(serialize_npy(NdArray::from_doubles({1.5, -2.0, 0.25}, {1, 3})), expected);
}

TEST(Npy, WrittenDataStartsOnA64ByteBoundary) {
  const std::vector<std::vector<std::size_t>> shapes = {
      {}, {0}, {7}, {123456789, 0}, {1, 2, 3, 4, 5, 0}};
  for (const auto& shape : shapes) {
    NdArray array = NdArray::from_doubles({}, {0});
    array.shape = shape;
    array.bytes.resize(array.size() * 8);
    const std::string bytes = serialize_npy(array);
    const std::size_t header_length =
        static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    EXPECT_EQ((10 + header_length) % 64, 0u) << array.shape_string();
    EXPECT_EQ(bytes[10 + header_length - 1], '\n');
    EXPECT_EQ(bytes.size(), 10 + header_length + array.bytes.size());
  }
}

TEST(Npy, HeaderBeyond64KiBSwitchesToVersion2) {
  const std::vector<std::size_t> shape(30000, 1);  // "(1, 1, ...)" is 90 kB of header
  const std::string bytes = serialize_npy(NdArray::from_doubles({5.0}, shape));
  EXPECT_EQ(bytes[6], 2);
  const NdArray back = parse_npy(bytes, "a");
  EXPECT_EQ(back.shape.size(), 30000u);
  EXPECT_EQ(back.as_double(0), 5.0);
}

TEST(Npy, StringWidthIsTheLongestInCodePoints) {
  const std::string bytes = serialize_npy(NdArray::from_strings({"β-band", "x"}, {2}));
  EXPECT_CONTAINS(bytes, "'descr': '<U6'");
  EXPECT_CONTAINS(serialize_npy(NdArray::from_strings({""}, {1})), "'<U1'");
}

TEST(Npy, InvalidUtf8AndInconsistentArraysAreRefusedOnWrite) {
  EXPECT_CONTAINS(error_of([] {
                    serialize_npy(NdArray::from_strings({"ok", "caf\xe9"}, {2}));
                  }),
                  "string element 1 is not valid UTF-8");
  NdArray short_data = NdArray::from_doubles({1, 2}, {2});
  short_data.shape = {3};
  EXPECT_CONTAINS(error_of([&] { serialize_npy(short_data); }), "needs 24 bytes, found 16");
}

TEST(Npy, WriteNpyCreatesAFileThatReadNpyReads) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tavrnn_npy_test_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  write_npy(dir / "x.npy", NdArray::from_int64s({1, 2, 3}, {3}));
  EXPECT_EQ(read_npy(dir / "x.npy").to_int64s(), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_CONTAINS(error_of([&] { read_npy(dir / "missing.npy"); }), "missing.npy: no such file");
  EXPECT_CONTAINS(
      error_of([&] { write_npy(dir / "y.npy", NdArray::from_strings({"\xff"}, {1})); }),
      "writing " + (dir / "y.npy").string() + ": cannot serialise");
  EXPECT_FALSE(std::filesystem::exists(dir / "y.npy"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tavrnn::io
