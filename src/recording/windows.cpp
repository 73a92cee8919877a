#include "tavrnn/recording/windows.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn {

std::size_t Window::n_bins() const {
  std::size_t n = 0;
  for (const auto& r : ranges) n += r.size();
  return n;
}

std::size_t resolve_bin_count(const std::string& text, double bin_width_s, const std::string& what) {
  std::string t = text;
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }),
          t.end());
  double scale_s = 0.0;  // 0: the number is a count of bins
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "ms") == 0) {
    scale_s = 1e-3;
    t.resize(t.size() - 2);
  } else if (t.size() > 1 && t.back() == 's') {
    scale_s = 1.0;
    t.pop_back();
  } else if (t.size() > 3 && t.compare(t.size() - 3, 3, "min") == 0) {
    scale_s = 60.0;
    t.resize(t.size() - 3);
  }
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (t.empty() || used != t.size() || !std::isfinite(value) || value < 0.0) {
    throw Error(fmt::format(
        "{}: expected a number of bins (\"2400\") or a duration (\"120s\", \"250ms\", \"2min\"), "
        "found '{}'",
        what, text));
  }
  if (scale_s == 0.0) {
    if (value != std::floor(value)) {
      throw Error(fmt::format("{}: expected a whole number of bins, found '{}'", what, text));
    }
    return static_cast<std::size_t>(value);
  }
  const double bins = value * scale_s / bin_width_s;
  const double rounded = std::round(bins);
  if (std::abs(bins - rounded) > 1e-6 * std::max(1.0, rounded)) {
    throw Error(fmt::format("{}: {} is {} bins of {} s, expected a whole number of bins", what,
                            text, bins, bin_width_s));
  }
  return static_cast<std::size_t>(rounded);
}

namespace {

// Majority label over the window's bins and the fraction of bins carrying it.
// Unlabelled bins count against purity; a window without any labelled bin is
// unlabelled with purity 0.
void assign_label(Window& window, const std::optional<Categorical>& labels) {
  if (!labels) return;
  std::map<int, std::size_t> counts;
  for (const auto& r : window.ranges) {
    for (std::size_t b = r.begin; b < r.end; ++b) {
      const int code = labels->codes[b];
      if (code != Categorical::kMissing) ++counts[code];
    }
  }
  std::size_t best = 0;
  for (const auto& [code, count] : counts) {
    if (count > best) {  // ties go to the smaller code: std::map iterates in order
      best = count;
      window.label = code;
    }
  }
  const std::size_t n = window.n_bins();
  window.purity = n == 0 ? 0.0 : static_cast<double>(best) / static_cast<double>(n);
}

}  // namespace

WindowPlan::WindowPlan(std::vector<Window> windows, std::string description)
    : windows_(std::move(windows)), description_(std::move(description)) {}

WindowPlan WindowPlan::sliding(const Recording& recording, std::size_t size, std::size_t step) {
  const std::size_t n_bins = recording.n_bins();
  if (size == 0) throw Error("sliding windows: expected a window size of at least 1 bin, found 0");
  if (step == 0) throw Error("sliding windows: expected a step of at least 1 bin, found 0");
  if (size > n_bins) {
    throw Error(fmt::format(
        "sliding windows: window size {} bins is larger than the recording ({} bins)", size,
        n_bins));
  }
  std::vector<Window> windows;
  for (std::size_t begin = 0; begin + size <= n_bins; begin += step) {
    Window w;
    w.ranges.push_back({begin, begin + size});
    assign_label(w, recording.labels());
    w.source_index = windows.size();
    windows.push_back(std::move(w));
  }
  return WindowPlan(std::move(windows), fmt::format("sliding:{}:{}", size, step));
}

WindowPlan WindowPlan::segments(const Recording& recording, std::size_t min_bins,
                                SegmentMode mode) {
  const auto& labels = recording.labels();
  if (!labels) {
    throw Error("segment windows: the recording has no per-bin labels (give `labels` or a "
                "recording with 'labels')");
  }
  const auto& codes = labels->codes;
  // Runs are found over a sequence of bins: all bins (contiguous) or only the
  // labelled ones (concatenated, the reference's behaviour). In the
  // concatenated sequence a run may span gaps, so it becomes several ranges.
  std::vector<std::size_t> sequence;
  for (std::size_t b = 0; b < codes.size(); ++b) {
    if (mode == SegmentMode::Contiguous || codes[b] != Categorical::kMissing) sequence.push_back(b);
  }
  if (std::none_of(codes.begin(), codes.end(),
                   [](int c) { return c != Categorical::kMissing; })) {
    throw Error("segment windows: no labelled bins in the recording");
  }
  std::vector<Window> windows;
  std::size_t i = 0;
  while (i < sequence.size()) {
    const int code = codes[sequence[i]];
    std::size_t j = i;
    while (j < sequence.size() && codes[sequence[j]] == code) ++j;
    if (code != Categorical::kMissing && j - i >= std::max<std::size_t>(min_bins, 1)) {
      Window w;
      for (std::size_t k = i; k < j; ++k) {
        const std::size_t bin = sequence[k];
        if (!w.ranges.empty() && w.ranges.back().end == bin) {
          ++w.ranges.back().end;
        } else {
          w.ranges.push_back({bin, bin + 1});
        }
      }
      w.label = code;
      w.purity = 1.0;
      w.source_index = windows.size();
      windows.push_back(std::move(w));
    }
    i = j;
  }
  if (windows.empty()) {
    throw Error(fmt::format("segment windows: no run of one label is at least {} bins long",
                            min_bins));
  }
  const char* mode_name = mode == SegmentMode::Contiguous ? "contiguous" : "concatenated";
  return WindowPlan(std::move(windows), fmt::format("segments:{}:{}", min_bins, mode_name));
}

WindowPlan WindowPlan::explicit_ranges(const Recording& recording, std::vector<BinRange> ranges) {
  if (ranges.empty()) throw Error("explicit windows: expected at least one range, found none");
  std::vector<Window> windows;
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    const auto& r = ranges[k];
    if (r.begin >= r.end || r.end > recording.n_bins()) {
      throw Error(fmt::format(
          "explicit windows: range {} is [{}, {}), expected 0 <= start < stop <= {} (bins)", k,
          r.begin, r.end, recording.n_bins()));
    }
    Window w;
    w.ranges.push_back(r);
    assign_label(w, recording.labels());
    w.source_index = k;
    windows.push_back(std::move(w));
  }
  return WindowPlan(std::move(windows), fmt::format("explicit:{}", ranges.size()));
}

WindowPlan WindowPlan::trials(const Recording& recording) {
  if (recording.trials().empty()) {
    throw Error("trial windows: the recording has no trials (read an NWB file with a trials "
                "table: `trials-table`)");
  }
  WindowPlan plan = explicit_ranges(recording, recording.trials());
  plan.description_ = fmt::format("trials:{}", plan.size());
  return plan;
}

WindowPlan WindowPlan::select(const std::vector<std::size_t>& indices) const {
  if (indices.empty()) throw Error("window selection: expected at least one index, found none");
  std::vector<Window> chosen;
  std::string list;
  for (std::size_t index : indices) {
    if (index >= windows_.size()) {
      throw Error(fmt::format("window selection: index {} is out of range, the plan {} has {} "
                              "windows (0..{})",
                              index, description_, windows_.size(), windows_.size() - 1));
    }
    chosen.push_back(windows_[index]);
    list += (list.empty() ? "" : ",") + std::to_string(index);
  }
  return WindowPlan(std::move(chosen), fmt::format("{}|select:{}", description_, list));
}

}  // namespace tavrnn
