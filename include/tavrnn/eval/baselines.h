#pragma once
// The paper's comparisons that need no training (MODEL.md section 8 plus the
// activity-level controls of issue 6): each gives node embeddings [T, N, d]
// and one population embedding per window [T, d'], the values TAVRNN's
// embeddings.npz holds, so evaluation treats every model alike. Definitions
// and why they are the controls worth beating: docs/baselines.md.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/recording/recording.h"
#include "tavrnn/train/embeddings.h"

namespace tavrnn::eval {

enum class BaselineKind {
  PcaActivity,  // PCA across windows of the windows' mean-rate vectors; units: PCA of their traces
  CorrPca,      // PCA across windows of the upper triangle of W; units: PCA of the rows of W
  Rates,        // the mean-rate vector itself (N dims); units: their rate (1 dim)
};

BaselineKind parse_baseline_kind(const std::string& name);  // throws Error naming the choices
std::string baseline_kind_name(BaselineKind kind);
bool is_baseline_name(const std::string& name);

// Mean rate (Hz) of every unit in every window of `sequence`: [T, N], float64.
torch::Tensor window_rates(const Recording& recording, const graphs::GraphSequence& sequence);

// Embeddings of a baseline with `latent` dimensions (ignored by Rates). The
// activity baselines need `recording`, the one the sequence was built from
// (checked: same unit count, every window inside it); CorrPca does not.
// Only mu and population_mean are set (sigma, attention stay undefined).
train::Embeddings baseline_embeddings(BaselineKind kind, const Recording* recording,
                                      const graphs::GraphSequence& sequence, int64_t latent);

// Rows of `x` [n, p] projected on their first k principal components (scores
// U_k S_k of the centred rows), float64, k clipped to min(n, p):
// embedding::pca's scores, with its sign convention (each component's
// largest-magnitude score is positive), so results are unique.
torch::Tensor principal_component_scores(const torch::Tensor& x, int64_t k);

}  // namespace tavrnn::eval
