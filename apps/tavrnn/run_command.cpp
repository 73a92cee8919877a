// tavrnn run CONFIG.toml: the whole pipeline into one folder
// (pipeline::run_pipeline; docs/pipeline.md).
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "tavrnn/pipeline/run_pipeline.h"
#include "tavrnn/util/error.h"

namespace tavrnn::cli {

void register_run(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "run", "Run the whole pipeline from a TOML config (docs/pipeline.md): recording -> graphs -> "
             "fit -> evaluate -> report, skipping stages that are up to date");
  auto config = std::make_shared<std::string>();
  auto options = std::make_shared<pipeline::RunOptions>();
  command->add_option("config", *config, "Run configuration (.toml)")->required();
  command->add_option("--out", options->out, "Output folder (overrides the config's `out`)");
  command->add_option("--seed", options->seed, "Seed of every stage (overrides the config's seeds)");
  command->add_option("--set", options->overrides,
                      "Override a config key: SECTION.KEY=VALUE (e.g. fit.epochs=60); repeatable")
      ->allow_extra_args(false);
  command->add_flag("--force", options->force, "Rerun every stage even if it is up to date");
  command->callback([&action, command, config, options] {
    action = [command, config, options] {
      return run_command(*command, [&] {
        const auto run_config = pipeline::read_run_config(*config, options->overrides);
        options->print = [](const std::string& text) { std::cout << text << std::flush; };
        const auto result = pipeline::run_pipeline(run_config, *options);
        const auto& out = result.directory;
        std::error_code ec;
        // A run over several recordings has no report (one recording's pages).
        const std::string report = std::filesystem::exists(out.report(), ec) ? "report: " + out.report().string() + "\n"
                                                                             : "";
        return pipeline::run_headline(out) +
               fmt::format("\nall stages done; outputs in {} (stage record: {})\n{}", out.root().string(),
                           out.record().string(), report);
      });
    };
  });
}

}  // namespace tavrnn::cli
