#include "tavrnn/eval/cross_recording.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

// Windows of `labels` whose population embedding is its label's centre
// (one of four corners, through `map`) plus a little noise.
RecordingEmbedding recording(const std::string& name, const std::vector<std::string>& labels,
                             const torch::Tensor& map, std::uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  const std::vector<std::string> names = {"a", "b", "c", "d", "e"};
  const auto centres = torch::tensor({{0.0, 0.0}, {4.0, 0.0}, {0.0, 4.0}, {4.0, 4.0}, {2.0, 7.0}}, torch::kFloat64);
  std::vector<torch::Tensor> rows;
  for (const auto& l : labels) {
    const auto it = std::find(names.begin(), names.end(), l);
    const auto centre = it == names.end() ? torch::zeros({2}, torch::kFloat64) : centres[it - names.begin()];
    rows.push_back(centre + 0.1 * torch::empty({2}, torch::kFloat64).normal_(0, 1, gen));
  }
  return {name, torch::stack(rows).matmul(map), labels, "mean"};
}

std::vector<std::string> repeat(const std::vector<std::string>& labels, int times) {
  std::vector<std::string> out;
  for (int k = 0; k < times; ++k) out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

TEST(CrossRecording, LabelsSeparatedTheSameWayInEveryRecordingDecodeAcrossThem) {
  const auto eye = torch::eye(2, torch::kFloat64);
  const std::vector<RecordingEmbedding> recordings = {
      recording("x", repeat({"a", "b", "c", "d"}, 6), eye, 1),
      recording("y", repeat({"d", "c", "b", "a", ""}, 5), eye, 2),
      recording("z", repeat({"a", "b", "c", "d", "e"}, 4), eye, 3)};
  const auto result = leave_one_recording_out(recordings);
  ASSERT_EQ(result.at("per_recording").size(), 3u);
  EXPECT_EQ(result.at("recordings_scored"), 3);
  EXPECT_DOUBLE_EQ(result.at("mean_accuracy").get<double>(), 1.0);
  const auto& y = result.at("per_recording")[1];
  EXPECT_EQ(y.at("n_test"), 20);  // its 5 unlabelled windows are not scored
  EXPECT_DOUBLE_EQ(y.at("majority_share").get<double>(), 0.25);
  // z's "e" is in no other recording: left out and counted.
  const auto& z = result.at("per_recording")[2];
  EXPECT_EQ(z.at("unseen_windows"), 4);
  EXPECT_EQ(z.at("n_test"), 16);
}

TEST(CrossRecording, ConsistencyIsOneForAffineImagesAndNeedsMoreLabelsThanTheMapFits) {
  const auto eye = torch::eye(2, torch::kFloat64);
  const auto rotation = torch::tensor({{0.0, -2.0}, {2.0, 0.0}}, torch::kFloat64);
  const std::vector<std::string> five = repeat({"a", "b", "c", "d", "e"}, 30);
  auto x = recording("x", five, eye, 4), y = recording("y", five, rotation, 5);
  y.population = y.population + 3.0;  // an affine map, not only a linear one
  const auto result = consistency({x, y});
  EXPECT_EQ(result.at("labels"), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  ASSERT_EQ(result.at("pairs").size(), 2u);
  EXPECT_GT(result.at("mean_r2").get<double>(), 0.99);  // label means: exact up to the noise
  // Unrelated label means score lower.
  auto shuffled = recording("s", repeat({"e", "a", "d", "b", "c"}, 30), eye, 6);
  std::vector<std::string> relabelled = repeat({"a", "b", "c", "d", "e"}, 30);
  shuffled.labels = relabelled;
  EXPECT_LT(consistency({x, shuffled}).at("mean_r2").get<double>(), 0.9);
  // Three labels in two dimensions: any embeddings fit exactly; no score.
  const std::vector<std::string> three = repeat({"a", "b", "c"}, 10);
  const auto few = consistency({recording("x", three, eye, 7), recording("y", three, eye, 8)});
  EXPECT_TRUE(few.at("mean_r2").is_null());
  EXPECT_NE(few.at("skipped").get<std::string>().find("3 labels common"), std::string::npos);
}

TEST(CrossRecording, OneLabelToTrainOnOrOneRecordingIsExplained) {
  const auto eye = torch::eye(2, torch::kFloat64);
  const auto result = leave_one_recording_out(
      {recording("x", repeat({"a"}, 5), eye, 1), recording("y", repeat({"a", "b"}, 5), eye, 2)});
  EXPECT_NE(result.at("per_recording")[1].at("skipped").get<std::string>().find("1 label(s)"), std::string::npos);
  EXPECT_EQ(result.at("recordings_scored"), 1);
  EXPECT_THROW(consistency({recording("x", repeat({"a"}, 5), eye, 1)}), Error);
  auto wide = recording("w", repeat({"a", "b"}, 5), eye, 3);
  wide.population = torch::zeros({10, 3}, torch::kFloat64);
  EXPECT_THROW(leave_one_recording_out({recording("x", repeat({"a", "b"}, 5), eye, 1), wide}), Error);
}

}  // namespace
}  // namespace tavrnn::eval
