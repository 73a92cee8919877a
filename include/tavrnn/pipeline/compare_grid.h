#pragma once
// The paper's comparison grid (models x embedding widths x seeds) on one
// graph sequence: each cell's embeddings are trained (tavrnn, vgrnn, vgae,
// through the same fit as `tavrnn fit`) or computed (the baselines), then
// evaluated. Cells live in a compare folder (run_directory.h); a cell whose
// metrics.json exists is complete and is not rerun, so an interrupted grid
// resumes where it stopped.
#include <cstddef>
#include <string>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/pipeline/stage_settings.h"
#include "tavrnn/recording/recording.h"

namespace tavrnn::pipeline {

// What identifies the cells' graphs, recording and settings: cells made under
// another identity are never mixed into a grid.
struct GridInputs {
  std::string graphs_sha256;
  std::string recording_sha256;  // empty: no recording
};

struct CompareResult {
  std::size_t cells = 0;
  std::size_t already_done = 0;
  std::string summary;  // summary.md's text
};

// Runs the grid into `out`. `recording` (may be null) is needed by the
// pca-activity and rates baselines. With `replace_other_grids`, cells of a
// grid with another identity are deleted; else that is an Error.
CompareResult compare_grid(const graphs::GraphSequence& sequence, const Recording* recording,
                           const CompareSettings& settings, const GridInputs& inputs,
                           const RunDirectory& out, bool replace_other_grids);

// `tavrnn compare`: the same from files; returns what the command prints.
std::string run_compare(const std::filesystem::path& graphs, const RecordingSettings* recording,
                        const CompareSettings& settings, const RunDirectory& out, bool replace_other_grids);

}  // namespace tavrnn::pipeline
