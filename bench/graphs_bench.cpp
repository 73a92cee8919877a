// The graph stage's figures (bench/README.md), side by side with
// bench/reference_graphs.py: Pearson graphs for N = 900, L = 2400, T = 19
// against one GEMM of the same size; random-matrix filtering (bounds and the
// filtered matrix) for N = 120 x L = 400 with K = 1000 and N = 900 x L = 2400
// with K = 50 (per-window time for K = 1000 reported scaled); adaptive and
// analytic filtering. Second argument of each case: threads (LibTorch and
// OpenBLAS, tavrnn::set_num_threads). Data: i.i.d. Poisson(0.5) counts.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>

#include "tavrnn/graphs/correlation.h"
#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/graphs/rmt_filter.h"
#include "bench_main.h"
#include "graphs/gram.h"
#include "tavrnn/util/runtime.h"

namespace {

using namespace tavrnn;
using namespace tavrnn::graphs;

torch::Tensor poisson_counts(int64_t n, int64_t bins, uint64_t seed = 0) {
  torch::manual_seed(seed);
  return torch::poisson(torch::full({n, bins}, 0.5, torch::kFloat64));
}

// Seconds of wall time per call of `body`, averaged over the benchmark's
// iterations, as a plain counter (the table reads it directly).
template <typename Body>
void time_iterations(benchmark::State& state, double calls_per_iteration, const char* name,
                     double scale, Body body) {
  double total = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    body();
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  state.counters[name] =
      scale * total / (static_cast<double>(state.iterations()) * calls_per_iteration);
}

Recording dishbrain_shaped() {
  const torch::Tensor y = poisson_counts(900, 24000);
  return Recording(
      Activity{900, 24000,
               std::vector<double>(y.data_ptr<double>(), y.data_ptr<double>() + y.numel())},
      0.05);
}

void BM_Gemm900x2400(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const torch::Tensor y = poisson_counts(900, 2400).to(torch::kFloat32);
  for (auto _ : state) {
    torch::Tensor r = torch::mm(y, y.t());
    benchmark::DoNotOptimize(r.data_ptr<float>());
  }
  state.SetLabel(detect_blas().vendor);
}
BENCHMARK(BM_Gemm900x2400)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Pearson r of the 19 sliding windows (2400 bins, step 1200), batched.
void BM_PearsonDishbrainWindows(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Recording rec = dishbrain_shaped();
  const WindowPlan plan = WindowPlan::sliding(rec, 2400, 1200);
  const torch::Tensor counts = poisson_counts(900, 24000).to(torch::kFloat32);
  time_iterations(state, 19, "ms_per_window", 1e3, [&] {
    for_each_window_correlation(counts, plan.windows(), GraphBuilderOptions().max_batch_bytes,
                                [](std::size_t, const torch::Tensor&, const PearsonCorrelation& c) {
                                  benchmark::DoNotOptimize(c.r.data_ptr<float>());
                                });
  });
}
BENCHMARK(BM_PearsonDishbrainWindows)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole graph stage without filtering: W, A (theta 0.6), history node.
void BM_GraphBuildDishbrain(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Recording rec = dishbrain_shaped();
  const WindowPlan plan = WindowPlan::sliding(rec, 2400, 1200);
  GraphBuilderOptions o;
  o.theta = 0.6;
  o.history_node = true;
  o.features = NodeFeatures::Rows;
  spdlog::set_level(spdlog::level::err);  // i.i.d. data: no edge at 0.6, a warning per window
  time_iterations(state, 19, "ms_per_window", 1e3, [&] {
    const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, plan);
    benchmark::DoNotOptimize(seq.size());
  });
}
BENCHMARK(BM_GraphBuildDishbrain)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// At scale (the issue-20 target: graph building within 1.5x of the Gram
// products alone). Args: N, threads; 3 windows of 2,400 bins, theta 0.2,
// identity features. The Gram case is the syrk of the prepared rows alone.
void BM_GramLarge(benchmark::State& state) {
  const int64_t n = state.range(0);
  set_num_threads(static_cast<int>(state.range(1)));
  const torch::Tensor z = unit_norm_rows(poisson_counts(n, 2400).to(torch::kFloat32));
  torch::Tensor r;
  time_iterations(state, 1, "s_per_window", 1, [&] {
    graphs::detail::gram_matrices(z, /*lower_only=*/true, &r);
    benchmark::DoNotOptimize(r.data_ptr<float>());
  });
}
BENCHMARK(BM_GramLarge)->Args({2000, 1})->Args({10000, 1})->Args({10000, 2})->Iterations(3)->UseRealTime();

void BM_GraphBuildLarge(benchmark::State& state) {
  const int64_t n = state.range(0);
  set_num_threads(static_cast<int>(state.range(1)));
  const torch::Tensor y = poisson_counts(n, 3 * 2400);
  const Recording rec(Activity{static_cast<std::size_t>(n), 3 * 2400,
                               std::vector<double>(y.data_ptr<double>(), y.data_ptr<double>() + y.numel())},
                      0.05);
  const WindowPlan plan = WindowPlan::sliding(rec, 2400, 2400);
  GraphBuilderOptions o;
  o.theta = 0.2;
  spdlog::set_level(spdlog::level::err);  // i.i.d. data: no edge at 0.2, a warning per window
  time_iterations(state, 3, "s_per_window", 1, [&] {
    const GraphSequence seq = CorrelationGraphBuilder(o).build(rec, plan);
    benchmark::DoNotOptimize(seq.size());
  });
}
BENCHMARK(BM_GraphBuildLarge)->Args({2000, 1})->Args({10000, 1})->Args({10000, 2})->Iterations(1)->UseRealTime();

// Bounds and filtered matrix of one window. Args: N, L, K (0: analytic,
// -1: adaptive), threads. Reports seconds per window scaled to K = 1000.
void BM_RandomMatrixFilter(benchmark::State& state) {
  const int64_t n = state.range(0), bins = state.range(1), k = state.range(2);
  set_num_threads(static_cast<int>(state.range(3)));
  const torch::Tensor y = poisson_counts(n, bins, 1).to(torch::kFloat32);
  const PearsonCorrelation c = pearson_correlation(y);
  RmtOptions o;
  o.mode = k > 0 ? RmtMode::Shuffle : k == 0 ? RmtMode::Analytic : RmtMode::Adaptive;
  if (k > 0) o.surrogates = static_cast<std::size_t>(k);
  const RandomMatrixFilter filter(o);
  std::size_t drawn = 0;
  // Seconds per window, scaled to K = 1000 for the shuffle (the work is
  // linear in K); as measured for analytic and adaptive.
  const double scale = k > 0 ? 1000.0 / static_cast<double>(k) : 1.0;
  time_iterations(state, 1, "s_per_window_K1000", scale, [&] {
    const auto result = filter.apply(y, c.r, c.zero_variance, 7, 0);
    drawn = result.bounds.surrogates;
    benchmark::DoNotOptimize(result.filtered.r.data_ptr<float>());
  });
  state.counters["surrogates"] = static_cast<double>(drawn);
}
BENCHMARK(BM_RandomMatrixFilter)
    ->Args({120, 400, 1000, 1})
    ->Args({120, 400, 1000, 2})
    ->Args({120, 400, -1, 1})
    ->Args({120, 400, -1, 2})
    ->Args({900, 2400, 50, 1})
    ->Args({900, 2400, 50, 2})
    ->Args({900, 2400, -1, 1})
    ->Args({900, 2400, -1, 2})
    ->Args({900, 2400, 0, 1})
    ->Args({900, 2400, 0, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) { return tavrnn::bench::run_benchmarks(argc, argv); }
