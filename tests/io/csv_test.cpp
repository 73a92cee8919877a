#include "tavrnn/io/csv.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "tavrnn/util/error.h"
#include "error_message.h"

namespace tavrnn::io {
namespace {
namespace fs = std::filesystem;

// The message of the Error that `f` throws, or "" when it does not throw.
using test_support::error_of;

class CsvFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("tavrnn_csv_") + info->test_suite_name() + "_" +
                                        info->name() + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  fs::path dir_;
};

using SpikeTimesCsv = CsvFiles;
using CountsCsv = CsvFiles;
using LabelsCsv = CsvFiles;

TEST(Csv, QuotedFieldKeepsEmbeddedComma) {
  const CsvTable t = parse_csv("unit,time_s\n\"tetrode 1, cell 2\",0.5\n", "x.csv");
  ASSERT_EQ(t.rows.size(), 1u);
  ASSERT_EQ(t.rows[0].fields.size(), 2u);
  EXPECT_EQ(t.rows[0].fields[0], "tetrode 1, cell 2");
  EXPECT_EQ(t.rows[0].fields[1], "0.5");
}

TEST(Csv, DoubledQuoteInsideQuotesIsOneQuote) {
  const CsvTable t = parse_csv("a,b\n\"say \"\"hi\"\"\",\"\"\n", "x.csv");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].fields[0], "say \"hi\"");
  EXPECT_EQ(t.rows[0].fields[1], "");
}

TEST(Csv, QuotedFieldKeepsEmbeddedNewlineAndLaterRowsKeepTheirLine) {
  const CsvTable t = parse_csv("name,v\n\"two\nlines\",1\nnext,2\n", "x.csv");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields[0], "two\nlines");
  EXPECT_EQ(t.rows[0].line, 2u);
  EXPECT_EQ(t.rows[1].line, 4u);
}

TEST(Csv, CrlfLineEndsAreAccepted) {
  const CsvTable t = parse_csv("a,b\r\n1,2\r\n\r\n3,4\r\n", "x.csv");
  ASSERT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(t.rows[1].fields, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(t.rows[1].line, 4u);
}

TEST(Csv, Utf8ByteOrderMarkIsSkipped) {
  const CsvTable t = parse_csv("\xEF\xBB\xBFunit,time_s\n0,1\n", "x.csv");
  ASSERT_EQ(t.header.size(), 2u);
  EXPECT_EQ(t.header[0], "unit");
}

TEST(Csv, BlankAndCommentLinesAreSkippedButCountedForLineNumbers) {
  const CsvTable t = parse_csv("# made by a script\n\n1,2\n   \n# another\n3,4", "x.csv");
  EXPECT_TRUE(t.header.empty());
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].line, 3u);
  EXPECT_EQ(t.rows[1].line, 6u);
  EXPECT_EQ(t.rows[1].fields, (std::vector<std::string>{"3", "4"}));
}

TEST(Csv, HashInsideQuotesOrAfterFirstCharacterIsData) {
  const CsvTable t = parse_csv("\"a\nb\n#c\",1\nx#,2\n", "x.csv", CsvHeader::Absent);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields[0], "a\nb\n#c");
  EXPECT_EQ(t.rows[1].fields[0], "x#");
}

TEST(Csv, UnterminatedQuoteNamesTheLineWhereTheFieldStarts) {
  const std::string message =
      error_of([] { parse_csv("a,b\n1,2\n3,\"open\nmore\nstill\n", "spikes.csv"); });
  EXPECT_NE(message.find("reading spikes.csv line 3:"), std::string::npos) << message;
  EXPECT_NE(message.find("closing quote"), std::string::npos) << message;
}

TEST(Csv, TextAfterClosingQuoteIsAnError) {
  const std::string message = error_of([] { parse_csv("\"ab\"c,1\n", "x.csv"); });
  EXPECT_NE(message.find("line 1"), std::string::npos) << message;
  EXPECT_NE(message.find("found 'c'"), std::string::npos) << message;
}

TEST(Csv, UnquotedFieldsAreTrimmedQuotedFieldsKeepSpaces) {
  const CsvTable t = parse_csv("  a , \" b \" ,c\n", "x.csv", CsvHeader::Absent);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].fields, (std::vector<std::string>{"a", " b ", "c"}));
}

TEST(Csv, AutoHeaderWhenAnyFieldIsNotANumber) {
  EXPECT_EQ(parse_csv("0,time\n1,2\n", "x.csv").header.size(), 2u);
  const CsvTable numeric = parse_csv("0,1e-3\n1,2\n", "x.csv");
  EXPECT_TRUE(numeric.header.empty());
  EXPECT_EQ(numeric.rows.size(), 2u);
}

TEST(Csv, HeaderPresentOrAbsentOverridesDetection) {
  EXPECT_EQ(parse_csv("0,1\n2,3\n", "x.csv", CsvHeader::Present).rows.size(), 1u);
  EXPECT_EQ(parse_csv("a,b\n2,3\n", "x.csv", CsvHeader::Absent).rows.size(), 2u);
}

TEST(Csv, TabDelimiterAndTrailingEmptyField) {
  const CsvTable t = parse_csv("1\t\"x,y\"\t\n", "x.tsv", CsvHeader::Absent, '\t');
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].fields, (std::vector<std::string>{"1", "x,y", ""}));
}

TEST(CsvNumber, AcceptsExponentsSpacesSignsNanAndInf) {
  EXPECT_DOUBLE_EQ(parse_csv_number("1e-3", "f", 1, 1), 1e-3);
  EXPECT_DOUBLE_EQ(parse_csv_number("  2.5 ", "f", 1, 1), 2.5);
  EXPECT_DOUBLE_EQ(parse_csv_number("+4", "f", 1, 1), 4.0);
  EXPECT_DOUBLE_EQ(parse_csv_number("-0.125", "f", 1, 1), -0.125);
  EXPECT_TRUE(std::isnan(parse_csv_number("nan", "f", 1, 1)));
  EXPECT_TRUE(std::isnan(parse_csv_number("NaN", "f", 1, 1)));
  EXPECT_TRUE(std::isinf(parse_csv_number("inf", "f", 1, 1)));
  EXPECT_TRUE(std::isinf(parse_csv_number("1e400", "f", 1, 1)));
  EXPECT_EQ(parse_csv_number("1e-400", "f", 1, 1), 0.0);
}

TEST(CsvNumber, RejectsPartialNumbersNamingFileLineAndColumn) {
  EXPECT_EQ(error_of([] { parse_csv_number("1.5s", "spikes.csv", 17, 2); }),
            "reading spikes.csv line 17 column 2: expected a number, found '1.5s'");
  EXPECT_NE(error_of([] { parse_csv_number("", "f", 1, 1); }), "");
  EXPECT_NE(error_of([] { parse_csv_number("0x10", "f", 1, 1); }), "");
  EXPECT_NE(error_of([] { parse_csv_number("1,5", "f", 1, 1); }), "");
  EXPECT_NE(error_of([] { parse_csv_number("1 2", "f", 1, 1); }), "");
}

TEST_F(SpikeTimesCsv, HeaderedFileGroupsUnitsInOrderOfFirstAppearance) {
  const auto path = write("s.csv", "unit,time_s\n7,0.5\n3,0.1\n7,0.75\n3,0.2\n");
  const SpikeTrains trains = read_spike_times_csv(path, true);
  ASSERT_EQ(trains.unit_ids, (std::vector<std::string>{"7", "3"}));
  EXPECT_EQ(trains.times_s[0], (std::vector<double>{0.5, 0.75}));
  EXPECT_EQ(trains.times_s[1], (std::vector<double>{0.1, 0.2}));
}

TEST_F(SpikeTimesCsv, HeaderlessRowsWithTextUnitIdsAreAllData) {
  const auto path = write("s.csv", "a,0.1\nb,0.2\na,0.3\n");
  const SpikeTrains trains = read_spike_times_csv(path);
  ASSERT_EQ(trains.unit_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(trains.times_s[0], (std::vector<double>{0.1, 0.3}));
}

TEST_F(SpikeTimesCsv, QuotedUnitIdsMayContainCommas) {
  const auto path =
      write("s.csv", "unit,time_s\r\n\"CA1, tetrode 2\",1.5\r\n\"CA1, tetrode 3\",2\r\n");
  const SpikeTrains trains = read_spike_times_csv(path);
  ASSERT_EQ(trains.unit_ids, (std::vector<std::string>{"CA1, tetrode 2", "CA1, tetrode 3"}));
  EXPECT_EQ(trains.times_s[1], (std::vector<double>{2.0}));
}

TEST_F(SpikeTimesCsv, ColumnsAreFoundByNameInAnyOrderOrWiderHeader) {
  const SpikeTrains swapped = read_spike_times_csv(write("a.csv", "time_s,unit\n0.5,u1\n"));
  EXPECT_EQ(swapped.unit_ids, (std::vector<std::string>{"u1"}));
  EXPECT_EQ(swapped.times_s[0], (std::vector<double>{0.5}));
  const SpikeTrains wide =
      read_spike_times_csv(write("b.csv", "amplitude,spike_time,cluster\n80,0.25,4\n90,0.5,4\n"));
  EXPECT_EQ(wide.unit_ids, (std::vector<std::string>{"4"}));
  EXPECT_EQ(wide.times_s[0], (std::vector<double>{0.25, 0.5}));
  EXPECT_NE(error_of([&] {
              read_spike_times_csv(write("c.csv", "a,b,c\n1,2,3\n"));
            }).find("line 1: expected a header with columns unit and time_s"),
            std::string::npos);
}

TEST_F(SpikeTimesCsv, WrongColumnCountNamesLine) {
  const auto path = write("spikes.csv", "unit,time_s\n0,0.1\n0,0.2,9\n");
  EXPECT_EQ(error_of([&] { read_spike_times_csv(path); }),
            "reading " + path.string() + " line 3: expected 2 columns (unit,time_s), found 3");
  const auto one = write("one.csv", "0,0.1\n0\n");
  EXPECT_NE(error_of([&] { read_spike_times_csv(one); }).find("line 2: expected 2 columns"),
            std::string::npos);
}

TEST_F(SpikeTimesCsv, UnsortedTimesAreSortedWhenNotRequired) {
  const auto path = write("s.csv", "unit,time_s\n0,0.3\n1,0.05\n0,0.1\n0,0.2\n");
  const SpikeTrains trains = read_spike_times_csv(path, false);
  EXPECT_EQ(trains.times_s[0], (std::vector<double>{0.1, 0.2, 0.3}));
}

TEST_F(SpikeTimesCsv, UnsortedTimesNameUnitAndLineWhenSortingIsRequired) {
  // Unit 1 interleaves with unit 0 without being out of order itself.
  const auto path = write("s.csv", "unit,time_s\n0,0.3\n1,0.05\n1,0.4\n0,0.1\n");
  const std::string message = error_of([&] { read_spike_times_csv(path, true); });
  EXPECT_NE(message.find(
                "line 5: unit '0': expected spike times in ascending order, found 0.1 after 0.3"),
            std::string::npos)
      << message;
}

TEST_F(SpikeTimesCsv, NegativeOrNanTimeNamesLine) {
  const auto negative = write("n.csv", "unit,time_s\n0,0.1\n0,-0.5\n");
  EXPECT_NE(error_of([&] {
              read_spike_times_csv(negative);
            }).find("line 3 column 2: expected a finite spike time >= 0, found '-0.5'"),
            std::string::npos);
  const auto nan = write("nan.csv", "unit,time_s\n0,nan\n");
  EXPECT_NE(error_of([&] { read_spike_times_csv(nan); }).find("line 2 column 2"),
            std::string::npos);
  const auto text = write("t.csv", "unit,time_s\n0,0.1\n0,soon\n");
  EXPECT_NE(error_of([&] {
              read_spike_times_csv(text);
            }).find("line 3 column 2: expected a number, found 'soon'"),
            std::string::npos);
}

TEST_F(SpikeTimesCsv, EmptyOrHeaderOnlyFileSaysNoRows) {
  const auto empty = write("empty.csv", "");
  EXPECT_EQ(error_of([&] { read_spike_times_csv(empty); }),
            "reading " + empty.string() + ": expected spike times (unit,time_s), found no rows");
  const auto header_only = write("h.csv", "unit,time_s\n# nothing yet\n");
  EXPECT_NE(error_of([&] { read_spike_times_csv(header_only); }).find("found no rows"),
            std::string::npos);
}

TEST_F(SpikeTimesCsv, MissingFileOrDirectoryIsAnErrorNamingIt) {
  EXPECT_NE(error_of([&] { read_spike_times_csv(dir_ / "absent.csv"); }).find("absent.csv"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_spike_times_csv(dir_); }).find("directory"), std::string::npos);
}

TEST(Csv, RowsAreTheSameWhateverPiecesTheTextArrivesIn) {
  // A BOM, CRLF and lone CR line ends, a comment, a blank line, quotes
  // holding commas, doubled quotes and a CRLF, a last row without a line end:
  // every piece size (down to one byte, which splits the BOM, every CRLF
  // and every doubled quote) gives the rows of the whole text.
  const std::string text =
      "\xEF\xBB\xBFunit,time_s\r\n# sorted\r\n\r\n\"a, \"\"x\"\"\",0.5\r\n"
      "\"two\r\nlines\",1\rb , 2\n c,\"3\"";
  const std::vector<CsvRow> whole = parse_csv(text, "whole", CsvHeader::Absent).rows;
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[1].fields, (std::vector<std::string>{"a, \"x\"", "0.5"}));
  EXPECT_EQ(whole[2].fields[0], "two\r\nlines");
  EXPECT_EQ(whole[4].line, 8u);  // the quoted CRLF is a line of the file
  for (std::size_t piece = 1; piece <= text.size(); ++piece) {
    const std::vector<CsvRow> rows = detail::parse_csv_rows_in_pieces(text, piece);
    ASSERT_EQ(rows.size(), whole.size()) << piece;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      EXPECT_EQ(rows[r].fields, whole[r].fields) << "piece " << piece << " row " << r;
      EXPECT_EQ(rows[r].line, whole[r].line) << "piece " << piece << " row " << r;
    }
  }
}

TEST_F(SpikeTimesCsv, StreamedBinningEqualsReadingThenBinning) {
  const auto path = write("s.csv", "cluster,amplitude,spike_time\n7,1,0.5\n3,1,0.1\n7,1,0.75\n"
                                   "3,2,0.2\n9,1,2.0\n7,3,2.0\n");
  for (const BinningOptions& options :
       {BinningOptions{0.25, {}, {}}, BinningOptions{0.1, 0.2, 1.0}, BinningOptions{1.0, {}, 5.0}}) {
    const SpikeTrains trains = read_spike_times_csv(path, true);
    const Activity expected = bin_spike_trains(trains, options, path.string());
    const SpikeCounts streamed = bin_spike_times_csv(path, options);
    EXPECT_EQ(streamed.unit_ids, trains.unit_ids);
    EXPECT_EQ(streamed.activity.n_bins(), expected.n_bins());
    EXPECT_EQ(streamed.activity.to_doubles(), expected.to_doubles());
  }
  // The same checks, with the same messages.
  for (const std::string& text : {std::string("unit,time_s\n0,0.3\n1,0.05\n1,0.4\n0,0.1\n"),
                                  std::string("unit,time_s\n0,0.1\n0,-0.5\n"), std::string(""),
                                  std::string("a,b,c\n1,2,3\n"), std::string("unit,time_s\n0,1\n0,1,2\n")}) {
    const auto bad = write("bad.csv", text);
    const std::string message = error_of([&] { bin_spike_times_csv(bad, BinningOptions{}); });
    EXPECT_NE(message, "") << text;
    EXPECT_EQ(message, error_of([&] { read_spike_times_csv(bad, true); })) << text;
  }
  EXPECT_NE(error_of([&] { bin_spike_times_csv(dir_, BinningOptions{}); }).find("directory"),
            std::string::npos);
}

TEST_F(SpikeTimesCsv, OnlyTheStartOfAFileIsReadForItsHeader) {
  // The header of a file whose later rows are broken: found without reading them.
  std::string text = "unit,time_s\n";
  for (int k = 0; k < 20000; ++k) text += "0," + std::to_string(k) + "\n";
  text += "\"unterminated\n";
  const auto path = write("big.csv", text);
  EXPECT_EQ(read_csv_header(path), (std::vector<std::string>{"unit", "time_s"}));
  EXPECT_NE(error_of([&] { read_csv(path); }).find("closing quote"), std::string::npos);
  EXPECT_TRUE(read_csv_header(write("n.csv", "1,2\n3,4\n")).empty());
}

TEST_F(CountsCsv, HeaderlessRowsAreUnitsAndColumnsAreBins) {
  std::vector<std::string> ids{"stale"};
  const Activity a = read_counts_csv(write("c.csv", "0,1,2\n3,4,5\n"), false, &ids);
  EXPECT_EQ(a.n_units(), 2u);
  EXPECT_EQ(a.n_bins(), 3u);
  EXPECT_EQ(a.at(1, 2), 5.0);
  EXPECT_TRUE(ids.empty());
}

TEST_F(CountsCsv, UnitIdColumnGivesUnitIds) {
  std::vector<std::string> ids;
  const Activity a =
      read_counts_csv(write("c.csv", "unit_id,b0,b1\n\"CA1, 3\",1,2\nCA3,0,4\n"), false, &ids);
  EXPECT_EQ(ids, (std::vector<std::string>{"CA1, 3", "CA3"}));
  EXPECT_EQ(a.n_bins(), 2u);
  EXPECT_EQ(a.at(1, 1), 4.0);
}

TEST_F(CountsCsv, TimeMajorRowsAreBinsAndHeaderNamesUnits) {
  std::vector<std::string> ids;
  const Activity a = read_counts_csv(write("c.csv", "u0,u1\n1,2\n3,4\n5,6\n"), true, &ids);
  EXPECT_EQ(a.n_units(), 2u);
  EXPECT_EQ(a.n_bins(), 3u);
  EXPECT_EQ(a.at(0, 2), 5.0);
  EXPECT_EQ(a.at(1, 0), 2.0);
  EXPECT_EQ(ids, (std::vector<std::string>{"u0", "u1"}));
  EXPECT_NE(error_of([&] {
              read_counts_csv(write("d.csv", "unit,a\n0,1\n"), true, nullptr);
            }).find("line 1: expected no unit-id column"),
            std::string::npos);
}

TEST_F(CountsCsv, PandasIndexColumnIsUnitIds) {
  std::vector<std::string> ids;
  const Activity a = read_counts_csv(write("c.csv", ",0,1\nn1,1,2\nn2,3,4\n"), false, &ids);
  EXPECT_EQ(ids, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(a.n_bins(), 2u);
}

TEST_F(CountsCsv, RaggedRowNamesLineAndBothCounts) {
  const auto path = write("c.csv", "1,2,3,4\n# unit 1\n5,6,7\n");
  EXPECT_EQ(error_of([&] { read_counts_csv(path, false, nullptr); }),
            "reading " + path.string() + " line 3: expected 4 columns (as in line 1), found 3");
}

TEST_F(CountsCsv, NanInfAndNegativeCountsNameLineAndColumn) {
  const auto nan = write("nan.csv", "1,2\n3,NaN\n");
  EXPECT_NE(error_of([&] {
              read_counts_csv(nan, false, nullptr);
            }).find("line 2 column 2: expected a finite count >= 0, found NaN"),
            std::string::npos);
  const auto negative = write("neg.csv", "unit,a,b\nx,1,-2\n");
  EXPECT_NE(error_of([&] {
              read_counts_csv(negative, false, nullptr);
            }).find("line 2 column 3: expected a finite count >= 0, found negative count -2"),
            std::string::npos);
  const auto inf = write("inf.csv", "inf\n");
  EXPECT_NE(error_of([&] { read_counts_csv(inf, false, nullptr); }).find("found infinity"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_counts_csv(write("e.csv", "\n\n"), true, nullptr);
            }).find("found no rows"),
            std::string::npos);
}

TEST_F(LabelsCsv, LabelColumnGivesOneCodePerRowAndEmptyIsUnlabelled) {
  const auto path = write("l.csv", "bin,label,speed\n0,run,1\n1,rest,0\n2,,0\n3,run,2\n");
  const Categorical labels = read_labels_csv(path);
  EXPECT_EQ(labels.names, (std::vector<std::string>{"run", "rest"}));
  EXPECT_EQ(labels.codes, (std::vector<int>{0, 1, Categorical::kMissing, 0}));
}

TEST_F(LabelsCsv, WithoutLabelColumnTheLastColumnIsUsed) {
  const Categorical labels = read_labels_csv(write("l.csv", "bin,state\n0,far\n1,near\n2,far\n"));
  EXPECT_EQ(labels.codes.size(), 3u);
  EXPECT_EQ(labels.names, (std::vector<std::string>{"far", "near"}));
  EXPECT_EQ(labels.codes, (std::vector<int>{0, 1, 0}));
}

TEST_F(LabelsCsv, HeaderlessSingleColumnKeepsEveryRow) {
  const Categorical labels = read_labels_csv(write("l.csv", "near\nfar\n\"\"\nnear\n"));
  EXPECT_EQ(labels.codes, (std::vector<int>{0, 1, Categorical::kMissing, 0}));
}

TEST_F(LabelsCsv, EmptyFileOrWrongColumnCountIsAnError) {
  EXPECT_NE(error_of([&] { read_labels_csv(write("e.csv", "")); }).find("found no rows"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_labels_csv(write("w.csv", "bin,label\n0,a\n1\n"));
            }).find("line 3: expected 2 columns, found 1"),
            std::string::npos);
}

}  // namespace
}  // namespace tavrnn::io
