#include "tavrnn/train/window_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::train {

namespace {

void check_range(std::size_t begin, std::size_t count, std::size_t size) {
  if (begin > size || count > size - begin || count == 0) {
    throw Error(fmt::format("training data: windows {} to {} of a sequence of {}", begin, begin + count, size));
  }
}

template <typename T>
std::vector<T> part(const std::vector<T>& all, std::size_t begin, std::size_t count) {
  if (all.empty()) return {};
  const auto first = all.begin() + static_cast<std::ptrdiff_t>(begin);
  return std::vector<T>(first, first + static_cast<std::ptrdiff_t>(count));
}

}  // namespace

InMemoryWindows::InMemoryWindows(TrainingData data) : data_(std::move(data)) {
  if (data_.size() == 0) throw Error("training data: expected at least one window, found none");
}

torch::Device InMemoryWindows::device() const { return data_.adjacency.front().device(); }
torch::ScalarType InMemoryWindows::dtype() const { return data_.adjacency.front().scalar_type(); }

TrainingData InMemoryWindows::windows(std::size_t begin, std::size_t count) {
  check_range(begin, count, size());
  if (begin == 0 && count == size()) return data_;
  TrainingData out;
  out.steps = part(data_.steps, begin, count);
  out.adjacency = part(data_.adjacency, begin, count);
  out.weights = part(data_.weights, begin, count);
  out.targets = part(data_.targets, begin, count);
  out.held_out = part(data_.held_out, begin, count);
  out.format = data_.format;
  out.n_nodes = data_.n_nodes;
  out.x_dim = data_.x_dim;
  return out;
}

std::unique_ptr<WindowSource> InMemoryWindows::with_held_out_edges(double fraction, std::uint64_t seed) const {
  if (fraction == 0) return std::make_unique<InMemoryWindows>(data_);
  return std::make_unique<InMemoryWindows>(train::with_held_out_edges(data_, fraction, seed));
}

bool InMemoryWindows::has_held_out_pairs() {
  for (const auto& pairs : data_.held_out) {
    if (!pairs.empty()) return true;
  }
  return false;
}

GraphFileWindows::GraphFileWindows(const std::filesystem::path& path, torch::Device device, torch::ScalarType dtype,
                                   nn::AdjacencyFormat format)
    : reader_(path), device_(device), dtype_(dtype), format_(format) {
  if (reader_.size() == 0) throw Error(fmt::format("reading {}: expected at least one window, found none", path.string()));
}

int64_t GraphFileWindows::n_nodes() const { return static_cast<int64_t>(header().n_nodes()); }
int64_t GraphFileWindows::x_dim() const { return static_cast<int64_t>(header().feature_dim()); }

TrainingData GraphFileWindows::windows(std::size_t begin, std::size_t count) {
  check_range(begin, count, size());
  if (begin != reader_.position() || begin == 0) {
    reader_.rewind();
    if (fraction_ > 0) generator_ = at::detail::createCPUGenerator(seed_);
    // Out of order: read up to `begin` (the held-out draws with it).
    for (std::size_t t = 0; t < begin; ++t) {
      const graphs::GraphSequence skipped = reader_.next(1);
      if (fraction_ > 0) hold_out_edges({skipped.graph(0).adjacency}, fraction_, *generator_);
    }
  }
  // Degenerate windows are reported once, on the first pass.
  const bool unseen = begin + count > windows_seen_;
  windows_seen_ = std::max(windows_seen_, begin + count);
  TrainingData data = make_training_data(reader_.next(count), device_, dtype_, format_, unseen);
  if (fraction_ == 0) return data;
  return train::with_held_out_edges(data, fraction_, *generator_);
}

std::unique_ptr<WindowSource> GraphFileWindows::with_held_out_edges(double fraction, std::uint64_t seed) const {
  auto held = std::make_unique<GraphFileWindows>(reader_.path(), device_, dtype_, format_);
  held->fraction_ = fraction;
  held->seed_ = seed;
  return held;
}

bool GraphFileWindows::has_held_out_pairs() {
  if (!has_held_out_) {
    bool found = false;
    for (std::size_t t = 0; t < size() && !found && fraction_ > 0; ++t) {
      const TrainingData window = windows(t, 1);
      found = !window.held_out.front().empty();
    }
    has_held_out_ = found;
  }
  return *has_held_out_;
}

}  // namespace tavrnn::train
