// A plain float32 GEMM through LibTorch: the yardstick the other benchmarks
// compare against, and a check that OpenBLAS (not the netlib reference BLAS)
// is in use. Prints GFLOP/s per size and thread count.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "tavrnn/util/runtime.h"

static void BM_Gemm(benchmark::State& state) {
  const int64_t n = state.range(0);
  tavrnn::set_num_threads(static_cast<int>(state.range(1)));
  torch::manual_seed(0);
  auto a = torch::randn({n, n});
  auto b = torch::randn({n, n});
  for (auto _ : state) {
    auto c = torch::mm(a, b);
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
  state.SetLabel(tavrnn::detect_blas().vendor);
}
BENCHMARK(BM_Gemm)->ArgsProduct({{512, 1024, 2048}, {1, 2}})->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
