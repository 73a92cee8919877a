#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tavrnn/recording/recording.h"
#include "tavrnn/util/error.h"

namespace tavrnn {
namespace {

// The narrowest storage that holds `v` exactly.
Activity::Storage storage_for(double v) {
  if (!(v >= 0.0) || v != std::floor(v)) return Activity::Storage::Float64;  // NaN too
  if (v <= std::numeric_limits<std::uint8_t>::max()) return Activity::Storage::UInt8;
  if (v <= std::numeric_limits<std::int16_t>::max()) return Activity::Storage::Int16;
  return Activity::Storage::Float64;
}

void check_size(std::size_t n_units, std::size_t n_bins, std::size_t found,
                const std::string& origin = "activity") {
  if (found != n_units * n_bins) {
    throw Error(fmt::format("{}: expected {} x {} = {} values, found {}", origin, n_units, n_bins,
                            n_units * n_bins, found));
  }
}

}  // namespace

Activity::Activity(std::size_t n_units, std::size_t n_bins, std::vector<double> values,
                   const std::string& origin)
    : n_units_(n_units), n_bins_(n_bins) {
  check_size(n_units, n_bins, values.size(), origin);
  Storage widest = Storage::UInt8;
  for (const double v : values) {
    widest = std::max(widest, storage_for(v));
    if (widest == Storage::Float64) break;
  }
  storage_ = widest;
  switch (storage_) {
    case Storage::UInt8: bytes_.assign(values.begin(), values.end()); break;
    case Storage::Int16: shorts_.assign(values.begin(), values.end()); break;
    case Storage::Float64: doubles_ = std::move(values); break;
  }
}

Activity Activity::zeros(std::size_t n_units, std::size_t n_bins) {
  return from_bytes(n_units, n_bins, std::vector<std::uint8_t>(n_units * n_bins, 0));
}

Activity Activity::from_bytes(std::size_t n_units, std::size_t n_bins, std::vector<std::uint8_t> counts) {
  check_size(n_units, n_bins, counts.size());
  Activity activity;
  activity.n_units_ = n_units;
  activity.n_bins_ = n_bins;
  activity.storage_ = Storage::UInt8;
  activity.bytes_ = std::move(counts);
  return activity;
}

Activity Activity::from_time_major(std::size_t n_bins, std::size_t n_units,
                                   const std::vector<double>& bins_by_units) {
  if (bins_by_units.size() != n_bins * n_units) {
    throw Error(fmt::format("transposing time-major activity: expected {} x {} = {} values, found {}",
                            n_bins, n_units, n_bins * n_units, bins_by_units.size()));
  }
  std::vector<double> values(n_units * n_bins);
  for (std::size_t b = 0; b < n_bins; ++b) {
    for (std::size_t u = 0; u < n_units; ++u) values[u * n_bins + b] = bins_by_units[b * n_units + u];
  }
  return Activity(n_units, n_bins, std::move(values));
}

void Activity::widen_to(Storage storage) {
  if (storage <= storage_) return;
  if (storage == Storage::Int16) {
    shorts_.assign(bytes_.begin(), bytes_.end());
  } else {
    doubles_ = to_doubles();
    shorts_ = {};
  }
  bytes_ = {};
  storage_ = storage;
}

void Activity::add_count(std::size_t unit, std::size_t bin, std::uint32_t count) {
  const std::size_t i = unit * n_bins_ + bin;
  const double sum = element(i) + static_cast<double>(count);
  widen_to(storage_for(sum));
  switch (storage_) {
    case Storage::UInt8: bytes_[i] = static_cast<std::uint8_t>(sum); break;
    case Storage::Int16: shorts_[i] = static_cast<std::int16_t>(sum); break;
    case Storage::Float64: doubles_[i] = sum; break;
  }
}

std::size_t Activity::bytes() const {
  switch (storage_) {
    case Storage::UInt8: return bytes_.size();
    case Storage::Int16: return shorts_.size() * sizeof(std::int16_t);
    case Storage::Float64: break;
  }
  return doubles_.size() * sizeof(double);
}

const void* Activity::data() const {
  switch (storage_) {
    case Storage::UInt8: return bytes_.data();
    case Storage::Int16: return shorts_.data();
    case Storage::Float64: break;
  }
  return doubles_.data();
}

std::vector<double> Activity::to_doubles() const {
  switch (storage_) {
    case Storage::UInt8: return {bytes_.begin(), bytes_.end()};
    case Storage::Int16: return {shorts_.begin(), shorts_.end()};
    case Storage::Float64: break;
  }
  return doubles_;
}

}  // namespace tavrnn
