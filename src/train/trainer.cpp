#include "tavrnn/train/trainer.h"

#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/util/progress.h"
#include "tavrnn/train/loss.h"

namespace tavrnn::train {

nlohmann::json TrainerOptions::to_json() const {
  return {{"epochs", epochs},
          {"learning_rate", learning_rate},
          {"clip_grad_norm", clip_grad_norm},
          {"early_stopping_patience", early_stopping_patience},
          {"early_stopping_min_delta", early_stopping_min_delta},
          {"seed", seed},
          {"device", device.str()},
          {"dtype", std::string(c10::toString(dtype))},
          {"checkpoint_every", checkpoint_every}};
}

torch::Tensor draw_noise(at::Generator& generator, int64_t windows, int64_t nodes, int64_t latent,
                         torch::Device device, torch::ScalarType dtype) {
  auto noise = torch::empty({windows, nodes, latent}, torch::kFloat64);
  noise.normal_(0.0, 1.0, generator);
  return noise.to(device, dtype);
}

Trainer::Trainer(ModelConfig model_config, TrainerOptions options)
    : model_config_(std::move(model_config)),
      options_(std::move(options)),
      model_(model_config_),
      generator_(at::detail::createCPUGenerator(options_.seed)) {
  if (options_.epochs < 1) throw Error(fmt::format("`epochs`: expected >= 1, found {}", options_.epochs));
  if (!(options_.learning_rate > 0)) {
    throw Error(fmt::format("`lr`: expected a positive learning rate, found {}", options_.learning_rate));
  }
  if (options_.checkpoint_every < 1) {
    throw Error(fmt::format("`checkpoint-every`: expected >= 1 epochs, found {}", options_.checkpoint_every));
  }
  // Parameters are drawn on the CPU in float64 and then cast, so a seed gives
  // the same initial model on every device and in every dtype.
  model_.to(torch::kCPU, torch::kFloat64);
  model_.reset_parameters(generator_);
  model_.to(options_.device, options_.dtype);
}

TrainingResult Trainer::fit(const TrainingData& data, const std::filesystem::path& checkpoint,
                            bool resume, const nlohmann::json& provenance) {
  if (data.x_dim != model_config_.x_dim) {
    throw Error(fmt::format("training: the graphs have {} node features, the model expects {}",
                            data.x_dim, model_config_.x_dim));
  }
  const auto started = std::chrono::steady_clock::now();
  torch::optim::Adam optimizer(model_.trainable_parameters(),
                               torch::optim::AdamOptions(options_.learning_rate));
  TrainingResult result;
  TrainingState& state = result.state;
  state.config = {{"model", model_config_.to_json()},
                  {"trainer", options_.to_json()},
                  {"provenance", provenance}};
  if (resume) {
    const nlohmann::json saved = read_checkpoint_config(checkpoint);
    if (saved.at("model") != model_config_.to_json()) {
      throw Error(fmt::format("resuming from {}: it holds a different model ({}), expected {}",
                              checkpoint.string(), saved.at("model").dump(),
                              model_config_.to_json().dump()));
    }
    if (saved.contains("provenance") && !provenance.is_null() && saved.at("provenance") != provenance) {
      throw Error(fmt::format("resuming from {}: it was trained on other graphs or settings ({}), "
                              "not on {}",
                              checkpoint.string(), saved.at("provenance").dump(), provenance.dump()));
    }
    const nlohmann::json config = state.config;
    state = load_checkpoint(checkpoint, model_, &optimizer, &generator_, options_.device);
    state.config = config;
    result.resumed = true;
    spdlog::info("resuming {} at epoch {}", checkpoint.string(), state.epochs_done);
  }
  const auto n_windows = static_cast<int64_t>(data.size());
  ProgressBar progress("training", static_cast<std::size_t>(options_.epochs));
  if (!options_.progress) progress.finish();
  model_.train(true);
  const auto trainable = model_.trainable_parameters();
  while (state.epochs_done < options_.epochs && !state.stopped_early) {
    const auto t0 = std::chrono::steady_clock::now();
    optimizer.zero_grad();
    const auto noise = draw_noise(generator_, n_windows, data.n_nodes, model_config_.latent,
                                  options_.device, options_.dtype);
    const nn::SequenceOutput output = model_.forward(data.steps, noise);
    const SequenceLoss loss = sequence_loss(output, data.targets);
    loss.loss.backward();
    if (options_.clip_grad_norm > 0) torch::nn::utils::clip_grad_norm_(trainable, options_.clip_grad_norm);
    optimizer.step();
    // One read-back per epoch (the whole sequence), for the log.
    const auto totals = torch::stack({loss.loss.detach(), loss.kl.sum().detach(),
                                      loss.nll.sum().detach()}).to(torch::kCPU, torch::kFloat64);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EpochRecord record{state.epochs_done + 1, totals[0].item<double>(), totals[1].item<double>(),
                       totals[2].item<double>(), seconds};
    if (!std::isfinite(record.loss)) {
      throw Error(fmt::format("training: the loss became {} at epoch {} (try a lower `lr` or "
                              "`clip-grad`)",
                              record.loss, record.epoch));
    }
    state.log.push_back(record);
    state.epochs_done = record.epoch;
    const double needed = options_.early_stopping_min_delta * std::abs(state.best_loss);
    if (state.epochs_done == 1 || record.loss < state.best_loss - needed) {
      state.best_loss = record.loss;
      state.epochs_since_best = 0;
    } else {
      ++state.epochs_since_best;
    }
    if (options_.early_stopping_patience > 0 && state.epochs_since_best >= options_.early_stopping_patience) {
      state.stopped_early = true;
      spdlog::info("early stopping at epoch {}: no improvement for {} epochs", record.epoch,
                   state.epochs_since_best);
    }
    progress.update(static_cast<std::size_t>(state.epochs_done),
                    fmt::format("loss {:.4g} (KL {:.3g}, NLL {:.4g})", record.loss, record.kl, record.nll));
    const bool last = state.epochs_done >= options_.epochs || state.stopped_early;
    const bool due = last || state.epochs_done % options_.checkpoint_every == 0;
    if (!checkpoint.empty() && due) save_checkpoint(checkpoint, model_, &optimizer, generator_, state);
    if (options_.on_epoch && !options_.on_epoch(record) && !last) {
      if (!checkpoint.empty() && !due) save_checkpoint(checkpoint, model_, &optimizer, generator_, state);
      result.stopped_by_caller = true;
      spdlog::info("training stopped by the caller at epoch {}", record.epoch);
      break;
    }
  }
  progress.finish();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace tavrnn::train
