// The MATLAB reader on files matio writes here, in both v5 and v7.3 (HDF5)
// form, and on the shared recordings. tests/oracle/mat_oracle.py checks
// values against scipy.io and h5py.
#include "tavrnn/io/mat.h"

#include <gtest/gtest.h>
#include <matio.h>

#include <filesystem>
#include <functional>

#include "tavrnn/util/error.h"
#include "tavrnn/io/recording_io.h"
#include "error_message.h"

namespace tavrnn::io {
namespace {

namespace fs = std::filesystem;

using test_support::error_of;

matvar_t* column(const std::string& name, std::vector<double> values) {
  std::size_t dims[2] = {values.size(), 1};
  return Mat_VarCreate(name.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, values.data(), 0);
}

// Writes, in the given version:
//   counts  2x3 double [[1 2 3]; [4 5 6]]
//   units   1x3 cell: [0.5 1.5], [] (placeholder), [2.5]
//   spikes  1x2 cell of 1x2 cells of structs with fields time, meanrate
//   name    char 'abc'
//   stack   2x3x2 double: units x bins x trials, value 100 k + 10 u + b
//   grip    1x2 double [2 1]: one label per trial
fs::path write_fixture(mat_ft version, const std::string& file) {
  const fs::path path = fs::temp_directory_path() / file;
  mat_t* mat = Mat_CreateVer(path.string().c_str(), nullptr, version);
  EXPECT_NE(mat, nullptr);
  double counts[6] = {1, 4, 2, 5, 3, 6};  // column-major
  std::size_t dims23[2] = {2, 3};
  matvar_t* v = Mat_VarCreate("counts", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims23, counts, 0);
  Mat_VarWrite(mat, v, MAT_COMPRESSION_NONE);
  Mat_VarFree(v);

  std::size_t dims13[2] = {1, 3};
  matvar_t* units = Mat_VarCreate("units", MAT_C_CELL, MAT_T_CELL, 2, dims13, nullptr, 0);
  Mat_VarSetCell(units, 0, column("", {0.5, 1.5}));
  Mat_VarSetCell(units, 1, column("", {}));
  Mat_VarSetCell(units, 2, column("", {2.5}));
  Mat_VarWrite(mat, units, MAT_COMPRESSION_NONE);
  Mat_VarFree(units);

  std::size_t dims12[2] = {1, 2};
  std::size_t dims11[2] = {1, 1};
  const char* fields[2] = {"time", "meanrate"};
  matvar_t* spikes = Mat_VarCreate("spikes", MAT_C_CELL, MAT_T_CELL, 2, dims12, nullptr, 0);
  for (int tetrode = 0; tetrode < 2; ++tetrode) {
    matvar_t* cell = Mat_VarCreate("", MAT_C_CELL, MAT_T_CELL, 2, dims12, nullptr, 0);
    for (int unit = 0; unit < 2; ++unit) {
      matvar_t* s = Mat_VarCreateStruct("", 2, dims11, fields, 2);
      const double t0 = 10.0 * tetrode + unit;
      // Unsorted on purpose: the reader sorts each train.
      Mat_VarSetStructFieldByName(s, "time", 0, column("time", {t0 + 0.75, t0 + 0.25}));
      Mat_VarSetStructFieldByName(s, "meanrate", 0, column("meanrate", {2.0}));
      Mat_VarSetCell(cell, unit, s);
    }
    Mat_VarSetCell(spikes, tetrode, cell);
  }
  Mat_VarWrite(mat, spikes, MAT_COMPRESSION_NONE);
  Mat_VarFree(spikes);

  std::vector<double> stack(12);
  for (int k = 0; k < 2; ++k)
    for (int b = 0; b < 3; ++b)
      for (int u = 0; u < 2; ++u) stack[u + 2 * b + 6 * k] = 100 * k + 10 * u + b;
  std::size_t dims232[3] = {2, 3, 2};
  v = Mat_VarCreate("stack", MAT_C_DOUBLE, MAT_T_DOUBLE, 3, dims232, stack.data(), 0);
  Mat_VarWrite(mat, v, MAT_COMPRESSION_NONE);
  Mat_VarFree(v);
  double grip[2] = {2, 1};
  v = Mat_VarCreate("grip", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims12, grip, 0);
  Mat_VarWrite(mat, v, MAT_COMPRESSION_NONE);
  Mat_VarFree(v);

  char text[3] = {'a', 'b', 'c'};
  v = Mat_VarCreate("name", MAT_C_CHAR, MAT_T_UINT8, 2, dims13, text, 0);
  Mat_VarWrite(mat, v, MAT_COMPRESSION_NONE);
  Mat_VarFree(v);
  Mat_Close(mat);
  return path;
}

class MatVersions : public ::testing::TestWithParam<mat_ft> {
 protected:
  fs::path fixture() {
    return write_fixture(GetParam(), GetParam() == MAT_FT_MAT73 ? "tavrnn_mat73.mat" : "tavrnn_mat5.mat");
  }
};

TEST_P(MatVersions, NumericMatrixIsUnitsByBinsOrTimeMajor) {
  const fs::path path = fixture();
  const MatActivity a = read_mat_activity(path, {"counts", ""}, false);
  ASSERT_TRUE(a.counts);
  EXPECT_EQ(a.counts->n_units(), 2u);
  EXPECT_EQ(a.counts->to_doubles(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  const MatActivity t = read_mat_activity(path, {"counts", ""}, true);
  EXPECT_EQ(t.counts->n_units(), 3u);
  EXPECT_EQ(t.counts->to_doubles(), (std::vector<double>{1, 4, 2, 5, 3, 6}));
}

TEST_P(MatVersions, CellOfSpikeVectorsSkipsEmptyPlaceholders) {
  const MatActivity a = read_mat_activity(fixture(), {"units", ""}, false);
  EXPECT_EQ(a.trains.unit_ids, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(a.trains.times_s[0], (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(a.skipped_empty, 1u);
  EXPECT_FALSE(a.groups);
}

TEST_P(MatVersions, NestedCellsOfStructsGiveTetrodeGroups) {
  const MatActivity a = read_mat_activity(fixture(), {"spikes", "time"}, false);
  EXPECT_EQ(a.trains.unit_ids, (std::vector<std::string>{"1.1", "1.2", "2.1", "2.2"}));
  EXPECT_EQ(a.trains.times_s[3], (std::vector<double>{11.25, 11.75}));
  ASSERT_TRUE(a.groups);
  EXPECT_EQ(a.groups->codes, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(a.groups->names, (std::vector<std::string>{"1", "2"}));
}

TEST_P(MatVersions, ErrorsNameTheVariableAndWhatWasFound) {
  const fs::path path = fixture();
  std::string m = error_of([&] { read_mat_activity(path, {"spikes", "times"}, false); });
  EXPECT_NE(m.find("variable spikes{1}{1}: expected a struct with field 'times', found struct 1x1 "
                   "with fields time, meanrate"),
            std::string::npos) << m;
  m = error_of([&] { read_mat_activity(path, {"name", ""}, false); });
  EXPECT_NE(m.find("variable name: expected a numeric matrix"), std::string::npos) << m;
  EXPECT_NE(m.find("found char 1x3"), std::string::npos) << m;
  m = error_of([&] { read_mat_activity(path, {"nothing", ""}, false); });
  EXPECT_NE(m.find("expected a variable 'nothing'"), std::string::npos) << m;
  EXPECT_NE(m.find("counts: double 2x3"), std::string::npos) << m;
  m = error_of([&] { read_mat_activity(path, {"", ""}, false); });
  EXPECT_NE(m.find("`mat-var`"), std::string::npos) << m;
  m = error_of([&] { read_mat_activity(path, {"counts.x", ""}, false); });
  EXPECT_NE(m.find("expected a 1x1 struct with field 'x', found double 2x3"), std::string::npos) << m;
}

TEST_P(MatVersions, ThreeDimensionalStackLaysTrialsEndToEndWithLabels) {
  RecordingReadOptions options;
  options.bin_width_s = 0.001;
  options.mat = {"stack", "", "grip"};
  const Recording r = read_recording(fixture(), options);
  ASSERT_EQ(r.n_units(), 2u);
  ASSERT_EQ(r.n_bins(), 6u);
  EXPECT_EQ(r.activity().to_doubles(), (std::vector<double>{0, 1, 2, 100, 101, 102, 10, 11, 12, 110, 111, 112}));
  ASSERT_EQ(r.trials().size(), 2u);
  EXPECT_EQ(r.trials()[1].begin, 3u);
  EXPECT_EQ(r.trials()[1].end, 6u);
  ASSERT_TRUE(r.labels());
  EXPECT_EQ(r.labels()->names, (std::vector<std::string>{"2", "1"}));
  EXPECT_EQ(r.labels()->codes, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  options.mat = {"stack", "", "counts"};
  EXPECT_NE(error_of([&] { read_recording(fixture(), options); }).find("variable counts: expected a numeric vector or a cell array of strings, found double 2x3"),
            std::string::npos);
}

TEST_P(MatVersions, ReadRecordingBinsSpikeTimes) {
  RecordingReadOptions options;
  options.bin_width_s = 0.5;
  options.mat = {"spikes", "time"};
  const Recording r = read_recording(fixture(), options);
  EXPECT_EQ(r.n_units(), 4u);
  EXPECT_EQ(r.n_bins(), 24u);  // last spike 11.75 s
  EXPECT_EQ(r.activity().at(3, 22), 1.0);  // 11.25 s
  EXPECT_EQ(r.activity().at(3, 23), 1.0);  // 11.75 s
  ASSERT_TRUE(r.groups());
}

INSTANTIATE_TEST_SUITE_P(V5AndV73, MatVersions, ::testing::Values(MAT_FT_MAT5, MAT_FT_MAT73),
                         [](const auto& info) { return info.param == MAT_FT_MAT73 ? "v73" : "v5"; });

TEST(MatShared, NelpyLinearTrackHas31UnitsIn13Tetrodes) {
  const fs::path path = fs::path(TAVRNN_SHARED_DIR) / "data" / "nelpy-linear-track" / "spikes.mat";
  if (!fs::exists(path)) GTEST_SKIP() << path << " not present";
  const MatActivity a = read_mat_activity(path, {"spikes", "time"}, false);
  EXPECT_EQ(a.trains.unit_ids.size(), 31u);
  std::size_t spikes = 0;
  for (const auto& t : a.trains.times_s) spikes += t.size();
  EXPECT_EQ(spikes, 28829u);  // PROVENANCE.md
  ASSERT_TRUE(a.groups);
  EXPECT_EQ(a.groups->names.size(), 6u);  // tetrodes with units
}

}  // namespace
}  // namespace tavrnn::io
