// Long sequences: seconds and peak memory of one training epoch against the
// number of windows T, with attention over every earlier state (width 0,
// the default) and over the last three (width 3); and the attention
// recurrence alone in its two forms, each state stored once
// (TemporalAttention::step, what the model runs) and every state stacked
// anew at every step (TemporalAttention::forward, the direct formula).
//
// Peak RSS is the process's: run one benchmark per process for per-shape
// memory (bench/sequence_bench.sh does).

#include <vector>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "tavrnn/nn/temporal_attention.h"
#include "tavrnn/train/trainer.h"
#include "bench_main.h"
#include "tavrnn/util/runtime.h"

namespace {

using tavrnn::train::TrainingData;

// T windows of a thresholded random correlation graph over `nodes` nodes
// (the last a history node joined to every unit), 20 distinct graphs in
// turn: the epoch's cost does not depend on what the graphs hold.
TrainingData cycled_graphs(int64_t nodes, int64_t windows) {
  torch::manual_seed(0);
  const int64_t units = nodes - 1, distinct = 20;
  std::vector<torch::Tensor> pool_a, pool_w;
  for (int64_t i = 0; i < distinct; ++i) {
    const auto latent = torch::randn({4, 200}, torch::kFloat64);
    const auto mixing = torch::randn({units, 4}, torch::kFloat64);
    const auto x = torch::mm(mixing, latent) + torch::randn({units, 200}, torch::kFloat64);
    auto centred = x - x.mean(1, true);
    const auto z = centred / centred.pow(2).sum(1, true).sqrt();
    auto w = torch::ones({nodes, nodes}, torch::kFloat64);
    w.narrow(0, 0, units).narrow(1, 0, units).copy_(torch::mm(z, z.t()).abs());
    pool_a.push_back((w >= 0.3).to(torch::kFloat64));
    pool_w.push_back(w);
  }
  std::vector<torch::Tensor> adjacency, features;
  for (int64_t t = 0; t < windows; ++t) {
    adjacency.push_back(pool_a[static_cast<std::size_t>(t % distinct)]);
    features.push_back(pool_w[static_cast<std::size_t>(t % distinct)]);
  }
  return tavrnn::train::make_training_data(adjacency, features, torch::kCPU, torch::kFloat32,
                                           tavrnn::nn::AdjacencyFormat::Dense);
}

// nodes N', windows T, attention width (0 = every earlier state)
void BM_SequenceEpoch(benchmark::State& state) {
  const int64_t nodes = state.range(0), windows = state.range(1);
  tavrnn::set_num_threads(1);
  const TrainingData data = cycled_graphs(nodes, windows);
  tavrnn::train::ModelConfig config;
  config.x_dim = data.x_dim;
  config.history_node = true;
  config.attention_width = state.range(2);
  tavrnn::train::SequenceModel model(config);
  torch::optim::Adam adam(model.trainable_parameters(), torch::optim::AdamOptions(1e-2));
  auto generator = at::detail::createCPUGenerator(0);
  auto epoch = [&] {
    adam.zero_grad();
    const auto noise = tavrnn::train::draw_noise(generator, windows, nodes, config.latent,
                                                 torch::kCPU, torch::kFloat32);
    const auto out = model.forward(data.steps, noise);
    const auto loss = tavrnn::train::sequence_loss(out, data.targets);
    loss.loss.backward();
    adam.step();
    return loss.loss.item<double>();
  };
  epoch();
  for (auto _ : state) benchmark::DoNotOptimize(epoch());
  state.counters["peak_rss_MiB"] = tavrnn::bench::peak_rss_mib();
}
BENCHMARK(BM_SequenceEpoch)
    ->ArgsProduct({{26, 121}, {100, 500, 2000, 5000}, {0, 3}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// The attention recurrence alone, forward and backward: N' = nodes, H = 32,
// T = windows; form 0 = stored once (step), 1 = stacked anew (forward).
void BM_AttentionRecurrence(benchmark::State& state) {
  const int64_t nodes = state.range(0), windows = state.range(1), hidden = 32;
  const bool stacked = state.range(2) == 1;
  tavrnn::set_num_threads(1);
  tavrnn::nn::TemporalAttention attention{tavrnn::nn::TemporalAttentionOptions(hidden)};
  const auto inputs = torch::randn({windows, nodes, hidden}).requires_grad_(true);
  auto pass = [&] {
    tavrnn::nn::AttentionHistory history(windows, nodes * hidden, hidden, inputs);
    std::vector<torch::Tensor> states;
    auto h = torch::zeros({nodes, hidden});
    auto loss = torch::zeros({});
    // One unbind: indexing inputs[t] would give every step's backward a
    // zero-filled [T, N', H] gradient of its own.
    const auto slices = inputs.unbind(0);
    for (int64_t t = 0; t < windows; ++t) {
      const auto g = torch::tanh(slices[static_cast<std::size_t>(t)] + h);
      if (stacked) {
        states.push_back(g);
        h = attention->forward(states).state;
        states.back() = h;
      } else {
        h = attention->step(history, g).state;
      }
      loss = loss + h.sum();
    }
    loss.backward();
    return loss.item<double>();
  };
  for (auto _ : state) benchmark::DoNotOptimize(pass());
  state.counters["peak_rss_MiB"] = tavrnn::bench::peak_rss_mib();
}
// The stacked form at N' = 121 and T = 2,000 would need about 31 GB.
BENCHMARK(BM_AttentionRecurrence)
    ->ArgsProduct({{26}, {500, 2000}, {0, 1}})
    ->ArgsProduct({{121}, {500, 1000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

int main(int argc, char** argv) { return tavrnn::bench::run_benchmarks(argc, argv); }
