#pragma once
// `tavrnn launch`: starts the ranks of one machine as child processes, the
// way torchrun does: each gets RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT in its environment and runs
// the same command. When one rank fails, the others are given `grace`
// to stop on their own (their collective calls fail as soon as a peer's
// connection drops), then are terminated; the launch fails with the first
// failure's rank and cause.
#include <chrono>
#include <string>
#include <vector>

namespace tavrnn::distributed {

struct LaunchOptions {
  int ranks_per_machine = 1;  // -n
  int machines = 1;           // --nnodes
  int machine_rank = 0;       // --node-rank: this machine's ranks are machine_rank * n ... + n - 1
  std::string master_addr = "127.0.0.1";
  int master_port = 0;        // 0: a free local port (one machine only)
  int threads_per_rank = 0;   // 0: the cores divided among the ranks (at least 1)
  std::chrono::seconds grace{30};
  void check() const;
};

// Runs `program` with `arguments` as every local rank and waits for all;
// returns 0 when all succeed, else 1 (after printing which rank failed and
// how to stderr). `--threads T` is appended for each rank unless the
// arguments hold --threads.
int launch_local_ranks(const std::string& program, const std::vector<std::string>& arguments,
                       const LaunchOptions& options);

}  // namespace tavrnn::distributed
