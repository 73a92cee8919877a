// Seconds per training epoch (forward over all windows, backward, Adam step)
// of tavrnn's model, for the shapes of bench/README.md, next to a plain GEMM
// measured in the same process. Each run also reports peak RSS; run one
// benchmark per process (bench/run_model_bench.sh) for per-shape memory.
//
// Graphs are built like ../shared/reference/bench_reference.py: structured
// Poisson counts (8 groups sharing latent drives), 400-bin windows, Pearson
// |r| >= theta, history node, features = rows of W.

#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "bench_main.h"
#include "tavrnn/util/runtime.h"
#include "tavrnn/train/trainer.h"

namespace {

using tavrnn::train::TrainingData;

TrainingData structured_graphs(int64_t nodes, int64_t windows, double theta,
                               tavrnn::nn::AdjacencyFormat format) {
  torch::manual_seed(0);
  const int64_t units = nodes - 1, bins = 400;
  const auto group = torch::randint(0, 8, {units}, torch::kInt64);
  std::vector<torch::Tensor> adjacency, features;
  for (int64_t t = 0; t < windows; ++t) {
    const auto latent = torch::randn({8, bins}, torch::kFloat64);
    const auto rate = 0.3 * torch::exp(1.2 * latent.index_select(0, group) +
                                       0.5 * torch::randn({units, bins}, torch::kFloat64));
    const auto counts = torch::poisson(rate);
    auto centred = counts - counts.mean(1, true);
    auto norm = centred.pow(2).sum(1, true).sqrt();
    auto z = torch::where(norm > 0, centred / norm, torch::zeros_like(centred));
    auto r = torch::mm(z, z.t()).abs();
    r.fill_diagonal_(1.0);
    auto w = torch::ones({nodes, nodes}, torch::kFloat64);
    w.narrow(0, 0, units).narrow(1, 0, units).copy_(r);
    auto a = theta > 0 ? (w >= theta).to(torch::kFloat64) : (w != 0).to(torch::kFloat64);
    adjacency.push_back(a);
    features.push_back(w);
  }
  return tavrnn::train::make_training_data(adjacency, features, torch::kCPU, torch::kFloat32, format);
}

// Floating-point operations of one epoch's N'-sized products, the terms
// that dominate at N' = 901: per step the adjacency products (enc H, mean
// and std Z each, GRU input gates 3H, hidden gates 2H, hh H), the features
// times phi_x (x_dim x H) and the decoder z z^T (Z); backward counted as twice
// the forward. The H x H weight products (O(N' H^2)) are left out.
double dense_epoch_flops(int64_t n, int64_t t, int64_t x_dim, int64_t h, int64_t z) {
  const double nn = static_cast<double>(n) * static_cast<double>(n);
  const double adjacency = 2.0 * nn * static_cast<double>(h + 2 * z + 3 * h + 2 * h + h);
  const double features = 2.0 * static_cast<double>(n) * static_cast<double>(x_dim) * static_cast<double>(h);
  const double decoder = 2.0 * nn * static_cast<double>(z);
  return 3.0 * static_cast<double>(t) * (adjacency + features + decoder);
}

void BM_Epoch(benchmark::State& state) {
  const int64_t nodes = state.range(0), windows = state.range(1);
  const double theta = static_cast<double>(state.range(2)) / 100.0;
  const int threads = static_cast<int>(state.range(3));
  const auto format = state.range(4) == 0 ? tavrnn::nn::AdjacencyFormat::Dense
                                          : tavrnn::nn::AdjacencyFormat::Sparse;
  tavrnn::set_num_threads(threads);
  const TrainingData data = structured_graphs(nodes, windows, theta, format);
  tavrnn::train::ModelConfig config;
  config.x_dim = data.x_dim;
  config.history_node = true;
  tavrnn::train::SequenceModel model(config);
  torch::optim::Adam adam(model.trainable_parameters(), torch::optim::AdamOptions(1e-2));
  auto generator = at::detail::createCPUGenerator(0);
  auto epoch = [&] {
    adam.zero_grad();
    const auto noise = tavrnn::train::draw_noise(generator, windows, nodes, 8, torch::kCPU, torch::kFloat32);
    const auto out = model.forward(data.steps, noise);
    const auto loss = tavrnn::train::sequence_loss(out, data.targets);
    loss.loss.backward();
    adam.step();
    return loss.loss.item<double>();
  };
  epoch();  // warm-up, as the reference script does
  for (auto _ : state) benchmark::DoNotOptimize(epoch());
  double density = 0;
  for (const auto& a : data.adjacency) density += a.mean().item<double>() / static_cast<double>(windows);
  state.counters["density"] = density;
  state.counters["peak_rss_MiB"] = tavrnn::bench::peak_rss_mib();
  if (format == tavrnn::nn::AdjacencyFormat::Dense) {
    state.counters["GFLOP/s"] = benchmark::Counter(dense_epoch_flops(nodes, windows, data.x_dim, 32, 8),
                                                   benchmark::Counter::kIsIterationInvariantRate,
                                                   benchmark::Counter::kIs1000);
  }
}

// The dense products of one sparse-path epoch at the model's shapes
// (N' x x_dim features, H = 32, Z = 8), forward and backward, as
// {rows, inner, cols} of C = A B. Per step forward: the features times
// phi_x, the encoder (2H -> H, Theta first), mean and std (H -> 2Z), the
// prior (H -> H, then H -> Z twice), phi_z (Z -> H), the GRU's input gates
// (2H -> 3H), hidden gates (H -> 2H) and candidate (H -> H), the attention's
// value map (H -> H) and the decoder's upper triangle of z z^T. Backward: the
// input and the weight gradient of each (only the weight's for phi_x, whose
// input is data) and G z for the decoder. The adjacency (CSR) products, the
// decoder's exp/log1p and every elementwise op are left out, so timing these
// alone gives a floor for the epoch on this machine. (The input gradients
// of the first step's products of h = 0, which autograd skips, are counted
// too: under 1 % of the FLOPs.)
struct Product {
  int64_t rows, inner, cols;
};

enum class ProductSet { All, Features, Weights, Decoder };

std::vector<Product> epoch_products(int64_t n, int64_t t, int64_t x_dim, int64_t h, int64_t z,
                                    ProductSet set) {
  const std::vector<Product> weights = {{n, 2 * h, h}, {n, h, 2 * z}, {n, h, h},     {n, h, z},
                                        {n, h, z},     {n, z, h},     {n, 2 * h, 3 * h},
                                        {n, h, 2 * h}, {n, h, h},     {n, h, h}};
  std::vector<Product> out;
  for (int64_t step = 0; step < t; ++step) {
    if (set == ProductSet::All || set == ProductSet::Features) {
      out.push_back({n, x_dim, h});
      out.push_back({x_dim, n, h});
    }
    if (set == ProductSet::All || set == ProductSet::Weights) {
      for (const auto& p : weights) {
        out.push_back(p);
        out.push_back({p.rows, p.cols, p.inner});  // dA = dC B^T
        out.push_back({p.inner, p.rows, p.cols});  // dB = A^T dC
      }
    }
    if (set == ProductSet::All || set == ProductSet::Decoder) {
      out.push_back({n, z, n / 2});  // z z^T, upper triangle
      out.push_back({n, n, z});      // G z
    }
  }
  return out;
}

void BM_EpochGemmFloor(benchmark::State& state) {
  const int64_t nodes = state.range(0), windows = state.range(1);
  tavrnn::set_num_threads(static_cast<int>(state.range(2)));
  torch::manual_seed(0);
  const auto products =
      epoch_products(nodes, windows, nodes, 32, 8, static_cast<ProductSet>(state.range(3)));
  std::vector<std::pair<torch::Tensor, torch::Tensor>> operands;
  double flops = 0;
  for (const auto& p : products) {
    operands.emplace_back(torch::randn({p.rows, p.inner}), torch::randn({p.inner, p.cols}));
    flops += 2.0 * static_cast<double>(p.rows) * static_cast<double>(p.inner) * static_cast<double>(p.cols);
  }
  for (auto _ : state) {
    for (const auto& [a, b] : operands) benchmark::DoNotOptimize(torch::mm(a, b).data_ptr<float>());
  }
  state.counters["products"] = static_cast<double>(products.size());
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.counters["GFLOP"] = flops / 1e9;
}
// nodes, windows, threads, product set (0 all, 1 features, 2 weights, 3 decoder)
BENCHMARK(BM_EpochGemmFloor)
    ->ArgsProduct({{901}, {6, 19}, {1, 2}, {0}})
    ->ArgsProduct({{901}, {6}, {1}, {1, 2, 3}})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

// nodes, windows, theta x 100, threads, 0 dense / 1 sparse
BENCHMARK(BM_Epoch)
    ->ArgsProduct({{121}, {6}, {2}, {1, 2}, {0}})
    ->ArgsProduct({{901}, {6, 19}, {60}, {1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

void BM_Gemm(benchmark::State& state) {
  const int64_t n = state.range(0);
  tavrnn::set_num_threads(static_cast<int>(state.range(1)));
  const auto a = torch::randn({n, n});
  const auto b = torch::randn({n, 96});
  for (auto _ : state) benchmark::DoNotOptimize(torch::mm(a, b).data_ptr<float>());
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * 96, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}
// The model's typical product: [N', N'] x [N', 3H].
BENCHMARK(BM_Gemm)->ArgsProduct({{901}, {1, 2}})->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) { return tavrnn::bench::run_benchmarks(argc, argv); }
