#include "tavrnn/graphs/graph_file_reader.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "../error_message.h"
#include "tavrnn/graphs/graph_builder.h"

namespace tavrnn::graphs {
// Named, not anonymous: the test sources are compiled in one unity unit.
namespace file_reader_test {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("tavrnn_graph_file_reader_" + name);
}

Recording recording() {
  torch::manual_seed(5);
  const torch::Tensor y = torch::poisson(torch::full({8, 600}, 0.8, torch::kFloat64));
  std::vector<double> values(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
  Recording rec(Activity{8, 600, values}, 0.025);
  rec.set_groups(Categorical{{0, 0, 0, 0, 1, 1, 1, 1}, {"a", "b"}});
  return rec;
}

torch::Tensor dense(const torch::Tensor& t) { return t.is_sparse() ? t.to_dense() : t; }

// Pieces of `sizes` windows read in order give the windows of the whole
// file bit for bit, with the rows+rates column on the whole file's scale.
void expect_pieces_are_the_whole(const std::filesystem::path& path, const std::vector<std::size_t>& sizes) {
  const GraphSequence whole = load_graph_sequence(path);
  GraphFileReader reader(path);
  EXPECT_FALSE(reader.header().has_graphs());
  ASSERT_EQ(reader.size(), whole.size());
  std::size_t t = 0;
  for (const std::size_t n : sizes) {
    ASSERT_EQ(reader.position(), t);
    const GraphSequence part = reader.next(n);
    ASSERT_EQ(part.size(), n);
    EXPECT_EQ(part.unit_ids, whole.unit_ids);
    ASSERT_TRUE(part.groups.has_value());
    for (std::size_t k = 0; k < n; ++k, ++t) {
      EXPECT_EQ(part.info(k).source_index, whole.info(t).source_index);
      EXPECT_EQ(part.graph(k).adjacency.is_sparse(), whole.graph(t).adjacency.is_sparse());
      EXPECT_TRUE(dense(part.graph(k).adjacency).equal(dense(whole.graph(t).adjacency))) << t;
      EXPECT_TRUE(dense(part.graph(k).weights).equal(dense(whole.graph(t).weights))) << t;
      EXPECT_TRUE(dense(part.features(k)).equal(dense(whole.features(t)))) << t;
    }
  }
  EXPECT_EQ(t, whole.size());
}

TEST(GraphFileReader, PiecesInOrderAreTheWholeFileForEveryStorage) {
  const Recording rec = recording();
  const auto plan = WindowPlan::sliding(rec, 100, 50);  // 11 windows
  GraphBuilderOptions o;
  o.theta = 0.08;
  o.history_node = true;
  o.features = NodeFeatures::RowsAndRates;
  for (const auto storage : {StoragePolicy::Dense, StoragePolicy::Sparse}) {
    for (const auto weights : {WeightStorage::Full, WeightStorage::Edges}) {
      if (storage == StoragePolicy::Dense && weights == WeightStorage::Edges) continue;
      o.storage = storage;
      o.weights = weights;
      const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, plan);
      ASSERT_EQ(seq.size(), 11u);
      const auto path = temp_path("pieces.npz");
      save_graph_sequence(path, seq);
      expect_pieces_are_the_whole(path, {3, 3, 3, 2});
      expect_pieces_are_the_whole(path, {1, 10});
      std::filesystem::remove(path);
    }
  }
}

TEST(GraphFileReader, RewindsAndRefusesWindowsPastTheEnd) {
  const Recording rec = recording();
  GraphBuilderOptions o;
  o.theta = 0.1;
  o.weights = WeightStorage::Edges;
  const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, WindowPlan::sliding(rec, 200, 200));
  const auto path = temp_path("rewind.npz");
  save_graph_sequence(path, seq);
  GraphFileReader reader(path);
  const GraphSequence first = reader.next(2);
  reader.rewind();
  EXPECT_EQ(reader.position(), 0u);
  const GraphSequence again = reader.next(2);
  EXPECT_TRUE(dense(first.graph(1).weights).equal(dense(again.graph(1).weights)));
  const std::string message = test_support::error_of([&] { reader.next(2); });
  EXPECT_NE(message.find("asked for windows 2 to 4, the file has 3"), std::string::npos) << message;
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  // The header holds every window's info but no graph.
  const std::string no_graph = test_support::error_of([&] { reader.header().graph(0); });
  EXPECT_NE(no_graph.find("was not loaded"), std::string::npos) << no_graph;
  EXPECT_EQ(reader.header().info(2).source_index, seq.info(2).source_index);
  std::filesystem::remove(path);
}

}  // namespace file_reader_test
}  // namespace tavrnn::graphs
