#include "tavrnn/recording/binning.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include "tavrnn/util/error.h"
#include "tavrnn/util/memory_limit.h"

namespace tavrnn {
namespace {

// Slack, in bins, when counting bins: 10.0 s / 0.025 s is 400.00000000000006
// in floating point, and that must be 400 bins, not 401.
constexpr double kBinTolerance = 1e-9;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void check_bin_width(double bin_width_s, const std::string& what) {
  if (!(bin_width_s > 0.0) || !std::isfinite(bin_width_s)) {
    throw Error(fmt::format("{}: bin_width_s: expected a positive number of seconds, found {}",
                            what, bin_width_s));
  }
}

// Bin of time t; floor, so bin b is [start + b w, start + (b+1) w).
double bin_position(double t, double start_s, double bin_width_s) {
  return std::floor((t - start_s) / bin_width_s);
}

// Linear interpolation of dimension d at time t between the samples either
// side of it. NaN outside [first, last] sample, or when either neighbour is
// missing: a tracking gap stays a gap rather than being bridged.
double interpolate(const SampledSignal& signal, std::size_t d, double t) {
  const auto& times = signal.times_s;
  if (!(t >= times.front() && t <= times.back())) return kMissingSample;
  const std::size_t hi =
      static_cast<std::size_t>(std::upper_bound(times.begin(), times.end(), t) - times.begin());
  if (hi == times.size()) return signal.values[(hi - 1) * signal.n_dims + d];  // t == last
  const std::size_t lo = hi - 1;
  const double v0 = signal.values[lo * signal.n_dims + d];
  if (times[lo] == t) return v0;
  const double v1 = signal.values[hi * signal.n_dims + d];
  const double f = (t - times[lo]) / (times[hi] - times[lo]);
  return v0 + f * (v1 - v0);
}

void check_signal(const SampledSignal& signal) {
  const std::string what = "resampling behaviour onto bins";
  if (signal.n_dims == 0) {
    throw Error(fmt::format("{}: expected at least 1 dimension, found 0", what));
  }
  if (signal.times_s.empty()) {
    throw Error(fmt::format("{}: expected at least 1 sample, found none", what));
  }
  if (signal.values.size() != signal.times_s.size() * signal.n_dims) {
    throw Error(fmt::format("{}: expected {} samples x {} dims = {} values, found {}", what,
                            signal.times_s.size(), signal.n_dims,
                            signal.times_s.size() * signal.n_dims, signal.values.size()));
  }
  if (!signal.names.empty() && signal.names.size() != signal.n_dims) {
    throw Error(fmt::format("{}: expected {} names (one per dimension), found {}", what,
                            signal.n_dims, signal.names.size()));
  }
  for (std::size_t i = 0; i < signal.times_s.size(); ++i) {
    const double t = signal.times_s[i];
    if (!std::isfinite(t)) {
      throw Error(fmt::format("{}: sample {}: expected a finite time, found {}", what, i, t));
    }
    if (i > 0 && t < signal.times_s[i - 1]) {
      throw Error(fmt::format("{}: sample {}: expected times in ascending order, found {} after {}",
                              what, i, t, signal.times_s[i - 1]));
    }
  }
}

std::string describe(const LabelledRange& r) {
  return fmt::format("'{}' [{}, {}{}", r.name, r.low, r.high, r.closed_high ? "]" : ")");
}

void check_ranges(const std::vector<LabelledRange>& ranges, const std::string& what) {
  if (ranges.empty()) throw Error(fmt::format("{}: expected at least one range, found none", what));
  for (const auto& r : ranges) {
    if (r.name.empty()) {
      throw Error(fmt::format("{}: range [{}, {}]: expected a name, found an empty one", what,
                              r.low, r.high));
    }
    if (!std::isfinite(r.low) || !std::isfinite(r.high) || !(r.low < r.high)) {
      throw Error(
          fmt::format("{}: range '{}': expected finite low < high, found low {} and high {}", what,
                      r.name, r.low, r.high));
    }
  }
  std::vector<const LabelledRange*> sorted;
  for (const auto& r : ranges) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(),
            [](const LabelledRange* a, const LabelledRange* b) { return a->low < b->low; });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const LabelledRange& a = *sorted[i - 1];
    const LabelledRange& b = *sorted[i];
    // [0, 0.2) and [0.2, 0.4) touch without sharing a value; [0, 0.2] does not.
    if (b.low < a.high || (b.low == a.high && a.closed_high)) {
      throw Error(fmt::format("{}: expected ranges that do not overlap, found {} and {}", what,
                              describe(a), describe(b)));
    }
  }
}

}  // namespace

void SpikeTrains::validate(const std::string& origin) const {
  if (unit_ids.size() != times_s.size()) {
    throw Error(
        fmt::format("{}: spike trains: expected one unit id per train, found {} ids for {} trains",
                    origin, unit_ids.size(), times_s.size()));
  }
  for (std::size_t u = 0; u < times_s.size(); ++u) {
    const auto& times = times_s[u];
    for (std::size_t i = 0; i < times.size(); ++i) {
      if (!std::isfinite(times[i]) || times[i] < 0.0) {
        throw Error(fmt::format("{}: unit '{}' spike {}: expected a finite time >= 0, found {}",
                                origin, unit_ids[u], i, times[i]));
      }
      if (i > 0 && times[i] < times[i - 1]) {
        throw Error(fmt::format(
            "{}: unit '{}' spike {}: expected times in ascending order, found {} after {}", origin,
            unit_ids[u], i, times[i], times[i - 1]));
      }
    }
  }
}

Activity bin_spike_trains(const SpikeTrains& trains, const BinningOptions& options,
                          const std::string& origin) {
  trains.validate(origin);
  std::optional<double> last_spike;
  for (const auto& times : trains.times_s) {
    if (!times.empty()) last_spike = std::max(last_spike.value_or(times.back()), times.back());
  }
  SpikeBinner binner(trains.unit_ids.size(), options, last_spike, origin);
  for (std::size_t u = 0; u < trains.times_s.size(); ++u) {
    for (const double t : trains.times_s[u]) binner.add(u, t);
  }
  return std::move(binner).finish();
}

SpikeBinner::SpikeBinner(std::size_t n_units, const BinningOptions& options,
                         std::optional<double> last_spike_s, const std::string& origin) {
  if (n_units == 0) {
    throw Error(fmt::format("{}: binning spikes: expected at least 1 unit, found none", origin));
  }
  const double w = options.bin_width_s;
  check_bin_width(w, origin);
  const double start = options.start_s.value_or(0.0);
  if (!std::isfinite(start)) {
    throw Error(fmt::format("{}: start_s: expected a finite time, found {}", origin, start));
  }

  double stop = 0.0;
  stop_is_last_spike_ = !options.stop_s.has_value();
  if (options.stop_s) {
    stop = *options.stop_s;
    if (!std::isfinite(stop) || !(stop > start)) {
      throw Error(
          fmt::format("{}: binning range: expected stop_s > start_s, found start {} and stop {}",
                      origin, start, stop));
    }
  } else {
    if (!last_spike_s) {
      throw Error(
          fmt::format("{}: binning spikes: expected at least one spike to end the range (or "
                      "stop_s), found none",
                      origin));
    }
    stop = *last_spike_s;
    if (stop < start) {
      throw Error(fmt::format(
          "{}: binning range: expected spikes at or after start_s {}, found the last at {}", origin,
          start, stop));
    }
  }

  const double exact_bins = (stop - start) / w;
  // A guard against a unit mix-up (milliseconds read as seconds) allocating
  // terabytes: a billion bins is far beyond any recording.
  if (exact_bins > 1e9) {
    throw Error(fmt::format(
        "{}: binning spikes: expected at most 1e9 bins, found {:.3g} ({} s to {} s at {} s)",
        origin, exact_bins, start, stop, w));
  }
  // The default stop is the last spike and is inclusive: that spike (and any
  // spike within the 1e-9-bin tolerance of an explicit stop) goes into the
  // last bin, which is then closed. Adding a bin instead would make 10 s of
  // spikes ending at exactly 10.0 s give 401 bins at 25 ms, not 400.
  n_bins_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(exact_bins - kBinTolerance)));
  check_memory_need(static_cast<double>(n_units) * static_cast<double>(n_bins_),
                    fmt::format("{}: binning {} units from {} s to {} s at {} s ({} bins; are the times in seconds?)",
                                origin, n_units, start, stop, w, n_bins_));
  start_ = start;
  stop_ = stop;
  bin_width_ = w;
  activity_ = Activity::zeros(n_units, n_bins_);
}

void SpikeBinner::add(std::size_t unit, double t) {
  if (t < start_ || (stop_is_last_spike_ ? t > stop_ : t >= stop_)) return;
  const double position = bin_position(t, start_, bin_width_);
  const std::size_t b = std::min(n_bins_ - 1, static_cast<std::size_t>(std::max(0.0, position)));
  activity_.add_count(unit, b);
}

// Samples sharing a time (a video clock that stamped two frames with one
// tick) become one sample: the mean of their non-missing values per
// dimension (NaN if all are missing).
namespace {
SampledSignal merge_equal_times(const SampledSignal& signal) {
  SampledSignal merged{{}, signal.n_dims, {}, signal.names};
  const std::size_t D = signal.n_dims;
  for (std::size_t i = 0; i < signal.times_s.size();) {
    std::size_t j = i + 1;
    while (j < signal.times_s.size() && signal.times_s[j] == signal.times_s[i]) ++j;
    merged.times_s.push_back(signal.times_s[i]);
    for (std::size_t d = 0; d < D; ++d) {
      double sum = 0.0;
      std::size_t n = 0;
      for (std::size_t k = i; k < j; ++k) {
        const double v = signal.values[k * D + d];
        if (!std::isnan(v)) sum += v, ++n;
      }
      merged.values.push_back(n > 0 ? sum / static_cast<double>(n) : kMissingSample);
    }
    i = j;
  }
  return merged;
}
}  // namespace

Behaviour resample_onto_bins(const SampledSignal& samples, std::size_t n_bins, double bin_width_s,
                             double start_s, ResampleMethod method) {
  const std::string what = "resampling behaviour onto bins";
  check_bin_width(bin_width_s, what);
  if (!std::isfinite(start_s)) {
    throw Error(fmt::format("{}: start_s: expected a finite time, found {}", what, start_s));
  }
  if (n_bins == 0) throw Error(fmt::format("{}: expected at least 1 bin, found 0", what));
  check_signal(samples);
  const SampledSignal signal = merge_equal_times(samples);

  const std::size_t D = signal.n_dims;
  Behaviour behaviour{D, std::vector<double>(n_bins * D, kMissingSample), signal.names};
  auto centre = [&](std::size_t b) {
    return start_s + (static_cast<double>(b) + 0.5) * bin_width_s;
  };

  if (method == ResampleMethod::Interpolate) {
    for (std::size_t b = 0; b < n_bins; ++b) {
      for (std::size_t d = 0; d < D; ++d)
        behaviour.values[b * D + d] = interpolate(signal, d, centre(b));
    }
    return behaviour;
  }

  // BinMean: sum and count the non-missing samples of each bin per dimension;
  // `seen` marks bins that had any sample at all (missing or not).
  std::vector<double> sum(n_bins * D, 0.0);
  std::vector<std::size_t> count(n_bins * D, 0);
  std::vector<bool> seen(n_bins, false);
  for (std::size_t i = 0; i < signal.times_s.size(); ++i) {
    const double position = bin_position(signal.times_s[i], start_s, bin_width_s);
    if (position < 0.0 || position >= static_cast<double>(n_bins)) continue;
    const auto b = static_cast<std::size_t>(position);
    seen[b] = true;
    for (std::size_t d = 0; d < D; ++d) {
      const double v = signal.values[i * D + d];
      if (std::isnan(v)) continue;
      sum[b * D + d] += v;
      ++count[b * D + d];
    }
  }
  for (std::size_t b = 0; b < n_bins; ++b) {
    for (std::size_t d = 0; d < D; ++d) {
      double& out = behaviour.values[b * D + d];
      if (count[b * D + d] > 0) {
        out = sum[b * D + d] / static_cast<double>(count[b * D + d]);
      } else if (!seen[b]) {
        // A bin shorter than the sampling period: read the signal at its centre.
        out = interpolate(signal, d, centre(b));
      }  // else every sample in the bin was missing: stays NaN
    }
  }
  return behaviour;
}

Categorical discretise(const std::vector<double>& values, const std::vector<LabelledRange>& ranges) {
  check_ranges(ranges, "discretising by ranges");
  // Ranges sharing a name share a code ("reward" at both ends of a track).
  std::vector<std::string> range_names;
  for (const auto& r : ranges) range_names.push_back(r.name);
  const Categorical code_of_range = Categorical::from_strings(range_names);
  Categorical labels{{}, code_of_range.names};
  labels.codes.reserve(values.size());
  for (const double v : values) {
    int code = Categorical::kMissing;
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      const auto& r = ranges[k];
      if (v >= r.low && (v < r.high || (r.closed_high && v == r.high))) {
        code = code_of_range.codes[k];
        break;
      }
    }
    labels.codes.push_back(code);
  }
  return labels;
}

std::vector<LabelledRange> parse_labelled_ranges(const std::string& text) {
  const std::string what = "parsing labelled ranges";
  auto number = [&](std::string_view s, std::string_view piece, const char* role) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double value = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) {
      throw Error(fmt::format("{}: piece '{}': expected a number for {}, found '{}'", what, piece,
                              role, s));
    }
    return value;
  };

  // "15%" -> (15, true); a plain number -> (value, false).
  auto bound = [&](std::string_view s, std::string_view piece, const char* role, bool& percent) {
    s = trim(s);
    percent = !s.empty() && s.back() == '%';
    if (percent) s.remove_suffix(1);
    return number(s, piece, role);
  };

  std::vector<LabelledRange> ranges;
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view piece = trim(rest.substr(0, comma));
    std::vector<std::string_view> parts;
    for (std::string_view p = piece;;) {
      const std::size_t colon = p.find(':');
      parts.push_back(p.substr(0, colon));
      if (colon == std::string_view::npos) break;
      p.remove_prefix(colon + 1);
    }
    if (parts.size() != 3) {
      throw Error(fmt::format(
          "{}: piece '{}': expected name:low:high (e.g. near:0:0.2 or far:1.4:1.6]), found {} "
          "part{}",
          what, piece, parts.size(), parts.size() == 1 ? "" : "s"));
    }
    LabelledRange range;
    range.name = std::string(trim(parts[0]));
    range.low = bound(parts[1], piece, "low", range.low_percent);
    std::string_view high = trim(parts[2]);
    if (!high.empty() && (high.back() == ']' || high.back() == ')')) {
      range.closed_high = high.back() == ']';
      high.remove_suffix(1);
    }
    range.high = bound(high, piece, "high", range.high_percent);
    ranges.push_back(std::move(range));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  const bool any_percent = std::any_of(ranges.begin(), ranges.end(), [](const LabelledRange& r) {
    return r.low_percent || r.high_percent;
  });
  // With percent bounds the order is known only once the span is: checked
  // then, by resolve_percent_bounds.
  if (!any_percent) check_ranges(ranges, fmt::format("{} '{}'", what, text));
  return ranges;
}

std::vector<LabelledRange> resolve_percent_bounds(std::vector<LabelledRange> ranges,
                                                  const std::vector<double>& values,
                                                  const std::string& what) {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  for (auto& r : ranges) {
    if (!r.low_percent && !r.high_percent) continue;
    if (!(low < high)) {
      throw Error(fmt::format("{}: range '{}' has percent bounds, which need a span of values; found "
                              "{}",
                              what, r.name,
                              low <= high ? fmt::format("every finite value equal to {}", low)
                                          : std::string("no finite value")));
    }
    auto at = [&](double percent) {
      if (percent == 0.0) return low;
      if (percent == 100.0) return high;
      return low + percent / 100.0 * (high - low);
    };
    if (r.low_percent) r.low = at(r.low);
    if (r.high_percent) r.high = at(r.high);
    r.low_percent = r.high_percent = false;
  }
  check_ranges(ranges, what);
  return ranges;
}

}  // namespace tavrnn
