#include "tavrnn/train/checkpoint.h"

#include <sstream>

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"

namespace tavrnn::train {
namespace {

constexpr int64_t kFormatVersion = 1;

nlohmann::json state_to_json(const TrainingState& state) {
  nlohmann::json log = nlohmann::json::array();
  for (const auto& r : state.log) {
    nlohmann::json row = {{"epoch", r.epoch}, {"loss", r.loss}, {"kl", r.kl}, {"nll", r.nll},
                          {"seconds", r.seconds}, {"feat", r.feat}};
    if (r.has_validation()) {
      row["val_loss"] = r.val_loss;
      row["val_auc"] = r.val_auc;
      row["val_ap"] = r.val_ap;
    }
    log.push_back(row);
  }
  return {{"format_version", kFormatVersion},
          {"epochs_done", state.epochs_done},
          {"best_value", state.best_value},
          {"best_epoch", state.best_epoch},
          {"kept_epoch", state.kept_epoch},
          {"epochs_since_best", state.epochs_since_best},
          {"stopped_early", state.stopped_early},
          {"log", log},
          {"config", state.config}};
}

TrainingState state_from_json(const nlohmann::json& j) {
  TrainingState s;
  s.epochs_done = j.at("epochs_done").get<int64_t>();
  // best_loss: written before validation existed, when the loss was the only monitor.
  s.best_value = j.contains("best_value") ? j.at("best_value").get<double>() : -j.at("best_loss").get<double>();
  s.best_epoch = j.value("best_epoch", int64_t{0});
  s.kept_epoch = j.value("kept_epoch", int64_t{0});
  s.epochs_since_best = j.at("epochs_since_best").get<int64_t>();
  s.stopped_early = j.at("stopped_early").get<bool>();
  s.config = j.at("config");
  for (const auto& r : j.at("log")) {
    EpochRecord record;
    record.epoch = r.at("epoch").get<int64_t>();
    record.loss = r.at("loss").get<double>();
    record.kl = r.at("kl").get<double>();
    record.nll = r.at("nll").get<double>();
    record.seconds = r.at("seconds").get<double>();
    record.feat = r.value("feat", 0.0);
    if (r.contains("val_auc")) {
      record.val_loss = r.at("val_loss").get<double>();
      record.val_auc = r.at("val_auc").get<double>();
      record.val_ap = r.at("val_ap").get<double>();
    }
    s.log.push_back(record);
  }
  return s;
}

torch::serialize::InputArchive open_archive(const std::filesystem::path& path, torch::Device device) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(fmt::format("reading checkpoint {}: no such file", path.string()));
  }
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string(), device);
  } catch (const c10::Error& e) {
    throw Error(fmt::format("reading checkpoint {}: not a tavrnn checkpoint (LibTorch archive): {}",
                            path.string(), e.what_without_backtrace()));
  }
  return archive;
}

torch::serialize::InputArchive open_archive(const std::string& bytes, const std::filesystem::path& name,
                                            torch::Device device) {
  torch::serialize::InputArchive archive;
  try {
    std::istringstream in(bytes);
    archive.load_from(in, device);
  } catch (const c10::Error& e) {
    throw Error(fmt::format("reading checkpoint {}: not a tavrnn checkpoint (LibTorch archive): {}",
                            name.string(), e.what_without_backtrace()));
  }
  return archive;
}

nlohmann::json read_state_json(torch::serialize::InputArchive& archive,
                               const std::filesystem::path& path) {
  c10::IValue value;
  if (!archive.try_read("tavrnn_state", value) || !value.isString()) {
    throw Error(fmt::format("reading checkpoint {}: missing 'tavrnn_state' (not written by tavrnn)",
                            path.string()));
  }
  try {
    return nlohmann::json::parse(value.toStringRef());
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("reading checkpoint {}: corrupt state: {}", path.string(), e.what()));
  }
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, SequenceModel& model,
                     torch::optim::Optimizer* optimizer, const at::Generator& generator,
                     const TrainingState& state) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  model.module().save(model_archive);
  archive.write("model", model_archive);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  archive.write("rng_state", generator.get_state());
  if (!state.best_parameters.empty()) {
    torch::serialize::OutputArchive best;
    for (std::size_t i = 0; i < state.best_parameters.size(); ++i) {
      best.write(std::to_string(i), state.best_parameters[i]);
    }
    archive.write("best_parameters", best);
  }
  if (!state.sequence_rng_states.empty()) {
    torch::serialize::OutputArchive states;
    for (std::size_t i = 0; i < state.sequence_rng_states.size(); ++i) {
      states.write(std::to_string(i + 1), state.sequence_rng_states[i]);
    }
    archive.write("sequence_rng_states", states);
  }
  archive.write("tavrnn_state", c10::IValue(state_to_json(state).dump()));
  io::AtomicPath atomic(path);
  archive.save_to(atomic.temporary().string());
  atomic.commit();
}

nlohmann::json read_checkpoint_config(const std::filesystem::path& path) {
  auto archive = open_archive(path, torch::kCPU);
  return read_state_json(archive, path).at("config");
}

namespace {

TrainingState load_from_archive(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                                SequenceModel& model, torch::optim::Optimizer* optimizer, at::Generator* generator,
                                torch::Device device) {
  const nlohmann::json state_json = read_state_json(archive, path);
  try {
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    model.module().load(model_archive);
    if (optimizer) {
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer->load(optimizer_archive);
    }
    if (generator) {
      torch::Tensor rng;
      archive.read("rng_state", rng);
      generator->set_state(rng.to(torch::kCPU));
    }
  } catch (const c10::Error& e) {
    throw Error(fmt::format("reading checkpoint {}: does not match the model {}: {}", path.string(),
                            model.config().to_json().dump(), e.what_without_backtrace()));
  }
  TrainingState state;
  try {
    state = state_from_json(state_json);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("reading checkpoint {}: corrupt state: {}", path.string(), e.what()));
  }
  torch::serialize::InputArchive best;
  if (archive.try_read("best_parameters", best)) {
    const auto count = model.module().parameters().size();
    for (std::size_t i = 0; i < count; ++i) {
      torch::Tensor p;
      if (!best.try_read(std::to_string(i), p)) {
        throw Error(fmt::format("reading checkpoint {}: its best parameters hold fewer than the "
                                "model's {} tensors",
                                path.string(), count));
      }
      state.best_parameters.push_back(p.to(device));
    }
  }
  torch::serialize::InputArchive sequence_states;
  if (archive.try_read("sequence_rng_states", sequence_states)) {
    for (std::size_t i = 1;; ++i) {
      torch::Tensor rng;
      if (!sequence_states.try_read(std::to_string(i), rng)) break;
      state.sequence_rng_states.push_back(rng.to(torch::kCPU));
    }
  }
  return state;
}

}  // namespace

TrainingState load_checkpoint(const std::filesystem::path& path, SequenceModel& model,
                              torch::optim::Optimizer* optimizer, at::Generator* generator,
                              torch::Device device) {
  auto archive = open_archive(path, device);
  return load_from_archive(archive, path, model, optimizer, generator, device);
}

TrainingState load_checkpoint_bytes(const std::string& bytes, const std::filesystem::path& name,
                                    SequenceModel& model, torch::optim::Optimizer* optimizer,
                                    at::Generator* generator, torch::Device device) {
  auto archive = open_archive(bytes, name, device);
  return load_from_archive(archive, name, model, optimizer, generator, device);
}

nlohmann::json read_checkpoint_config_bytes(const std::string& bytes, const std::filesystem::path& name) {
  auto archive = open_archive(bytes, name, torch::kCPU);
  return read_state_json(archive, name).at("config");
}

const EpochRecord* TrainingState::model_epoch_record() const {
  const int64_t epoch = model_epoch();
  for (const auto& r : log) {
    if (r.epoch == epoch) return &r;
  }
  return nullptr;
}

void use_kept_parameters(SequenceModel& model, const TrainingState& state) {
  if (state.kept_epoch <= 0 || state.best_parameters.empty()) return;
  torch::NoGradGuard no_grad;
  const auto parameters = model.module().parameters();
  if (parameters.size() != state.best_parameters.size()) {
    throw Error(fmt::format("the kept parameters hold {} tensors, the model {}", state.best_parameters.size(),
                            parameters.size()));
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(state.best_parameters[i]);
}

}  // namespace tavrnn::train
