#include "tavrnn/train/model_config.h"

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::train {

std::string model_kind_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::Tavrnn: return "tavrnn";
    case ModelKind::Vgrnn: return "vgrnn";
    case ModelKind::Vgae: return "vgae";
  }
  return "?";
}

ModelKind parse_model_kind(const std::string& name) {
  if (name == "tavrnn") return ModelKind::Tavrnn;
  if (name == "vgrnn") return ModelKind::Vgrnn;
  if (name == "vgae") return ModelKind::Vgae;
  throw Error(fmt::format("model: expected tavrnn, vgrnn or vgae, found '{}'", name));
}

nlohmann::json ModelConfig::to_json() const {
  nlohmann::json j = {{"model", model_kind_name(kind)},
                      {"x_dim", x_dim},
                      {"hidden", hidden},
                      {"latent", latent},
                      {"attention_width", attention_width},
                      {"attention_summary", attention_summary},
                      {"train_gru_gates", train_gru_gates},
                      {"history_node", history_node}};
  if (feature_weight > 0) {
    j["feature_weight"] = feature_weight;
    j["feature_target"] = feature_target;
  }
  return j;
}

ModelConfig ModelConfig::from_json(const nlohmann::json& json) {
  ModelConfig c;
  try {
    c.kind = parse_model_kind(json.at("model").get<std::string>());
    c.x_dim = json.at("x_dim").get<int64_t>();
    c.hidden = json.at("hidden").get<int64_t>();
    c.latent = json.at("latent").get<int64_t>();
    c.attention_width = json.at("attention_width").get<int64_t>();
    c.attention_summary = json.at("attention_summary").get<std::string>();
    c.train_gru_gates = json.at("train_gru_gates").get<bool>();
    c.history_node = json.at("history_node").get<bool>();
    c.feature_weight = json.value("feature_weight", 0.0);
    c.feature_target = json.value("feature_target", std::string("row"));
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("model configuration: {}", e.what()));
  }
  return c;
}

nn::AttentionSummary ModelConfig::resolved_summary() const {
  if (attention_summary == "last-node") return nn::AttentionSummary::LastNode;
  if (attention_summary == "mean") return nn::AttentionSummary::Mean;
  if (attention_summary == "auto") {
    return history_node ? nn::AttentionSummary::LastNode : nn::AttentionSummary::Mean;
  }
  throw Error(fmt::format("attention summary: expected auto, last-node or mean, found '{}'",
                          attention_summary));
}

namespace {
std::variant<nn::Tavrnn, nn::Vgae> build(const ModelConfig& c) {
  if (!(c.feature_weight >= 0)) {
    throw Error(fmt::format("`feature-weight`: expected a weight >= 0, found {}", c.feature_weight));
  }
  if (c.feature_target != "row" && c.feature_target != "rate") {
    throw Error(fmt::format("`feature-target`: expected row or rate, found '{}'", c.feature_target));
  }
  if (c.x_dim <= 0 || c.hidden <= 0 || c.latent <= 0 || c.attention_width < 0) {
    throw Error(fmt::format("model: expected positive sizes, found x_dim {}, hidden {}, latent {}, "
                            "attention width {}",
                            c.x_dim, c.hidden, c.latent, c.attention_width));
  }
  if (c.kind == ModelKind::Vgae) {
    return nn::Vgae(nn::VgaeOptions(c.x_dim).hidden(c.hidden).latent(c.latent));
  }
  return nn::Tavrnn(nn::TavrnnOptions(c.x_dim)
                        .hidden(c.hidden)
                        .latent(c.latent)
                        .attention(c.kind == ModelKind::Tavrnn)
                        .attention_width(c.attention_width)
                        .attention_summary(c.resolved_summary())
                        .train_gru_gates(c.train_gru_gates));
}
}  // namespace

SequenceModel::SequenceModel(const ModelConfig& config) : config_(config), model_(build(config)) {
  if (config_.feature_weight > 0) {
    // Registered last, so the model's own parameters keep their order and
    // their initial draws (parity with the reference at weight 0).
    feature_decoder_ = module().register_module("feature_decoder",
                                                torch::nn::Linear(config_.latent, config_.feature_head_width()));
  }
}

nn::SequenceOutput SequenceModel::forward(const std::vector<nn::StepGraph>& steps,
                                          const torch::Tensor& noise) {
  if (steps.empty()) throw Error("model forward: expected at least one window, found none");
  const auto& x = steps.front().features;
  nn::RecurrentState state = initial_state(x.size(0), static_cast<int64_t>(steps.size()), x.options());
  return forward(steps, noise, state);
}

nn::RecurrentState SequenceModel::initial_state(int64_t n_nodes, int64_t windows,
                                                const torch::TensorOptions& like) const {
  if (const auto* t = std::get_if<nn::Tavrnn>(&model_)) return (*t)->initial_state(n_nodes, windows, like);
  return {};
}

nn::SequenceOutput SequenceModel::forward(const std::vector<nn::StepGraph>& steps, const torch::Tensor& noise,
                                          nn::RecurrentState& state) {
  auto out = std::holds_alternative<nn::Tavrnn>(model_) ? std::get<nn::Tavrnn>(model_)->forward(steps, noise, state)
                                                         : std::get<nn::Vgae>(model_)->forward(steps, noise);
  state.steps += std::holds_alternative<nn::Vgae>(model_) ? static_cast<int64_t>(steps.size()) : 0;
  if (feature_decoder_) {
    for (const auto& z : out.z) out.x_hat.push_back(feature_decoder_->forward(z));
  }
  return out;
}

std::vector<torch::Tensor> SequenceModel::trainable_parameters() {
  if (auto* t = std::get_if<nn::Tavrnn>(&model_)) return (*t)->trainable_parameters();
  return std::get<nn::Vgae>(model_)->parameters();
}

void SequenceModel::reset_parameters(at::Generator& generator) {
  std::visit([&](auto& m) { m->reset_parameters(generator); }, model_);
  if (feature_decoder_) nn::reset_linear(feature_decoder_, generator);
}

torch::nn::Module& SequenceModel::module() {
  return std::visit([](auto& m) -> torch::nn::Module& { return *m; }, model_);
}

void SequenceModel::to(torch::Device device, torch::ScalarType dtype) {
  std::visit([&](auto& m) { m->to(device, dtype); }, model_);
}

void SequenceModel::train(bool on) { module().train(on); }

}  // namespace tavrnn::train
