#pragma once
// Windows (MODEL.md section 1): the time ranges whose activity becomes one
// graph each. A window is one half-open bin range, or several for the
// reference's concatenated segments.
#include <cstddef>
#include <string>
#include <vector>

#include "tavrnn/recording/recording.h"

namespace tavrnn {

struct Window {
  std::vector<BinRange> ranges;  // one, or several (concatenated segments)
  int label = Categorical::kMissing;  // majority label of its labelled bins
  double purity = 0.0;  // fraction of the window's bins carrying `label`
  std::size_t source_index = 0;  // index in the plan it was made by (kept by select())
  std::size_t n_bins() const;
};

enum class SegmentMode {
  Contiguous,    // maximal runs of one label in real time
  Concatenated,  // the reference: drop unlabelled bins, then find runs
};

// A bin count given either in bins ("2400") or in seconds ("120s", "0.5s",
// "250ms"), resolved against the bin width. Seconds must be a whole number
// of bins to within 1e-6, or Error says so.
std::size_t resolve_bin_count(const std::string& text, double bin_width_s, const std::string& what);

class WindowPlan {
 public:
  // size bins per window, a new window every `step` bins, as many as fit.
  static WindowPlan sliding(const Recording& recording, std::size_t size, std::size_t step);
  // Maximal runs of equal label at least `min_bins` long.
  static WindowPlan segments(const Recording& recording, std::size_t min_bins, SegmentMode mode);
  // Ranges in the given order (from a CSV/JSON file or the command line).
  static WindowPlan explicit_ranges(const Recording& recording, std::vector<BinRange> ranges);
  // One window per trial of the recording (Recording::trials(), e.g. the
  // rows of an NWB trials table), in the table's order; labelled like any
  // window, by the majority label of its bins.
  static WindowPlan trials(const Recording& recording);
  // Windows of this plan by index, in the given order (DishBrain: 5,14,17,0,9,8).
  WindowPlan select(const std::vector<std::size_t>& indices) const;

  const std::vector<Window>& windows() const { return windows_; }
  std::size_t size() const { return windows_.size(); }
  const std::string& description() const { return description_; }  // "sliding:2400:1200"

 private:
  WindowPlan(std::vector<Window> windows, std::string description);
  std::vector<Window> windows_;
  std::string description_;
};

// A window plan as the command line writes it:
//   sliding:SIZE:STEP                          SIZE, STEP in bins or durations
//                                              (resolve_bin_count: "2400", "120s")
//   segments[:MINLEN[:contiguous|concatenated]] MINLEN default 1 bin, mode
//                                              default contiguous
//   explicit:FILE                              read_window_ranges(FILE)
//   trials                                     WindowPlan::trials
// Throws Error naming the part that is not understood.
WindowPlan parse_window_plan(const Recording& recording, const std::string& spec);

// "5,14,17,0,9,8" -> {5, 14, 17, 0, 9, 8}: indices for WindowPlan::select.
std::vector<std::size_t> parse_index_list(const std::string& text, const std::string& what);

// Reads explicit ranges: CSV with columns start,stop (or begin,end) in bins,
// or start_s,stop_s in seconds; or JSON [[start, stop], ...] in bins.
std::vector<BinRange> read_window_ranges(const std::string& path, double bin_width_s);

}  // namespace tavrnn
