#pragma once
// What the commands on one sequence (stages.cpp) and on several
// (shared_fit.cpp, shared_evaluation.cpp) share: fit's checks of the run
// folder and its records in run.json, evaluate's options. Internal.
#include <nlohmann/json.hpp>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/pipeline/stage_settings.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/train/trainer.h"

namespace tavrnn::pipeline {

// Creates the run folder; Error when it holds a model and `existing` is
// Refuse, or holds none to resume.
void prepare_fit_folder(const RunDirectory& run, ExistingModel existing);

// The evaluation options `settings` describe (seed and split scheme
// resolved; contrast, labels and groups are the caller's).
eval::EvaluationOptions evaluation_options(const EvaluateSettings& settings);

// The graph settings a sequence was built with.
nlohmann::json graph_settings_record(const graphs::GraphSequence& sequence);
// Model, trainer options, versions, epochs, the kept epoch and its held-out
// scores, final loss, timings.
nlohmann::json training_record(const train::ModelConfig& config, const train::TrainerOptions& options,
                               const train::TrainingResult& result);
// The held-out scores of the epoch the model was kept at (null without validation).
nlohmann::json validation_record(const train::TrainingResult& result);
// ", kept epoch 37 (held-out AUC 0.912)" when the model ends at another epoch than the last.
std::string kept_epoch_text(const train::TrainingResult& result);

}  // namespace tavrnn::pipeline
