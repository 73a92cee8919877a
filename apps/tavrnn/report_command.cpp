// tavrnn report: a run directory -> one self-contained HTML page
// (decoding, maps, attention, training, figures, settings; docs/report.md).
#include "commands.h"
#include "tavrnn/pipeline/stages.h"

namespace tavrnn::cli {

void register_report(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "report", "Write one self-contained HTML page about a run: settings, metrics, training curves, "
                "interactive embedding maps, attention, figures (docs/report.md)");
  auto settings = std::make_shared<pipeline::ReportSettings>();
  auto run = std::make_shared<std::string>();
  auto files = std::make_shared<pipeline::ReportFiles>();
  command->add_option("run", *run, "Run directory (from fit, then evaluate) holding embeddings.npz")->required();
  command->add_option("--out", files->out, "HTML file (default RUN/report.html)");
  command->add_option("--figures", files->figures,
                      "Directory holding figures.json, the static figures to embed (default RUN/figures)");
  command->add_option("--graphs", files->graphs,
                      "Graph sequence for edge densities and silent units (default: the one in RUN/run.json)");
  add_options(*command, pipeline::report_options(*settings));
  command->callback([&action, command, settings, run, files] {
    action = [command, settings, run, files] {
      return run_command(*command, [&] { return pipeline::run_report(pipeline::RunDirectory(*run), *settings, *files); });
    };
  });
}

}  // namespace tavrnn::cli
