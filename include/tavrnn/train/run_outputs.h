#pragma once
// The files of a training run directory besides the checkpoint and the
// embeddings: training_log.csv and run.json.
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/train/checkpoint.h"

namespace tavrnn::train {

// epoch,loss,kl,nll,seconds, then feat with a feature head and
// val_loss,val_auc,val_ap with validation; one row per epoch, written atomically.
void write_training_log(const std::filesystem::path& path, const std::vector<EpochRecord>& log);
// Reads it back; columns by name (seconds optional). Error naming the file
// and line.
std::vector<EpochRecord> read_training_log(const std::filesystem::path& path);

// Versions of everything that shapes the numbers: tavrnn, LibTorch, BLAS,
// threads; for run.json.
nlohmann::json runtime_versions();

// Median seconds per epoch of a log (0 for an empty log).
double median_epoch_seconds(const std::vector<EpochRecord>& log);

}  // namespace tavrnn::train
