#pragma once
// The whole pipeline from a RunConfig (run_config.h): simulate or read ->
// graphs -> fit -> evaluate -> [compare] -> figures -> report, into one
// folder (run_directory.h). Each stage is the library call its command makes;
// a stage whose settings and input files are unchanged and whose outputs are
// intact is skipped (the stage ledger, OUT/run.json), and a fit killed
// part-way is resumed. docs/pipeline.md describes the file and the folder.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tavrnn/pipeline/run_config.h"
#include "tavrnn/pipeline/run_directory.h"

namespace tavrnn::pipeline {

struct RunOptions {
  std::filesystem::path out;           // empty: the config's `out`
  std::optional<std::uint64_t> seed;   // every stage's seed, over the config's own seeds
  std::vector<std::string> overrides;  // recorded in run.json (already applied to the config)
  bool force = false;                  // rerun every stage
  // Where each stage's lines go (the commands' printouts); empty: nowhere.
  std::function<void(const std::string&)> print;
};

struct RunResult {
  RunDirectory directory;
  std::vector<std::string> stages_run, stages_skipped;
};

RunResult run_pipeline(const RunConfig& config, const RunOptions& options = {});

// The headline numbers of a finished run (decoding against its shuffled
// control, unit groups, reconstruction), a few lines; empty without metrics.
std::string run_headline(const RunDirectory& run);

}  // namespace tavrnn::pipeline
