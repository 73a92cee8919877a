// tavrnn report: a run directory -> one self-contained HTML page
// (settings, metrics, training curves, embedding maps, attention, figures;
// docs/report.md).
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "tavrnn/report/html_report.h"

namespace tavrnn::cli {

namespace {

struct ReportSettings {
  std::string run;
  std::string out;
  std::string figures;
  std::string graphs;
  report::ReportOptions options;
  std::string chartjs = report::ReportOptions{}.chartjs.string();
};

int run_report(const ReportSettings& s) {
  auto options = s.options;
  options.figures_dir = s.figures;
  options.graphs = s.graphs;
  options.chartjs = s.chartjs;
  const auto result = report::write_html_report(s.run, s.out, options);
  std::cout << fmt::format("{} ({:.1f} kB, {:.1f} s)\n", result.path.string(), result.bytes / 1000.0,
                           result.seconds);
  return 0;
}

}  // namespace

void register_report(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "report", "Write one self-contained HTML page about a run: settings, metrics, training curves, "
                "interactive embedding maps, attention, figures (docs/report.md)");
  auto s = std::make_shared<ReportSettings>();
  command->add_option("run", s->run, "Run directory (from fit, then evaluate) holding embeddings.npz")
      ->required();
  command->add_option("--out", s->out, "HTML file (default RUN/report.html)");
  command->add_option("--figures", s->figures,
                      "Directory holding figures.json, the static figures to embed (default RUN/figures)");
  command->add_option("--graphs", s->graphs,
                      "Graph sequence for edge densities and silent units (default: the one in RUN/run.json)");
  command->add_option("--max-windows", s->options.max_windows,
                      "Windows with a precomputed unit map, evenly spaced")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--seed", s->options.seed, "Seed of the t-SNE maps' random start")->capture_default_str();
  command->add_option("--chartjs", s->chartjs, "Chart.js UMD build to inline (Debian: libjs-chart.js)")
      ->capture_default_str();
  command->callback([&action, s] { action = [s] { return run_report(*s); }; });
}

}  // namespace tavrnn::cli
