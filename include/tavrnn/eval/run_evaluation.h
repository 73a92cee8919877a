#pragma once
// The whole evaluation of one set of embeddings (MODEL.md section 7) as the
// JSON that `tavrnn evaluate` writes to RUN/metrics.json: behaviour decoding
// from population embeddings (logistic regression and k-nearest neighbours,
// each with its shuffled-label control), clustering of the windows by
// label, unit-group separation per window, and graph reconstruction.
// The protocol is documented in docs/evaluation.md.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/eval/decoding.h"
#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/graphs/graph_sequence.h"

namespace tavrnn::eval {

struct EvaluationOptions {
  // The population embedding decoded and clustered: "units" (every unit's
  // mu, concatenated: N Z values), "gram" (upper triangle of mu mu^T over
  // units: what the inner-product decoder identifies), "norms" (|mu_i| per
  // unit), "history" (the history node's mu) or "mean"; "auto": units for
  // models with node embeddings, else mean. docs/evaluation.md compares them.
  std::string population = "auto";
  DecodingOptions decoding;         // splits, seeds, C; both classifiers are run
  double min_purity = 0.0;          // windows decoded: labelled, purity >= this
  // Windows whose label is in first vs second for the group-separation
  // contrast; both empty: label 0 vs label 1 when there are exactly two.
  std::vector<int> contrast_first, contrast_second;
  // Space of the unit-group metrics (k-means ARI/NMI, silhouette):
  // "euclidean" (mu as it is) or "angular" (each unit's mu scaled to unit
  // length). sigmoid(z_i . z_j) grows with both norms, so units with many
  // edges sit far out along their group's direction and units with few near
  // the origin; the direction is what says which units link.
  std::string group_geometry = "euclidean";
  std::size_t kmeans_n_init = 0;  // k-means restarts; 0: eval::automatic_restarts
  std::uint64_t seed = 0;                  // k-means and sampled non-edges
  std::size_t exhaustive_pairs_max_nodes = 1000;  // beyond: as many non-edges as edges, sampled
};

// `graphs` (may be null) adds reconstruction and drops units that were
// silent in a window (a zero row of r) from that window's group metrics.
nlohmann::json evaluate_embeddings(const EmbeddingsFile& embeddings,
                                   const graphs::GraphSequence* graphs,
                                   const EvaluationOptions& options);

// The population embedding `choice` (EvaluationOptions::population) of
// every window, [T, d] float64; `used` receives what "auto" resolved to.
torch::Tensor population_embedding(const EmbeddingsFile& embeddings, const std::string& choice,
                                   std::string& used);

// What a population_embedding choice is, in words, for figures and reports.
std::string population_embedding_description(const std::string& used);

// A few lines of text with the headline numbers of evaluate_embeddings' JSON.
std::string metrics_table(const nlohmann::json& metrics);

}  // namespace tavrnn::eval
