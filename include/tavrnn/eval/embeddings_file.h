#pragma once
// What evaluation reads back from an embeddings.npz (written by fit, embed,
// compare or a baseline; keys in docs/formats.md), as plain values.
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/train/embeddings.h"

namespace tavrnn::eval {

struct EmbeddingsFile {
  std::string model;                    // "tavrnn", "vgrnn", "vgae", "pca-activity", ...
  torch::Tensor mu;                     // [T, N or N', Z] float64 node embeddings
  torch::Tensor population_mean;        // [T, d] float64
  torch::Tensor population_history;     // [T, Z] float64, undefined without a history node
  bool history_node = false;            // mu's last row is the history node
  torch::Tensor attention;              // [T, T] float64 (train/embeddings.h), undefined without one
  std::vector<int> window_label;        // -1 = unlabelled
  std::vector<double> window_purity;
  // Each window's first and last time in seconds (first bin's start, last
  // bin's end); empty when the file does not say.
  std::vector<double> window_start_s, window_stop_s;
  std::vector<std::string> label_names;
  std::vector<std::string> unit_ids;
  std::vector<int> groups;              // empty when the recording had none
  std::vector<std::string> group_names;

  std::size_t n_windows() const { return window_label.size(); }
  std::size_t n_units() const;          // rows of mu without the history node
};

// Throws Error naming the file and the missing or inconsistent key.
EmbeddingsFile read_embeddings(const std::filesystem::path& path);

// What read_embeddings would return for embeddings that train::save_embeddings
// wrote with this sequence, model name and history node, without the file
// (same values: mu and the population embeddings as float64).
EmbeddingsFile embeddings_for_evaluation(const train::Embeddings& embeddings,
                                         const graphs::GraphSequence& sequence,
                                         const std::string& model_name, bool history_node);

}  // namespace tavrnn::eval
