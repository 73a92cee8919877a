// The sampled reconstruction loss against the full one (docs/training.md,
// "Sampled loss"): on a graphs.npz, a model trained for a few epochs with the
// full loss gives z per window; then, for each K, many draws of the sampled
// loss and of its gradient are compared with the full loss's, summed over the
// windows as the trainer sums them. Prints relative bias and relative
// standard deviation of the loss, and the gradient's relative error (one
// draw, and the mean of all draws), plus seconds per evaluation.
//
//   sampled_loss_bench GRAPHS.npz [--epochs 20] [--draws 200] [--k 1,5,20]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/train/sampled_reconstruction.h"
#include "tavrnn/train/trainer.h"
#include "tavrnn/train/training_data.h"
#include "tavrnn/util/runtime.h"

using namespace tavrnn;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s GRAPHS.npz [--epochs E] [--draws R] [--k 1,5,20]\n", argv[0]);
    return 2;
  }
  int64_t epochs = 20, draws = 200;
  std::vector<int64_t> ks{1, 5, 20};
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--epochs") epochs = std::stoll(argv[i + 1]);
    if (flag == "--draws") draws = std::stoll(argv[i + 1]);
    if (flag == "--k") {
      ks.clear();
      std::string list = argv[i + 1];
      for (std::size_t p = 0; p < list.size();) {
        const auto q = list.find(',', p);
        ks.push_back(std::stoll(list.substr(p, q - p)));
        p = q == std::string::npos ? list.size() : q + 1;
      }
    }
  }
  set_num_threads(1);
  const auto sequence = graphs::load_graph_sequence(argv[1]);
  const auto data = train::make_training_data(sequence, torch::kCPU, torch::kFloat32);
  train::ModelConfig config;
  config.x_dim = data.x_dim;
  config.history_node = sequence.history_node_index().has_value();
  train::TrainerOptions options;
  options.epochs = epochs;
  options.validation_fraction = 0;
  options.early_stopping_patience = 0;
  options.progress = false;
  train::Trainer trainer(config, options);
  trainer.fit(data, "", false);
  auto& model = trainer.model();
  const auto noise = train::draw_noise(trainer.generator(), static_cast<int64_t>(data.size()), data.n_nodes,
                                       config.latent, torch::kCPU, torch::kFloat32);
  const auto output = model.forward(data.steps, noise);
  std::vector<torch::Tensor> z;
  for (const auto& zt : output.z) z.push_back(zt.detach().to(torch::kFloat64).requires_grad_(true));
  const auto targets = train::make_training_data(sequence, torch::kCPU, torch::kFloat64).targets;

  auto full_start = std::chrono::steady_clock::now();
  torch::Tensor full = torch::zeros({}, torch::kFloat64);
  for (std::size_t t = 0; t < z.size(); ++t) full = full + train::reconstruction_nll(z[t], targets[t]);
  const auto full_grad = torch::autograd::grad({full}, z);
  const double full_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - full_start).count();
  const auto flat = [](const std::vector<torch::Tensor>& parts) {
    std::vector<torch::Tensor> rows;
    for (const auto& p : parts) rows.push_back(p.reshape(-1));
    return torch::cat(rows);
  };
  const auto g_full = flat(full_grad);
  std::printf("%s: %zu windows x %lld nodes, %lld epochs of the full loss; full NLL %.6g (%.3f s incl. gradient)\n",
              argv[1], z.size(), static_cast<long long>(data.n_nodes), static_cast<long long>(epochs),
              full.item<double>(), full_seconds);
  std::printf("| K | bias of the mean (relative) | sd of one draw (relative) | gradient error, one draw | gradient error, mean of %lld | s per draw |\n",
              static_cast<long long>(draws));
  std::printf("|---|---|---|---|---|---|\n");
  for (const int64_t k : ks) {
    std::vector<train::SampledReconstruction> sampled;
    for (const auto& target : targets) sampled.emplace_back(target, k);
    auto generator = at::detail::createCPUGenerator(static_cast<std::uint64_t>(k));
    double sum = 0, sum2 = 0, one_draw_error = 0;
    auto g_sum = torch::zeros_like(g_full);
    const auto start = std::chrono::steady_clock::now();
    for (int64_t d = 0; d < draws; ++d) {
      torch::Tensor loss = torch::zeros({}, torch::kFloat64);
      for (std::size_t t = 0; t < z.size(); ++t) loss = loss + sampled[t].nll(z[t], generator);
      const auto g = flat(torch::autograd::grad({loss}, z));
      const double v = loss.item<double>();
      sum += v;
      sum2 += v * v;
      g_sum += g;
      one_draw_error += ((g - g_full).norm() / g_full.norm()).item<double>();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / draws;
    const double mean = sum / draws, sd = std::sqrt(std::max(0.0, sum2 / draws - mean * mean));
    const double f = full.item<double>();
    std::printf("| %lld | %+.2e (se %.1e) | %.2e | %.3f | %.3f | %.3f |\n", static_cast<long long>(k), (mean - f) / f,
                sd / f / std::sqrt(static_cast<double>(draws)), sd / f, one_draw_error / draws,
                ((g_sum / draws - g_full).norm() / g_full.norm()).item<double>(), seconds);
  }
  return 0;
}
