#include "error_message.h"
#include "tavrnn/io/ndarray.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tavrnn/util/error.h"

namespace tavrnn::io {
namespace {

template <typename T>
NdArray array_of(DType dtype, const std::vector<T>& values) {
  NdArray array;
  array.dtype = dtype;
  array.shape = {values.size()};
  array.bytes.resize(values.size() * sizeof(T));
  std::memcpy(array.bytes.data(), values.data(), array.bytes.size());
  return array;
}

using test_support::error_of;

TEST(DType, NamesMatchNumpy) {
  EXPECT_EQ(dtype_name(DType::Bool), "bool");
  EXPECT_EQ(dtype_name(DType::Int16), "int16");
  EXPECT_EQ(dtype_name(DType::UInt64), "uint64");
  EXPECT_EQ(dtype_name(DType::Float32), "float32");
  EXPECT_EQ(dtype_name(DType::Float64), "float64");
  EXPECT_EQ(dtype_name(DType::String), "str");
}

TEST(DType, SizesAreBytesPerElementAndZeroForStrings) {
  EXPECT_EQ(dtype_size(DType::Bool), 1u);
  EXPECT_EQ(dtype_size(DType::UInt16), 2u);
  EXPECT_EQ(dtype_size(DType::Int32), 4u);
  EXPECT_EQ(dtype_size(DType::Float32), 4u);
  EXPECT_EQ(dtype_size(DType::Int64), 8u);
  EXPECT_EQ(dtype_size(DType::Float64), 8u);
  EXPECT_EQ(dtype_size(DType::String), 0u);
}

TEST(DType, BoolAndIntegersAreIntegralFloatsAreFloating) {
  EXPECT_TRUE(is_integral(DType::Bool));
  EXPECT_TRUE(is_integral(DType::UInt8));
  EXPECT_TRUE(is_integral(DType::Int64));
  EXPECT_FALSE(is_integral(DType::Float32));
  EXPECT_FALSE(is_integral(DType::String));
  EXPECT_TRUE(is_floating(DType::Float32));
  EXPECT_TRUE(is_floating(DType::Float64));
  EXPECT_FALSE(is_floating(DType::Int8));
  EXPECT_FALSE(is_floating(DType::String));
}

TEST(NdArray, ScalarIsZeroDimWithOneElement) {
  const NdArray scalar = NdArray::scalar(2.5);
  EXPECT_EQ(scalar.ndim(), 0u);
  EXPECT_EQ(scalar.size(), 1u);
  EXPECT_EQ(scalar.shape_string(), "()");
  EXPECT_EQ(scalar.as_double(0), 2.5);
}

TEST(NdArray, ShapeStringMatchesNumpy) {
  EXPECT_EQ(NdArray::from_doubles({1, 2, 3, 4, 5}, {5}).shape_string(), "(5,)");
  EXPECT_EQ(NdArray::from_doubles(std::vector<double>(12), {3, 4}).shape_string(), "(3, 4)");
  const NdArray empty = NdArray::from_doubles({}, {0, 3});
  EXPECT_EQ(empty.shape_string(), "(0, 3)");
  EXPECT_EQ(empty.size(), 0u);
}

TEST(NdArray, CountsTakeTheNarrowestUnsignedTypeAndRatesStayFloat64) {
  EXPECT_EQ(NdArray::from_counts({0, 3, 255}, {3}).dtype, DType::UInt8);
  EXPECT_EQ(NdArray::from_counts({0, 256}, {2}).dtype, DType::UInt16);
  EXPECT_EQ(NdArray::from_counts({0, 65536}, {2}).dtype, DType::UInt32);
  EXPECT_EQ(NdArray::from_counts({0, 4294967296.0}, {2}).dtype, DType::Float64);
  EXPECT_EQ(NdArray::from_counts({0, 1.5}, {2}).dtype, DType::Float64);
  EXPECT_EQ(NdArray::from_counts({0, -1}, {2}).dtype, DType::Float64);
  EXPECT_EQ(NdArray::from_counts({0, std::nan("")}, {2}).dtype, DType::Float64);
  const std::vector<double> values{0, 7, 300, 65535, 2};
  const NdArray counts = NdArray::from_counts(values, {5});
  EXPECT_EQ(counts.dtype, DType::UInt16);
  EXPECT_EQ(counts.to_doubles(), values);
}

TEST(NdArray, FactoriesRejectValueCountThatDisagreesWithShape) {
  const std::string message = error_of([] { NdArray::from_doubles({1, 2, 3, 4, 5}, {2, 3}); });
  EXPECT_NE(message.find("(2, 3)"), std::string::npos) << message;
  EXPECT_NE(message.find("found 5"), std::string::npos) << message;
  EXPECT_THROW(NdArray::from_floats({1.0f}, {2}), Error);
  EXPECT_THROW(NdArray::from_int64s({1, 2}, {}), Error);
  EXPECT_THROW(NdArray::from_strings({"a"}, {0}), Error);
}

TEST(NdArray, Int64ExtremesStayExact) {
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  const std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  const NdArray array = NdArray::from_int64s({lo, -1, 0, hi}, {2, 2});
  EXPECT_EQ(array.dtype, DType::Int64);
  EXPECT_EQ(array.to_int64s(), (std::vector<std::int64_t>{lo, -1, 0, hi}));
  EXPECT_EQ(array.as_int64(3), hi);
}

TEST(NdArray, AsDoubleConvertsEveryNumericDtype) {
  EXPECT_EQ(array_of<std::int8_t>(DType::Int8, {-128}).as_double(0), -128.0);
  EXPECT_EQ(array_of<std::int16_t>(DType::Int16, {-300}).as_double(0), -300.0);
  EXPECT_EQ(array_of<std::int32_t>(DType::Int32, {-70000}).as_double(0), -70000.0);
  EXPECT_EQ(array_of<std::uint8_t>(DType::UInt8, {255}).as_double(0), 255.0);
  EXPECT_EQ(array_of<std::uint16_t>(DType::UInt16, {65535}).as_double(0), 65535.0);
  EXPECT_EQ(array_of<std::uint32_t>(DType::UInt32, {4294967295u}).as_double(0), 4294967295.0);
  EXPECT_EQ(array_of<std::uint64_t>(DType::UInt64, {1ull << 60}).as_double(0), std::ldexp(1.0, 60));
  EXPECT_EQ(array_of<float>(DType::Float32, {0.1f}).as_double(0), static_cast<double>(0.1f));
}

TEST(NdArray, BoolReadsAsZeroOrOne) {
  const NdArray flags = array_of<std::uint8_t>(DType::Bool, {0, 1, 7});
  EXPECT_EQ(flags.to_doubles(), (std::vector<double>{0, 1, 1}));
  EXPECT_EQ(flags.to_int64s(), (std::vector<std::int64_t>{0, 1, 1}));
}

TEST(NdArray, Float32WidensExactlyToDouble) {
  const NdArray array = NdArray::from_floats({1.0f / 3.0f, -0.0f}, {2});
  const std::vector<double> values = array.to_doubles();
  EXPECT_EQ(values[0], static_cast<double>(1.0f / 3.0f));
  EXPECT_TRUE(std::signbit(values[1]));
}

TEST(NdArray, AsInt64RefusesFloatingAndStringArrays) {
  const std::string message = error_of([] { NdArray::scalar(1.0).as_int64(0); });
  EXPECT_NE(message.find("float64"), std::string::npos) << message;
  EXPECT_THROW(NdArray::from_doubles({1.0}, {1}).to_int64s(), Error);
  EXPECT_THROW(NdArray::from_strings({"a"}, {1}).as_int64(0), Error);
  EXPECT_THROW(NdArray::from_strings({"a"}, {1}).as_double(0), Error);
}

TEST(NdArray, UInt64AboveInt64MaxIsRefusedAsInt64ButReadAsUInt64) {
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
  const NdArray array = array_of<std::uint64_t>(DType::UInt64, {big, 5});
  EXPECT_THROW(array.as_int64(0), Error);
  EXPECT_EQ(array.as_int64(1), 5);
  EXPECT_EQ(array.as_uint64(0), big);
}

TEST(NdArray, AsUInt64ReadsAnyIntegralButRefusesNegatives) {
  const NdArray array = array_of<std::int16_t>(DType::Int16, {300, -1});
  EXPECT_EQ(array.as_uint64(0), 300u);
  EXPECT_THROW(array.as_uint64(1), Error);
  EXPECT_THROW(NdArray::scalar(1.0).as_uint64(0), Error);
}

TEST(NdArray, IndexPastTheEndThrowsInsteadOfReading) {
  const NdArray array = NdArray::from_doubles({1, 2}, {2});
  EXPECT_THROW(array.as_double(2), Error);
  EXPECT_THROW(array_of<std::int32_t>(DType::Int32, {1}).as_int64(1), Error);
  // A hand-built array whose bytes are shorter than its shape says.
  NdArray inconsistent = NdArray::from_doubles({1, 2}, {2});
  inconsistent.shape = {3};
  EXPECT_THROW(inconsistent.as_double(2), Error);
  EXPECT_THROW(inconsistent.to_doubles(), Error);
}

TEST(NdArray, FromStringsKeepsUtf8TextAndShape) {
  const NdArray labels = NdArray::from_strings({"alpha", "β-band", "", "x"}, {2, 2});
  EXPECT_EQ(labels.dtype, DType::String);
  EXPECT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels.strings[1], "β-band");
  EXPECT_TRUE(labels.bytes.empty());
}

}  // namespace
}  // namespace tavrnn::io
