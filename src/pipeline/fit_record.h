#pragma once
// What fit writes into run.json about a trained model, shared by the fit of
// one sequence (stages.cpp) and of several (shared_fit.cpp). Internal.
#include <nlohmann/json.hpp>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/train/trainer.h"

namespace tavrnn::pipeline {

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
