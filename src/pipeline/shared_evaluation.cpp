// evaluate on a run over several sequences (shared_fit.h): each sequence's
// own metrics, and whether the sequences share one latent space.
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "fit_record.h"
#include "tavrnn/eval/cross_recording.h"
#include "tavrnn/eval/run_evaluation.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/pipeline/shared_fit.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

namespace fs = std::filesystem;

namespace {

nlohmann::json read_record(const RunDirectory& run) {
  std::ifstream in(run.record());
  const auto record = nlohmann::json::parse(in, nullptr, false);
  if (!record.is_object() || !record.contains("sequences") || !record.at("sequences").is_array()) {
    throw Error(fmt::format("evaluate: {} does not list the sequences of a shared model ('sequences')",
                            run.record().string()));
  }
  return record;
}

nlohmann::json cross_recording(const std::vector<eval::RecordingEmbedding>& recordings) {
  return {{"decoding", eval::leave_one_recording_out(recordings)}, {"consistency", eval::consistency(recordings)}};
}

std::string number(const nlohmann::json& value) {
  return value.is_number() ? fmt::format("{:.3f}", value.get<double>()) : std::string("-");
}

}  // namespace

nlohmann::json evaluate_shared(const RunDirectory& run, const EvaluateSettings& settings) {
  if (!settings.labels.empty() || !settings.groups.empty() || !settings.contrast.empty()) {
    throw Error("evaluate: --labels, --groups and --contrast name one sequence's windows or units; evaluate a "
                "shared run's sequence alone with --embeddings RUN/embeddings/NAME.npz");
  }
  const nlohmann::json record = read_record(run);
  const eval::EvaluationOptions options = evaluation_options(settings);
  nlohmann::json per_sequence = nlohmann::json::object();
  std::vector<eval::RecordingEmbedding> shared, alone;
  bool all_alone = true;
  for (const auto& entry : record.at("sequences")) {
    const std::string name = entry.at("name").get<std::string>();
    const fs::path embeddings = run.root() / entry.at("embeddings").get<std::string>();
    const eval::EmbeddingsFile e = eval::read_embeddings(embeddings);
    std::optional<graphs::GraphSequence> graphs;
    std::error_code ec;
    const fs::path graphs_path = entry.value("graphs", std::string());
    if (!graphs_path.empty() && fs::exists(graphs_path, ec)) graphs = graphs::load_graph_sequence(graphs_path);
    per_sequence[name] = eval::evaluate_embeddings(e, graphs ? &*graphs : nullptr, options);
    shared.push_back(eval::recording_embedding(name, e, options.population));
    const fs::path control = run.separate(name).embeddings();
    if (all_alone && fs::exists(control, ec)) {
      alone.push_back(eval::recording_embedding(name, eval::read_embeddings(control), options.population));
    } else {
      all_alone = false;
    }
  }
  nlohmann::json groups = nullptr;
  if (!settings.recording_group.empty()) {
    std::regex pattern;
    try {
      pattern = std::regex(settings.recording_group);
    } catch (const std::regex_error& e) {
      throw Error(fmt::format("`recording-group` '{}': not a regular expression ({})", settings.recording_group,
                              e.what()));
    }
    const auto group_of = [&](const std::string& name) {
      std::smatch match;
      if (!std::regex_search(name, match, pattern)) {
        throw Error(fmt::format("`recording-group` '{}': no match in the sequence name '{}'",
                                settings.recording_group, name));
      }
      return match.str(0);
    };
    shared = eval::group_recordings(shared, group_of, &groups);
    if (all_alone && !alone.empty()) alone = eval::group_recordings(alone, group_of);
    if (shared.size() < 2) {
      throw Error(fmt::format("`recording-group` '{}' puts every sequence in one group ({}); it needs two or more",
                              settings.recording_group, shared.front().name));
    }
  }
  nlohmann::json metrics = {{"command", "evaluate"},
                            {"shared_model", true},
                            {"sequences", per_sequence},
                            {"cross_recording_population", shared.front().population_kind},
                            {"recording_groups", groups},
                            {"shared", cross_recording(shared)}};
  metrics["separate"] = all_alone && !alone.empty() ? cross_recording(alone) : nlohmann::json(nullptr);
  return metrics;
}

std::string run_evaluate_shared(const RunDirectory& run, const EvaluateSettings& settings, const fs::path& out) {
  const nlohmann::json metrics = evaluate_shared(run, settings);
  const fs::path target = out.empty() ? run.metrics() : out;
  io::write_file_atomically(target, metrics.dump(2) + "\n");
  std::string text = fmt::format("{} sequences, one model; across recordings ({}):\n", metrics.at("sequences").size(),
                                 metrics.at("cross_recording_population").get<std::string>());
  const auto line = [&](const char* who, const nlohmann::json& m) {
    if (m.is_null()) return fmt::format("  {:<22} (no RUN/separate/NAME/ for every sequence: fit --separate)\n", who);
    return fmt::format("  {:<22} leave-one-out decoding {} (balanced {}), consistency R^2 {}\n", who,
                       number(m.at("decoding").at("mean_accuracy")),
                       number(m.at("decoding").at("mean_balanced_accuracy")),
                       number(m.at("consistency").at("mean_r2")));
  };
  text += line("shared model", metrics.at("shared"));
  text += line("each fitted alone", metrics.at("separate"));
  if (metrics.at("shared").at("consistency").contains("skipped")) {
    text += "  consistency: " + metrics.at("shared").at("consistency").at("skipped").get<std::string>() + "\n";
  }
  return text + "  written to " + target.string() + "\n";
}

}  // namespace tavrnn::pipeline
