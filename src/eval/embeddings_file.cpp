#include "tavrnn/eval/embeddings_file.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/io/npz.h"
#include "tavrnn/util/ndarray_tensor.h"

namespace tavrnn::eval {

namespace {

std::vector<int> to_ints(const io::NdArray& array) {
  const auto wide = array.to_int64s();
  return std::vector<int>(wide.begin(), wide.end());
}

}  // namespace

std::size_t EmbeddingsFile::n_units() const {
  return static_cast<std::size_t>(mu.size(1)) - (history_node ? 1 : 0);
}

EmbeddingsFile read_embeddings(const std::filesystem::path& path) {
  const auto arrays = io::read_npz(path);
  const auto what = [&](const std::string& key) { return fmt::format("{}: array '{}'", path.string(), key); };
  EmbeddingsFile e;
  e.mu = to_tensor(io::require_array(arrays, "mu", path), torch::kFloat64, what("mu"));
  if (e.mu.dim() != 3) {
    throw Error(fmt::format("{}: expected [windows, nodes, dims], found {} dimensions", what("mu"), e.mu.dim()));
  }
  e.population_mean = to_tensor(io::require_array(arrays, "population_mean", path), torch::kFloat64,
                                what("population_mean"));
  if (auto it = arrays.find("population_history"); it != arrays.end()) {
    e.population_history = to_tensor(it->second, torch::kFloat64, what("population_history"));
  }
  e.window_label = to_ints(io::require_array(arrays, "window_label", path));
  e.window_purity = io::require_array(arrays, "window_purity", path).to_doubles();
  const auto windows = static_cast<std::size_t>(e.mu.size(0));
  if (e.window_label.size() != windows || e.window_purity.size() != windows ||
      static_cast<std::size_t>(e.population_mean.size(0)) != windows) {
    throw Error(fmt::format("{}: mu has {} windows but window_label has {}, window_purity {} and "
                            "population_mean {}",
                            path.string(), windows, e.window_label.size(), e.window_purity.size(),
                            e.population_mean.size(0)));
  }
  if (auto it = arrays.find("attention"); it != arrays.end()) {
    e.attention = to_tensor(it->second, torch::kFloat64, what("attention"));
    if (e.attention.dim() != 2 || e.attention.size(0) != e.attention.size(1) ||
        static_cast<std::size_t>(e.attention.size(0)) != windows) {
      throw Error(fmt::format("{}: expected shape ({}, {}), one row per window, found {}", what("attention"),
                              windows, windows, it->second.shape_string()));
    }
  }
  const auto bins = [&](const char* key) {
    const auto it = arrays.find(key);
    return it == arrays.end() ? std::vector<double>{} : it->second.to_doubles();
  };
  if (const auto width = arrays.find("bin_width_s"); width != arrays.end()) {
    auto start = bins("window_start"), stop = bins("window_stop");
    if (start.size() == windows && stop.size() == windows) {
      const double w = width->second.as_double(0);
      for (std::size_t t = 0; t < windows; ++t) {
        e.window_start_s.push_back(start[t] * w);
        e.window_stop_s.push_back(stop[t] * w);
      }
    }
  }
  if (auto it = arrays.find("history_node"); it != arrays.end()) {
    e.history_node = it->second.to_int64s().at(0) != 0;
  }
  if (auto it = arrays.find("model"); it != arrays.end() && !it->second.strings.empty()) {
    e.model = it->second.strings.front();
  }
  if (auto it = arrays.find("label_names"); it != arrays.end()) e.label_names = it->second.strings;
  if (auto it = arrays.find("unit_ids"); it != arrays.end()) e.unit_ids = it->second.strings;
  if (auto it = arrays.find("groups"); it != arrays.end()) {
    e.groups = to_ints(it->second);
    if (e.groups.size() != e.n_units()) {
      throw Error(fmt::format("{}: {} group codes for {} units", what("groups"), e.groups.size(),
                              e.n_units()));
    }
    if (auto names = arrays.find("group_names"); names != arrays.end()) e.group_names = names->second.strings;
  }
  return e;
}

EmbeddingsFile embeddings_for_evaluation(const train::Embeddings& embeddings,
                                         const graphs::GraphSequence& sequence,
                                         const std::string& model_name, bool history_node) {
  EmbeddingsFile e;
  e.model = model_name;
  // The file stores the model's dtype; float32 -> float64 is exact, so these
  // are the values read_embeddings returns.
  const auto wide = [](const torch::Tensor& x) {
    return x.defined() ? x.detach().to(torch::kCPU, torch::kFloat64) : torch::Tensor();
  };
  e.mu = wide(embeddings.mu);
  e.population_mean = wide(embeddings.population_mean);
  e.population_history = wide(embeddings.population_history);
  e.attention = wide(embeddings.attention);
  e.history_node = history_node;
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    const auto& info = sequence.info(t);
    e.window_label.push_back(info.label);
    e.window_purity.push_back(info.purity);
    e.window_start_s.push_back(static_cast<double>(info.ranges.front().begin) * sequence.bin_width_s());
    e.window_stop_s.push_back(static_cast<double>(info.ranges.back().end) * sequence.bin_width_s());
  }
  e.label_names = sequence.label_names;
  e.unit_ids = sequence.unit_ids;
  if (sequence.groups) {
    e.groups.assign(sequence.groups->codes.begin(), sequence.groups->codes.end());
    e.group_names = sequence.groups->names;
  }
  return e;
}

}  // namespace tavrnn::eval
