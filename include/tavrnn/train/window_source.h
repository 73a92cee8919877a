#pragma once
// Where training and embedding read their windows: all in memory, or a
// graphs file read a few windows at a time, so that a sequence whose graphs
// do not fit in memory still trains (with truncated back-propagation, each
// piece's graphs and activations are all that is held; docs/training.md,
// "Long recordings").
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include <ATen/core/Generator.h>

#include "tavrnn/graphs/graph_file_reader.h"
#include "tavrnn/train/training_data.h"

namespace tavrnn::train {

class WindowSource {
 public:
  virtual ~WindowSource() = default;
  virtual std::size_t size() const = 0;  // T
  virtual int64_t n_nodes() const = 0;   // N'
  virtual int64_t x_dim() const = 0;
  virtual torch::Device device() const = 0;
  virtual torch::ScalarType dtype() const = 0;
  // Windows [begin, begin + count) as training data. Passes go forwards
  // from window 0; a source may be slow to read out of order.
  virtual TrainingData windows(std::size_t begin, std::size_t count) = 0;
  // The same windows with `fraction` of each one's edges held out, drawn
  // from `seed` exactly as with_held_out_edges draws them from the whole
  // sequence (fraction 0: unchanged).
  virtual std::unique_ptr<WindowSource> with_held_out_edges(double fraction, std::uint64_t seed) const = 0;
  // Whether some window has held-out pairs (a streamed source reads the
  // file once to find out).
  virtual bool has_held_out_pairs() = 0;
  // Whether windows() returns what is held anyway (so it may be kept
  // across epochs) rather than reading it afresh.
  virtual bool resident() const = 0;
};

// A TrainingData in memory; windows() are views of its vectors.
class InMemoryWindows : public WindowSource {
 public:
  explicit InMemoryWindows(TrainingData data);
  std::size_t size() const override { return data_.size(); }
  int64_t n_nodes() const override { return data_.n_nodes; }
  int64_t x_dim() const override { return data_.x_dim; }
  torch::Device device() const override;
  torch::ScalarType dtype() const override;
  TrainingData windows(std::size_t begin, std::size_t count) override;
  std::unique_ptr<WindowSource> with_held_out_edges(double fraction, std::uint64_t seed) const override;
  bool has_held_out_pairs() override;
  bool resident() const override { return true; }
  const TrainingData& data() const { return data_; }

 private:
  TrainingData data_;
};

// A graphs.npz read in order, a piece at a time (graphs::GraphFileReader):
// each piece is made into training data as make_training_data makes the
// whole, and its held-out edges are drawn as the whole's are. Reading a
// piece out of order rewinds the file.
class GraphFileWindows : public WindowSource {
 public:
  GraphFileWindows(const std::filesystem::path& path, torch::Device device, torch::ScalarType dtype,
                   nn::AdjacencyFormat format = nn::AdjacencyFormat::Auto);
  std::size_t size() const override { return reader_.size(); }
  int64_t n_nodes() const override;
  int64_t x_dim() const override;
  torch::Device device() const override { return device_; }
  torch::ScalarType dtype() const override { return dtype_; }
  TrainingData windows(std::size_t begin, std::size_t count) override;
  std::unique_ptr<WindowSource> with_held_out_edges(double fraction, std::uint64_t seed) const override;
  bool has_held_out_pairs() override;
  bool resident() const override { return false; }
  // Infos and names of every window (no graphs).
  const graphs::GraphSequence& header() const { return reader_.header(); }

 private:
  graphs::GraphFileReader reader_;
  torch::Device device_;
  torch::ScalarType dtype_;
  nn::AdjacencyFormat format_;
  double fraction_ = 0;
  std::uint64_t seed_ = 0;
  std::optional<at::Generator> generator_;  // held-out draws of the current pass
  std::optional<bool> has_held_out_;
  std::size_t windows_seen_ = 0;  // on some pass
};

}  // namespace tavrnn::train
