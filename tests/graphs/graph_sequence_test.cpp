#include "tavrnn/graphs/graph_sequence.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>

#include "../error_message.h"
#include "tavrnn/util/error.h"
#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/io/npz.h"

namespace tavrnn::graphs {
namespace {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("tavrnn_graph_sequence_" + name);
}

Recording labelled_recording() {
  torch::manual_seed(11);
  const torch::Tensor y = torch::poisson(torch::full({9, 400}, 0.9, torch::kFloat64));
  std::vector<double> values(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
  std::fill(values.begin() + 5 * 400, values.begin() + 5 * 400 + 200, 0.0);  // unit 5 silent early
  Recording rec(Activity{9, 400, values}, 0.025);
  std::vector<int> codes(400, -1);
  std::fill(codes.begin(), codes.begin() + 100, 0);  // near, a gap, near again, then far
  std::fill(codes.begin() + 150, codes.begin() + 250, 0);
  std::fill(codes.begin() + 250, codes.end(), 1);
  rec.set_labels(Categorical{codes, {"near", "far"}});
  rec.set_groups(Categorical{{0, 0, 0, 1, 1, 1, 2, 2, 2}, {"a", "b", "c"}});
  return rec;
}

void expect_same(const GraphSequence& a, const GraphSequence& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.n_units(), b.n_units());
  EXPECT_EQ(a.n_nodes(), b.n_nodes());
  EXPECT_EQ(a.bin_width_s(), b.bin_width_s());
  EXPECT_EQ(a.settings().theta, b.settings().theta);
  EXPECT_EQ(a.settings().history_node, b.settings().history_node);
  EXPECT_EQ(a.settings().features, b.settings().features);
  EXPECT_EQ(a.settings().top_k, b.settings().top_k);
  EXPECT_EQ(a.settings().rmt, b.settings().rmt);
  EXPECT_EQ(a.settings().windows, b.settings().windows);
  EXPECT_EQ(a.settings().seed, b.settings().seed);
  EXPECT_EQ(a.settings().weights_on_edges, b.settings().weights_on_edges);
  EXPECT_EQ(a.unit_ids, b.unit_ids);
  EXPECT_EQ(a.label_names, b.label_names);
  ASSERT_EQ(a.groups.has_value(), b.groups.has_value());
  if (a.groups) {
    EXPECT_EQ(a.groups->codes, b.groups->codes);
    EXPECT_EQ(a.groups->names, b.groups->names);
  }
  for (std::size_t t = 0; t < a.size(); ++t) {
    EXPECT_EQ(a.graph(t).weights.is_sparse(), b.graph(t).weights.is_sparse()) << t;
    EXPECT_TRUE(a.dense_weights(t).equal(b.dense_weights(t))) << t;  // bit for bit
    EXPECT_EQ(a.graph(t).adjacency.is_sparse(), b.graph(t).adjacency.is_sparse()) << t;
    EXPECT_TRUE(a.dense_adjacency(t).equal(b.dense_adjacency(t))) << t;
    const WindowGraphInfo &x = a.info(t), &y = b.info(t);
    ASSERT_EQ(x.ranges.size(), y.ranges.size());
    for (std::size_t i = 0; i < x.ranges.size(); ++i) {
      EXPECT_EQ(x.ranges[i].begin, y.ranges[i].begin);
      EXPECT_EQ(x.ranges[i].end, y.ranges[i].end);
    }
    EXPECT_EQ(x.label, y.label);
    EXPECT_EQ(x.purity, y.purity);
    EXPECT_EQ(x.source_index, y.source_index);
    EXPECT_EQ(x.zero_variance_units, y.zero_variance_units);
    EXPECT_EQ(x.components_kept, y.components_kept);
    EXPECT_EQ(x.lambda_low, y.lambda_low);
    EXPECT_EQ(x.lambda_high, y.lambda_high);
    EXPECT_EQ(x.edges, y.edges);
    EXPECT_EQ(x.degenerate, y.degenerate);
    EXPECT_EQ(x.degeneracy, y.degeneracy);
    EXPECT_EQ(x.storage, y.storage);
    EXPECT_EQ(x.bytes, y.bytes);
    EXPECT_EQ(x.surrogates, y.surrogates);
    EXPECT_EQ(x.n_bins, y.n_bins);
    EXPECT_EQ(x.unit_rate_hz, y.unit_rate_hz);
  }
}

TEST(GraphSequenceFile, SavedAndLoadedBackExactlyFloat32DenseAndSparse) {
  const Recording rec = labelled_recording();
  GraphBuilderOptions o;
  o.theta = 0.12;
  o.history_node = true;
  o.features = NodeFeatures::Rows;
  o.top_k = 4;
  o.rmt = parse_rmt_options("shuffle:25:reference");
  o.seed = 0xFFFFFFFFFFFFFFF0ULL;  // beyond int64: stored as uint64
  const GraphSequence seq = CorrelationGraphBuilder(o).build(
      rec, WindowPlan::segments(rec, 1, SegmentMode::Concatenated));
  o.storage = StoragePolicy::Sparse;
  const GraphSequence sparse =
      CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 100, 60).select({4, 0}));
  for (const GraphSequence* s : {&seq, &sparse}) {
    const auto path = temp_path("f32.npz");
    save_graph_sequence(path, *s);
    expect_same(*s, load_graph_sequence(path));
    std::filesystem::remove(path);
  }
  EXPECT_TRUE(sparse.graph(0).adjacency.is_sparse());
  EXPECT_EQ(seq.info(0).ranges.size(), 2u);  // the two visits to "near", concatenated
}

TEST(GraphSequenceFile, EdgeListsRoundTripWithWeightsWholeOrOnEdges) {
  const Recording rec = labelled_recording();
  GraphBuilderOptions o;
  o.theta = 0.1;
  o.history_node = true;
  o.features = NodeFeatures::RowsAndRates;
  o.storage = StoragePolicy::Sparse;
  const auto plan = WindowPlan::sliding(rec, 100, 60);
  for (const auto weights : {WeightStorage::Full, WeightStorage::Edges}) {
    o.weights = weights;
    const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, plan);
    EXPECT_EQ(seq.settings().weights_on_edges, weights == WeightStorage::Edges);
    const auto path = temp_path("edges.npz");
    save_graph_sequence(path, seq);
    const io::NpzArrays arrays = io::read_npz(path);
    ASSERT_TRUE(arrays.count("edge_rows"));
    EXPECT_EQ(arrays.at("edge_rows").dtype, io::DType::Int32);
    EXPECT_FALSE(arrays.count("A"));
    EXPECT_EQ(arrays.count("edge_weights"), weights == WeightStorage::Edges ? 1u : 0u);
    EXPECT_EQ(arrays.count("W"), weights == WeightStorage::Edges ? 0u : 1u);
    const GraphSequence back = load_graph_sequence(path);
    expect_same(seq, back);
    for (std::size_t t = 0; t < seq.size(); ++t) {
      EXPECT_TRUE(back.graph(t).adjacency.is_sparse());
      const auto x = seq.features(t), y = back.features(t);
      EXPECT_EQ(x.is_sparse(), weights == WeightStorage::Edges);
      EXPECT_TRUE((x.is_sparse() ? x.to_dense() : x).equal(y.is_sparse() ? y.to_dense() : y));
    }
    std::filesystem::remove(path);
  }
}

TEST(GraphSequenceFile, EdgeListsOutOfOrderOrOutOfRangeAreClearErrors) {
  const Recording rec = labelled_recording();
  GraphBuilderOptions o;
  o.theta = 0.1;
  o.weights = WeightStorage::Edges;
  const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 100, 100));
  const auto path = temp_path("bad_edges.npz");
  save_graph_sequence(path, seq);
  const io::NpzArrays good = io::read_npz(path);
  struct Change {
    std::string key;
    std::size_t entry;
    std::int32_t value;
  };
  const auto rewrite = [&](const std::vector<Change>& changes) {
    std::vector<std::pair<std::string, io::NdArray>> arrays(good.begin(), good.end());
    for (auto& [name, array] : arrays) {
      for (const Change& c : changes) {
        if (name == c.key) std::memcpy(array.bytes.data() + 4 * c.entry, &c.value, 4);
      }
    }
    io::write_npz(path, arrays, false);
  };
  const auto message = [&] { return test_support::error_of([&] { load_graph_sequence(path); }); };
  rewrite({{"edge_columns", 1, 9}});  // past the 9 nodes
  std::string m = message();
  EXPECT_NE(m.find(path.string()), std::string::npos) << m;
  EXPECT_NE(m.find("'edge_columns'"), std::string::npos) << m;
  EXPECT_NE(m.find("[0, 9)"), std::string::npos) << m;
  rewrite({{"edge_rows", 1, 0}, {"edge_columns", 1, 0}});  // (0, 0) twice
  m = message();
  EXPECT_NE(m.find("'edge_rows'"), std::string::npos) << m;
  EXPECT_NE(m.find("row-major order without repeats"), std::string::npos) << m;
  std::filesystem::remove(path);
}

TEST(GraphSequence, RowFeaturesOnEdgesAreTheThresholdedRows) {
  const Recording rec = labelled_recording();
  GraphBuilderOptions o;
  o.theta = 0.1;
  o.features = NodeFeatures::Rows;
  const auto plan = WindowPlan::sliding(rec, 100, 100);
  const GraphSequence full = CorrelationGraphBuilder(o).build(rec, plan);
  EXPECT_FALSE(full.settings().weights_on_edges);  // small: auto keeps W whole
  o.full_weights_max_bytes = 100;  // auto, over budget
  const GraphSequence edges = CorrelationGraphBuilder(o).build(rec, plan);
  EXPECT_TRUE(edges.settings().weights_on_edges);
  for (std::size_t t = 0; t < full.size(); ++t) {
    ASSERT_TRUE(edges.features(t).is_sparse());
    EXPECT_TRUE(edges.features(t).to_dense().equal(full.features(t) * full.dense_adjacency(t)));
  }
}

TEST(GraphSequenceFile, Float64AndZeroVarianceWindowRoundTrip) {
  const Recording rec = labelled_recording();
  GraphBuilderOptions o;
  o.dtype = torch::kFloat64;
  o.theta = 0.99;  // no edges: degenerate windows survive the trip too
  o.rmt = parse_rmt_options("analytic");
  o.storage = StoragePolicy::Dense;  // the dense keys (sparse windows: EdgeListsRoundTrip...)
  const GraphSequence seq =
      CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 200, 200));
  EXPECT_EQ(seq.info(0).zero_variance_units, 1u);
  EXPECT_EQ(seq.info(0).degeneracy, GraphDegeneracy::NoEdges);
  const auto path = temp_path("f64.npz");
  save_graph_sequence(path, seq);
  const GraphSequence back = load_graph_sequence(path);
  EXPECT_EQ(back.graph(0).weights.scalar_type(), torch::kFloat64);
  expect_same(seq, back);
  // numpy-facing keys: W float64 [T, N', N'], A bool.
  const io::NpzArrays arrays = io::read_npz(path);
  EXPECT_EQ(arrays.at("W").dtype, io::DType::Float64);
  EXPECT_EQ(arrays.at("A").dtype, io::DType::Bool);
  EXPECT_EQ(arrays.at("W").shape, (std::vector<std::size_t>{2, 9, 9}));
  std::filesystem::remove(path);
}

TEST(GraphSequenceFile, ARecordingIsNotAGraphsFile) {
  const auto path = temp_path("not_graphs.npz");
  io::write_npz(path, {{"counts", io::NdArray::from_doubles({1, 2}, {1, 2})}});
  try {
    load_graph_sequence(path);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected a graphs file written by `tavrnn graphs`"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove(path);
}

TEST(GraphSequence, FeaturesDenseAdjacencyAndCast) {
  const Recording rec = labelled_recording();
  GraphBuilderOptions o;
  o.theta = 0.1;
  o.storage = StoragePolicy::Sparse;
  const GraphSequence seq =
      CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 200, 200));
  EXPECT_FALSE(seq.history_node_index().has_value());
  EXPECT_TRUE(seq.features(0).equal(torch::eye(9)));  // identity is the default
  EXPECT_FALSE(seq.dense_adjacency(0).is_sparse());
  const GraphSequence wide = seq.to(torch::kCPU, torch::kFloat64);
  EXPECT_EQ(wide.graph(1).weights.scalar_type(), torch::kFloat64);
  EXPECT_TRUE(wide.graph(1).adjacency.is_sparse());
  EXPECT_TRUE(wide.dense_adjacency(1).equal(seq.dense_adjacency(1).to(torch::kFloat64)));
  EXPECT_EQ(wide.info(1).bytes, 81u * 8 + wide.info(1).edges * 24);
}

TEST(GraphSequence, RowsAndRatesAppendEachUnitsZScoredRate) {
  const Recording rec = labelled_recording();
  GraphBuilderOptions o;
  o.theta = 0.1;
  o.history_node = true;
  o.features = NodeFeatures::RowsAndRates;
  const GraphSequence seq =
      CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 100, 100));
  ASSERT_EQ(seq.size(), 4u);
  EXPECT_EQ(seq.feature_dim(), 11u);  // 9 units + history node + the rate column
  // The rates: mean count per bin over the window / bin width.
  const torch::Tensor counts =
      torch::tensor(rec.activity().to_doubles(), torch::kFloat64).reshape({9, 400});
  torch::Tensor all = torch::empty({4, 9}, torch::kFloat64);
  for (int64_t t = 0; t < 4; ++t) {
    const torch::Tensor expected = counts.narrow(1, 100 * t, 100).mean(1) / 0.025;
    ASSERT_EQ(seq.info(static_cast<std::size_t>(t)).unit_rate_hz.size(), 9u);
    for (int64_t i = 0; i < 9; ++i) {
      EXPECT_NEAR(seq.info(static_cast<std::size_t>(t)).unit_rate_hz[static_cast<std::size_t>(i)],
                  expected[i].item<double>(), 1e-9);
    }
    all[t] = expected;
  }
  EXPECT_EQ(seq.info(0).unit_rate_hz[5], 0.0);  // unit 5 is silent in the first 200 bins
  // Features: [W | c], c z-scored over every unit and window, 0 for the history node.
  const torch::Tensor z = (all - all.mean()) / all.std(/*unbiased=*/false);
  for (std::size_t t = 0; t < 4; ++t) {
    const torch::Tensor x = seq.features(t);
    ASSERT_EQ(x.sizes(), (std::vector<int64_t>{10, 11}));
    EXPECT_TRUE(x.narrow(1, 0, 10).equal(seq.graph(t).weights));
    const torch::Tensor c = x.select(1, 10).to(torch::kFloat64);
    EXPECT_LT((c.narrow(0, 0, 9) - z[static_cast<int64_t>(t)]).abs().max().item<double>(), 1e-6);
    EXPECT_EQ(c[9].item<double>(), 0.0);
  }
  // The rates survive the file; features then need no recording.
  const auto path = temp_path("rates.npz");
  save_graph_sequence(path, seq);
  const GraphSequence back = load_graph_sequence(path);
  std::filesystem::remove(path);
  expect_same(seq, back);
  EXPECT_TRUE(back.features(2).equal(seq.features(2)));
}

TEST(GraphSequence, RowsAndRatesWithoutRatesIsAClearError) {
  GraphSequenceSettings settings;
  settings.features = NodeFeatures::RowsAndRates;
  const GraphSequence seq({{torch::eye(3), torch::eye(3)}}, {WindowGraphInfo{}}, settings, 3, 0.05);
  const std::string message = tavrnn::test_support::error_of([&] { seq.features(0); });
  EXPECT_NE(message.find("rows+rates need every window's unit rates"), std::string::npos) << message;
  EXPECT_EQ(parse_node_features("rows+rates"), NodeFeatures::RowsAndRates);
  EXPECT_FALSE(parse_node_features("rates").has_value());
}

TEST(GraphSequence, MismatchedShapesAreRejected) {
  std::vector<Graph> graphs{{torch::ones({3, 3}), torch::ones({2, 2})}};
  EXPECT_THROW(GraphSequence(graphs, {WindowGraphInfo{}}, {}, 3, 0.05), Error);
  EXPECT_THROW(GraphSequence({}, {WindowGraphInfo{}}, {}, 3, 0.05), Error);
}

}  // namespace
}  // namespace tavrnn::graphs
