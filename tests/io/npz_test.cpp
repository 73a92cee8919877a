#include "error_message.h"
#include "tavrnn/io/npz.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tavrnn/util/error.h"
#include "tavrnn/io/npy.h"

namespace tavrnn::io {
namespace fs = std::filesystem;
namespace {

// np.savez_compressed(f, counts=np.array([[1, 2], [3, 4]], dtype='>i2'),
//                     names=np.array(['a', 'bc'])) with numpy 1.24: Python's
// zipfile writes zip64 extra fields that libzip must accept.
const char kNumpyNpz[] =
    "\x50\x4b\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x21\x00\x69\xff\xd4\xc5\x4e\x00\x00\x00\x88"
    "\x00"
    "\x00\x00\x0a\x00\x14\x00\x63\x6f\x75\x6e\x74\x73\x2e\x6e\x70\x79\x01\x00\x10\x00\x88\x00\x00"
    "\x00"
    "\x00\x00\x00\x00\x4e\x00\x00\x00\x00\x00\x00\x00\x9b\xec\x17\xea\x1b\x10\xc9\xc8\x50\xc6\x50"
    "\xad"
    "\x9e\x92\x5a\x9c\x5c\xa4\x6e\xa5\xa0\x6e\x97\x69\xa4\xae\xa3\xa0\x9e\x96\x5f\x54\x52\x94\x98"
    "\x17"
    "\x9f\x5f\x94\x92\x0a\x12\x77\x4b\xcc\x29\x4e\x05\x8a\x17\x67\x24\x16\xa4\x02\xf9\x1a\x46\x3a"
    "\x0a"
    "\x46\x9a\x3a\x0a\xb5\x0a\x64\x03\x2e\x06\x46\x06\x26\x06\x66\x06\x16\x00\x50\x4b\x03\x04\x14"
    "\x00"
    "\x00\x00\x08\x00\x00\x00\x21\x00\x70\x47\x6d\x96\x4d\x00\x00\x00\x90\x00\x00\x00\x09\x00\x14"
    "\x00"
    "\x6e\x61\x6d\x65\x73\x2e\x6e\x70\x79\x01\x00\x10\x00\x90\x00\x00\x00\x00\x00\x00\x00\x4d\x00"
    "\x00"
    "\x00\x00\x00\x00\x00\x9b\xec\x17\xea\x1b\x10\xc9\xc8\x50\xc6\x50\xad\x9e\x92\x5a\x9c\x5c\xa4"
    "\x6e"
    "\xa5\xa0\x6e\x13\x6a\xa4\xae\xa3\xa0\x9e\x96\x5f\x54\x52\x94\x98\x17\x9f\x5f\x94\x92\x0a\x12"
    "\x77"
    "\x4b\xcc\x29\x4e\x05\x8a\x17\x67\x24\x16\xa4\x02\xf9\x1a\x46\x3a\x9a\x3a\x0a\xb5\x0a\x14\x00"
    "\xae"
    "\x44\x06\x08\x48\x02\xe2\x64\x20\x06\x00\x50\x4b\x01\x02\x14\x03\x14\x00\x00\x00\x08\x00\x00"
    "\x00"
    "\x21\x00\x69\xff\xd4\xc5\x4e\x00\x00\x00\x88\x00\x00\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00"
    "\x00\x00\x80\x01\x00\x00\x00\x00\x63\x6f\x75\x6e\x74\x73\x2e\x6e\x70\x79\x50\x4b\x01\x02\x14"
    "\x03"
    "\x14\x00\x00\x00\x08\x00\x00\x00\x21\x00\x70\x47\x6d\x96\x4d\x00\x00\x00\x90\x00\x00\x00\x09"
    "\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x8a\x00\x00\x00\x6e\x61\x6d\x65\x73\x2e\x6e"
    "\x70"
    "\x79\x50\x4b\x05\x06\x00\x00\x00\x00\x02\x00\x02\x00\x6f\x00\x00\x00\x12\x01\x00\x00\x00\x00";

class Npz : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("tavrnn_npz_test_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path file(const std::string& name) const { return dir_ / name; }
  void write_bytes(const fs::path& path, const std::string& bytes) const {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  std::string read_bytes(const fs::path& path) const {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // A zip holding `members` stored (uncompressed), built with libzip directly.
  void write_zip(const fs::path& path,
                 const std::vector<std::pair<std::string, std::string>>& members) const {
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    ASSERT_NE(archive, nullptr);
    for (const auto& [name, bytes] : members) {
      zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
      const zip_int64_t index = zip_file_add(archive, name.c_str(), source, 0);
      ASSERT_GE(index, 0);
      zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    ASSERT_EQ(zip_close(archive), 0);
  }
  std::vector<zip_int32_t> compression_methods(const fs::path& path) const {
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    std::vector<zip_int32_t> methods;
    if (archive == nullptr) return methods;
    for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
      zip_stat_t stat;
      zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat);
      methods.push_back(stat.comp_method);
    }
    zip_discard(archive);
    return methods;
  }

  fs::path dir_;
};

using test_support::error_of;

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

std::vector<std::pair<std::string, NdArray>> sample_arrays() {
  return {
      {"activity", NdArray::from_floats({0.5f, -1.0f, 2.0f, 3.5f, 0.0f, 1e-30f}, {2, 3})},
      {"bin_width_s", NdArray::scalar(0.025)},
      {"unit_ids", NdArray::from_int64s({-9223372036854775807 - 1, 3, 9223372036854775807}, {3})},
      {"labels", NdArray::from_strings({"alpha", "β-band", "x"}, {3})},
      {"empty", NdArray::from_doubles({}, {0, 3})}};
}

void expect_same(const NpzArrays& read,
                 const std::vector<std::pair<std::string, NdArray>>& written) {
  ASSERT_EQ(read.size(), written.size());
  for (const auto& [name, array] : written) {
    ASSERT_EQ(read.count(name), 1u) << name;
    const NdArray& back = read.at(name);
    EXPECT_EQ(back.dtype, array.dtype) << name;
    EXPECT_EQ(back.shape, array.shape) << name;
    EXPECT_EQ(back.bytes, array.bytes) << name;
    EXPECT_EQ(back.strings, array.strings) << name;
  }
}

TEST_F(Npz, CompressedWriteReadsBackExactlyAndUsesDeflate) {
  write_npz(file("rec.npz"), sample_arrays(), true);
  expect_same(read_npz(file("rec.npz")), sample_arrays());
  for (const zip_int32_t method : compression_methods(file("rec.npz")))
    EXPECT_EQ(method, ZIP_CM_DEFLATE);
}

TEST_F(Npz, StoredWriteReadsBackExactlyAndIsNotCompressed) {
  write_npz(file("rec.npz"), sample_arrays(), false);
  expect_same(read_npz(file("rec.npz")), sample_arrays());
  const auto methods = compression_methods(file("rec.npz"));
  ASSERT_EQ(methods.size(), sample_arrays().size());
  for (const zip_int32_t method : methods) EXPECT_EQ(method, ZIP_CM_STORE);
}

TEST_F(Npz, ReadsAnArchiveWrittenByNumpy) {
  write_bytes(file("numpy.npz"), std::string(kNumpyNpz, sizeof kNumpyNpz - 1));
  const NpzArrays arrays = read_npz(file("numpy.npz"));
  ASSERT_EQ(arrays.size(), 2u);
  EXPECT_EQ(arrays.at("counts").dtype, DType::Int16);
  EXPECT_EQ(arrays.at("counts").to_int64s(), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(arrays.at("names").strings, (std::vector<std::string>{"a", "bc"}));
}

TEST_F(Npz, MemberNamesLoseTheNpySuffixAndOtherMembersAreSkipped) {
  const std::string one = serialize_npy(NdArray::scalar(1.0));
  write_zip(file("mixed.npz"),
            {{"a.npy", one}, {"group/b.npy", one}, {"README.txt", "hello"}, {"dir/", ""}});
  const NpzArrays arrays = read_npz(file("mixed.npz"));
  ASSERT_EQ(arrays.size(), 2u);
  EXPECT_EQ(arrays.count("a"), 1u);
  EXPECT_EQ(arrays.count("group/b"), 1u);
}

TEST_F(Npz, NotAZipArchiveSaysSoAndNamesTheFile) {
  write_bytes(file("rec.npz"), serialize_npy(NdArray::scalar(1.0)));
  EXPECT_EQ(error_of([&] { read_npz(file("rec.npz")); }),
            "reading " + file("rec.npz").string() + ": not a zip archive (is it an .npz?)");
  write_bytes(file("empty.npz"), "");
  EXPECT_CONTAINS(error_of([&] { read_npz(file("empty.npz")); }), "empty.npz: empty file");
}

TEST_F(Npz, MissingFileAndDirectoryAreNamed) {
  EXPECT_CONTAINS(error_of([&] { read_npz(file("absent.npz")); }), "absent.npz: no such file");
  fs::create_directories(file("folder.npz"));
  EXPECT_CONTAINS(error_of([&] { read_npz(file("folder.npz")); }),
                  "folder.npz: expected a file, found a directory");
}

TEST_F(Npz, TruncatedArchiveIsRefused) {
  write_npz(file("rec.npz"), sample_arrays(), true);
  const std::string whole = read_bytes(file("rec.npz"));
  for (const std::size_t keep : {whole.size() / 2, whole.size() - 10, std::size_t{30}}) {
    write_bytes(file("cut.npz"), whole.substr(0, keep));
    EXPECT_CONTAINS(error_of([&] { read_npz(file("cut.npz")); }),
                    "reading " + file("cut.npz").string());
  }
}

TEST_F(Npz, CorruptedMemberFailsTheChecksum) {
  const std::string data = serialize_npy(NdArray::from_doubles({1, 2, 3, 4}, {4}));
  write_zip(file("rec.npz"), {{"x.npy", data}});
  std::string bytes = read_bytes(file("rec.npz"));
  const std::size_t at = bytes.find(data.substr(data.size() - 8));
  ASSERT_NE(at, std::string::npos);
  bytes[at] ^= 0x40;  // flips a bit of the last double, leaving the .npy well-formed
  write_bytes(file("rec.npz"), bytes);
  const std::string message = error_of([&] { read_npz(file("rec.npz")); });
  EXPECT_CONTAINS(message, "rec.npz: array 'x'");
  EXPECT_CONTAINS(message, "CRC");
}

TEST_F(Npz, MemberErrorsNameTheFileAndTheArray) {
  const std::string pickle = std::string("\x93NUMPY\x01\x00\x46\x00", 10) +
                             "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }" +
                             std::string(13, ' ') + "\n" + "12345678";
  write_zip(file("rec.npz"), {{"counts.npy", pickle}});
  EXPECT_EQ(error_of([&] { read_npz(file("rec.npz")); }),
            "reading " + file("rec.npz").string() +
                ": array 'counts': expected a numeric or string dtype, found object ('|O'); "
                "object arrays are pickles, which tavrnn does not load");
}

TEST_F(Npz, RequireArrayListsTheArraysThatArePresent) {
  NpzArrays arrays;
  arrays.emplace("b", NdArray::scalar(1));
  arrays.emplace("a", NdArray::scalar(2));
  EXPECT_EQ(require_array(arrays, "a", "rec.npz").as_double(0), 2.0);
  EXPECT_EQ(error_of([&] { require_array(arrays, "counts", "rec.npz"); }),
            "reading rec.npz: missing array 'counts' (found: a, b)");
  EXPECT_EQ(error_of([&] { require_array({}, "counts", "rec.npz"); }),
            "reading rec.npz: missing array 'counts' (found: no arrays)");
}

TEST_F(Npz, EmptyArchiveRoundTrips) {
  write_npz(file("none.npz"), {}, true);
  EXPECT_TRUE(read_npz(file("none.npz")).empty());
}

TEST_F(Npz, DuplicateOrEmptyNamesAreRefused) {
  const NdArray one = NdArray::scalar(1);
  EXPECT_CONTAINS(error_of([&] {
                    write_npz(file("d.npz"), {{"x", one}, {"x", one}});
                  }),
                  "array 'x' is given twice");
  EXPECT_CONTAINS(error_of([&] { write_npz(file("d.npz"), {{"", one}}); }), "empty name");
  EXPECT_FALSE(fs::exists(file("d.npz")));
}

TEST_F(Npz, FailedWriteKeepsTheOldFileAndLeavesNoTemporary) {
  write_npz(file("rec.npz"), sample_arrays());
  const std::string before = read_bytes(file("rec.npz"));
  const std::string message = error_of([&] {
    write_npz(file("rec.npz"),
              {{"ok", NdArray::scalar(1)}, {"labels", NdArray::from_strings({"caf\xe9"}, {1})}});
  });
  EXPECT_CONTAINS(message,
                  "writing " + file("rec.npz").string() + ": array 'labels': cannot serialise");
  EXPECT_EQ(read_bytes(file("rec.npz")), before);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(Npz, SameArraysGiveByteIdenticalArchives) {
  write_npz(file("a.npz"), sample_arrays());
  write_npz(file("b.npz"), sample_arrays());
  EXPECT_EQ(read_bytes(file("a.npz")), read_bytes(file("b.npz")));
}

TEST_F(Npz, WritingIntoAMissingDirectoryNamesIt) {
  EXPECT_CONTAINS(error_of([&] { write_npz(file("no/such/dir/rec.npz"), sample_arrays()); }),
                  "does not exist");
}

}  // namespace
TEST_F(Npz, ReaderReadsOneArrayWholeOrInPiecesAsReadNpzDoes) {
  std::vector<double> values(1000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.5 * static_cast<double>(i) - 7.25;
  auto arrays = sample_arrays();
  arrays.emplace_back("big", NdArray::from_doubles(values, {10, 100}));
  write_npz(file("rec.npz"), arrays, true);
  const NpzArrays whole = read_npz(file("rec.npz"));
  const NpzReader reader(file("rec.npz"));
  EXPECT_EQ(reader.keys(), (std::vector<std::string>{"activity", "big", "bin_width_s", "empty", "labels", "unit_ids"}));
  EXPECT_TRUE(reader.has("big"));
  EXPECT_FALSE(reader.has("small"));
  for (const auto& [key, array] : whole) {
    const NdArray one = reader.read(key);
    EXPECT_EQ(one.bytes, array.bytes) << key;
    EXPECT_EQ(one.strings, array.strings) << key;
    EXPECT_EQ(one.shape, array.shape) << key;
  }
  // In pieces of 1, 299 and 700 elements, twice (each stream starts afresh).
  for (int pass = 0; pass < 2; ++pass) {
    NpyReader stream = reader.stream("big");
    EXPECT_EQ(stream.dtype(), DType::Float64);
    EXPECT_EQ(stream.shape(), (std::vector<std::size_t>{10, 100}));
    std::vector<unsigned char> joined;
    for (const std::size_t n : {std::size_t{1}, std::size_t{299}, std::size_t{700}}) {
      const NdArray piece = stream.next(n);
      EXPECT_EQ(piece.shape, (std::vector<std::size_t>{n}));
      joined.insert(joined.end(), piece.bytes.begin(), piece.bytes.end());
    }
    EXPECT_EQ(stream.remaining(), 0u);
    EXPECT_EQ(joined, whole.at("big").bytes);
    EXPECT_CONTAINS(error_of([&] { stream.next(1); }), "asked for 1 more elements, only 0 of 1000 remain");
  }
  EXPECT_CONTAINS(error_of([&] { reader.stream("labels"); }), "expected a numeric array, found strings");
  EXPECT_CONTAINS(error_of([&] { reader.read("small"); }), "missing array 'small' (found: activity, big");
  EXPECT_CONTAINS(error_of([&] { NpzReader(file("none.npz")); }), "reading " + file("none.npz").string());
}

TEST_F(Npz, StreamedMemberThatEndsEarlyOrIsCorruptIsAClearError) {
  // A header that promises 8 doubles over the data of 4.
  std::string data = serialize_npy(NdArray::from_doubles({1, 2, 3, 4, 5, 6, 7, 8}, {8}));
  const std::string cut = data.substr(0, data.size() - 32);
  write_zip(file("cut.npz"), {{"x.npy", cut}});
  NpyReader stream = NpzReader(file("cut.npz")).stream("x");
  EXPECT_EQ(stream.next(2).shape, (std::vector<std::size_t>{2}));
  const std::string message = error_of([&] { stream.next(6); });
  EXPECT_CONTAINS(message, "cut.npz: array 'x'");
  EXPECT_CONTAINS(message, "truncated data");
}

}  // namespace tavrnn::io
