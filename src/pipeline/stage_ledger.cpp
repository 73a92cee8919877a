#include "tavrnn/pipeline/stage_ledger.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"

namespace tavrnn::pipeline {

namespace fs = std::filesystem;

std::string stage_key(const std::string& stage, const std::vector<std::string>& arguments,
                      const std::vector<fs::path>& inputs) {
  nlohmann::json identity = {
      {"stage", stage}, {"arguments", arguments}, {"semantics", kStageSemantics}};
  auto& hashes = identity["inputs"] = nlohmann::json::array();
  for (const auto& input : inputs) hashes.push_back(io::sha256_file(input));
  return io::sha256_hex(identity.dump());
}

namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

StageLedger::StageLedger(fs::path run_json) : path_(std::move(run_json)) {
  record_ = {{"command", "run"}, {"stages", nlohmann::json::object()}};
  std::error_code ec;
  if (!fs::exists(path_, ec)) return;
  const auto bytes = io::read_file_bytes(path_);
  auto parsed = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || parsed.value("command", "") != "run" || !parsed.contains("stages") ||
      !parsed["stages"].is_object()) {
    throw Error(fmt::format("{}: not a `tavrnn run` record (expected a JSON object with "
                            "\"command\": \"run\" and \"stages\"); choose another --out",
                            path_.string()));
  }
  record_ = std::move(parsed);
}

bool StageLedger::up_to_date(const std::string& stage, const std::string& key) const {
  const auto& stages = record_["stages"];
  if (!stages.contains(stage)) return false;
  const auto& entry = stages[stage];
  if (entry.value("status", "") != "finished" || entry.value("key", "") != key) return false;
  const fs::path base = path_.parent_path();
  for (const auto& [name, hash] : entry["outputs"].items()) {
    std::error_code ec;
    const fs::path output = base / name;
    if (!fs::is_regular_file(output, ec) || io::sha256_file(output) != hash.get<std::string>()) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> StageLedger::started_key(const std::string& stage) const {
  const auto& stages = record_["stages"];
  if (!stages.contains(stage) || stages[stage].value("status", "") != "started") return std::nullopt;
  return stages[stage].value("key", "");
}

void StageLedger::mark_started(const std::string& stage, const std::string& key,
                               const std::vector<std::string>& arguments) {
  record_["stages"][stage] = {{"status", "started"},
                              {"key", key},
                              {"arguments", arguments},
                              {"started_at", utc_now()}};
  save();
}

void StageLedger::mark_finished(const std::string& stage, const std::string& key,
                                const std::vector<fs::path>& outputs, double seconds) {
  auto& entry = record_["stages"][stage];
  entry["status"] = "finished";
  entry["key"] = key;
  entry["finished_at"] = utc_now();
  entry["seconds"] = seconds;
  auto& hashes = entry["outputs"] = nlohmann::json::object();
  const fs::path base = path_.parent_path();
  for (const auto& output : outputs) {
    hashes[output.lexically_relative(base).generic_string()] = io::sha256_file(output);
  }
  save();
}

void StageLedger::set(const std::string& field, nlohmann::json value) {
  record_[field] = std::move(value);
  save();
}

void StageLedger::save() const { io::write_file_atomically(path_, record_.dump(2) + "\n"); }

}  // namespace tavrnn::pipeline
