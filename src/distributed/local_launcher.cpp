#include "tavrnn/distributed/local_launcher.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "tavrnn/distributed/process_group.h"
#include "tavrnn/util/error.h"

namespace tavrnn::distributed {

void LaunchOptions::check() const {
  if (ranks_per_machine < 1) throw Error(fmt::format("`n`: expected >= 1 ranks, found {}", ranks_per_machine));
  if (machines < 1) throw Error(fmt::format("`nnodes`: expected >= 1 machines, found {}", machines));
  if (machine_rank < 0 || machine_rank >= machines) {
    throw Error(fmt::format("`node-rank`: expected 0..{}, found {}", machines - 1, machine_rank));
  }
  if (master_port < 0 || master_port > 65535) {
    throw Error(fmt::format("`master-port`: expected a TCP port in 1..65535 (0: a free one), found {}", master_port));
  }
  if (master_port == 0 && machines > 1) {
    throw Error("`master-port`: several machines must agree on one port; give --master-port");
  }
  if (threads_per_rank < 0) throw Error(fmt::format("`threads-per-rank`: expected >= 0, found {}", threads_per_rank));
}

namespace {

volatile sig_atomic_t forwarded_signal = 0;

void remember_signal(int signal) { forwarded_signal = signal; }

std::string describe(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    return fmt::format("was killed by signal {} ({})", signal, strsignal(signal));
  }
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

}  // namespace

int launch_local_ranks(const std::string& program, const std::vector<std::string>& arguments,
                       const LaunchOptions& options) {
  options.check();
  if (arguments.empty()) throw Error("launch: no command to run (e.g. `tavrnn launch -n 2 -- fit a.npz b.npz --out RUN`)");
  const int port = options.master_port > 0 ? options.master_port : free_local_port();
  const int world = options.ranks_per_machine * options.machines;
  int threads = options.threads_per_rank;
  if (threads == 0) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    threads = std::max(1, static_cast<int>(cores) / options.ranks_per_machine);
  }
  std::vector<std::string> child_arguments = arguments;
  const bool has_threads = std::any_of(arguments.begin(), arguments.end(), [](const std::string& a) {
    return a == "--threads" || a.rfind("--threads=", 0) == 0;
  });
  if (!has_threads) {
    child_arguments.push_back("--threads");
    child_arguments.push_back(std::to_string(threads));
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (auto& a : child_arguments) argv.push_back(a.data());
  argv.push_back(nullptr);

  struct sigaction forward {};
  forward.sa_handler = remember_signal;
  sigemptyset(&forward.sa_mask);
  struct sigaction old_int {}, old_term {};
  sigaction(SIGINT, &forward, &old_int);
  sigaction(SIGTERM, &forward, &old_term);

  std::vector<pid_t> pids;
  std::fflush(nullptr);
  for (int local = 0; local < options.ranks_per_machine; ++local) {
    const int rank = options.machine_rank * options.ranks_per_machine + local;
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (pid_t p : pids) ::kill(p, SIGTERM);
      throw Error(fmt::format("launch: cannot start rank {}: fork(): {}", rank, std::strerror(errno)));
    }
    if (pid == 0) {
      sigaction(SIGINT, &old_int, nullptr);
      sigaction(SIGTERM, &old_term, nullptr);
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(local).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(options.ranks_per_machine).c_str(), 1);
      ::setenv("MASTER_ADDR", options.master_addr.c_str(), 1);
      ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      ::execv(program.c_str(), argv.data());
      std::fprintf(stderr, "tavrnn launch: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
      ::_exit(127);
    }
    pids.push_back(pid);
  }

  std::vector<bool> running(pids.size(), true);
  std::size_t left = pids.size();
  int failures = 0;
  std::string first_failure;
  auto deadline = std::chrono::steady_clock::time_point::max();
  bool terminated = false;
  const auto rank_of = [&](std::size_t i) { return options.machine_rank * options.ranks_per_machine + static_cast<int>(i); };
  while (left > 0) {
    if (forwarded_signal != 0) {
      const int signal = forwarded_signal;
      forwarded_signal = 0;
      for (std::size_t i = 0; i < pids.size(); ++i) {
        if (running[i]) ::kill(pids[i], signal);
      }
      if (first_failure.empty()) first_failure = fmt::format("interrupted by signal {}", signal);
      deadline = std::min(deadline, std::chrono::steady_clock::now() + options.grace);
    }
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done > 0) {
      const auto it = std::find(pids.begin(), pids.end(), done);
      if (it == pids.end()) continue;
      const auto i = static_cast<std::size_t>(it - pids.begin());
      running[i] = false;
      --left;
      if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        ++failures;
        std::fprintf(stderr, "tavrnn launch: rank %d (pid %d) %s\n", rank_of(i), static_cast<int>(done),
                     describe(status).c_str());
        if (first_failure.empty()) first_failure = fmt::format("rank {} {}", rank_of(i), describe(status));
        // The others stop on their own as their next collective call fails;
        // those still running after the grace period are terminated.
        deadline = std::min(deadline, std::chrono::steady_clock::now() + options.grace);
      }
      continue;
    }
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() > deadline) {
      for (std::size_t i = 0; i < pids.size(); ++i) {
        if (running[i]) {
          std::fprintf(stderr, "tavrnn launch: rank %d still running %lld s after the failure: %s\n", rank_of(i),
                       static_cast<long long>(options.grace.count()), terminated ? "killing it" : "terminating it");
          ::kill(pids[i], terminated ? SIGKILL : SIGTERM);
        }
      }
      terminated = true;
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (failures > 0 || !first_failure.empty()) {
    std::fprintf(stderr, "tavrnn launch: %d of %zu ranks failed (first: %s)\n", failures, pids.size(),
                 first_failure.c_str());
    return 1;
  }
  return 0;
}

}  // namespace tavrnn::distributed
