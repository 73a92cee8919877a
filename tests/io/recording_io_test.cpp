#include "tavrnn/io/recording_io.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tavrnn/io/npz.h"

namespace tavrnn::io {
namespace {

namespace fs = std::filesystem;

class RecordingNpz : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("tavrnn_recording_io_") + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // 3 units x 4 bins of 0.1 s, plus `extra` arrays.
  fs::path write(std::vector<std::pair<std::string, NdArray>> extra) {
    std::vector<std::pair<std::string, NdArray>> arrays{
        {"counts", NdArray::from_doubles(std::vector<double>(12, 1.0), {3, 4})},
        {"bin_width_s", NdArray::scalar(0.1)}};
    for (auto& a : extra) arrays.push_back(std::move(a));
    const fs::path path = dir_ / "rec.npz";
    write_npz(path, arrays);
    return path;
  }

  fs::path dir_;
};

TEST_F(RecordingNpz, EmptyStringsAreMissingLabelsAndGroups) {
  const Recording r = read_recording(
      write({{"labels", NdArray::from_strings({"run", "", "rest", "run"}, {4})},
             {"groups", NdArray::from_strings({"CA1", "", "CA1"}, {3})}}),
      {});
  ASSERT_TRUE(r.labels() && r.groups());
  EXPECT_EQ(r.labels()->codes, (std::vector<int>{0, Categorical::kMissing, 1, 0}));
  EXPECT_EQ(r.labels()->names, (std::vector<std::string>{"run", "rest"}));
  EXPECT_EQ(r.groups()->codes, (std::vector<int>{0, Categorical::kMissing, 0}));
  EXPECT_EQ(r.groups()->names, (std::vector<std::string>{"CA1"}));
}

TEST_F(RecordingNpz, NegativeGroupCodesAreUnitsWithoutAGroupAndSurviveWriting) {
  const Recording r = read_recording(
      write({{"groups", NdArray::from_int64s({1, -3, 0}, {3})},
             {"group_names", NdArray::from_strings({"CA1", "CA3"}, {2})}}),
      {});
  ASSERT_TRUE(r.groups());
  EXPECT_EQ(r.groups()->codes, (std::vector<int>{1, Categorical::kMissing, 0}));
  const fs::path copy = dir_ / "copy.npz";
  write_recording_npz(copy, r);
  const Recording back = read_recording(copy, {});
  ASSERT_TRUE(back.groups());
  EXPECT_EQ(back.groups()->codes, r.groups()->codes);
  EXPECT_EQ(back.groups()->names, r.groups()->names);
}

TEST_F(RecordingNpz, CountsAreWrittenAsSmallIntegersAndRatesAsFloat64AndBothReadBack) {
  for (const auto& [values, dtype] :
       std::vector<std::pair<std::vector<double>, DType>>{{{0, 2, 1, 3, 0, 1}, DType::UInt8},
                                                          {{0, 2, 1, 3, 0, 1000}, DType::UInt16},
                                                          {{0, 2.5, 1, 3, 0, 1}, DType::Float64}}) {
    const Recording r(Activity{2, 3, values}, 0.1);
    const fs::path path = dir_ / "written.npz";
    write_recording_npz(path, r);
    EXPECT_EQ(read_npz(path).at("counts").dtype, dtype) << dtype_name(dtype);
    EXPECT_EQ(read_recording(path, {}).activity().to_doubles(), values) << dtype_name(dtype);
  }
}

}  // namespace
}  // namespace tavrnn::io
