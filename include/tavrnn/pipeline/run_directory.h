#pragma once
// Every file name of a run folder, in one place. A run folder is what
// `tavrnn fit` writes (model.pt, embeddings.npz, training_log.csv, run.json,
// then metrics.json, figures/, report.html; over several sequences
// embeddings/NAME.npz instead of embeddings.npz), what `tavrnn compare` writes
// (grid.json, results.csv, summary.md, cells/MODEL/zZ/seedS/ each a fit
// folder) or what `tavrnn run` writes (recording.npz, graphs.npz, fit/,
// compare/, figures/, report.html, run.json); docs/pipeline.md shows the tree.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace tavrnn::pipeline {

class RunDirectory {
 public:
  RunDirectory() = default;
  explicit RunDirectory(std::filesystem::path root) : root_(std::move(root)) {}
  const std::filesystem::path& root() const { return root_; }

  // A trained model's folder (fit, a compare cell).
  std::filesystem::path checkpoint() const { return root_ / "model.pt"; }
  std::filesystem::path embeddings() const { return root_ / "embeddings.npz"; }
  std::filesystem::path training_log() const { return root_ / "training_log.csv"; }
  // fit's record of how the model was trained; in a `tavrnn run` folder, the
  // stage ledger (pipeline/stage_ledger.h).
  std::filesystem::path record() const { return root_ / "run.json"; }
  // The graphs file fit's record names, as written there (it may be gone);
  // empty when there is no record or it names none.
  std::filesystem::path recorded_graphs() const;
  // The same from a record already read.
  static std::filesystem::path recorded_graphs_in(const nlohmann::json& record);
  std::filesystem::path metrics() const { return root_ / "metrics.json"; }
  std::filesystem::path figures() const { return root_ / "figures"; }
  std::filesystem::path figures_manifest() const { return figures_manifest_in(figures()); }
  std::filesystem::path report() const { return root_ / "report.html"; }
  // A model shared by several sequences: RUN/embeddings/NAME.npz each.
  std::filesystem::path sequence_embeddings_dir() const { return root_ / "embeddings"; }
  std::filesystem::path sequence_embeddings(const std::string& name) const {
    return sequence_embeddings_dir() / (name + ".npz");
  }
  // Each sequence fitted alone, the control of a shared model: RUN/separate/NAME/.
  RunDirectory separate(const std::string& name) const { return RunDirectory(root_ / "separate" / name); }
  // `tavrnn embed RUN other.npz`: RUN/embeddings_other.npz.
  std::filesystem::path embeddings_of(const std::filesystem::path& graphs) const {
    return root_ / ("embeddings_" + graphs.stem().string() + ".npz");
  }

  // A `tavrnn run` folder.
  std::filesystem::path recording() const { return root_ / "recording.npz"; }
  std::filesystem::path ground_truth() const { return root_ / "ground_truth.json"; }
  std::filesystem::path graphs() const { return root_ / "graphs.npz"; }
  // A run over several recordings: OUT/recordings/ (simulated animals) and
  // OUT/graphs/NAME.npz; the shared model in OUT/fit/.
  std::filesystem::path recordings_dir() const { return root_ / "recordings"; }
  std::filesystem::path sequence_graphs(const std::string& name) const {
    return root_ / "graphs" / (name + ".npz");
  }
  RunDirectory fit() const { return RunDirectory(root_ / "fit"); }
  RunDirectory compare() const { return RunDirectory(root_ / "compare"); }

  // A `tavrnn compare` folder.
  std::filesystem::path grid_record() const { return root_ / "grid.json"; }
  std::filesystem::path results_csv() const { return root_ / "results.csv"; }
  std::filesystem::path summary() const { return root_ / "summary.md"; }
  std::filesystem::path cells() const { return root_ / "cells"; }
  RunDirectory cell(const std::string& model, std::int64_t latent, std::uint64_t seed) const {
    return RunDirectory(cells() / model / ("z" + std::to_string(latent)) / ("seed" + std::to_string(seed)));
  }

  // The manifest inside a figures folder chosen by the user.
  static std::filesystem::path figures_manifest_in(const std::filesystem::path& figures_dir) {
    return figures_dir / kFiguresManifestName;
  }
  static bool is_figures_manifest(const std::filesystem::path& file) {
    return file.filename() == kFiguresManifestName;
  }
  // A simulated recording's ground truth, next to the recording.
  static std::filesystem::path ground_truth_beside(const std::filesystem::path& recording) {
    const auto dir = recording.has_parent_path() ? recording.parent_path() : std::filesystem::path(".");
    return dir / "ground_truth.json";
  }

 private:
  static constexpr const char* kFiguresManifestName = "figures.json";
  std::filesystem::path root_;
};

}  // namespace tavrnn::pipeline
