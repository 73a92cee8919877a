#pragma once
// Which model to train and its sizes, as a value that is saved with every
// checkpoint (so a model can be rebuilt from its file alone).
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/nn/tavrnn.h"
#include "tavrnn/nn/vgae.h"

namespace tavrnn::train {

enum class ModelKind {
  Tavrnn,  // variational graph GRU + temporal attention
  Vgrnn,   // the same without attention
  Vgae,    // static, per window
};
std::string model_kind_name(ModelKind kind);
ModelKind parse_model_kind(const std::string& name);  // throws Error naming the choices

struct ModelConfig {
  ModelKind kind = ModelKind::Tavrnn;
  int64_t x_dim = 0;            // set from the graphs
  int64_t hidden = 32;          // H
  int64_t latent = 8;           // Z
  int64_t attention_width = 0;  // 0 = all
  // "auto": last-node with a history node, mean without (MODEL.md section 4);
  // "last-node" alone reproduces the reference on graphs without one.
  std::string attention_summary = "auto";
  bool train_gru_gates = true;  // false = the reference notebook's frozen gates
  bool history_node = false;    // whether the graphs have one (resolves "auto")
  // Weight of the second decoder head, a linear map z -> X_t trained to
  // reconstruct each node's feature row; 0 = none (the paper's model and the
  // reference). Saved only when > 0, so earlier checkpoints read unchanged.
  double feature_weight = 0.0;
  // What the feature head reconstructs: "row" (the whole feature row) or
  // "rate" (the last column, each unit's rate, of rows+rates features).
  std::string feature_target = "row";
  int64_t feature_head_width() const { return feature_target == "rate" ? 1 : x_dim; }

  nlohmann::json to_json() const;
  static ModelConfig from_json(const nlohmann::json& json);
  nn::AttentionSummary resolved_summary() const;
};

// A TAVRNN/VGRNN or VGAE behind one interface for the trainer and embedder.
class SequenceModel {
 public:
  explicit SequenceModel(const ModelConfig& config);

  nn::SequenceOutput forward(const std::vector<nn::StepGraph>& steps, const torch::Tensor& noise);
  // A sequence in pieces (nn::RecurrentState): the state before the first
  // of `windows` windows, and the next steps from it. VGAE, being static,
  // carries nothing from one window to the next.
  nn::RecurrentState initial_state(int64_t n_nodes, int64_t windows, const torch::TensorOptions& like) const;
  nn::SequenceOutput forward(const std::vector<nn::StepGraph>& steps, const torch::Tensor& noise,
                             nn::RecurrentState& state);
  std::vector<torch::Tensor> trainable_parameters();
  // The model's feature head (undefined when feature_weight is 0); it is a
  // submodule of module(), so it is saved, loaded and moved with the rest.
  torch::nn::Linear feature_decoder() const { return feature_decoder_; }
  void reset_parameters(at::Generator& generator);
  torch::nn::Module& module();
  const ModelConfig& config() const { return config_; }
  void to(torch::Device device, torch::ScalarType dtype);
  void train(bool on);

 private:
  ModelConfig config_;
  std::variant<nn::Tavrnn, nn::Vgae> model_;
  torch::nn::Linear feature_decoder_{nullptr};
};

}  // namespace tavrnn::train
