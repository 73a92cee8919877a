#pragma once
// CorrelationGraphBuilder: a recording and its windows -> the sequence of
// functional-connectivity graphs (MODEL.md section 2): Pearson r per window,
// optional random-matrix filtering, W = |r|, A = 1[|r| >= theta] with self
// loops, an optional history node, node features.
#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/graphs/rmt_filter.h"
#include "tavrnn/recording/recording.h"
#include "tavrnn/recording/windows.h"

namespace tavrnn::graphs {

enum class StoragePolicy {
  Auto,  // sparse COO when it takes at most half the bytes of dense A
  Dense,
  Sparse,
};

// W beside A. The reference keeps W = |r| whole (N'^2 per window, whatever
// theta); off A's edges it feeds only the `rows` features and the corr-pca
// baseline, so beyond a memory budget it is kept on A's edges alone.
enum class WeightStorage {
  Auto,   // Full while every window's dense W together fits in full_weights_max_bytes, else Edges
  Full,   // dense [N', N'] per window (the reference)
  Edges,  // sparse COO on A's edges (A stored sparse too): rows features are thresholded rows
};

// "auto", "full", "edges"; the inverse gives nullopt for any other text.
const char* weight_storage_name(WeightStorage storage);
std::optional<WeightStorage> parse_weight_storage(const std::string& text);

struct GraphBuilderOptions {
  // A = 1[|r| >= theta] for theta > 0; theta = 0 keeps every non-zero
  // entry (A = 1[|r| > 0]), as the reference does, not every entry.
  double theta = 0.0;
  bool history_node = false;
  NodeFeatures features = NodeFeatures::Identity;
  // Keep an edge between two units only if it is among the k largest |r| of
  // either end (symmetrised union), on top of theta; for large N.
  std::optional<std::size_t> top_k;
  RmtOptions rmt;
  torch::ScalarType dtype = torch::kFloat32;  // float64 for parity with numpy
  torch::Device device = torch::kCPU;
  std::uint64_t seed = 0;  // of the shuffled surrogates
  StoragePolicy storage = StoragePolicy::Auto;
  WeightStorage weights = WeightStorage::Auto;
  // Auto's budget: 1 GiB is N' = 3,660 at T = 20 in float32 (and 20,000
  // windows of N' = 116).
  std::size_t full_weights_max_bytes = std::size_t{1} << 30;
  // Memory for one batch of windows in the Pearson step. Small: a block
  // over 32 MiB comes from mmap and is page-faulted in afresh every batch
  // (keep_freed_memory keeps smaller ones), which cost 2.5 ms per MB on a
  // 2-core VM, four times the products; batching only helps small windows.
  std::size_t max_batch_bytes = std::size_t{16} << 20;
};

// One window's graph from its (filtered) correlation r [N, N]: fills the
// info's edges, degeneracy, storage and bytes. `weights` Auto counts as Full
// here (the builder resolves it for the whole sequence).
Graph graph_from_correlation(const torch::Tensor& r, const GraphBuilderOptions& options,
                             WindowGraphInfo& info);

class CorrelationGraphBuilder {
 public:
  explicit CorrelationGraphBuilder(GraphBuilderOptions options);
  const GraphBuilderOptions& options() const { return options_; }

  // Builds one graph per window of the plan, in the plan's order, with a
  // progress bar over windows; logs one warning per degenerate window
  // (docs/graphs.md says what the model stage does with it).
  GraphSequence build(const Recording& recording, const WindowPlan& plan) const;

 private:
  GraphBuilderOptions options_;
};

}  // namespace tavrnn::graphs
