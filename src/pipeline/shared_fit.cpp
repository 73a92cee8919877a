#include "tavrnn/pipeline/shared_fit.h"

#include <fstream>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "fit_record.h"
#include "tavrnn/distributed/process_group.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/file_hash.h"
#include "tavrnn/train/run_outputs.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

namespace fs = std::filesystem;

namespace {

void check_name(const std::string& name, const std::string& origin) {
  if (name.empty()) throw Error(fmt::format("{}: a sequence's name is empty", origin));
  if (name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos) {
    throw Error(fmt::format("{}: sequence name '{}' is not a plain file name (it names embeddings/{}.npz)",
                            origin, name, name));
  }
}

// The sequences must feed one model: one feature width of one kind, and a
// history node in all or none.
void check_compatible(const std::vector<const graphs::GraphSequence*>& headers,
                      const std::vector<std::string>& names) {
  const graphs::GraphSequence& first = *headers.front();
  for (std::size_t s = 1; s < headers.size(); ++s) {
    const graphs::GraphSequence& other = *headers[s];
    if (other.settings().features != first.settings().features || other.feature_dim() != first.feature_dim()) {
      throw Error(fmt::format(
          "sequences '{}' and '{}' have different node features ({}, {} columns against {}, {} columns); "
          "one model needs one width for all: build every sequence's graphs with --features descriptors",
          names.front(), names[s], graphs::node_features_name(first.settings().features), first.feature_dim(),
          graphs::node_features_name(other.settings().features), other.feature_dim()));
    }
    if (other.history_node_index().has_value() != first.history_node_index().has_value()) {
      throw Error(fmt::format("sequences '{}' and '{}': one has a history node and the other none (build "
                              "all with the same --history-node)",
                              names.front(), names[s]));
    }
  }
}

}  // namespace

std::vector<std::string> sequence_names(const std::vector<fs::path>& graphs, const std::string& names) {
  std::vector<std::string> out;
  if (names.empty()) {
    for (const auto& g : graphs) out.push_back(g.stem().string());
  } else {
    std::size_t begin = 0;
    while (begin <= names.size()) {
      const auto end = std::min(names.find(',', begin), names.size());
      out.push_back(names.substr(begin, end - begin));
      begin = end + 1;
    }
    if (out.size() != graphs.size()) {
      throw Error(fmt::format("`names`: {} names for {} graphs files (one per file, in order, separated by commas)",
                              out.size(), graphs.size()));
    }
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < out.size(); ++i) {
    check_name(out[i], fmt::format("sequence {} ({})", i + 1, graphs[i].string()));
    if (!seen.insert(out[i]).second) {
      throw Error(fmt::format("two sequences are named '{}' ({}); name them apart with --names A,B,...", out[i],
                              names.empty() ? "the graphs files share a file name" : "`names`"));
    }
  }
  return out;
}

SharedFit fit_shared(const std::vector<graphs::GraphSequence>& sequences, const std::vector<std::string>& names,
                     const FitSettings& settings, const Checkpointing& checkpointing) {
  std::vector<train::InMemoryWindows> windows;
  windows.reserve(sequences.size());
  std::vector<train::WindowSource*> sources;
  std::vector<const graphs::GraphSequence*> headers;
  for (const auto& sequence : sequences) {
    windows.emplace_back(
        train::make_training_data(sequence, settings.device.resolve_device(), settings.device.resolve_dtype()));
    sources.push_back(&windows.back());
    headers.push_back(&sequence);
  }
  return fit_shared(sources, headers, names, settings, checkpointing);
}

SharedFit fit_shared(const std::vector<train::WindowSource*>& windows,
                     const std::vector<const graphs::GraphSequence*>& headers, const std::vector<std::string>& names,
                     const FitSettings& settings, const Checkpointing& checkpointing) {
  if (windows.empty()) throw Error("fit: no graph sequence to train on");
  if (windows.size() != headers.size() || names.size() != headers.size()) {
    throw Error(fmt::format("fit: {} sequences, {} headers and {} names (one of each per sequence)", windows.size(),
                            headers.size(), names.size()));
  }
  if (!settings.select.empty()) {
    throw Error("`select` fits candidates on one sequence; choose the settings on one, then fit them on all");
  }
  std::set<std::string> seen;
  for (const auto& name : names) {
    check_name(name, "fit");
    if (!seen.insert(name).second) throw Error(fmt::format("fit: two sequences are named '{}'", name));
  }
  check_compatible(headers, names);
  SharedFit fitted;
  fitted.names = names;
  fitted.options = settings.trainer;
  if (settings.last_epoch) fitted.options.keep_best = false;
  fitted.options.device = settings.device.resolve_device();
  fitted.options.dtype = settings.device.resolve_dtype();
  fitted.config = settings.model.resolve(*headers.front());
  fitted.trainer = std::make_shared<train::Trainer>(fitted.config, fitted.options);
  // Over several ranks each trains its own share; rank 0 embeds them all.
  const distributed::ProcessGroup* group = fitted.options.group.get();
  const int ranks = group ? group->size() : 1;
  std::vector<train::WindowSource*> trained = windows;
  for (std::size_t s = 0; s < trained.size(); ++s) {
    if (group && distributed::sequence_owner(s, ranks) != group->rank()) trained[s] = nullptr;
  }
  fitted.result =
      fitted.trainer->fit(trained, checkpointing.checkpoint, checkpointing.resume, checkpointing.provenance);
  if (group && group->rank() != 0) return fitted;
  for (std::size_t s = 0; s < windows.size(); ++s) {
    fitted.embeddings.push_back(train::embed(fitted.trainer->model(), *windows[s], headers[s]->history_node_index(),
                                             settings.sample_z, fitted.trainer->generator(),
                                             static_cast<std::size_t>(fitted.options.bptt_windows)));
  }
  return fitted;
}

std::string run_fit_shared(const std::vector<fs::path>& graphs_paths, const std::vector<std::string>& names,
                           const FitSettings& settings, const RunDirectory& run, ExistingModel existing,
                           bool separate) {
  if (graphs_paths.size() != names.size()) {
    throw Error(fmt::format("fit: {} graphs files and {} names", graphs_paths.size(), names.size()));
  }
  const distributed::ProcessGroup* group = settings.trainer.group.get();
  const bool writer = !group || group->rank() == 0;
  if (group && group->size() > 1 && separate) {
    throw Error("`separate` fits each sequence alone in one process: run it without `launch` (or after it)");
  }
  // Only rank 0 touches the run folder (other machines need not see it).
  if (writer) prepare_fit_folder(run, existing);
  std::error_code ec;
  // Streamed: the headers alone are read now, the graphs a piece at a time.
  std::vector<std::unique_ptr<train::WindowSource>> owned;
  std::vector<graphs::GraphSequence> in_memory;
  in_memory.reserve(graphs_paths.size());
  std::vector<train::WindowSource*> sources;
  std::vector<const graphs::GraphSequence*> headers;
  nlohmann::json provenance = nlohmann::json::array();
  for (std::size_t s = 0; s < graphs_paths.size(); ++s) {
    const fs::path& path = graphs_paths[s];
    const bool trained_here = !group || distributed::sequence_owner(s, group->size()) == group->rank();
    if (settings.stream || !trained_here) {
      auto streamed = std::make_unique<train::GraphFileWindows>(path, settings.device.resolve_device(),
                                                                settings.device.resolve_dtype());
      headers.push_back(&streamed->header());
      owned.push_back(std::move(streamed));
    } else {
      in_memory.push_back(graphs::load_graph_sequence(path));
      headers.push_back(&in_memory.back());
      owned.push_back(std::make_unique<train::InMemoryWindows>(train::make_training_data(
          in_memory.back(), settings.device.resolve_device(), settings.device.resolve_dtype())));
    }
    sources.push_back(owned.back().get());
    provenance.push_back({{"name", names[s]},
                          {"graphs_sha256", io::sha256_file(path)},
                          {"graphs_windows", headers.back()->size()},
                          {"graphs_nodes", headers.back()->n_nodes()}});
  }
  Checkpointing checkpointing;
  checkpointing.checkpoint = run.checkpoint();
  checkpointing.resume = existing == ExistingModel::Resume;
  checkpointing.provenance = {{"sequences", provenance}};
  const SharedFit fitted = fit_shared(sources, headers, names, settings, checkpointing);
  if (!writer) {
    std::vector<std::string> own;
    for (std::size_t s = 0; s < names.size(); ++s) {
      if (distributed::sequence_owner(s, group->size()) == group->rank()) own.push_back(names[s]);
    }
    return fmt::format("rank {} of {}: trained on {} ({} epochs); rank 0 writes the outputs\n", group->rank(),
                       group->size(), fmt::join(own, ", "), fitted.result.state.epochs_done);
  }
  io::ensure_directory(run.sequence_embeddings_dir());
  nlohmann::json sequences = nlohmann::json::array();
  for (std::size_t s = 0; s < names.size(); ++s) {
    const fs::path target = run.sequence_embeddings(names[s]);
    train::save_embeddings(target, fitted.embeddings[s], *headers[s], fitted.config);
    sequences.push_back({{"name", names[s]},
                         {"graphs", fs::absolute(graphs_paths[s]).string()},
                         {"graphs_sha256", provenance[s].at("graphs_sha256")},
                         {"windows", headers[s]->size()},
                         {"units", headers[s]->n_units()},
                         {"nodes", headers[s]->n_nodes()},
                         {"graph_settings", graph_settings_record(*headers[s])},
                         {"embeddings", fs::relative(target, run.root()).generic_string()}});
  }
  const auto& log = fitted.result.state.log;
  train::write_training_log(run.training_log(), log);
  nlohmann::json record = {{"command", "fit"}, {"sequences", sequences}};
  record.update(training_record(fitted.config, fitted.options, fitted.result));
  io::write_file_atomically(run.record(), record.dump(2) + "\n");
  std::size_t windows = 0;
  for (const auto* h : headers) windows += h->size();
  std::string controls;
  if (separate) {
    for (std::size_t s = 0; s < names.size(); ++s) {
      const RunDirectory alone = run.separate(names[s]);
      // A control already there is continued (or redone with Overwrite).
      const bool there = fs::exists(alone.checkpoint(), ec);
      const ExistingModel mode = existing == ExistingModel::Overwrite ? ExistingModel::Overwrite
                                 : there                              ? ExistingModel::Resume
                                                                      : ExistingModel::Refuse;
      run_fit(graphs_paths[s], settings, alone, mode);
    }
    controls = fmt::format("  each sequence fitted alone in {}/ (the control)\n", (run.root() / "separate").string());
  }
  return fmt::format(
      "trained one {} on {} sequences ({} windows in all): {} epochs{}, loss {:.4g} (KL {:.3g}, NLL {:.4g}), "
      "{:.3f} s/epoch\n  outputs in {}: {} {}/ ({} files) {} {}\n",
      train::model_kind_name(fitted.config.kind), names.size(), windows, fitted.result.state.epochs_done,
      kept_epoch_text(fitted.result), log.empty() ? 0.0 : log.back().loss, log.empty() ? 0.0 : log.back().kl,
      log.empty() ? 0.0 : log.back().nll, train::median_epoch_seconds(log), run.root().string(),
      run.checkpoint().filename().string(), run.sequence_embeddings_dir().filename().string(), names.size(),
      run.training_log().filename().string(), run.record().filename().string()) + controls;
}

bool is_shared_run(const RunDirectory& run) {
  std::error_code ec;
  if (!fs::is_regular_file(run.record(), ec)) return false;
  std::ifstream in(run.record());
  const auto record = nlohmann::json::parse(in, nullptr, false);
  return record.is_object() && record.contains("sequences");
}

}  // namespace tavrnn::pipeline
