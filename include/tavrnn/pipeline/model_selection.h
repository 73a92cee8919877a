#pragma once
// Choosing among a few fit settings without labels (docs/training.md,
// "Choosing settings"): every candidate is trained on the same graphs with
// the same held-out edges, and the one whose held-out edges score best
// (the fit's monitor at the epoch it keeps) is the model.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/pipeline/stage_settings.h"

namespace tavrnn::pipeline {

struct SelectionCandidate {
  std::string label;     // "latent=8 lr=0.01"
  FitSettings settings;  // the base settings with these values set, `select` cleared
};

// The combinations of `settings.select` ("KEY=V1,V2,... KEY=..." separated
// by spaces or ';'), in order, the first key varying slowest. Error for an
// unknown key, a key given twice, a key without values, or a value the
// option refuses.
std::vector<SelectionCandidate> selection_candidates(const FitSettings& settings);

}  // namespace tavrnn::pipeline
