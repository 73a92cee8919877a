#include "tavrnn/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "tavrnn/distributed/process_group.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/util/error.h"
#include "tavrnn/util/progress.h"
#include "tavrnn/train/held_out_edges.h"
#include "tavrnn/train/loss.h"
#include "tavrnn/train/sampled_reconstruction.h"

namespace tavrnn::train {

nlohmann::json TrainerOptions::to_json() const {
  nlohmann::json out = {{"epochs", epochs},
          {"learning_rate", learning_rate},
          {"clip_grad_norm", clip_grad_norm},
          {"validation_fraction", validation_fraction},
          {"reconstruction", sampled_non_edges > 0 ? fmt::format("sampled:{}", sampled_non_edges) : "full"},
          {"monitor", monitor},
          {"early_stopping_patience", early_stopping_patience},
          {"early_stopping_min_delta", early_stopping_min_delta},
          {"keep_best", keep_best},
          {"seed", seed},
          {"device", device.str()},
          {"dtype", std::string(c10::toString(dtype))},
          {"checkpoint_every", checkpoint_every}};
  // Written only when set, so that earlier runs' records read the same.
  if (bptt_windows > 0) out["bptt_windows"] = bptt_windows;
  if (step_per_sequence) out["step_per_sequence"] = true;
  return out;
}

std::string TrainerOptions::resolved_monitor() const {
  if (monitor == "auto") return validation_fraction > 0 ? "val-auc" : "loss";
  if (monitor == "loss") return monitor;
  if (monitor == "val-auc" || monitor == "val-ap" || monitor == "val-loss") {
    if (validation_fraction > 0) return monitor;
    throw Error(fmt::format("`monitor` {}: needs held-out edges (`validation` > 0, found {})", monitor,
                            validation_fraction));
  }
  throw Error(fmt::format("`monitor`: expected auto, val-auc, val-ap, val-loss or loss, found '{}'", monitor));
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
  if (options_.bptt_windows < 0) {
    throw Error(fmt::format("`bptt`: expected 0 (whole sequence) or >= 1 windows, found {}", options_.bptt_windows));
  }
  if (options_.checkpoint_every < 1) {
    throw Error(fmt::format("`checkpoint-every`: expected >= 1 epochs, found {}", options_.checkpoint_every));
  }
  if (!(options_.validation_fraction >= 0 && options_.validation_fraction < 1)) {
    throw Error(fmt::format("`validation`: expected a fraction of edges in [0, 1), found {}",
                            options_.validation_fraction));
  }
  if (options_.early_stopping_patience < 0) {
    throw Error(fmt::format("`early-stopping`: expected >= 0 epochs, found {}", options_.early_stopping_patience));
  }
  options_.resolved_monitor();  // an unknown monitor is an error before any work
  if (options_.sampled_non_edges < 0) {
    throw Error(fmt::format("`reconstruction`: expected K >= 1 non-edges per node, found {}",
                            options_.sampled_non_edges));
  }
  if (options_.sampled_non_edges > 0 && !options_.device.is_cpu()) {
    throw Error("`reconstruction sampled:K` runs on the CPU only; use `reconstruction full` on " +
                options_.device.str());
  }
  // Parameters are drawn on the CPU in float64 and then cast, so a seed gives
  // the same initial model on every device and in every dtype.
  model_.to(torch::kCPU, torch::kFloat64);
  model_.reset_parameters(generator_);
  model_.to(options_.device, options_.dtype);
}

double monitored_score(const EpochRecord& r, const std::string& monitor) {
  if (monitor == "val-auc") return r.val_auc;
  if (monitor == "val-ap") return r.val_ap;
  if (monitor == "val-loss") return -r.val_loss;
  return -r.loss;
}

namespace {

std::vector<torch::Tensor> snapshot(torch::nn::Module& module) {
  std::vector<torch::Tensor> copies;
  for (const auto& p : module.parameters()) copies.push_back(p.detach().clone());
  return copies;
}

// Sums every rank's gradients into each rank's .grad: one flat all-reduce.
void all_reduce_gradients(distributed::ProcessGroup& group, const std::vector<torch::Tensor>& parameters,
                          bool check_layout) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters) {
    if (p.grad().defined()) grads.push_back(p.grad().reshape({-1}));
  }
  if (grads.empty()) return;
  torch::Tensor flat = torch::cat(grads);
  if (check_layout) group.check_same(static_cast<std::uint64_t>(flat.numel()), "gradient sizes");
  group.all_reduce_sum(flat, "the all-reduce of the gradients");
  torch::NoGradGuard no_grad;
  int64_t offset = 0;
  for (const auto& p : parameters) {
    if (!p.grad().defined()) continue;
    const int64_t n = p.grad().numel();
    p.mutable_grad().copy_(flat.narrow(0, offset, n).view_as(p.grad()));
    offset += n;
  }
}

}  // namespace

TrainingResult Trainer::fit(const TrainingData& data, const std::filesystem::path& checkpoint, bool resume,
                            const nlohmann::json& provenance) {
  InMemoryWindows windows(data);
  return fit(windows, checkpoint, resume, provenance);
}

namespace {

// The windows of one piece of the sequence, and what the loss reads of them
// (the sampled loss keeps pointers to data.targets: a Piece never moves).
struct Piece {
  TrainingData data;
  std::vector<torch::Tensor> features;
  std::vector<SampledReconstruction> sampled;
};

// One epoch's sums over the pieces of the sequence.
struct EpochTotals {
  double loss = 0, kl = 0, nll = 0, feat = 0;
  ValidationAccumulator validation;
};

}  // namespace

TrainingResult Trainer::fit(WindowSource& windows, const std::filesystem::path& checkpoint, bool resume,
                            const nlohmann::json& provenance) {
  return fit(std::vector<WindowSource*>{&windows}, checkpoint, resume, provenance);
}

std::uint64_t sequence_seed(std::uint64_t seed, std::size_t index) {
  // splitmix64 of (seed, index): unrelated streams for neighbouring indices.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(index) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

TrainingResult Trainer::fit(const std::vector<WindowSource*>& sequences, const std::filesystem::path& checkpoint,
                            bool resume, const nlohmann::json& provenance) {
  if (sequences.empty()) throw Error("training: no graph sequence to train on");
  distributed::ProcessGroup* group = options_.group && options_.group->size() > 1 ? options_.group.get() : nullptr;
  const int rank = group ? group->rank() : 0;
  const bool writer = rank == 0;  // of checkpoints
  const auto mine = [&](std::size_t s) { return !group || distributed::sequence_owner(s, group->size()) == rank; };
  if (group) {
    if (options_.step_per_sequence && sequences.size() > 1) {
      throw Error("`step-per-sequence` steps after each sequence in turn, which ranks cannot share: train over "
                  "several ranks with one step per epoch (the default), or in one process");
    }
    if (sequences.size() < static_cast<std::size_t>(group->size())) {
      throw Error(fmt::format("training over {} ranks needs at least as many sequences; found {} (start at most {} "
                              "ranks)",
                              group->size(), sequences.size(), sequences.size()));
    }
  }
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    if ((sequences[s] != nullptr) != mine(s)) {
      throw Error(fmt::format("training: sequence {} is {} on rank {} (expected {})", s + 1,
                              sequences[s] ? "given" : "missing", rank,
                              mine(s) ? "its windows" : "null: another rank trains it"));
    }
    if (sequences[s] && sequences[s]->x_dim() != model_config_.x_dim) {
      throw Error(fmt::format("training: the graphs{} have {} node features, the model expects {}",
                              sequences.size() > 1 ? fmt::format(" of sequence {}", s + 1) : "",
                              sequences[s]->x_dim(), model_config_.x_dim));
    }
  }
  std::string monitor = options_.resolved_monitor();
  // The held-out edges get their own generator, so that holding them out
  // changes neither the initial parameters nor the noise of a seed.
  std::vector<std::unique_ptr<WindowSource>> sources;
  bool validating = false;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    const std::uint64_t held_out_seed = options_.seed ^ 0x9E3779B97F4A7C15ULL;
    if (!sequences[s]) {
      sources.emplace_back();
      continue;
    }
    sources.push_back(sequences[s]->with_held_out_edges(
        options_.validation_fraction, s == 0 ? held_out_seed : sequence_seed(held_out_seed, s)));
    validating = validating || (options_.validation_fraction > 0 && sources.back()->has_held_out_pairs());
  }
  if (group) {
    torch::Tensor any = torch::tensor({validating ? 1.0 : 0.0}, torch::kFloat64);
    group->all_reduce_max(any, "agreeing on validation");
    validating = any.item<double>() > 0;
  }
  if (options_.validation_fraction > 0 && !validating) {
    spdlog::warn("validation: no window has enough edges to hold {:.0f} % of them out; training on "
                 "every edge and monitoring the training loss",
                 100 * options_.validation_fraction);
    monitor = "loss";
  }
  // Sequence 0 draws from generator_ (as a lone sequence always has), the
  // others from their own.
  std::vector<at::Generator> own_generators;
  for (std::size_t s = 1; s < sequences.size(); ++s) {
    own_generators.push_back(at::detail::createCPUGenerator(sequence_seed(options_.seed, s)));
  }
  const auto generator_of = [&](std::size_t s) -> at::Generator& {
    return s == 0 ? generator_ : own_generators[s - 1];
  };
  const bool early_stopping = options_.early_stopping_patience > 0;
  const bool keep_best = early_stopping && options_.keep_best;
  const bool step_per_sequence = options_.step_per_sequence && sequences.size() > 1;
  const auto started = std::chrono::steady_clock::now();
  torch::optim::Adam optimizer(model_.trainable_parameters(),
                               torch::optim::AdamOptions(options_.learning_rate));
  TrainingResult result;
  TrainingState& state = result.state;
  state.config = {{"model", model_config_.to_json()},
                  {"trainer", options_.to_json()},
                  {"provenance", provenance}};
  // The other ranks load rank 0's checkpoint, sent to them (their machines
  // need not see the run folder).
  std::string checkpoint_bytes;
  if (resume && group) {
    std::string failure;
    if (writer) {
      try {
        checkpoint_bytes = io::read_file_bytes(checkpoint);
      } catch (const Error& e) {
        failure = e.what();
      }
    }
    checkpoint_bytes = group->broadcast_bytes(checkpoint_bytes, 0, "sending the checkpoint to resume from");
    if (!failure.empty()) throw Error(failure);
    if (checkpoint_bytes.empty()) {
      throw Error(fmt::format("rank {}: rank 0 could not read the checkpoint {} to resume from", rank,
                              checkpoint.string()));
    }
  }
  if (resume) {
    const nlohmann::json saved =
        group ? read_checkpoint_config_bytes(checkpoint_bytes, checkpoint) : read_checkpoint_config(checkpoint);
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
    state = group ? load_checkpoint_bytes(checkpoint_bytes, checkpoint, model_, &optimizer, &generator_,
                                          options_.device)
                  : load_checkpoint(checkpoint, model_, &optimizer, &generator_, options_.device);
    state.config = config;
    if (state.sequence_rng_states.size() != own_generators.size()) {
      throw Error(fmt::format("resuming from {}: it was trained on {} sequences, not {}", checkpoint.string(),
                              state.sequence_rng_states.size() + 1, sequences.size()));
    }
    for (std::size_t s = 0; s < own_generators.size(); ++s) own_generators[s].set_state(state.sequence_rng_states[s]);
    result.resumed = true;
    spdlog::info("resuming {} at epoch {}", checkpoint.string(), state.epochs_done);
  }
  if (group) {
    group->check_same(distributed::bytes_hash(state.config.dump()),
                      "settings or graphs (model, training options, the graphs files' hashes)");
    group->check_same(distributed::tensors_hash(model_.module().parameters()), "initial parameters");
  }
  // Every rank's generators of every sequence take the states of the
  // sequences' owners (before a checkpoint, which holds them all).
  const auto gather_generator_states = [&] {
    if (!group) return;
    const torch::Tensor first = generator_.get_state();
    // Bytes summed with zeros from the ranks that do not own a row: exact.
    torch::Tensor states = torch::zeros({static_cast<int64_t>(sources.size()), first.numel()}, torch::kUInt8);
    for (std::size_t s = 0; s < sources.size(); ++s) {
      if (mine(s)) states[static_cast<int64_t>(s)].copy_(generator_of(s).get_state());
    }
    group->all_reduce_sum(states, "gathering the generators' states");
    for (std::size_t s = 0; s < sources.size(); ++s) {
      generator_of(s).set_state(states[static_cast<int64_t>(s)].contiguous());
    }
  };
  bool first_step = true;
  ProgressBar progress("training", static_cast<std::size_t>(options_.epochs));
  if (!options_.progress) progress.finish();
  model_.train(true);
  const auto trainable = model_.trainable_parameters();
  const auto like = torch::TensorOptions().device(options_.device).dtype(options_.dtype);
  // A piece's data as the loss reads it. Resident windows are prepared
  // once; streamed ones for each piece of each epoch.
  const auto make_piece = [&](WindowSource& source, int64_t begin, int64_t count) {
    auto made = std::make_unique<Piece>();
    made->data = source.windows(static_cast<std::size_t>(begin), static_cast<std::size_t>(count));
    for (const auto& step : made->data.steps) {
      // "rate": the last column (rows+rates puts each unit's rate there).
      made->features.push_back(model_config_.feature_target == "rate"
                                   ? step.features.narrow(1, step.features.size(1) - 1, 1)
                                   : step.features);
    }
    if (options_.sampled_non_edges > 0) {
      for (const auto& target : made->data.targets) made->sampled.emplace_back(target, options_.sampled_non_edges);
    }
    return made;
  };
  const auto piece_windows_of = [&](const WindowSource& source) {
    const auto n_windows = static_cast<int64_t>(source.size());
    return options_.bptt_windows > 0 ? std::min(options_.bptt_windows, n_windows) : n_windows;
  };
  std::vector<std::vector<std::unique_ptr<Piece>>> resident(sources.size());
  for (std::size_t s = 0; s < sources.size(); ++s) {
    if (!sources[s] || !sources[s]->resident()) continue;
    const auto n_windows = static_cast<int64_t>(sources[s]->size());
    const int64_t piece_windows = piece_windows_of(*sources[s]);
    for (int64_t begin = 0; begin < n_windows; begin += piece_windows) {
      resident[s].push_back(make_piece(*sources[s], begin, std::min(piece_windows, n_windows - begin)));
    }
  }
  // Runs one sequence forwards and backwards, its gradients adding up in
  // the parameters' .grad and its sums in `totals`.
  const auto run_sequence = [&](std::size_t s, EpochTotals& totals) {
    WindowSource& source = *sources[s];
    at::Generator& generator = generator_of(s);
    const auto n_windows = static_cast<int64_t>(source.size());
    const int64_t piece_windows = piece_windows_of(source);
    nn::RecurrentState carried = model_.initial_state(source.n_nodes(), n_windows, like);
    for (int64_t begin = 0; begin < n_windows; begin += piece_windows) {
      const int64_t count = std::min(piece_windows, n_windows - begin);
      std::unique_ptr<Piece> streamed;
      if (resident[s].empty()) streamed = make_piece(source, begin, count);
      const Piece& piece = resident[s].empty() ? *streamed : *resident[s][static_cast<std::size_t>(begin / piece_windows)];
      const TrainingData& data = piece.data;
      const auto noise = draw_noise(generator, count, data.n_nodes, model_config_.latent, options_.device,
                                    options_.dtype);
      const nn::SequenceOutput output = model_.forward(data.steps, noise, carried);
      const SequenceLoss loss =
          sequence_loss(output, data.targets, 1e-10, &piece.features, model_config_.feature_weight,
                        piece.sampled.empty() ? nullptr : &piece.sampled, &generator);
      // One read-back per piece, for the log.
      const auto sums = torch::stack({loss.loss.detach(), loss.kl.sum().detach(), loss.nll.sum().detach(),
                                      loss.feat.sum().detach()})
                            .to(torch::kCPU, torch::kFloat64);
      totals.loss += sums[0].item<double>();
      totals.kl += sums[1].item<double>();
      totals.nll += sums[2].item<double>();
      totals.feat += sums[3].item<double>();
      if (validating) totals.validation.add(output.mu, data.held_out);
      // The gradients of the pieces add up in the parameters' .grad.
      loss.loss.backward();
      carried.truncate();
    }
  };
  const auto take_step = [&] {
    if (options_.clip_grad_norm > 0) torch::nn::utils::clip_grad_norm_(trainable, options_.clip_grad_norm);
    optimizer.step();
  };
  while (state.epochs_done < options_.epochs && !state.stopped_early) {
    const auto t0 = std::chrono::steady_clock::now();
    // With a step after each sequence the epoch's scores span several
    // parameter sets; the ones kept are those the epoch began with.
    std::vector<torch::Tensor> epoch_start;
    if (step_per_sequence && keep_best) epoch_start = snapshot(model_.module());
    optimizer.zero_grad();
    EpochTotals totals;
    for (std::size_t s = 0; s < sources.size(); ++s) {
      if (!sources[s]) continue;
      run_sequence(s, totals);
      if (step_per_sequence && s + 1 < sources.size()) {
        take_step();
        optimizer.zero_grad();
      }
    }
    if (group) {
      all_reduce_gradients(*group, trainable, first_step);
      first_step = false;
      const auto v = totals.validation.sums();
      torch::Tensor sums = torch::tensor({totals.loss, totals.kl, totals.nll, totals.feat, v[0], v[1], v[2], v[3], v[4]},
                                         torch::kFloat64);
      group->all_reduce_sum(sums, "the all-reduce of the epoch's losses");
      const auto* t = sums.data_ptr<double>();
      totals.loss = t[0];
      totals.kl = t[1];
      totals.nll = t[2];
      totals.feat = t[3];
      totals.validation = ValidationAccumulator::from_sums({t[4], t[5], t[6], t[7], t[8]});
    }
    EpochRecord record;
    record.epoch = state.epochs_done + 1;
    record.loss = totals.loss;
    record.kl = totals.kl;
    record.nll = totals.nll;
    record.feat = totals.feat;
    if (!std::isfinite(record.loss)) {
      throw Error(fmt::format("training: the loss became {} at epoch {} (try a lower `lr` or "
                              "`clip-grad`)",
                              record.loss, record.epoch));
    }
    if (validating) {
      const ValidationScores v = totals.validation.scores();
      record.val_loss = v.loss;
      record.val_auc = v.roc_auc;
      record.val_ap = v.average_precision;
    }
    // The scores describe the parameters before this epoch's step: those are
    // the ones kept.
    const double score = monitored_score(record, monitor);
    const double needed = options_.early_stopping_min_delta * std::abs(state.best_value);
    if (record.epoch == 1 || score > state.best_value + needed) {
      state.best_value = score;
      state.best_epoch = record.epoch;
      state.epochs_since_best = 0;
      if (keep_best) state.best_parameters = step_per_sequence ? std::move(epoch_start) : snapshot(model_.module());
    } else {
      ++state.epochs_since_best;
    }
    take_step();
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.log.push_back(record);
    state.epochs_done = record.epoch;
    if (early_stopping && state.epochs_since_best >= options_.early_stopping_patience) {
      state.stopped_early = true;
      spdlog::info("early stopping at epoch {}: {} has not improved for {} epochs (best at epoch {})",
                   record.epoch, monitor, state.epochs_since_best, state.best_epoch);
    }
    progress.update(static_cast<std::size_t>(state.epochs_done),
                    validating ? fmt::format("loss {:.4g}, held-out AUC {:.3f} (best {} at epoch {})",
                                             record.loss, record.val_auc, monitor, state.best_epoch)
                               : fmt::format("loss {:.4g} (KL {:.3g}, NLL {:.4g})", record.loss, record.kl,
                                             record.nll));
    const bool last = state.epochs_done >= options_.epochs || state.stopped_early;
    // The checkpoint keeps the last step's parameters (so that a longer run
    // resumes exactly where this one ended) and the best ones, which a
    // finished run's model is (kept_epoch; use_kept_parameters).
    state.kept_epoch = last && keep_best && !state.best_parameters.empty() ? state.best_epoch : 0;
    const bool due = last || state.epochs_done % options_.checkpoint_every == 0;
    const auto save = [&] {
      gather_generator_states();
      state.sequence_rng_states.clear();
      for (const auto& g : own_generators) state.sequence_rng_states.push_back(g.get_state());
      if (!checkpoint.empty() && writer) save_checkpoint(checkpoint, model_, &optimizer, generator_, state);
    };
    if (due) {
      // Every rank must hold the same parameters; checked where they are saved.
      if (group) {
        group->check_same(distributed::tensors_hash(model_.module().parameters()),
                          fmt::format("parameters after epoch {}", record.epoch));
      }
      save();
    }
    bool stop = options_.on_epoch && !options_.on_epoch(record) && !last;
    if (group) {
      torch::Tensor any = torch::tensor({stop ? 1.0 : 0.0}, torch::kFloat64);
      group->all_reduce_max(any, "agreeing on stopping");
      stop = any.item<double>() > 0;
    }
    if (stop) {
      if (!due) save();
      result.stopped_by_caller = true;
      spdlog::info("training stopped by the caller at epoch {}", record.epoch);
      break;
    }
  }
  progress.finish();
  use_kept_parameters(model_, state);
  result.monitor = monitor;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace tavrnn::train
