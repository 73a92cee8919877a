#pragma once
// From spike times to counts, and from sampled behaviour to bins.
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tavrnn/recording/recording.h"

namespace tavrnn {

// Spike times per unit, in seconds. Each unit's times must be finite, >= 0
// and sorted ascending (validate() says which unit and index is not).
struct SpikeTrains {
  std::vector<std::string> unit_ids;
  std::vector<std::vector<double>> times_s;
  void validate(const std::string& origin) const;
};

struct BinningOptions {
  double bin_width_s = 0.025;
  std::optional<double> start_s;  // default: 0
  std::optional<double> stop_s;   // default: the last spike (inclusive)
};

// Counts in half-open bins [start + b w, start + (b+1) w); spikes outside
// [start, stop) are dropped. B = ceil((stop - start) / w) with a tolerance
// of 1e-9 bins so that 10.0 s at 25 ms is 400 bins, not 401.
Activity bin_spike_trains(const SpikeTrains& trains, const BinningOptions& options,
                          const std::string& origin);

// The same binning one spike at a time, for readers that stream spike
// times from a file instead of holding them (tens of millions of spikes).
// `last_spike_s` is the latest spike (the default stop), nullopt when the
// source holds none; spikes are added in any order.
class SpikeBinner {
 public:
  SpikeBinner(std::size_t n_units, const BinningOptions& options,
              std::optional<double> last_spike_s, const std::string& origin);
  void add(std::size_t unit, double time_s);
  std::size_t n_bins() const { return n_bins_; }
  Activity finish() && { return std::move(activity_); }

 private:
  double start_ = 0.0;
  double stop_ = 0.0;
  double bin_width_ = 0.0;
  bool stop_is_last_spike_ = false;
  std::size_t n_bins_ = 0;
  Activity activity_;
};

// A signal sampled at its own times (e.g. video position at 60 Hz).
// A sample or bin without a value (tracking gap, outside the signal's span).
inline constexpr double kMissingSample = std::numeric_limits<double>::quiet_NaN();

struct SampledSignal {
  std::vector<double> times_s;  // ascending
  std::size_t n_dims = 1;
  std::vector<double> values;   // samples x dims, row-major; NaN = missing
  std::vector<std::string> names;
};

enum class ResampleMethod {
  BinMean,       // mean of the samples inside each bin; linear interpolation if none
  Interpolate,   // linear interpolation at the bin centre
};

// Resamples onto n_bins bins of width bin_width_s starting at start_s.
// Bins outside the signal's time span, or whose samples are all NaN, get NaN.
// Times must be ascending; samples sharing a time are averaged into one.
Behaviour resample_onto_bins(const SampledSignal& signal, std::size_t n_bins,
                             double bin_width_s, double start_s, ResampleMethod method);

// A labelled range [low, high) of a continuous variable; `closed_high`
// makes it [low, high] (the rat setting's last range [1.4, 1.6] m).
struct LabelledRange {
  std::string name;
  double low = 0.0;
  double high = 0.0;
  bool closed_high = false;
  // A bound written "15%" is a percentage of the values' span (min to max of
  // the finite values): resolve_percent_bounds turns it into a value.
  bool low_percent = false;
  bool high_percent = false;
};

// One label per value: the first range containing it, else unlabelled (NaN
// is unlabelled). Ranges must have low < high; they may not overlap.
Categorical discretise(const std::vector<double>& values, const std::vector<LabelledRange>& ranges);

// Parses "near:0:0.2,far:1.4:1.6]" -> ranges; a trailing ']' closes a range.
// A bound may be a percentage of the span, "start:0%:15%,end:85%:100%]".
std::vector<LabelledRange> parse_labelled_ranges(const std::string& text);

// Percent bounds made values: p% is min + p/100 (max - min) over the finite
// `values` (0% is exactly the minimum, 100% the maximum). Throws when a
// percent bound is given and no value is finite, or the span is empty.
std::vector<LabelledRange> resolve_percent_bounds(std::vector<LabelledRange> ranges,
                                                  const std::vector<double>& values,
                                                  const std::string& what);

}  // namespace tavrnn
