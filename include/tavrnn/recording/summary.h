#pragma once
// What `tavrnn info` reports about a recording, as a value (and as JSON).
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/recording/recording.h"

namespace tavrnn {

struct RateSummary {  // firing rates across units, spikes (or units) per second
  double mean_hz = 0, median_hz = 0, min_hz = 0, max_hz = 0;
};

struct RecordingSummary {
  std::size_t n_units = 0, n_bins = 0;
  double bin_width_s = 0, duration_s = 0;
  double total_count = 0;
  bool integer_counts = true;  // every value is a whole number
  RateSummary rates;
  std::vector<std::string> silent_units;  // ids of units with no activity at all
  struct Count {
    std::string name;
    std::size_t n = 0;
  };
  std::vector<Count> labels;  // bins per label, then "(unlabelled)"
  std::vector<Count> groups;  // units per group, then "(no group)" if some units have none
  std::size_t behaviour_dims = 0;
  std::vector<std::string> behaviour_names;
  std::size_t n_trials = 0;  // Recording::trials(), e.g. NWB trials

  nlohmann::json to_json() const;
  std::string to_text() const;  // the one-screen table of `tavrnn info`
};

RecordingSummary summarise(const Recording& recording);

}  // namespace tavrnn
