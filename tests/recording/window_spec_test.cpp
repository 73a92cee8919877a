#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tavrnn/util/error.h"
#include "tavrnn/recording/windows.h"

namespace tavrnn {
namespace {

Recording labelled(std::size_t n_bins, double bin_width_s = 0.05) {
  Recording r(Activity{1, n_bins, std::vector<double>(n_bins, 1.0)}, bin_width_s);
  std::vector<int> codes(n_bins, 0);
  for (std::size_t b = n_bins / 2; b < n_bins; ++b) codes[b] = 1;
  codes[1] = -1;
  r.set_labels(Categorical{codes, {"a", "b"}});
  return r;
}

TEST(ParseWindowPlan, SlidingInBinsOrSeconds) {
  const Recording rec = labelled(24000);
  EXPECT_EQ(parse_window_plan(rec, "sliding:2400:1200").size(), 19u);
  const WindowPlan p = parse_window_plan(rec, "sliding:2min:60s");
  EXPECT_EQ(p.size(), 19u);
  EXPECT_EQ(p.description(), "sliding:2400:1200");
}

TEST(ParseWindowPlan, SegmentsWithMinimumLengthAndMode) {
  const Recording rec = labelled(100);
  EXPECT_EQ(parse_window_plan(rec, "segments").description(), "segments:1:contiguous");
  EXPECT_EQ(parse_window_plan(rec, "segments").size(), 3u);  // a, (gap), a, b
  EXPECT_EQ(parse_window_plan(rec, "segments:1:concatenated").size(), 2u);
  EXPECT_EQ(parse_window_plan(rec, "segments:1s").size(), 2u);  // 20 bins: the 1-bin run goes
}

TEST(ParseWindowPlan, ExplicitRangesFromAFileWhosePathHasAColon) {
  const auto path = std::filesystem::temp_directory_path() / "tavrnn:windows.csv";
  std::ofstream(path) << "start,stop\n10,20\n0,5\n";
  const WindowPlan p = parse_window_plan(labelled(100), "explicit:" + path.string());
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p.windows()[1].ranges[0].end, 5u);
  std::filesystem::remove(path);
}

// Found by fuzz/csv_windows_fuzzer: 1e308 was cast to a bin index (UB).
TEST(ParseWindowPlan, ExplicitRangesBeyondAnyBinIndexAreAClearError) {
  const auto path = std::filesystem::temp_directory_path() / ("tavrnn-huge-windows-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "1e308,1\n0.5,1.5\n";
  try {
    read_window_ranges(path.string(), 0.025);
    ADD_FAILURE() << "read 1e308 as a bin index";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 1: column 'start': expected a whole bin index >= 0 (at most 2^53), "
                                         "found 1e+308"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove(path);
}

TEST(ParseWindowPlan, MalformedSpecsNameTheProblem) {
  const Recording rec = labelled(100);
  for (const char* bad : {"slide:10:5", "sliding:10", "sliding:10:5:2", "segments:3:sideways",
                          "explicit:", "sliding:x:5"}) {
    try {
      parse_window_plan(rec, bad);
      ADD_FAILURE() << "expected an error for " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("`windows`"), std::string::npos) << e.what();
    }
  }
}

TEST(ParseIndexList, CommaSeparatedIndices) {
  EXPECT_EQ(parse_index_list("5,14,17,0,9,8", "--select"),
            (std::vector<std::size_t>{5, 14, 17, 0, 9, 8}));
  EXPECT_THROW(parse_index_list("5,,6", "--select"), Error);
  EXPECT_THROW(parse_index_list("-1", "--select"), Error);
  EXPECT_THROW(parse_index_list("3a", "--select"), Error);
}

}  // namespace
}  // namespace tavrnn
