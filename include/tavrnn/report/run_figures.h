#pragma once
// Every figure a run's outputs allow (docs/figures.md), written as PNG and
// SVG into one directory with a manifest, figures.json:
//   [{"name", "title", "caption", "png": "NAME.png", "svg": "NAME.svg"}, ...]
// (paths relative to that directory), which the HTML report reads.
//
// Inputs, each optional; a figure whose input is absent is skipped with an
// info log line:
//   RUN/embeddings.npz   unit and population embeddings, attention, labels, groups
//   RUN/training_log.csv loss, KL and NLL per epoch
//   RUN/metrics.json     the decoder's confusion matrix (tavrnn evaluate)
//   graphs.npz           connectivity matrices (options.graphs, else run.json's "graphs")
//   results.csv          decoding accuracy per model and width (tavrnn compare's
//                        directory: options.compare_dir, else RUN/compare/ or RUN itself)
// Same inputs and options give the same bytes (t-SNE is seeded).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tavrnn/report/figure.h"

namespace tavrnn::report {

enum class ConnectivityMatrix { Weights, Adjacency };  // W = |r| or the binary A
enum class PopulationMap { Tsne, Pca };

struct RunFigureOptions {
  std::filesystem::path graphs;       // empty: the graphs file run.json names
  std::filesystem::path compare_dir;  // empty: RUN/compare, else RUN, if it holds results.csv
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

// Throws Error when run_dir does not exist or an input that is there cannot
// be read. Returns the figures written, in manifest order.
std::vector<FigureFile> write_run_figures(const std::filesystem::path& run_dir,
                                          const std::filesystem::path& out_dir,
                                          const RunFigureOptions& options);

// The manifest's JSON text for `figures` written into `out_dir`.
std::string figures_manifest(const std::vector<FigureFile>& figures, const std::filesystem::path& out_dir);

}  // namespace tavrnn::report
