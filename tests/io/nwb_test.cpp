// The NWB reader on pynwb's own test files and a real phy conversion
// (../shared/data/nwb-test-files; values as h5py reads them, see
// PROVENANCE.md there). tests/oracle/nwb_oracle.py checks every value of
// these files and of files it writes against h5py.
#include "tavrnn/io/nwb.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tavrnn/util/error.h"
#include "tavrnn/io/recording_io.h"
#include "error_message.h"

namespace tavrnn::io {
namespace {

namespace fs = std::filesystem;

fs::path shared_file(const std::string& name) {
  return fs::path(TAVRNN_SHARED_DIR) / "data" / "nwb-test-files" / name;
}

#define REQUIRE_SHARED(path)                                          \
  if (!fs::exists(path)) GTEST_SKIP() << path << " not present"

using test_support::error_of;

TEST(NwbUnits, FoundByNeurodataTypeAwayFromSlashUnits) {
  const fs::path path = shared_file("test_Units_nwb2.0b.nwb");
  REQUIRE_SHARED(path);
  const NwbUnits units = read_nwb_units(path);
  EXPECT_EQ(units.table_path, "/acquisition/UnitsTest");
  ASSERT_EQ(units.trains.unit_ids, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(units.trains.times_s[0], (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(units.trains.times_s[1], (std::vector<double>{3, 4, 5}));
  ASSERT_EQ(units.obs_intervals.size(), 2u);
  EXPECT_EQ(units.obs_intervals[1], (std::vector<std::pair<double, double>>{{2, 5}, {6, 7}}));
}

TEST(NwbUnits, Uint16IndexAndElectrodeGroupReferences) {
  const fs::path path = shared_file("pynapple_phy_A8604-211122.nwb");
  REQUIRE_SHARED(path);
  const NwbUnits units = read_nwb_units(path, "units");
  ASSERT_EQ(units.trains.unit_ids, (std::vector<std::string>{"6", "191", "206"}));
  // spike_times_index (uint16) is [11020, 15710, 21354].
  EXPECT_EQ(units.trains.times_s[0].size(), 11020u);
  EXPECT_EQ(units.trains.times_s[1].size(), 15710u - 11020u);
  EXPECT_EQ(units.trains.times_s[2].size(), 21354u - 15710u);
  EXPECT_EQ(read_nwb_column_text(path, "/units", "electrode_group"),
            (std::vector<std::string>(3, "group0_psb")));
  EXPECT_EQ(read_nwb_column_text(path, "/units", "group"), (std::vector<std::string>(3, "0")));
  EXPECT_EQ(read_nwb_column_text(path, "/units", "location"), (std::vector<std::string>(3, "")));
}

TEST(NwbUnits, StreamedBinningEqualsReadingThenBinningForAnyPieceSize) {
  for (const auto& [name, table] : {std::pair<std::string, std::string>{"pynapple_phy_A8604-211122.nwb", "units"},
                                    {"test_Units_nwb2.0b.nwb", ""}}) {
    const fs::path path = shared_file(name);
    REQUIRE_SHARED(path);
    const NwbUnits units = read_nwb_units(path, table);
    for (const BinningOptions& options : {BinningOptions{0.05, {}, {}}, BinningOptions{0.5, 1.0, 3.0}}) {
      const Activity expected = bin_spike_trains(units.trains, options, "expected");
      // Pieces of one value, of a prime that splits units mid-way, and the default.
      for (const std::size_t piece : {std::size_t{1}, std::size_t{4099}, std::size_t{1} << 20}) {
        if (piece == 1 && units.trains.times_s[0].size() > 100) continue;  // 21,354 reads: too slow
        const NwbSpikeCounts counts = bin_nwb_units(path, table, options, piece);
        EXPECT_EQ(counts.table_path, units.table_path);
        EXPECT_EQ(counts.unit_ids, units.trains.unit_ids);
        EXPECT_EQ(counts.activity.n_bins(), expected.n_bins()) << name << " " << piece;
        EXPECT_EQ(counts.activity.to_doubles(), expected.to_doubles()) << name << " " << piece;
      }
    }
  }
}

TEST(NwbContents, ListsTablesColumnsAndSeries) {
  const fs::path path = shared_file("test_TimeIntervals_nwb2.0b.nwb");
  REQUIRE_SHARED(path);
  const NwbContents contents = list_nwb(path);
  EXPECT_TRUE(contents.units_tables.empty());
  ASSERT_EQ(contents.interval_tables.size(), 1u);
  EXPECT_EQ(contents.interval_tables[0].path, "/intervals/epochs");
  EXPECT_EQ(contents.interval_tables[0].n_rows, 4u);
  std::vector<std::string> kinds;
  for (const auto& c : contents.interval_tables[0].columns) kinds.push_back(c.name + ":" + c.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"start_time:numbers", "stop_time:numbers", "tags:ragged",
                                             "timeseries:ragged", "foo:numbers", "bar:strings"}));
  ASSERT_EQ(contents.series.size(), 2u);
  EXPECT_EQ(contents.series[1].path, "/acquisition/b");
  EXPECT_EQ(contents.series[1].shape, (std::vector<std::size_t>{13}));
}

TEST(NwbIntervals, Float32TimesAndScalarColumnsAsText) {
  const fs::path path = shared_file("test_TimeIntervals_nwb2.0b.nwb");
  REQUIRE_SHARED(path);
  const NwbIntervals epochs = read_nwb_intervals(path, "epochs");
  ASSERT_EQ(epochs.start_s.size(), 4u);
  EXPECT_EQ(epochs.start_s[1], static_cast<double>(0.25f));
  EXPECT_EQ(epochs.stop_s[2], static_cast<double>(0.4f));
  EXPECT_EQ(epochs.column_names, (std::vector<std::string>{"foo", "bar"}));  // ragged ones left out
  EXPECT_EQ(epochs.column("bar", path.string()),
            (std::vector<std::string>{"fish", "fowl", "dog", "cat"}));
  EXPECT_EQ(epochs.column("foo", path.string()), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_NE(error_of([&] { epochs.column("tags", path.string()); }).find("no scalar column 'tags'"),
            std::string::npos);
}

TEST(NwbSeries, TimestampsAndValues) {
  const fs::path path = shared_file("test_TimeIntervals_nwb2.0b.nwb");
  REQUIRE_SHARED(path);
  const SampledSignal a = read_nwb_series(path, "/acquisition/a");
  ASSERT_EQ(a.times_s.size(), 11u);
  EXPECT_DOUBLE_EQ(a.times_s[10], 1.0);
  EXPECT_EQ(a.values[7], 7.0);
  EXPECT_EQ(a.names, (std::vector<std::string>{"a"}));
  // Two series: naming neither is ambiguous and the error lists them.
  const std::string message = error_of([&] { read_nwb_series(path, ""); });
  EXPECT_NE(message.find("/acquisition/a, /acquisition/b"), std::string::npos) << message;
}

TEST(NwbRecording, BinsUnitsWithGroupsFromReferences) {
  const fs::path path = shared_file("pynapple_phy_A8604-211122.nwb");
  REQUIRE_SHARED(path);
  RecordingReadOptions options;
  options.bin_width_s = 1.0;
  options.nwb.group_column = "electrode_group";
  options.nwb.trials_table = "epochs";
  options.nwb.label_column = "tags";  // ragged: not a label column
  EXPECT_NE(error_of([&] { read_recording(path, options); }).find("no scalar column 'tags'"),
            std::string::npos);
  options.nwb.label_column.clear();
  const Recording r = read_recording(path, options);
  EXPECT_EQ(r.n_units(), 3u);
  EXPECT_EQ(r.n_bins(), 1088u);  // last spike 1087.4 s
  double total = 0;
  for (double v : r.activity().to_doubles()) total += v;
  EXPECT_EQ(total, 21354.0);
  ASSERT_TRUE(r.groups());
  EXPECT_EQ(r.groups()->names, (std::vector<std::string>{"group0_psb"}));
  ASSERT_EQ(r.trials().size(), 1u);  // the one epoch, 0 to 1087.53 s
  EXPECT_EQ(r.trials()[0].begin, 0u);
  EXPECT_EQ(r.trials()[0].end, 1088u);
}

TEST(NwbRecording, MissingBinWidthAndMissingTableAreClearErrors) {
  const fs::path path = shared_file("test_TimeIntervals_nwb2.0b.nwb");
  REQUIRE_SHARED(path);
  RecordingReadOptions options;
  EXPECT_NE(error_of([&] { read_recording(path, options); }).find("`bin-width`"), std::string::npos);
  options.bin_width_s = 0.1;
  const std::string message = error_of([&] { read_recording(path, options); });
  EXPECT_NE(message.find("test_TimeIntervals_nwb2.0b.nwb"), std::string::npos) << message;
  EXPECT_NE(message.find("Units table"), std::string::npos) << message;
}

TEST(NwbNames, TrailingPartOfAPathNamesAnObjectWhenUnique) {
  const std::vector<std::string> paths = {"/intervals/trials", "/intervals/epochs",
                                          "/processing/trials"};
  EXPECT_EQ(resolve_nwb_object(paths, "epochs", "table", "f.nwb"), "/intervals/epochs");
  EXPECT_EQ(resolve_nwb_object(paths, "intervals/trials", "table", "f.nwb"), "/intervals/trials");
  EXPECT_EQ(resolve_nwb_object(paths, "/processing/trials", "table", "f.nwb"), "/processing/trials");
  EXPECT_NE(error_of([&] { resolve_nwb_object(paths, "trials", "table", "f.nwb"); }).find("2 tables"),
            std::string::npos);
  EXPECT_NE(error_of([&] { resolve_nwb_object(paths, "als", "table", "f.nwb"); }).find("no table named"),
            std::string::npos);  // "als" is not a whole path component
  EXPECT_NE(error_of([&] { resolve_nwb_object({}, "", "table", "f.nwb"); }).find("found none"),
            std::string::npos);
}

}  // namespace
}  // namespace tavrnn::io
