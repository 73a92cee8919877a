#include "tavrnn/train/checkpoint.h"

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
    log.push_back({{"epoch", r.epoch}, {"loss", r.loss}, {"kl", r.kl}, {"nll", r.nll},
                   {"seconds", r.seconds}});
  }
  return {{"format_version", kFormatVersion},
          {"epochs_done", state.epochs_done},
          {"best_loss", state.best_loss},
          {"epochs_since_best", state.epochs_since_best},
          {"stopped_early", state.stopped_early},
          {"log", log},
          {"config", state.config}};
}

TrainingState state_from_json(const nlohmann::json& j) {
  TrainingState s;
  s.epochs_done = j.at("epochs_done").get<int64_t>();
  s.best_loss = j.at("best_loss").get<double>();
  s.epochs_since_best = j.at("epochs_since_best").get<int64_t>();
  s.stopped_early = j.at("stopped_early").get<bool>();
  s.config = j.at("config");
  for (const auto& r : j.at("log")) {
    s.log.push_back({r.at("epoch").get<int64_t>(), r.at("loss").get<double>(),
                     r.at("kl").get<double>(), r.at("nll").get<double>(),
                     r.at("seconds").get<double>()});
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
  archive.write("tavrnn_state", c10::IValue(state_to_json(state).dump()));
  io::AtomicPath atomic(path);
  archive.save_to(atomic.temporary().string());
  atomic.commit();
}

nlohmann::json read_checkpoint_config(const std::filesystem::path& path) {
  auto archive = open_archive(path, torch::kCPU);
  return read_state_json(archive, path).at("config");
}

TrainingState load_checkpoint(const std::filesystem::path& path, SequenceModel& model,
                              torch::optim::Optimizer* optimizer, at::Generator* generator,
                              torch::Device device) {
  auto archive = open_archive(path, device);
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
  try {
    return state_from_json(state_json);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("reading checkpoint {}: corrupt state: {}", path.string(), e.what()));
  }
}

}  // namespace tavrnn::train
