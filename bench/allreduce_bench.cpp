// The all-reduce at the end of each data-parallel epoch (docs/distributed.md,
// cost model): median time of ProcessGroup::all_reduce_sum of M numbers over
// P ranks (threads of this process, each its own Gloo group over loopback),
// for the default model's parameter count and larger vectors. Prints a table.
//   build/bench/allreduce_bench [--ranks 2] [--repeats 200]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <torch/torch.h>

#include "tavrnn/distributed/process_group.h"
#include "tavrnn/train/model_config.h"

namespace {

using tavrnn::distributed::GroupOptions;
using tavrnn::distributed::ProcessGroup;

// Median seconds of `repeats` all-reduces of `numel` numbers of `dtype` on `ranks` ranks.
double median_all_reduce(int ranks, int64_t numel, torch::ScalarType dtype, int repeats) {
  const int port = tavrnn::distributed::free_local_port();
  std::vector<double> rank0_times;
  std::vector<std::thread> threads;
  for (int rank = 0; rank < ranks; ++rank) {
    threads.emplace_back([&, rank] {
      GroupOptions options;
      options.master_port = port;
      options.rank = rank;
      options.world_size = ranks;
      ProcessGroup group(options);
      torch::Tensor t = torch::ones({numel}, dtype);
      for (int i = 0; i < 5; ++i) group.all_reduce_sum(t, "warm-up");
      for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        group.all_reduce_sum(t, "timed");
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (rank == 0) rank0_times.push_back(s);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::nth_element(rank0_times.begin(), rank0_times.begin() + repeats / 2, rank0_times.end());
  return rank0_times[static_cast<std::size_t>(repeats / 2)];
}

}  // namespace

int main(int argc, char** argv) {
  int ranks = 2, repeats = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--ranks") == 0) ranks = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::stoi(argv[i + 1]);
  }
  torch::set_num_threads(1);
  // The default model on unit descriptors (8 features, H = 32, Z = 8, a history node).
  tavrnn::train::ModelConfig config;
  config.x_dim = 8;
  config.history_node = true;
  tavrnn::train::SequenceModel model(config);
  int64_t parameters = 0;
  for (const auto& p : model.trainable_parameters()) parameters += p.numel();
  std::printf("default model on descriptors: %lld trainable parameters\n", static_cast<long long>(parameters));
  std::printf("ranks %d (threads over loopback), median of %d\n", ranks, repeats);
  std::printf("%12s %8s %12s %12s\n", "numbers", "dtype", "seconds", "MB/s");
  for (const int64_t numel : {parameters, int64_t{100000}, int64_t{1000000}, int64_t{10000000}}) {
    for (const auto dtype : {torch::kFloat32, torch::kFloat64}) {
      const double s = median_all_reduce(ranks, numel, dtype, numel >= 10000000 ? 20 : repeats);
      const double bytes = static_cast<double>(numel) * (dtype == torch::kFloat32 ? 4 : 8);
      std::printf("%12lld %8s %12.3g %12.1f\n", static_cast<long long>(numel),
                  dtype == torch::kFloat32 ? "float32" : "float64", s, bytes / s / 1e6);
    }
  }
  return 0;
}
