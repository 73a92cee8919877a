#include "tavrnn/recording/binning.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tavrnn/util/error.h"
#include "error_message.h"

namespace tavrnn {
namespace {


using test_support::error_of;

SpikeTrains two_units(std::vector<double> a, std::vector<double> b) {
  return SpikeTrains{{"a", "b"}, {std::move(a), std::move(b)}};
}

TEST(Binning, TenSecondsAt25msIs400Bins) {
  BinningOptions options;
  options.bin_width_s = 0.025;
  options.stop_s = 10.0;
  const Activity a = bin_spike_trains(two_units({0.0, 9.99}, {5.0}), options, "test");
  EXPECT_EQ(a.n_bins(), 400u);
  EXPECT_EQ(a.n_units(), 2u);
  EXPECT_EQ(a.at(0, 0), 1.0);
  EXPECT_EQ(a.at(0, 399), 1.0);
  EXPECT_EQ(a.at(1, 200), 1.0);
}

TEST(Binning, BinsAreHalfOpenSoAnEdgeSpikeGoesToTheLaterBin) {
  BinningOptions options;
  options.bin_width_s = 0.5;
  options.stop_s = 2.0;
  const Activity a = bin_spike_trains(two_units({0.49, 0.5, 0.5, 1.2}, {}), options, "test");
  ASSERT_EQ(a.n_bins(), 4u);
  EXPECT_EQ(a.at(0, 0), 1.0);
  EXPECT_EQ(a.at(0, 1), 2.0);
  EXPECT_EQ(a.at(0, 2), 1.0);
  EXPECT_EQ(a.at(1, 0) + a.at(1, 1) + a.at(1, 2) + a.at(1, 3), 0.0);
}

TEST(Binning, DefaultStopCountsTheLastSpikeInTheLastBin) {
  BinningOptions options;
  options.bin_width_s = 0.025;
  const Activity a = bin_spike_trains(two_units({1.0, 10.0}, {3.0}), options, "test");
  EXPECT_EQ(a.n_bins(), 400u);
  EXPECT_EQ(a.at(0, 399), 1.0);
  double total = 0.0;
  for (double v : a.to_doubles()) total += v;
  EXPECT_EQ(total, 3.0);
}

TEST(Binning, ExplicitStopIsExclusiveAndStartDropsEarlierSpikes) {
  BinningOptions options;
  options.bin_width_s = 1.0;
  options.start_s = 1.0;
  options.stop_s = 3.0;
  const Activity a = bin_spike_trains(two_units({0.5, 1.0, 2.5, 3.0}, {}), options, "test");
  ASSERT_EQ(a.n_bins(), 2u);
  EXPECT_EQ(a.at(0, 0), 1.0);
  EXPECT_EQ(a.at(0, 1), 1.0);
}

TEST(Binning, OneSpikeAtStartGivesOneBin) {
  const Activity a = bin_spike_trains(two_units({0.0}, {}), BinningOptions{}, "test");
  EXPECT_EQ(a.n_bins(), 1u);
  EXPECT_EQ(a.at(0, 0), 1.0);
}

TEST(Binning, InvalidOptionsAreErrors) {
  const SpikeTrains trains = two_units({0.1, 0.2}, {});
  BinningOptions zero_width;
  zero_width.bin_width_s = 0.0;
  EXPECT_NE(error_of([&] {
              bin_spike_trains(trains, zero_width, "rec.csv");
            }).find("rec.csv: bin_width_s: expected a positive number of seconds, found 0"),
            std::string::npos);
  BinningOptions nan_width;
  nan_width.bin_width_s = kMissingSample;
  EXPECT_NE(error_of([&] { bin_spike_trains(trains, nan_width, "r"); }), "");
  BinningOptions backwards;
  backwards.start_s = 2.0;
  backwards.stop_s = 1.0;
  EXPECT_NE(
      error_of([&] { bin_spike_trains(trains, backwards, "r"); }).find("expected stop_s > start_s"),
      std::string::npos);
  BinningOptions after_last;
  after_last.start_s = 5.0;
  EXPECT_NE(error_of([&] { bin_spike_trains(trains, after_last, "r"); }), "");
  EXPECT_NE(error_of([&] {
              bin_spike_trains(two_units({}, {}), BinningOptions{}, "r");
            }).find("at least one spike"),
            std::string::npos);
}

TEST(Binning, NoSpikesWithExplicitStopGiveZeroCounts) {
  BinningOptions options;
  options.bin_width_s = 0.1;
  options.stop_s = 1.0;
  const Activity a = bin_spike_trains(two_units({}, {}), options, "test");
  EXPECT_EQ(a.n_bins(), 10u);
  for (double v : a.to_doubles()) EXPECT_EQ(v, 0.0);
}

TEST(SpikeTrains, ValidateNamesTheUnitAndSpikeIndex) {
  EXPECT_EQ(error_of([] {
              two_units({0.1, 0.3}, {0.2, 0.1}).validate("s.csv");
            }),
            "s.csv: unit 'b' spike 1: expected times in ascending order, found 0.1 after 0.2");
  EXPECT_NE(error_of([] { two_units({-1.0}, {}).validate("s"); }).find("unit 'a' spike 0"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              two_units({0.0, kMissingSample}, {}).validate("s");
            }).find("spike 1"),
            std::string::npos);
  EXPECT_NE(error_of([] { SpikeTrains{{"a"}, {}}.validate("s"); }), "");
}

// Position sampled at 60 Hz from t = 4 ms, value k^2 at sample k, so a
// bin mean differs from a value at the bin centre.
SampledSignal video_signal(std::size_t n) {
  SampledSignal s;
  for (std::size_t k = 0; k < n; ++k) {
    s.times_s.push_back(0.004 + static_cast<double>(k) / 60.0);
    s.values.push_back(static_cast<double>(k * k));
  }
  s.names = {"x"};
  return s;
}

TEST(Resample, BinMeanOf60HzSignalOnto25msBinsMatchesHandComputation) {
  // Sample times 4, 20.7, 37.3, 54, 70.7, 87.3, 104, 120.7, 137.3 ms:
  // bins [0,25) [25,50) [50,75) [75,100) [100,125) [125,150) ms hold samples
  // {0,1} {2} {3,4} {5} {6,7} {8}.
  const Behaviour b = resample_onto_bins(video_signal(10), 6, 0.025, 0.0, ResampleMethod::BinMean);
  ASSERT_EQ(b.n_dims, 1u);
  ASSERT_EQ(b.values.size(), 6u);
  const std::vector<double> expected{0.5, 4.0, 12.5, 25.0, 42.5, 64.0};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(b.values[i], expected[i], 1e-12) << i;
  EXPECT_EQ(b.names, (std::vector<std::string>{"x"}));
}

TEST(Resample, InterpolateReadsTheSignalAtBinCentres) {
  // Centre 12.5 ms lies 0.51 of the way from sample 0 to 1 -> 0.51;
  // centre 37.5 ms lies 0.01 of the way from sample 2 (4) to 3 (9) -> 4.05.
  const Behaviour b =
      resample_onto_bins(video_signal(10), 2, 0.025, 0.0, ResampleMethod::Interpolate);
  EXPECT_NEAR(b.values[0], 0.51, 1e-9);
  EXPECT_NEAR(b.values[1], 4.05, 1e-9);
}

TEST(Resample, BinWithoutSamplesIsInterpolatedAtItsCentre) {
  SampledSignal s = video_signal(10);
  s.times_s.erase(s.times_s.begin() + 2);  // bin [25, 50) ms now has no sample
  s.values.erase(s.values.begin() + 2);
  const Behaviour b = resample_onto_bins(s, 3, 0.025, 0.0, ResampleMethod::BinMean);
  // Between sample 1 (20.67 ms, 1) and 3 (54 ms, 9): (37.5 - 20.67) / 33.33 = 0.505.
  EXPECT_NEAR(b.values[1], 1.0 + 0.505 * 8.0, 1e-9);
}

TEST(Resample, BinWhoseSamplesAreAllMissingIsNaN) {
  SampledSignal s = video_signal(10);
  s.values[2] = kMissingSample;
  s.values[3] = kMissingSample;  // one of the two samples of bin 2
  const Behaviour b = resample_onto_bins(s, 3, 0.025, 0.0, ResampleMethod::BinMean);
  EXPECT_TRUE(std::isnan(b.values[1]));
  EXPECT_DOUBLE_EQ(b.values[2], 16.0);
}

TEST(Resample, BinsOutsideTheSignalSpanAreNaN) {
  const Behaviour b =
      resample_onto_bins(video_signal(10), 10, 0.025, -0.025, ResampleMethod::BinMean);
  EXPECT_TRUE(std::isnan(b.values[0]));  // [-25, 0) ms, before the first sample
  EXPECT_DOUBLE_EQ(b.values[1], 0.5);
  EXPECT_TRUE(std::isnan(b.values[9]));  // [200, 225) ms, after the last (154 ms)
  const Behaviour c =
      resample_onto_bins(video_signal(10), 10, 0.025, -0.025, ResampleMethod::Interpolate);
  EXPECT_TRUE(std::isnan(c.values[0]));
  EXPECT_TRUE(std::isnan(c.values[8]));  // centre 187.5 ms
}

TEST(Resample, TwoDimensionsAreResampledIndependently) {
  SampledSignal s;
  s.times_s = {0.0, 0.1, 0.2};
  s.n_dims = 2;
  s.values = {0.0, 10.0, 1.0, 20.0, 2.0, kMissingSample};
  const Behaviour b = resample_onto_bins(s, 2, 0.1, 0.0, ResampleMethod::BinMean);
  ASSERT_EQ(b.values.size(), 4u);
  EXPECT_DOUBLE_EQ(b.values[0], 0.0);
  EXPECT_DOUBLE_EQ(b.values[1], 10.0);
  EXPECT_DOUBLE_EQ(b.values[2], 1.0);
  EXPECT_DOUBLE_EQ(b.values[3], 20.0);
}

TEST(Resample, UnorderedTimesOrBadSizesAreErrors) {
  SampledSignal s = video_signal(4);
  std::swap(s.times_s[1], s.times_s[2]);
  EXPECT_NE(error_of([&] {
              resample_onto_bins(s, 2, 0.025, 0.0, ResampleMethod::BinMean);
            }).find("sample 2: expected times in ascending order"),
            std::string::npos);
  SampledSignal short_values = video_signal(4);
  short_values.values.pop_back();
  EXPECT_NE(
      error_of([&] { resample_onto_bins(short_values, 2, 0.025, 0.0, ResampleMethod::BinMean); }),
      "");
  EXPECT_NE(
      error_of([&] { resample_onto_bins(video_signal(4), 2, 0.0, 0.0, ResampleMethod::BinMean); }),
      "");
}

TEST(Discretise, RatTrackRangesGiveThreeClasses) {
  const auto ranges = parse_labelled_ranges("near:0:0.2,middle:0.7:0.9,far:1.4:1.6]");
  const std::vector<double> position{0.0, 0.1, 0.2, 0.5,  0.7,  0.89,
                                     0.9, 1.4, 1.6, 1.65, kMissingSample, -0.1};
  const Categorical labels = discretise(position, ranges);
  EXPECT_EQ(labels.names, (std::vector<std::string>{"near", "middle", "far"}));
  const int u = Categorical::kMissing;
  EXPECT_EQ(labels.codes, (std::vector<int>{0, 0, u, u, 1, 1, u, 2, 2, u, u, u}));
}

TEST(Discretise, OverlappingOrEmptyRangesAreErrors) {
  EXPECT_NE(error_of([] {
              discretise({}, {{"a", 0.0, 0.5}, {"b", 0.4, 1.0}});
            }).find("overlap"),
            std::string::npos);
  EXPECT_NE(error_of([] { discretise({}, {{"a", 0.0, 0.5, true}, {"b", 0.5, 1.0}}); }), "");
  EXPECT_EQ(error_of([] { discretise({}, {{"a", 0.0, 0.5}, {"b", 0.5, 1.0}}); }), "");
  EXPECT_NE(error_of([] {
              discretise({}, {{"a", 0.5, 0.5}});
            }).find("range 'a': expected finite low < high"),
            std::string::npos);
  EXPECT_NE(error_of([] { discretise({}, {}); }), "");
}

TEST(Discretise, RangesSharingANameShareACode) {
  const Categorical labels = discretise({0.05, 0.5, 0.95}, {{"end", 0.0, 0.1}, {"end", 0.9, 1.0}});
  EXPECT_EQ(labels.names, (std::vector<std::string>{"end"}));
  EXPECT_EQ(labels.codes, (std::vector<int>{0, Categorical::kMissing, 0}));
}

TEST(LabelledRanges, ParsesNamesBoundsAndClosedHigh) {
  const auto ranges = parse_labelled_ranges(" near : 0 : 0.2 , far:1.4e0:1.6] ,back:-1.5:-1)");
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[0].name, "near");
  EXPECT_EQ(ranges[0].high, 0.2);
  EXPECT_FALSE(ranges[0].closed_high);
  EXPECT_EQ(ranges[1].low, 1.4);
  EXPECT_EQ(ranges[1].high, 1.6);
  EXPECT_TRUE(ranges[1].closed_high);
  EXPECT_EQ(ranges[2].low, -1.5);
  EXPECT_FALSE(ranges[2].closed_high);
}

TEST(LabelledRanges, MalformedPieceIsNamedInTheError) {
  EXPECT_NE(error_of([] {
              parse_labelled_ranges("near:0:0.2,far:1.4");
            }).find("piece 'far:1.4': expected name:low:high"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse_labelled_ranges("near:0:zero");
            }).find("piece 'near:0:zero': expected a number for high, found 'zero'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_labelled_ranges(""); }), "");
  EXPECT_NE(error_of([] { parse_labelled_ranges("a:1:0"); }), "");
}

}  // namespace
}  // namespace tavrnn

namespace tavrnn {
namespace {

// A range whose counts would not fit is refused before anything is
// allocated (found by fuzz/csv_spikes_fuzzer: a spike 28 years in).
TEST(Binning, CountsBeyondTheMemoryLimitAreAClearError) {
  ::setenv("TAVRNN_MEMORY_LIMIT_MB", "64", 1);
  BinningOptions options;
  options.bin_width_s = 1.0;
  const std::string message = error_of([&] {
    bin_spike_trains(SpikeTrains{{"a", "b", "c"}, {{0.5}, {1.0}, {888888888.0}}}, options, "spikes.csv");
  });
  ::unsetenv("TAVRNN_MEMORY_LIMIT_MB");
  for (const char* part : {"spikes.csv", "binning 3 units", "888888888 bins", "seconds?", "2.7 GB",
                           "memory limit of 67 MB", "TAVRNN_MEMORY_LIMIT_MB"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " not in: " << message;
  }
  // The same recording within the limit bins as before.
  options.stop_s = 10.0;
  EXPECT_EQ(bin_spike_trains(SpikeTrains{{"a"}, {{0.5}}}, options, "spikes.csv").n_bins(), 10u);
}

}  // namespace
}  // namespace tavrnn
