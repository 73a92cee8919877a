#pragma once
// Are the latent spaces of several recordings one space? Two measures over
// recordings embedded by one shared model (or, as the control, by models
// fitted to each alone), read from one fixed-width population embedding per
// window (docs/evaluation.md, "Several recordings"):
// - leave-one-recording-out decoding: a classifier fitted on the labelled
//   windows of every other recording, scored on the one left out, labels
//   matched by name;
// - consistency (CEBRA's consistency_score between datasets, on discrete
//   labels): each recording's mean population embedding per label, and for
//   each ordered pair of recordings the R^2 of the least-squares affine map
//   from one's label means to the other's.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/eval/logistic_regression.h"

namespace tavrnn::eval {

struct RecordingEmbedding {
  std::string name;
  torch::Tensor population;         // [T, d] float64; d the same for every recording
  std::vector<std::string> labels;  // one per window; "" = unlabelled
  std::string population_kind;      // what population is: "history" or "mean"
};

// The `population` ("history" or "mean"; "auto": history when the
// embeddings have a history node, else mean) of every window of `e`, with
// its labels by name. Error naming `name` for a population whose width
// depends on the unit count (units, aligned, gram, norms).
RecordingEmbedding recording_embedding(const std::string& name, const EmbeddingsFile& e,
                                       const std::string& population);

// Recordings that belong together (one culture's days, one animal's
// sessions) as one each: `group_of` maps a recording's name to its group's;
// a group's windows are its recordings' in order, named by the group, in
// the order groups first appear. `members` receives each group's recordings.
std::vector<RecordingEmbedding> group_recordings(const std::vector<RecordingEmbedding>& recordings,
                                                 const std::function<std::string(const std::string&)>& group_of,
                                                 nlohmann::json* members = nullptr);

// Per left-out recording: accuracy and balanced accuracy (mean recall over
// its labels) of standardisation + logistic regression fitted on the
// others; its windows whose label no other recording has are left out and
// counted (`unseen_windows`); `majority_share` is the accuracy of always
// answering its most frequent label. Means over the recordings scored.
// Recordings whose training set holds fewer than 2 labels are skipped with
// the reason.
nlohmann::json leave_one_recording_out(const std::vector<RecordingEmbedding>& recordings,
                                       const LogisticRegressionOptions& classifier = {});

// Consistency over the labels every recording has: `pairs` (from, to, r2)
// for every ordered pair, `mean_r2`, `labels`. R^2 as scikit-learn's
// r2_score with uniform averaging over the d outputs (an output constant
// over labels counts 1 when fitted exactly, else 0). An affine map fits L
// points exactly once L <= d + 1, so with that few common labels the
// result is null with the reason.
nlohmann::json consistency(const std::vector<RecordingEmbedding>& recordings);

}  // namespace tavrnn::eval
