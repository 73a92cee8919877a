#pragma once
// What `tavrnn run` knows about the stages it has run in an output folder,
// kept in OUT/run.json. A stage is up to date when its key (a hash of its
// arguments and of its input files' contents) is the one recorded when it
// finished, and every output it recorded is still there with the same
// SHA-256. A stage's record is written only after its outputs are complete,
// so a run killed inside a stage reruns that stage and nothing before it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tavrnn::pipeline {

// What the stages compute for given arguments, named by the date it last
// changed: a stage keyed under another value reruns. Changed whenever a
// default changes a stage's results for the same arguments (2026-11-23:
// `evaluate`'s --population auto decodes every unit's mu, no longer the
// history node's; graphs.npz records unit rates).
inline constexpr const char* kStageSemantics = "2026-11-23";

// SHA-256 of (stage, arguments, the SHA-256 of every input file,
// kStageSemantics).
std::string stage_key(const std::string& stage, const std::vector<std::string>& arguments,
                      const std::vector<std::filesystem::path>& inputs);

class StageLedger {
 public:
  // Reads `run_json` if it exists (a file that is not a run record is an
  // Error naming it); outputs are recorded relative to its folder.
  explicit StageLedger(std::filesystem::path run_json);

  bool up_to_date(const std::string& stage, const std::string& key) const;
  // The key a stage was started with and has not finished (a killed run).
  std::optional<std::string> started_key(const std::string& stage) const;

  void mark_started(const std::string& stage, const std::string& key,
                    const std::vector<std::string>& arguments);
  // Hashes the outputs and records the stage as finished.
  void mark_finished(const std::string& stage, const std::string& key,
                     const std::vector<std::filesystem::path>& outputs, double seconds);
  // Top-level fields (config, versions, ...) kept next to the stages.
  void set(const std::string& field, nlohmann::json value);

  const nlohmann::json& record() const { return record_; }

 private:
  void save() const;
  std::filesystem::path path_;
  nlohmann::json record_;
};

}  // namespace tavrnn::pipeline
