#pragma once
// Recording: the activity of N units over B time bins, plus what is known
// about the bins (labels, behaviour) and the units (ids, groups).
// Orientation is fixed: tavrnn's own arrays are units x bins (N x B).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tavrnn/util/categorical.h"

namespace tavrnn {

// Activity counts or rates of N units over B bins, units x bins (row-major:
// unit u's bin b is element u * n_bins + b). Stored as compactly as is
// exact: whole counts 0..255 as bytes, 0..32767 as int16, anything else as
// float64. Spike counts of 10,000 units over an hour of 25 ms bins take
// 1.4 GB instead of 11.5 GB; at() and to_doubles() give every value back
// exactly, so nothing downstream sees the difference.
class Activity {
 public:
  enum class Storage { UInt8, Int16, Float64 };

  Activity() = default;
  // values.size() must be n_units * n_bins (else an Error naming `origin`);
  // stored compactly when every value is a whole number in range.
  Activity(std::size_t n_units, std::size_t n_bins, std::vector<double> values,
           const std::string& origin = "activity");
  // All-zero counts to add to (binning spikes, simulating).
  static Activity zeros(std::size_t n_units, std::size_t n_bins);
  // Counts already held as bytes (a uint8 counts array read from a file).
  static Activity from_bytes(std::size_t n_units, std::size_t n_bins, std::vector<std::uint8_t> counts);
  // Re-orders a bins x units (time-major) array into units x bins.
  static Activity from_time_major(std::size_t n_bins, std::size_t n_units,
                                  const std::vector<double>& bins_by_units);

  // Adds `count` to one bin; the storage widens (bytes -> int16 -> float64)
  // the first time a bin outgrows it.
  void add_count(std::size_t unit, std::size_t bin, std::uint32_t count = 1);

  std::size_t n_units() const { return n_units_; }
  std::size_t n_bins() const { return n_bins_; }
  std::size_t size() const { return n_units_ * n_bins_; }
  Storage storage() const { return storage_; }
  std::size_t bytes() const;
  // The stored elements (uint8_t, int16_t or double, as storage() says).
  const void* data() const;
  double at(std::size_t unit, std::size_t bin) const { return element(unit * n_bins_ + bin); }
  double element(std::size_t i) const {
    switch (storage_) {
      case Storage::UInt8: return bytes_[i];
      case Storage::Int16: return shorts_[i];
      case Storage::Float64: break;
    }
    return doubles_[i];
  }
  std::vector<double> to_doubles() const;

 private:
  void widen_to(Storage storage);

  std::size_t n_units_ = 0;
  std::size_t n_bins_ = 0;
  Storage storage_ = Storage::Float64;
  std::vector<std::uint8_t> bytes_;
  std::vector<std::int16_t> shorts_;
  std::vector<double> doubles_;
};

// Continuous behaviour sampled on the bins: B x D, row-major.
struct Behaviour {
  std::size_t n_dims = 0;
  std::vector<double> values;      // values[b * n_dims + d]
  std::vector<std::string> names;  // one per dimension ("x", "position_m"), may be empty
};

// A half-open range of bins [begin, end).
struct BinRange {
  std::size_t begin = 0;  // first bin
  std::size_t end = 0;    // one past the last bin
  std::size_t size() const { return end - begin; }
};

class Recording {
 public:
  // Validates: n_units, n_bins >= 1, values.size() == N * B, every value
  // finite and >= 0 (counts or rates), bin_width_s > 0 and finite,
  // unit_ids empty (then "0".."N-1") or N distinct ids. `origin` names the
  // source in error messages.
  Recording(Activity activity, double bin_width_s, std::vector<std::string> unit_ids = {},
            const std::string& origin = "recording");

  // Each setter validates its argument against N or B and throws Error.
  // Labels: one discrete label per bin (B codes; Categorical::kMissing =
  // unlabelled). Groups: one per unit (brain area, electrode subregion, cell
  // type; N codes; Categorical::kMissing = no group).
  void set_labels(Categorical labels);
  void set_behaviour(Behaviour behaviour);
  void set_groups(Categorical groups);
  // Trials (NWB trials or epochs, MATLAB trial stacks) as bin ranges, in the source's order;
  // each must be non-empty and inside [0, B). `--windows trials` uses them.
  void set_trials(std::vector<BinRange> trials);
  // Time of the start of bin 0 in the source's clock (spike-time files).
  void set_start_time_s(double start_s) { start_time_s_ = start_s; }

  std::size_t n_units() const { return activity_.n_units(); }
  std::size_t n_bins() const { return activity_.n_bins(); }
  double bin_width_s() const { return bin_width_s_; }
  double duration_s() const { return bin_width_s_ * static_cast<double>(n_bins()); }
  double start_time_s() const { return start_time_s_; }
  const Activity& activity() const { return activity_; }
  const std::vector<std::string>& unit_ids() const { return unit_ids_; }
  const std::optional<Categorical>& labels() const { return labels_; }
  const std::optional<Behaviour>& behaviour() const { return behaviour_; }
  const std::optional<Categorical>& groups() const { return groups_; }
  const std::vector<BinRange>& trials() const { return trials_; }

 private:
  Activity activity_;
  double bin_width_s_;
  double start_time_s_ = 0.0;
  std::vector<std::string> unit_ids_;
  std::optional<Categorical> labels_;
  std::optional<Behaviour> behaviour_;
  std::optional<Categorical> groups_;
  std::vector<BinRange> trials_;
  std::string origin_;
};

}  // namespace tavrnn
