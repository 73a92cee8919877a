#include "tavrnn/eval/cross_recording.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/eval/standard_scaler.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {

RecordingEmbedding recording_embedding(const std::string& name, const EmbeddingsFile& e,
                                       const std::string& population) {
  std::string choice = population;
  if (choice == "auto") choice = e.population_history.defined() ? "history" : "mean";
  if (choice != "history" && choice != "mean") {
    throw Error(fmt::format("{}: population '{}' is as wide as the recording's units; across recordings use "
                            "history or mean",
                            name, population));
  }
  RecordingEmbedding out;
  out.name = name;
  out.population_kind = choice;
  std::string used;
  out.population = population_embedding(e, choice, used).to(torch::kCPU, torch::kFloat64).contiguous();
  for (std::size_t t = 0; t < e.n_windows(); ++t) {
    const int code = e.window_label[t];
    out.labels.push_back(code >= 0 ? e.label_names.at(static_cast<std::size_t>(code)) : std::string());
  }
  return out;
}

std::vector<RecordingEmbedding> group_recordings(const std::vector<RecordingEmbedding>& recordings,
                                                 const std::function<std::string(const std::string&)>& group_of,
                                                 nlohmann::json* members) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const RecordingEmbedding*>> groups;
  for (const auto& r : recordings) {
    const std::string g = group_of(r.name);
    if (groups.count(g) == 0) order.push_back(g);
    groups[g].push_back(&r);
  }
  std::vector<RecordingEmbedding> out;
  if (members) *members = nlohmann::json::object();
  for (const auto& g : order) {
    RecordingEmbedding merged;
    merged.name = g;
    merged.population_kind = groups[g].front()->population_kind;
    std::vector<torch::Tensor> parts;
    for (const auto* r : groups[g]) {
      parts.push_back(r->population);
      merged.labels.insert(merged.labels.end(), r->labels.begin(), r->labels.end());
      if (members) (*members)[g].push_back(r->name);
    }
    merged.population = torch::cat(parts);
    out.push_back(std::move(merged));
  }
  return out;
}

namespace {

// The rows of `r` whose label is in `keep` (non-empty), with the labels' codes in `names`.
void labelled_rows(const RecordingEmbedding& r, const std::vector<std::string>& names, std::vector<int64_t>& rows,
                   std::vector<int>& codes) {
  for (std::size_t t = 0; t < r.labels.size(); ++t) {
    const auto it = std::find(names.begin(), names.end(), r.labels[t]);
    if (r.labels[t].empty() || it == names.end()) continue;
    rows.push_back(static_cast<int64_t>(t));
    codes.push_back(static_cast<int>(it - names.begin()));
  }
}

torch::Tensor take_rows(const torch::Tensor& x, const std::vector<int64_t>& rows) {
  return x.index_select(0, torch::tensor(rows, torch::kInt64));
}

void check_widths(const std::vector<RecordingEmbedding>& recordings) {
  for (const auto& r : recordings) {
    if (r.population.dim() != 2 || r.population.size(1) != recordings.front().population.size(1)) {
      throw Error(fmt::format("recordings '{}' and '{}' have population embeddings of other widths",
                              recordings.front().name, r.name));
    }
  }
}

}  // namespace

nlohmann::json leave_one_recording_out(const std::vector<RecordingEmbedding>& recordings,
                                       const LogisticRegressionOptions& classifier) {
  if (recordings.size() < 2) throw Error("leave-one-recording-out decoding needs at least 2 recordings");
  check_widths(recordings);
  nlohmann::json per = nlohmann::json::array();
  double sum_accuracy = 0, sum_balanced = 0;
  int scored = 0;
  for (std::size_t out = 0; out < recordings.size(); ++out) {
    // The training labels: every label name of the other recordings.
    std::set<std::string> train_names;
    for (std::size_t i = 0; i < recordings.size(); ++i) {
      if (i == out) continue;
      for (const auto& l : recordings[i].labels) {
        if (!l.empty()) train_names.insert(l);
      }
    }
    const std::vector<std::string> names(train_names.begin(), train_names.end());
    nlohmann::json row = {{"name", recordings[out].name}};
    if (names.size() < 2) {
      row["skipped"] = fmt::format("the other recordings have {} label(s); a classifier needs 2", names.size());
      per.push_back(row);
      continue;
    }
    std::vector<torch::Tensor> train_x;
    std::vector<int> train_y;
    for (std::size_t i = 0; i < recordings.size(); ++i) {
      if (i == out) continue;
      std::vector<int64_t> rows;
      labelled_rows(recordings[i], names, rows, train_y);
      if (!rows.empty()) train_x.push_back(take_rows(recordings[i].population, rows));
    }
    std::vector<int64_t> test_rows;
    std::vector<int> test_y;
    labelled_rows(recordings[out], names, test_rows, test_y);
    std::size_t labelled = 0;
    for (const auto& l : recordings[out].labels) labelled += l.empty() ? 0 : 1;
    row["unseen_windows"] = labelled - test_rows.size();
    row["n_test"] = test_rows.size();
    if (test_rows.empty()) {
      row["skipped"] = "no labelled window with a label the other recordings have";
      per.push_back(row);
      continue;
    }
    StandardScaler scaler;
    const torch::Tensor x_train = torch::cat(train_x);
    scaler.fit(x_train);
    LogisticRegression model(classifier);
    model.fit(scaler.transform(x_train), train_y);
    const std::vector<int> predicted = model.predict(scaler.transform(take_rows(recordings[out].population, test_rows)));
    std::map<int, std::pair<int, int>> per_class;  // code -> (correct, total)
    int correct = 0;
    for (std::size_t k = 0; k < test_y.size(); ++k) {
      const bool hit = predicted[k] == test_y[k];
      correct += hit ? 1 : 0;
      per_class[test_y[k]].first += hit ? 1 : 0;
      per_class[test_y[k]].second += 1;
    }
    double recall_sum = 0;
    int largest = 0;
    for (const auto& [code, counts] : per_class) {
      recall_sum += static_cast<double>(counts.first) / counts.second;
      largest = std::max(largest, counts.second);
    }
    const double accuracy = static_cast<double>(correct) / static_cast<double>(test_y.size());
    const double balanced = recall_sum / static_cast<double>(per_class.size());
    row["accuracy"] = accuracy;
    row["balanced_accuracy"] = balanced;
    row["majority_share"] = static_cast<double>(largest) / static_cast<double>(test_y.size());
    per.push_back(row);
    sum_accuracy += accuracy;
    sum_balanced += balanced;
    ++scored;
  }
  nlohmann::json result = {{"per_recording", per}, {"recordings_scored", scored}};
  result["mean_accuracy"] = scored > 0 ? nlohmann::json(sum_accuracy / scored) : nlohmann::json(nullptr);
  result["mean_balanced_accuracy"] = scored > 0 ? nlohmann::json(sum_balanced / scored) : nlohmann::json(nullptr);
  return result;
}

namespace {

// r2_score(y, affine least-squares fit of y from x), uniform over y's columns.
double affine_r2(const torch::Tensor& x, const torch::Tensor& y) {
  const auto design = torch::cat({x, torch::ones({x.size(0), 1}, x.options())}, 1);
  const auto solution = torch::linalg_lstsq(design, y, c10::nullopt, std::string("gelsd"));
  const auto fitted = design.matmul(std::get<0>(solution));
  const auto residual = (y - fitted).pow(2).sum(0);
  const auto total = (y - y.mean(0, true)).pow(2).sum(0);
  double sum = 0;
  for (int64_t c = 0; c < y.size(1); ++c) {
    const double res = residual[c].item<double>();
    const double tot = total[c].item<double>();
    // sklearn's force_finite: a constant output scores 1 if fitted exactly, else 0.
    sum += tot > 0 ? 1.0 - res / tot : (res == 0 ? 1.0 : 0.0);
  }
  return sum / static_cast<double>(y.size(1));
}

}  // namespace

nlohmann::json consistency(const std::vector<RecordingEmbedding>& recordings) {
  if (recordings.size() < 2) throw Error("consistency needs at least 2 recordings");
  check_widths(recordings);
  // The labels every recording has, in name order.
  std::vector<std::string> common;
  {
    std::set<std::string> first(recordings.front().labels.begin(), recordings.front().labels.end());
    first.erase("");
    for (const auto& name : first) {
      bool everywhere = true;
      for (const auto& r : recordings) {
        everywhere = everywhere && std::find(r.labels.begin(), r.labels.end(), name) != r.labels.end();
      }
      if (everywhere) common.push_back(name);
    }
  }
  const int64_t width = recordings.front().population.size(1);
  nlohmann::json result = {{"labels", common}, {"population_dims", width}};
  if (static_cast<int64_t>(common.size()) <= width + 1) {
    result["pairs"] = nlohmann::json::array();
    result["mean_r2"] = nullptr;
    result["skipped"] = fmt::format(
        "{} labels common to every recording: an affine map of {} dimensions fits {} points or fewer exactly, so "
        "R^2 would be 1 whatever the embeddings; label the windows more finely (more than {} labels, e.g. "
        "graphs --behaviour-labels with more ranges)",
        common.size(), width, width + 1, width + 1);
    return result;
  }
  std::vector<torch::Tensor> means;
  for (const auto& r : recordings) {
    std::vector<torch::Tensor> rows;
    for (const auto& name : common) {
      std::vector<int64_t> members;
      for (std::size_t t = 0; t < r.labels.size(); ++t) {
        if (r.labels[t] == name) members.push_back(static_cast<int64_t>(t));
      }
      rows.push_back(take_rows(r.population, members).mean(0));
    }
    means.push_back(torch::stack(rows));
  }
  nlohmann::json pairs = nlohmann::json::array();
  double sum = 0;
  for (std::size_t i = 0; i < recordings.size(); ++i) {
    for (std::size_t j = 0; j < recordings.size(); ++j) {
      if (i == j) continue;
      const double r2 = affine_r2(means[i], means[j]);
      pairs.push_back({{"from", recordings[i].name}, {"to", recordings[j].name}, {"r2", r2}});
      sum += r2;
    }
  }
  result["pairs"] = pairs;
  result["mean_r2"] = sum / static_cast<double>(pairs.size());
  return result;
}

}  // namespace tavrnn::eval
