#include "tavrnn/train/embeddings.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/io/npz.h"
#include "tavrnn/util/ndarray_tensor.h"
#include "tavrnn/train/trainer.h"
#include "tavrnn/util/error.h"

namespace tavrnn::train {

Embeddings embed(SequenceModel& model, const TrainingData& data,
                 std::optional<std::size_t> history_node_index, bool sample_z,
                 at::Generator& generator) {
  InMemoryWindows windows(data);
  return embed(model, windows, history_node_index, sample_z, generator);
}

Embeddings embed(SequenceModel& model, WindowSource& windows, std::optional<std::size_t> history_node_index,
                 bool sample_z, at::Generator& generator, std::size_t piece_windows) {
  torch::NoGradGuard no_grad;
  model.train(false);
  const auto t_steps = static_cast<int64_t>(windows.size());
  const int64_t nodes = windows.n_nodes();
  const int64_t latent = model.config().latent;
  const int64_t piece = piece_windows > 0 ? std::min<int64_t>(static_cast<int64_t>(piece_windows), t_steps) : t_steps;
  const auto like = torch::TensorOptions().device(windows.device()).dtype(windows.dtype());
  // The noise of the sampled pass is drawn for every window at once, as one
  // pass over the whole sequence draws it.
  const torch::Tensor noise =
      sample_z ? draw_noise(generator, t_steps, nodes, latent, windows.device(), windows.dtype()) : torch::Tensor();
  std::vector<torch::Tensor> mu, sigma, z, alpha;
  nn::RecurrentState state = model.initial_state(nodes, t_steps, like);
  // The sampled pass's own state (and attention history) only when asked for.
  std::optional<nn::RecurrentState> sampled_state;
  if (sample_z) sampled_state = model.initial_state(nodes, t_steps, like);
  for (int64_t begin = 0; begin < t_steps; begin += piece) {
    const int64_t count = std::min(piece, t_steps - begin);
    const TrainingData data = windows.windows(static_cast<std::size_t>(begin), static_cast<std::size_t>(count));
    const auto zeros = torch::zeros({count, nodes, latent}, like);
    const nn::SequenceOutput out = model.forward(data.steps, zeros, state);
    for (int64_t t = 0; t < count; ++t) {
      mu.push_back(out.mu[static_cast<std::size_t>(t)].to(torch::kCPU));
      sigma.push_back(out.sigma[static_cast<std::size_t>(t)].to(torch::kCPU));
      alpha.push_back(out.alpha[static_cast<std::size_t>(t)].to(torch::kCPU));
    }
    if (sample_z) {
      for (const auto& sampled : model.forward(data.steps, noise.narrow(0, begin, count), *sampled_state).z) {
        z.push_back(sampled.to(torch::kCPU));
      }
    }
  }
  Embeddings e;
  e.mu = torch::stack(mu);
  e.sigma = torch::stack(sigma);
  if (sample_z) e.z = torch::stack(z);
  e.attention = torch::zeros({t_steps, t_steps}, e.mu.options());
  for (int64_t t = 0; t < t_steps; ++t) {
    const auto w = alpha[static_cast<std::size_t>(t)].to(e.mu.scalar_type());
    e.attention[t].narrow(0, t + 1 - w.size(0), w.size(0)).copy_(w);
  }
  const Embeddings population = embeddings_from_mu(e.mu, history_node_index);
  e.population_mean = population.population_mean;
  e.population_history = population.population_history;
  model.train(true);
  return e;
}

Embeddings embeddings_from_mu(torch::Tensor mu, std::optional<std::size_t> history_node_index) {
  if (mu.dim() != 3) {
    throw Error(fmt::format("embeddings: expected mu of shape [windows, nodes, dims], found {} dimensions",
                            mu.dim()));
  }
  Embeddings e;
  e.mu = std::move(mu);
  if (history_node_index) {
    const auto h = static_cast<int64_t>(*history_node_index);
    if (h >= e.mu.size(1)) {
      throw Error(fmt::format("embeddings: the history node is node {}, but mu has {} nodes", h, e.mu.size(1)));
    }
    e.population_mean = e.mu.narrow(1, 0, h).mean(1);
    e.population_history = e.mu.select(1, h).clone();
  } else {
    e.population_mean = e.mu.mean(1);
  }
  return e;
}

void save_embeddings(const std::filesystem::path& path, const Embeddings& e,
                     const graphs::GraphSequence& sequence, const ModelConfig& config) {
  save_embeddings(path, e, sequence, model_kind_name(config.kind),
                  sequence.history_node_index().has_value());
}

void save_embeddings(const std::filesystem::path& path, const Embeddings& e,
                     const graphs::GraphSequence& sequence, const std::string& model_name,
                     bool history_node) {
  std::vector<std::pair<std::string, io::NdArray>> arrays;
  arrays.emplace_back("mu", to_ndarray(e.mu));
  if (e.sigma.defined()) arrays.emplace_back("sigma", to_ndarray(e.sigma));
  if (e.z.defined()) arrays.emplace_back("z", to_ndarray(e.z));
  arrays.emplace_back("population_mean", to_ndarray(e.population_mean));
  if (e.population_history.defined()) {
    arrays.emplace_back("population_history", to_ndarray(e.population_history));
  }
  if (e.attention.defined()) arrays.emplace_back("attention", to_ndarray(e.attention));
  const std::size_t t_steps = sequence.size();
  std::vector<std::int64_t> start(t_steps), stop(t_steps), label(t_steps), source(t_steps);
  std::vector<double> purity(t_steps);
  std::vector<std::int64_t> ranges;  // rows of (window, begin, end)
  for (std::size_t t = 0; t < t_steps; ++t) {
    const auto& info = sequence.info(t);
    start[t] = static_cast<std::int64_t>(info.ranges.front().begin);
    stop[t] = static_cast<std::int64_t>(info.ranges.back().end);
    label[t] = info.label;
    source[t] = static_cast<std::int64_t>(info.source_index);
    purity[t] = info.purity;
    for (const auto& r : info.ranges) {
      ranges.insert(ranges.end(), {static_cast<std::int64_t>(t), static_cast<std::int64_t>(r.begin),
                                   static_cast<std::int64_t>(r.end)});
    }
  }
  arrays.emplace_back("window_start", io::NdArray::from_int64s(start, {t_steps}));
  arrays.emplace_back("window_stop", io::NdArray::from_int64s(stop, {t_steps}));
  arrays.emplace_back("window_ranges", io::NdArray::from_int64s(ranges, {ranges.size() / 3, 3}));
  arrays.emplace_back("window_label", io::NdArray::from_int64s(label, {t_steps}));
  arrays.emplace_back("window_purity", io::NdArray::from_doubles(purity, {t_steps}));
  arrays.emplace_back("window_source_index", io::NdArray::from_int64s(source, {t_steps}));
  if (!sequence.label_names.empty()) {
    arrays.emplace_back("label_names", io::NdArray::from_strings(sequence.label_names,
                                                                 {sequence.label_names.size()}));
  }
  if (!sequence.unit_ids.empty()) {
    arrays.emplace_back("unit_ids", io::NdArray::from_strings(sequence.unit_ids,
                                                              {sequence.unit_ids.size()}));
  }
  if (sequence.groups) {
    std::vector<std::int64_t> codes(sequence.groups->codes.begin(), sequence.groups->codes.end());
    arrays.emplace_back("groups", io::NdArray::from_int64s(codes, {codes.size()}));
    arrays.emplace_back("group_names", io::NdArray::from_strings(sequence.groups->names,
                                                                 {sequence.groups->names.size()}));
  }
  arrays.emplace_back("history_node",
                      io::NdArray::from_int64s({history_node ? 1 : 0}, {}));
  arrays.emplace_back("bin_width_s", io::NdArray::scalar(sequence.bin_width_s()));
  arrays.emplace_back("model", io::NdArray::from_strings({model_name}, {}));
  io::write_npz(path, arrays, /*compress=*/true);
}

}  // namespace tavrnn::train
