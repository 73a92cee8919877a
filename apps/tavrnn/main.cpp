// tavrnn: neuronal recordings -> dynamic functional-connectivity graphs ->
// TAVRNN embeddings. This file sets up logging and threads and dispatches to
// one subcommand; errors become one line on stderr and exit status 1.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "commands.h"
#include "tavrnn/util/error.h"
#include "tavrnn/util/progress.h"
#include "tavrnn/util/runtime.h"

namespace {

// One line per option on the command line that the command given does not
// define, naming the commands that do ("--epochs is not an option of
// `tavrnn graphs`; it belongs to: fit, compare"); empty when there is none.
// CLI11 alone says only "The following arguments were not expected".
std::string unknown_options_message(CLI::App& app) {
  const std::vector<CLI::App*> given = app.get_subcommands();
  const std::string command = given.empty() ? "" : given.front()->get_name();
  std::string message;
  std::vector<std::string> reported;
  for (const std::string& word : app.remaining(true)) {
    const bool is_long = word.size() > 2 && word.compare(0, 2, "--") == 0;
    const bool is_short =
        word.size() > 1 && word[0] == '-' && std::isalpha(static_cast<unsigned char>(word[1]));
    if (!is_long && !is_short) continue;  // a value (often the unknown option's) or a positional
    const std::string name = is_long ? word.substr(0, word.find('=')) : word.substr(0, 2);
    if (std::find(reported.begin(), reported.end(), name) != reported.end()) continue;
    reported.push_back(name);
    std::string owners;
    bool owned_by_given = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name().empty() || sub->get_option_no_throw(name) == nullptr) continue;
      owned_by_given = owned_by_given || sub->get_name() == command;
      owners += (owners.empty() ? "" : ", ") + sub->get_name();
    }
    if (!message.empty()) message += "\n";
    if (owned_by_given) {
      // Only the options common to every command may come before its name.
      message += name + " is an option of `tavrnn " + command + "`: give it after `" + command + "`";
    } else if (!owners.empty()) {
      message += name + " is not an option of `tavrnn" + (command.empty() ? "" : " " + command) +
                 "`; it belongs to: " + owners;
    } else {
      message += name + (command.empty() ? " is not an option of tavrnn or of any of its commands"
                                         : " is not an option of `tavrnn " + command +
                                               "` or of any other command");
    }
  }
  return message;
}

}  // namespace

int main(int argc, char** argv) {
  tavrnn::prefer_passive_openmp_threads(argv);
  tavrnn::keep_freed_memory();
  CLI::App app{"tavrnn: dynamic functional-connectivity graphs of neuronal recordings and their "
               "TAVRNN embeddings"};
  app.require_subcommand(0, 1);
  // The options below are common to every command: the commands registered
  // after this inherit fallthrough, so `tavrnn fit g.npz --threads 1` hands
  // --threads up to this parser as `tavrnn --threads 1 fit g.npz` does.
  app.fallthrough();
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
  tavrnn::cli::register_launch(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version style exits are 0; usage errors 2. An option the
    // command lacks is reported with the commands that have it, even when
    // CLI11 stopped first at another problem (a required --out not given).
    if (e.get_exit_code() != 0) {
      if (const std::string unknown = unknown_options_message(app); !unknown.empty()) {
        app.exit(CLI::ExtrasError(unknown, CLI::ExitCodes::ExtrasError));
        return 2;
      }
    }
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
