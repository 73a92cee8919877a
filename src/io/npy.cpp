#include "tavrnn/io/npy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <utility>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"

namespace tavrnn::io {
namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);
// numpy aligns the data to 64 bytes so that it can be memory-mapped.
constexpr std::size_t kAlign = 64;

// The numeric type codes of numpy's array protocol ('<i4' = kind i, 4 bytes).
struct NumericCode {
  char kind;
  std::size_t size;
  DType dtype;
};
constexpr NumericCode kNumericCodes[] = {
    {'b', 1, DType::Bool},    {'i', 1, DType::Int8},    {'i', 2, DType::Int16},
    {'i', 4, DType::Int32},   {'i', 8, DType::Int64},   {'u', 1, DType::UInt8},
    {'u', 2, DType::UInt16},  {'u', 4, DType::UInt32},  {'u', 8, DType::UInt64},
    {'f', 4, DType::Float32}, {'f', 8, DType::Float64},
};

bool host_is_little_endian() {
  const std::uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

void reverse_items(unsigned char* data, std::size_t count, std::size_t itemsize) {
  if (itemsize < 2) return;
  for (std::size_t i = 0; i < count; ++i)
    std::reverse(data + i * itemsize, data + (i + 1) * itemsize);
}

// ---- the header: a Python dict literal -------------------------------------

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

// Reads the dict numpy writes, '{'descr': '<f8', 'fortran_order': False,
// 'shape': (3, 4), }', with what Python's syntax also allows: either quote,
// any spacing, trailing commas, and Python 2's long integers ("3L").
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& origin) : text_(text), origin_(origin) {}

  NpyHeader parse() {
    NpyHeader header;
    bool seen[3] = {false, false, false};  // descr, fortran_order, shape
    if (!consume("{")) fail(fmt::format("expected a dict starting with '{{', found {}", where()));
    while (!consume("}")) {
      if (pos_ >= text_.size()) fail("unterminated dict, expected '}'");
      const std::string key = parse_string();
      if (!consume(":")) fail(fmt::format("expected ':' after '{}', found {}", key, where()));
      if (key == "descr") {
        if (consume("[")) {
          throw Error(
              fmt::format("reading {}: expected a numeric or string dtype, found a "
                          "structured dtype (a list of fields)",
                          origin_));
        }
        header.descr = parse_string();
      } else if (key == "fortran_order") {
        header.fortran_order = consume("True");
        if (!header.fortran_order && !consume("False"))
          fail(fmt::format("expected True or False for 'fortran_order', found {}", where()));
      } else if (key == "shape") {
        header.shape = parse_shape();
      } else {
        fail(fmt::format("expected keys descr, fortran_order and shape, found '{}'", key));
      }
      seen[key == "descr" ? 0 : key == "fortran_order" ? 1 : 2] = true;
      if (!consume(",") && peek() != '}')
        fail(fmt::format("expected ',' or '}}', found {}", where()));
    }
    // numpy pads with spaces and a newline; nothing else may follow.
    skip_space();
    if (pos_ != text_.size()) fail(fmt::format("unexpected text after the dict at {}", where()));
    const char* keys[3] = {"descr", "fortran_order", "shape"};
    for (int k = 0; k < 3; ++k)
      if (!seen[k]) fail(fmt::format("missing '{}'", keys[k]));
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format("reading {}: bad .npy header: {}", origin_, what));
  }
  std::string where() {
    skip_space();
    if (pos_ >= text_.size()) return "the end of the header";
    std::string excerpt(text_.substr(pos_, 12));
    for (char& c : excerpt)
      if (c < ' ' || c > '~') c = '?';  // keep binary garbage out of the message
    return fmt::format("'{}' (offset {})", excerpt, pos_);
  }
  char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  void skip_space() {
    while (pos_ < text_.size() &&
           std::string_view(" \t\r\n").find(text_[pos_]) != std::string_view::npos)
      ++pos_;
  }
  bool consume(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  std::string parse_string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(fmt::format("expected a string, found {}", where()));
    std::string out;
    for (++pos_; pos_ < text_.size() && text_[pos_] != quote; ++pos_) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_];
    }
    if (pos_++ >= text_.size()) fail("unterminated string");
    return out;
  }

  std::vector<std::size_t> parse_shape() {
    if (!consume("(")) fail(fmt::format("'shape' is not a tuple, found {}", where()));
    std::vector<std::size_t> shape;
    while (!consume(")")) {
      const bool negative = consume("-");
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        fail(fmt::format("expected an integer dimension in 'shape', found {}", where()));
      std::size_t dim = 0;
      for (; pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])); ++pos_) {
        const auto digit = static_cast<std::size_t>(text_[pos_] - '0');
        // numpy's dimensions are signed 64-bit integers.
        if (dim > (static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()) - digit) / 10)
          fail("a dimension in 'shape' is too large");
        dim = dim * 10 + digit;
      }
      if (negative)
        fail(fmt::format("expected non-negative dimensions in 'shape', found -{}", dim));
      consume("L");
      shape.push_back(dim);
      if (!consume(",") && peek() != ')')
        fail(fmt::format("expected ',' or ')', found {}", where()));
    }
    return shape;
  }

  std::string_view text_;
  const std::string& origin_;
  std::size_t pos_ = 0;
};

// ---- dtypes and strings ----------------------------------------------------

enum class StringKind { None, Unicode, Bytes };

struct FileDType {
  DType dtype = DType::Float64;
  std::size_t itemsize = 0;  // bytes per element in the file
  StringKind strings = StringKind::None;
  bool swap = false;  // the file's byte order differs from the host's
};

FileDType parse_descr(const std::string& descr, const std::string& origin) {
  const auto refuse = [&](const std::string& what, const std::string& hint = "") {
    return Error(fmt::format("reading {}: expected a numeric or string dtype, found {} ('{}'){}",
                             origin, what, descr, hint));
  };
  std::size_t pos = 0;
  // '|' (not applicable) and '=' (native) both mean the host's order.
  bool little = host_is_little_endian();
  if (!descr.empty() && std::string_view("<>=|").find(descr[0]) != std::string_view::npos) {
    if (descr[0] == '<' || descr[0] == '>') little = descr[0] == '<';
    ++pos;
  }
  const char kind = pos < descr.size() ? descr[pos++] : '\0';
  if (kind == 'O')
    throw refuse("object", "; object arrays are pickles, which tavrnn does not load");
  if (kind == 'c') throw refuse("complex");
  if (kind == 'V') throw refuse("a structured or void dtype");
  if (kind == 'M' || kind == 'm') throw refuse(kind == 'M' ? "datetime64" : "timedelta64");
  std::size_t width = 0;
  const std::size_t digits_start = pos;
  for (; pos < descr.size() && descr[pos] >= '0' && descr[pos] <= '9'; ++pos) {
    width = width * 10 + static_cast<std::size_t>(descr[pos] - '0');
    if (width > (1u << 28)) throw refuse("an implausibly wide item");
  }
  if (pos == digits_start || pos != descr.size()) throw refuse("an unknown type code");

  FileDType out;
  out.swap = little != host_is_little_endian();
  out.itemsize = width;
  if (kind == 'U' || kind == 'S' || kind == 'a') {  // 'a': numpy's old alias for 'S'
    if (width == 0) throw refuse("a zero-width string");
    out.dtype = DType::String;
    out.strings = kind == 'U' ? StringKind::Unicode : StringKind::Bytes;
    out.itemsize = kind == 'U' ? width * 4 : width;  // 'U' counts UTF-32 code units
    return out;
  }
  if (kind == 'f' && width == 2) throw refuse("float16", "; save it as float32");
  for (const NumericCode& code : kNumericCodes) {
    if (code.kind == kind && code.size == width) {
      out.dtype = code.dtype;
      return out;
    }
  }
  throw refuse("an unknown type code");
}

std::string descr_for(DType dtype) {
  for (const NumericCode& code : kNumericCodes) {
    if (code.dtype != dtype) continue;
    return fmt::format("{}{}{}",
                       code.size == 1            ? '|'
                       : host_is_little_endian() ? '<'
                                                 : '>',
                       code.kind, code.size);
  }
  throw Error(fmt::format("cannot serialise as .npy: no numeric code for {}", dtype_name(dtype)));
}

bool is_code_point(std::uint32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

void append_utf8(std::string& out, std::uint32_t cp) {
  static constexpr unsigned char kLead[] = {0x00, 0xC0, 0xE0, 0xF0};
  const int continuation = cp < 0x80 ? 0 : cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
  out += static_cast<char>(kLead[continuation] | (cp >> (6 * continuation)));
  for (int k = continuation - 1; k >= 0; --k)
    out += static_cast<char>(0x80 | ((cp >> (6 * k)) & 0x3F));
}

// Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF) so that a
// label written as '<U' reads back as the same text.
std::vector<std::uint32_t> utf8_to_code_points(const std::string& text, std::size_t element) {
  static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80   ? 1
                               : lead < 0xC0 ? 0
                               : lead < 0xE0 ? 2
                               : lead < 0xF0 ? 3
                               : lead < 0xF8 ? 4
                                             : 0;
    std::uint32_t cp = length == 1 ? lead : lead & (0x7Fu >> length);
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      cp = (cp << 6) | (next & 0x3F);
    }
    if (!valid || cp < kSmallest[length] || !is_code_point(cp)) {
      throw Error(fmt::format(
          "cannot serialise as .npy: string element {} is not valid UTF-8 (byte 0x{:02x} at {})",
          element, lead, i));
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

std::string decode_string(const unsigned char* item, const FileDType& type, std::size_t element,
                          const std::string& origin) {
  std::size_t length = type.itemsize;
  if (type.strings == StringKind::Bytes) {
    while (length > 0 && item[length - 1] == 0) --length;  // numpy pads with NULs
    return std::string(reinterpret_cast<const char*>(item), length);
  }
  std::vector<std::uint32_t> units(length / 4);
  std::memcpy(units.data(), item, length);
  if (type.swap) reverse_items(reinterpret_cast<unsigned char*>(units.data()), units.size(), 4);
  while (!units.empty() && units.back() == 0) units.pop_back();
  std::string out;
  for (const std::uint32_t cp : units) {
    if (!is_code_point(cp)) {
      throw Error(
          fmt::format("reading {}: string element {}: expected a Unicode code point, found 0x{:x}",
                      origin, element, cp));
    }
    append_utf8(out, cp);
  }
  return out;
}

// Fortran order -> C order: walks the C multi-index and tracks the
// matching Fortran offset, so no per-element division is needed.
template <typename T>
std::vector<T> fortran_to_c(const std::vector<T>& source, const std::vector<std::size_t>& shape,
                            std::size_t itemsize) {
  const std::size_t count = source.size() / itemsize;
  if (shape.size() < 2 || count == 0) return source;
  std::vector<std::size_t> stride(shape.size()), index(shape.size(), 0);
  for (std::size_t k = 0, s = 1; k < shape.size(); s *= shape[k], ++k) stride[k] = s;
  std::vector<T> out(source.size());
  std::size_t offset = 0;
  for (std::size_t c = 0; c < count; ++c) {
    std::copy_n(source.begin() + offset * itemsize, itemsize, out.begin() + c * itemsize);
    for (std::size_t k = shape.size(); k-- > 0;) {
      offset += stride[k];
      if (++index[k] < shape[k]) break;
      offset -= shape[k] * stride[k];
      index[k] = 0;
    }
  }
  return out;
}

// ---- the file as a whole ---------------------------------------------------

struct NpyLayout {
  NpyHeader header;
  FileDType type;
  std::size_t count = 0;        // elements
  std::size_t data_offset = 0;  // bytes before the data
};

NpyLayout read_layout(std::string_view bytes, const std::string& origin) {
  if (bytes.size() < 8 || bytes.substr(0, kMagic.size()) != kMagic) {
    throw Error(fmt::format("reading {}: expected an .npy file (starting \\x93NUMPY), found {}",
                            origin,
                            bytes.size() < 8 ? fmt::format("only {} bytes", bytes.size())
                                             : std::string("other leading bytes")));
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0) {
    throw Error(fmt::format("reading {}: expected .npy format version 1.0, 2.0 or 3.0, found {}.{}",
                            origin, major, minor));
  }
  const std::size_t length_bytes = major == 1 ? 2 : 4;  // little-endian header length
  std::size_t header_length = 0;
  for (std::size_t k = length_bytes; k-- > 0 && 8 + k < bytes.size();)
    header_length = (header_length << 8) | static_cast<unsigned char>(bytes[8 + k]);
  if (bytes.size() < 8 + length_bytes || header_length > bytes.size() - 8 - length_bytes) {
    throw Error(fmt::format("reading {}: truncated .npy header: expected {} bytes, found {}",
                            origin, 8 + length_bytes + header_length, bytes.size()));
  }
  NpyLayout layout;
  layout.data_offset = 8 + length_bytes + header_length;
  layout.header = HeaderParser(bytes.substr(8 + length_bytes, header_length), origin).parse();
  layout.type = parse_descr(layout.header.descr, origin);
  // Like numpy, the product of the non-zero dimensions must fit even when a
  // zero dimension makes the array empty.
  std::size_t nonzero_bytes = layout.type.itemsize;
  bool has_zero = false;
  for (const std::size_t d : layout.header.shape) {
    has_zero = has_zero || d == 0;
    if (d != 0 && nonzero_bytes > std::numeric_limits<std::size_t>::max() / d) {
      throw Error(fmt::format("reading {}: shape ({}) is too large to hold in memory", origin,
                              fmt::join(layout.header.shape, ", ")));
    }
    nonzero_bytes *= d == 0 ? 1 : d;
  }
  layout.count = has_zero ? 0 : nonzero_bytes / layout.type.itemsize;
  return layout;
}

}  // namespace

NdArray parse_npy(std::string_view bytes, const std::string& origin) {
  const NpyLayout layout = read_layout(bytes, origin);
  const FileDType& type = layout.type;
  const std::size_t count = layout.count;
  NdArray array;
  array.dtype = type.dtype;
  array.shape = layout.header.shape;
  const std::size_t expected = count * type.itemsize;
  const std::size_t found = bytes.size() - layout.data_offset;
  if (found != expected) {
    throw Error(
        fmt::format("reading {}: {}: expected {} bytes of data for shape {} of '{}', found {}",
                    origin, found < expected ? "truncated data" : "data size mismatch", expected,
                    array.shape_string(), layout.header.descr, found));
  }
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data() + layout.data_offset);
  const bool fortran_order = layout.header.fortran_order;
  if (type.dtype == DType::String) {
    array.strings.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
      array.strings.push_back(decode_string(data + i * type.itemsize, type, i, origin));
    if (fortran_order) array.strings = fortran_to_c(array.strings, array.shape, 1);
    return array;
  }
  array.bytes.assign(data, data + expected);
  if (type.swap) reverse_items(array.bytes.data(), count, type.itemsize);
  if (type.dtype == DType::Bool)  // numpy reads any non-zero byte as True
    for (auto& b : array.bytes) b = b != 0 ? 1 : 0;
  if (fortran_order) array.bytes = fortran_to_c(array.bytes, array.shape, type.itemsize);
  return array;
}

NpyReader::NpyReader(Source source, std::string origin) : source_(std::move(source)), origin_(std::move(origin)) {
  // Magic, version and the header's length first (12 bytes cover both
  // versions' length fields; numpy pads every header to 64 bytes), then
  // the rest of the header.
  std::string prefix(12, '\0');
  prefix.resize(source_(prefix.data(), prefix.size()));
  std::size_t total = prefix.size();
  if (prefix.size() >= 10 && prefix.substr(0, kMagic.size()) == kMagic) {
    const std::size_t length_bytes = static_cast<unsigned char>(prefix[6]) == 1 ? 2 : 4;
    std::size_t header_length = 0;
    for (std::size_t k = length_bytes; k-- > 0 && 8 + k < prefix.size();)
      header_length = (header_length << 8) | static_cast<unsigned char>(prefix[8 + k]);
    total = 8 + length_bytes + header_length;
  }
  if (total > prefix.size()) {
    const std::size_t had = prefix.size();
    prefix.resize(total);
    std::size_t got = had;
    while (got < total) {
      const std::size_t n = source_(prefix.data() + got, total - got);
      if (n == 0) break;
      got += n;
    }
    prefix.resize(got);
  }
  const NpyLayout layout = read_layout(prefix, origin_);
  if (layout.type.dtype == DType::String) {
    throw Error(fmt::format("reading {}: expected a numeric array, found strings ('{}')", origin_,
                            layout.header.descr));
  }
  if (layout.header.fortran_order && layout.header.shape.size() > 1) {
    throw Error(fmt::format("reading {}: expected C order to read it in pieces, found Fortran order",
                            origin_));
  }
  // Bytes of the data that came with the header (none unless it was short).
  if (prefix.size() > layout.data_offset) {
    throw Error(fmt::format("reading {}: truncated .npy header", origin_));
  }
  dtype_ = layout.type.dtype;
  shape_ = layout.header.shape;
  itemsize_ = layout.type.itemsize;
  count_ = layout.count;
  swap_ = layout.type.swap;
}

void NpyReader::fill(char* out, std::size_t size, const char* what) {
  std::size_t got = 0;
  while (got < size) {
    const std::size_t n = source_(out + got, size - got);
    if (n == 0) {
      throw Error(fmt::format("reading {}: truncated data: the array ends {} bytes early ({})", origin_,
                              size - got, what));
    }
    got += n;
  }
}

NdArray NpyReader::next(std::size_t n) {
  if (n > remaining()) {
    throw Error(fmt::format("reading {}: asked for {} more elements, only {} of {} remain", origin_, n,
                            remaining(), count_));
  }
  NdArray array;
  array.dtype = dtype_;
  array.shape = {n};
  array.bytes.resize(n * itemsize_);
  fill(reinterpret_cast<char*>(array.bytes.data()), array.bytes.size(),
       fmt::format("elements {} to {}", read_, read_ + n).c_str());
  if (swap_) reverse_items(array.bytes.data(), n, itemsize_);
  if (dtype_ == DType::Bool)
    for (auto& b : array.bytes) b = b != 0 ? 1 : 0;
  read_ += n;
  return array;
}

NdArray read_npy(const std::filesystem::path& path) {
  return parse_npy(read_file_bytes(path), path.string());
}

std::string serialize_npy(const NdArray& array) {
  const std::size_t count = array.size();
  std::string descr, data;
  if (array.dtype == DType::String) {
    if (array.strings.size() != count) {
      throw Error(
          fmt::format("cannot serialise as .npy: shape {} holds {} elements, found {} strings",
                      array.shape_string(), count, array.strings.size()));
    }
    std::vector<std::vector<std::uint32_t>> code_points;
    std::size_t width = 1;  // numpy's narrowest string dtype is '<U1'
    for (std::size_t i = 0; i < count; ++i) {
      code_points.push_back(utf8_to_code_points(array.strings[i], i));
      width = std::max(width, code_points.back().size());
    }
    descr = fmt::format("{}U{}", host_is_little_endian() ? '<' : '>', width);
    data.assign(count * width * 4, '\0');
    for (std::size_t i = 0; i < count; ++i)
      std::copy_n(reinterpret_cast<const char*>(code_points[i].data()), code_points[i].size() * 4,
                  data.begin() + static_cast<std::ptrdiff_t>(i * width * 4));
  } else {
    const std::size_t itemsize = dtype_size(array.dtype);
    if (array.bytes.size() % itemsize != 0 || array.bytes.size() / itemsize != count) {
      throw Error(fmt::format("cannot serialise as .npy: shape {} of {} needs {} bytes, found {}",
                              array.shape_string(), dtype_name(array.dtype), count * itemsize,
                              array.bytes.size()));
    }
    descr = descr_for(array.dtype);
    data.assign(array.bytes.begin(), array.bytes.end());
  }
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                   descr, array.shape_string());
  // Spaces and a newline pad the header so that the data starts on a 64-byte
  // boundary; version 1.0 holds the header length in 2 bytes, 2.0 in 4.
  const auto padding = [&](std::size_t prefix) {
    return (kAlign - (prefix + header.size() + 1) % kAlign) % kAlign;
  };
  const std::size_t prefix = header.size() + padding(10) + 1 <= 65535 ? 10 : 12;
  header.append(padding(prefix), ' ');
  header += '\n';
  std::string out(kMagic);
  out += static_cast<char>(prefix == 10 ? 1 : 2);
  out += '\0';
  for (std::size_t k = 0; k < prefix - 8; ++k)
    out += static_cast<char>((header.size() >> (8 * k)) & 0xFF);
  return out + header + data;
}

void write_npy(const std::filesystem::path& path, const NdArray& array) {
  std::string bytes;
  try {
    bytes = serialize_npy(array);
  } catch (const Error& e) {
    throw Error(fmt::format("writing {}: {}", path.string(), e.what()));
  }
  write_file_atomically(path, bytes);
}

}  // namespace tavrnn::io
