#pragma once
// Every figure a run's results allow (docs/figures.md), written as PNG and
// SVG into one directory with a manifest, figures.json:
//   [{"name", "title", "caption", "png": "NAME.png", "svg": "NAME.svg"}, ...]
// (paths relative to that directory), which the HTML report reads.
//
// The figures come from a RunResults value (run_results.h); a figure whose
// input is absent is skipped with an info log line:
//   training_log          training_loss
//   embeddings            attention, unit_embeddings, population_embeddings
//   graphs                connectivity
//   comparison            decoding_accuracy
//   metrics               confusion_matrix
// Same inputs and options give the same bytes (t-SNE is seeded).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tavrnn/report/figure.h"
#include "tavrnn/report/run_results.h"

namespace tavrnn::report {

enum class ConnectivityMatrix { Weights, Adjacency };  // W = |r| or the binary A
enum class PopulationMap { Tsne, Pca };

struct RunFigureOptions {
  // Windows of the connectivity figure; empty: up to max_windows spread over
  // the labels (round robin over labels, earliest windows first).
  std::vector<std::size_t> windows;
  std::size_t max_windows = 6;
  // Label names of the two rows of the unit-embedding figure; empty: the two
  // most frequent window labels. Up to contrast_windows windows each.
  std::vector<std::string> contrast_first, contrast_second;
  std::size_t contrast_windows = 3;
  ConnectivityMatrix matrix = ConnectivityMatrix::Weights;
  PopulationMap population_map = PopulationMap::Tsne;
  std::uint64_t seed = 0;  // t-SNE's random start
};

// Returns the figures written, in manifest order. Throws Error when an
// option names a window or label the results do not have.
std::vector<FigureFile> write_run_figures(const RunResults& results, const std::filesystem::path& out_dir,
                                          const RunFigureOptions& options);
// The same for a run folder: write_run_figures(read_run_results(run_dir, files), ...).
std::vector<FigureFile> write_run_figures(const std::filesystem::path& run_dir,
                                          const std::filesystem::path& out_dir,
                                          const RunFigureOptions& options, const RunResultFiles& files = {});

// The manifest's JSON text for `figures` written into `out_dir`.
std::string figures_manifest(const std::vector<FigureFile>& figures, const std::filesystem::path& out_dir);

}  // namespace tavrnn::report
