// tavrnn figures: a run's outputs -> PNG + SVG figures and figures.json
// (docs/figures.md).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/report/run_figures.h"

namespace tavrnn::cli {

namespace {

struct FiguresSettings {
  std::string run, out, graphs, compare, windows, contrast;
  std::string matrix = "W";
  std::string population = "tsne";
  report::RunFigureOptions options;
};

std::vector<std::string> split(const std::string& list, char separator) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const auto end = std::min(list.find(separator, begin), list.size());
    parts.push_back(list.substr(begin, end - begin));
    begin = end + 1;
  }
  return parts;
}

int run_figures(FiguresSettings s) {
  namespace fs = std::filesystem;
  const fs::path run(s.run);
  if (!s.windows.empty()) {
    for (const auto& w : split(s.windows, ',')) {
      try {
        std::size_t used = 0;
        const long long value = std::stoll(w, &used);
        if (used != w.size() || value < 0) throw std::invalid_argument(w);
        s.options.windows.push_back(static_cast<std::size_t>(value));
      } catch (const std::exception&) {
        throw Error(fmt::format("--windows '{}': expected window indices I,J,... (>= 0), found '{}'", s.windows, w));
      }
    }
  }
  if (!s.contrast.empty()) {
    const auto colon = s.contrast.find(':');
    if (colon == std::string::npos) {
      throw Error(fmt::format("--contrast '{}': expected FIRST:SECOND, label names separated by commas "
                              "(e.g. high:low)", s.contrast));
    }
    s.options.contrast_first = split(s.contrast.substr(0, colon), ',');
    s.options.contrast_second = split(s.contrast.substr(colon + 1), ',');
  }
  s.options.graphs = s.graphs;
  s.options.compare_dir = s.compare;
  s.options.matrix = s.matrix == "A" ? report::ConnectivityMatrix::Adjacency : report::ConnectivityMatrix::Weights;
  s.options.population_map = s.population == "pca" ? report::PopulationMap::Pca : report::PopulationMap::Tsne;
  const fs::path out = s.out.empty() ? run / "figures" : fs::path(s.out);
  const auto figures = report::write_run_figures(run, out, s.options);
  for (const auto& f : figures) std::cout << f.png.string() << "\n" << f.svg.string() << "\n";
  std::cout << (out / "figures.json").string() << "\n";
  return 0;
}

}  // namespace

void register_figures(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "figures", "Draw a run's figures (connectivity, embeddings, attention, training, decoding) as PNG "
                 "and SVG, with a manifest figures.json (docs/figures.md)");
  auto s = std::make_shared<FiguresSettings>();
  command->add_option("run", s->run, "Run directory (from fit, evaluate)")->required();
  command->add_option("--out", s->out, "Output directory (default RUN/figures)");
  command->add_option("--graphs", s->graphs, "Graph sequence for the connectivity figure (default: run.json's)");
  command->add_option("--compare", s->compare, "tavrnn compare output directory (results.csv) for decoding accuracy");
  command->add_option("--windows", s->windows, "Windows of the connectivity figure, I,J,... (default: up to 6 "
                                               "spread over the labels)");
  command->add_option("--contrast", s->contrast, "Label sets of the unit-embedding rows, FIRST:SECOND (e.g. "
                                                 "high:low; default: the two most frequent labels)");
  command->add_option("--matrix", s->matrix, "Connectivity shown: W (|r|) or A (binary adjacency)")
      ->check(CLI::IsMember({"W", "A"}))
      ->capture_default_str();
  command->add_option("--population", s->population, "Map of the population embeddings: tsne or pca")
      ->check(CLI::IsMember({"tsne", "pca"}))
      ->capture_default_str();
  command->add_option("--seed", s->options.seed, "Seed of t-SNE's random start")->capture_default_str();
  command->callback([&action, s] { action = [s] { return run_figures(*s); }; });
}

}  // namespace tavrnn::cli
