// tavrnn: neuronal recordings -> dynamic functional-connectivity graphs ->
// TAVRNN embeddings. This file sets up logging and threads and dispatches to
// one subcommand; errors become one line on stderr and exit status 1.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/progress.h"
#include "tavrnn/runtime.h"

namespace {

// libgomp (LibTorch's OpenMP) reads OMP_WAIT_POLICY once, when it is loaded,
// before main. Its default lets idle OpenMP threads spin after each parallel
// region, stealing the cores OpenBLAS's own threads need: on 2 cores, 2
// threads then ran a small model 3x slower than 1. So, unless the user chose
// a policy, re-execute once with the passive one.
void prefer_passive_openmp_threads(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "passive", 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure: carry on as we are
}

}  // namespace

int main(int argc, char** argv) {
  prefer_passive_openmp_threads(argv);
  tavrnn::keep_freed_memory();
  CLI::App app{"tavrnn: dynamic functional-connectivity graphs of neuronal recordings and their "
               "TAVRNN embeddings"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  int verbosity = 0;
  bool quiet = false;
  int threads = 0;
  app.add_flag("--version", show_version, "Print versions (tavrnn, LibTorch, BLAS in use) and exit");
  app.add_flag("-v,--verbose", verbosity, "More log output (repeat for debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors; no progress bars");
  app.add_option("--threads", threads,
                 "Threads for LibTorch and OpenBLAS (default 0: every available core)")
      ->check(CLI::NonNegativeNumber);

  tavrnn::cli::Action action;
  tavrnn::cli::register_simulate(app, action);
  tavrnn::cli::register_info(app, action);
  tavrnn::cli::register_graphs(app, action);
  tavrnn::cli::register_fit(app, action);
  tavrnn::cli::register_embed(app, action);
  tavrnn::cli::register_evaluate(app, action);
  tavrnn::cli::register_compare(app, action);
  tavrnn::cli::register_run(app, action);
  tavrnn::cli::register_report(app, action);
  tavrnn::cli::register_figures(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version style exits are 0; usage errors 2.
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }

  auto logger = spdlog::stderr_color_mt("tavrnn");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^[%l]%$ %v");
  spdlog::set_level(quiet ? spdlog::level::err
                          : verbosity >= 2 ? spdlog::level::debug
                          : verbosity == 1 ? spdlog::level::info
                                           : spdlog::level::warn);
  tavrnn::ProgressBar::set_enabled(!quiet);

  try {
    tavrnn::set_num_threads(threads);
    if (show_version) {
      std::cout << tavrnn::version_report() << std::endl;
      tavrnn::warn_once_if_reference_blas();
      return 0;
    }
    if (!action) {
      std::cout << app.help() << std::flush;
      return 0;
    }
    tavrnn::warn_once_if_reference_blas();
    return action();
  } catch (const tavrnn::Error& e) {
    std::fprintf(stderr, "tavrnn: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    // LibTorch (c10::Error) and the standard library: keep it to one line.
    std::string message = e.what();
    if (auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
    std::fprintf(stderr, "tavrnn: error: %s\n", message.c_str());
    return 1;
  }
}
