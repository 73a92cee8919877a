// tavrnn launch -n K -- fit a.npz b.npz ... --out RUN: starts K ranks of a
// data-parallel fit on this machine (docs/distributed.md); on several
// machines, the same command on each with --nnodes, --node-rank and the
// address of rank 0's machine.
#include <unistd.h>

#include <climits>

#include "commands.h"
#include "tavrnn/distributed/local_launcher.h"
#include "tavrnn/util/error.h"

namespace tavrnn::cli {

namespace {

std::string own_executable() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) throw Error("launch: cannot find the tavrnn executable (/proc/self/exe)");
  return std::string(path, static_cast<std::size_t>(n));
}

}  // namespace

void register_launch(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "launch", "Start K ranks of a data-parallel `tavrnn fit` on this machine: tavrnn launch -n K -- fit A.npz "
                "B.npz ... --out RUN (docs/distributed.md)");
  auto options = std::make_shared<distributed::LaunchOptions>();
  auto arguments = std::make_shared<std::vector<std::string>>();
  auto grace = std::make_shared<int>(30);
  command->add_option("-n,--ranks", options->ranks_per_machine, "Ranks on this machine")->required();
  command->add_option("--nnodes", options->machines, "Machines taking part (each runs this command)");
  command->add_option("--node-rank", options->machine_rank,
                      "This machine's index, 0..nnodes-1 (machine 0 holds rank 0 and the run folder)");
  command->add_option("--master-addr", options->master_addr, "Address of machine 0 (default 127.0.0.1)");
  command->add_option("--master-port", options->master_port,
                      "Port of the rendezvous store on machine 0 (default: a free port; required with --nnodes > 1)");
  command->add_option("--threads-per-rank", options->threads_per_rank,
                      "Threads for each rank (default 0: this machine's cores divided among its ranks)");
  command->add_option("--grace", *grace,
                      "Seconds the other ranks get to stop on their own after one fails, before they are terminated");
  command->add_option("command", *arguments, "The tavrnn command each rank runs, after `--` (e.g. -- fit A.npz "
                                              "B.npz --out RUN)")
      ->required();
  command->callback([&action, command, options, arguments, grace] {
    action = [command, options, arguments, grace] {
      options->grace = std::chrono::seconds(*grace);
      if (arguments->front() != "fit") {
        throw Error(fmt::format("launch: runs `fit` over several ranks; found `{}` (tavrnn launch -n K -- fit ...)",
                                arguments->front()));
      }
      return distributed::launch_local_ranks(own_executable(), *arguments, *options);
    };
  });
}

}  // namespace tavrnn::cli
