#pragma once
// What the figures and the report show about one run, as values: the run's
// record and metrics, its training log, embeddings and graphs, and a
// comparison's decoding accuracies. A run folder is one way to get them
// (read_run_results); a program that fits and evaluates in memory fills
// them itself (pipeline::run_results). Every member is optional: a figure or
// report section whose input is absent is left out.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/eval/mean_sd.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/train/checkpoint.h"

namespace tavrnn::report {

// One model x width of a comparison: logistic-regression decoding accuracy
// and its shuffled-label control, mean +- sd over seeds.
struct DecodingCell {
  std::string model;
  std::int64_t latent = 0;
  eval::MeanSd accuracy, shuffled;
};

// Loss, KL and NLL per epoch as columns, what the training curves plot (the
// figure and the report's chart).
struct TrainingCurves {
  std::vector<double> epoch, loss, kl, nll;
};
TrainingCurves training_curves(const std::vector<train::EpochRecord>& log);

struct RunResults {
  std::filesystem::path run_dir;           // the folder they were read from; empty in memory
  nlohmann::json record;                   // run.json (fit's settings and provenance); null when absent
  nlohmann::json metrics;                  // evaluate's metrics (metrics.json); null when not evaluated
  std::vector<train::EpochRecord> training_log;    // empty when absent
  std::optional<eval::EmbeddingsFile> embeddings;  // with attention and window times
  std::optional<graphs::GraphSequence> graphs;     // the graphs the model was fitted on
  std::vector<DecodingCell> comparison;    // compare's accuracies; empty when none
  std::vector<std::string> notes;          // what was absent, in words for the reader
};

// Where read_run_results finds the inputs that need not lie in the run folder.
struct RunResultFiles {
  std::filesystem::path graphs;       // empty: the graphs run.json names, if still there
  std::filesystem::path compare_dir;  // empty: RUN/compare, else RUN, if it holds results.csv
};

// Reads RUN/run.json, metrics.json, training_log.csv, embeddings.npz, the
// graphs and a comparison's results.csv, each when present (a note says what
// was not). Throws Error when RUN does not exist, a file that is present is
// corrupt, or a file `files` names is missing.
RunResults read_run_results(const std::filesystem::path& run, const RunResultFiles& files = {});

// tavrnn compare's results.csv (model,latent,seed,metric,value): decoding
// accuracy and its shuffled control per model and width, in order of
// appearance. Error naming the file and line.
std::vector<DecodingCell> read_decoding_cells(const std::filesystem::path& results_csv);

}  // namespace tavrnn::report
