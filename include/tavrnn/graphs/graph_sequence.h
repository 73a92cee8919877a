#pragma once
// GraphSequence: the T functional-connectivity graphs of a recording, one per
// window (MODEL.md section 2), with the window metadata they came from. It is
// the value the graph stage hands to the model stage.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "tavrnn/recording/recording.h"
#include "tavrnn/recording/windows.h"

namespace tavrnn::graphs {

enum class NodeFeatures {
  Rows,      // X_t = W_t (rows of the weighted adjacency; DishBrain reference)
  Identity,  // X_t = I (featureless; rat reference)
  // X_t = [W_t | c_t]: the rows of W and one more column, each unit's firing
  // rate in the window, z-scored over all units and windows of the sequence
  // (history node: 0). Not in MODEL.md: the correlation graph does not say
  // which units fire, and on the real recordings that is where much of the
  // behaviour is (docs/graphs.md).
  RowsAndRates,
  // X_t: kDescriptorWidth numbers per node (node_descriptors.h): the unit's
  // z-scored rate, degree, strength, clustering coefficient, random-walk
  // return probabilities and a history-node flag. The width does not
  // depend on N, so one model can take recordings of any size.
  Descriptors,
};

// "rows", "identity", "rows+rates", "descriptors".
const char* node_features_name(NodeFeatures features);
// The inverse; nullopt for any other text.
std::optional<NodeFeatures> parse_node_features(const std::string& text);

enum class AdjacencyStorage { Dense, Sparse };

// Why a window's A gives the model's loss (MODEL.md section 5) nothing to
// learn from, or no defined weights; see docs/graphs.md for the fallback.
enum class GraphDegeneracy {
  None,
  NoEdges,   // no edge between two units: only self loops (and the history node's star)
  Complete,  // every entry of A is 1: pos_weight = 0 and norm = N'^2 / 0 are undefined
};

// Per-window facts the graph builder records (reported, saved in graphs.npz).
struct WindowGraphInfo {
  std::vector<BinRange> ranges;  // bins of the window (several for concatenated segments)
  int label = Categorical::kMissing;
  double purity = 0.0;
  std::size_t source_index = 0;  // index in the window plan before any selection
  std::size_t zero_variance_units = 0;  // units with a zero row/column in r
  std::size_t components_kept = 0;      // eigencomponents kept by random-matrix filtering (N if none)
  double lambda_low = 0.0;              // filtering bounds (0 when not filtered)
  double lambda_high = 0.0;
  std::size_t edges = 0;                // ones in A (self loops included)
  bool degenerate = false;              // A empty of off-diagonal edges, or complete
  GraphDegeneracy degeneracy = GraphDegeneracy::None;  // which of the two (None if not degenerate)
  std::size_t surrogates = 0;           // shuffled surrogates drawn for the bounds (0: none)
  std::size_t n_bins = 0;               // bins of the window (sum of its ranges)
  std::vector<double> unit_rate_hz;     // [N] mean count per bin / bin width (may be empty
                                        // in files written before it was recorded)
  AdjacencyStorage storage = AdjacencyStorage::Dense;
  std::size_t bytes = 0;                // memory held by this window's tensors
};

// One window's graph. Tensors live on one device with one floating dtype.
struct Graph {
  torch::Tensor weights;    // W: [N', N'] = |r| with diagonal 1 (history node: ones); dense, or
                            // sparse COO on A's edges when the settings say weights_on_edges
  torch::Tensor adjacency;  // A: [N', N'] 0/1 of the floating dtype; dense (strided) or
                            // sparse COO (coalesced) depending on `storage` of its info
};

struct GraphSequenceSettings {
  double theta = 0.0;          // A = 1[|r| >= theta]
  bool history_node = false;   // extra node N with a row and column of ones
  NodeFeatures features = NodeFeatures::Identity;
  std::optional<std::size_t> top_k;  // keep the k strongest edges per node (symmetrised)
  std::string rmt = "none";    // description of the filter ("shuffle:1000", "analytic", ...)
  std::string windows;         // the window plan's description ("sliding:2400:1200")
  std::uint64_t seed = 0;      // seed of the shuffles
  // W held on A's edges only (sparse COO sharing A's indices; every window
  // stored sparse) rather than whole; see WeightStorage.
  bool weights_on_edges = false;
};

class GraphSequence {
 public:
  GraphSequence() = default;
  GraphSequence(std::vector<Graph> graphs, std::vector<WindowGraphInfo> info,
                GraphSequenceSettings settings, std::size_t n_units, double bin_width_s);

  // The windows' infos and the names without the graphs themselves: what
  // GraphFileReader knows of a file before reading its windows. graph(t)
  // and what reads it throw Error on such a sequence.
  static GraphSequence without_graphs(std::vector<WindowGraphInfo> info, GraphSequenceSettings settings,
                                      std::size_t n_units, double bin_width_s);
  bool has_graphs() const { return has_graphs_; }
  // Windows [begin, begin + graphs.size()) of this sequence with their
  // graphs: infos, settings and names of this one, and its rows+rates scale
  // (that of every window, not of these alone).
  GraphSequence with_graphs(std::size_t begin, std::vector<Graph> graphs) const;

  std::size_t size() const { return info_.size(); }          // T
  std::size_t n_units() const { return n_units_; }           // N
  std::size_t n_nodes() const { return n_units_ + (settings_.history_node ? 1 : 0); }  // N'
  // Index of the history node (N), or nullopt without one.
  std::optional<std::size_t> history_node_index() const;
  double bin_width_s() const { return bin_width_s_; }
  const GraphSequenceSettings& settings() const { return settings_; }

  const Graph& graph(std::size_t t) const;
  const WindowGraphInfo& info(std::size_t t) const { return info_.at(t); }
  const std::vector<WindowGraphInfo>& infos() const { return info_; }

  // Dense A_t and W_t ([N', N'], whatever the storage; W is 0 off A's edges
  // when held on edges only), and node features X_t ([N', N'] for Rows and
  // Identity, [N', N' + 1] for RowsAndRates, sparse where W is;
  // [N', kDescriptorWidth] dense for Descriptors).
  torch::Tensor dense_adjacency(std::size_t t) const;
  torch::Tensor dense_weights(std::size_t t) const;
  // Per unit of window t: silent, i.e. its row of r is 0 off the diagonal
  // (zero variance in the window). With W on edges only, a unit without
  // edges counts as silent when it fired no spike (its recorded rate is 0).
  std::vector<bool> silent_units(std::size_t t) const;
  torch::Tensor features(std::size_t t) const;
  // Columns of features(t): the model's x_dim.
  std::size_t feature_dim() const;

  // Names carried along for outputs (may be empty).
  std::vector<std::string> unit_ids;
  std::optional<Categorical> groups;
  std::vector<std::string> label_names;

  // The same sequence with tensors moved/cast (float64 for parity tests).
  GraphSequence to(torch::Device device, torch::ScalarType dtype) const;

 private:
  std::vector<Graph> graphs_;
  bool has_graphs_ = true;
  std::vector<WindowGraphInfo> info_;
  GraphSequenceSettings settings_;
  std::size_t n_units_ = 0;
  double bin_width_s_ = 0.0;
  // Mean and sd of the unit rates over the whole sequence (rows+rates
  // z-scores with one scale, so that a unit's rate compares across
  // windows); nullopt when a window has none recorded.
  std::optional<std::pair<double, double>> rate_scale_;
  // Window t's unit rates z-scored with rate_scale_ (N values); throws
  // Error when the file recorded no rates.
  std::vector<double> rate_z(std::size_t t) const;
};

// graphs.npz (keys documented in docs/formats.md); numpy reads it directly
// and load_graph_sequence gives back the same tensors exactly.
void save_graph_sequence(const std::filesystem::path& path, const GraphSequence& sequence);
GraphSequence load_graph_sequence(const std::filesystem::path& path);

}  // namespace tavrnn::graphs
