#pragma once
// The pipeline's stages as functions. The first group takes and returns
// values (a recording, a graph sequence, a fitted model, metrics): what a C++
// program or the Python module calls. The second group does one stage from
// files to files, as the CLI's commands and `tavrnn run` do, and returns the
// few lines the command prints. docs/library.md walks through both.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/eval/embeddings_file.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/pipeline/stage_settings.h"
#include "tavrnn/recording/recording.h"
#include "tavrnn/report/figure.h"
#include "tavrnn/report/run_results.h"
#include "tavrnn/simulate/simulate.h"
#include "tavrnn/train/embeddings.h"
#include "tavrnn/train/trainer.h"

namespace tavrnn::pipeline {

// ---- values in, values out ------------------------------------------------

Recording read_recording(const RecordingSettings& settings);
SimulatedRecording simulate(const SimulateSettings& settings);
// settings.animals recordings of one preparation (simulate_animals).
std::vector<SimulatedRecording> simulate_animals(const SimulateSettings& settings);
// One graph per window of `settings.windows` (then `select`).
graphs::GraphSequence build_graphs(const Recording& recording, const GraphsSettings& settings);

// Where a fit keeps its checkpoint; an empty path trains in memory only.
struct Checkpointing {
  std::filesystem::path checkpoint;
  bool resume = false;       // continue from `checkpoint` (same model and graphs)
  nlohmann::json provenance;  // stored in the checkpoint (input hashes, graph settings)
};

struct FittedModel {
  train::ModelConfig config;
  train::TrainerOptions options;
  train::TrainingResult result;  // epochs done, loss log, timing
  train::Embeddings embeddings;  // of the sequence it was trained on
  std::shared_ptr<train::Trainer> trainer;  // holds the model (embed other sequences with it)
  // With FitSettings::select: every candidate's settings and held-out score
  // and the one chosen (null without select).
  nlohmann::json selection;
  train::SequenceModel& model() const { return trainer->model(); }
};

// Trains the model `settings` describe on `sequence` and embeds it. This is
// the one training path of fit, compare and run. With settings.select, fits
// every candidate (model_selection.h) and returns the one whose held-out
// edges score best; the others' checkpoints are removed.
FittedModel fit(const graphs::GraphSequence& sequence, const FitSettings& settings,
                const Checkpointing& checkpointing = {});
// The same from any window source (a graphs file read piece by piece:
// train::GraphFileWindows); `header` holds the windows' infos and names
// (the source's header(), or the sequence itself). No `select`.
FittedModel fit(train::WindowSource& windows, const graphs::GraphSequence& header, const FitSettings& settings,
                const Checkpointing& checkpointing = {});
// Embeddings of any sequence with as many nodes and features as the model's.
train::Embeddings embed(train::SequenceModel& model, const graphs::GraphSequence& sequence,
                        const EmbedSettings& settings);
// A model saved by fit (its checkpoint holds its configuration); `state`,
// when given, receives the checkpoint's training state (log, epochs, config).
std::unique_ptr<train::SequenceModel> load_model(const std::filesystem::path& checkpoint,
                                                 const DeviceSettings& device,
                                                 train::TrainingState* state = nullptr);

// The evaluation's view of in-memory embeddings (see eval/embeddings_file.h).
eval::EmbeddingsFile evaluation_input(const FittedModel& fitted, const graphs::GraphSequence& sequence);
// Replace the windows' labels (one per window) or the units' groups (one per
// unit) that evaluation uses; Error naming `origin` on a count mismatch.
void set_window_labels(eval::EmbeddingsFile& embeddings, Categorical labels, const std::string& origin);
void set_unit_groups(eval::EmbeddingsFile& embeddings, Categorical groups, const std::string& origin);
// Metrics (docs/evaluation.md) of `embeddings`, with `settings`' label and
// group files applied; `graphs` (may be null) adds reconstruction.
nlohmann::json evaluate(eval::EmbeddingsFile embeddings, const graphs::GraphSequence* graphs,
                        const EvaluateSettings& settings);

// What the figures and the report show about a fit done in memory: its
// settings, training log, embeddings (with attention) and graphs, and
// `metrics` from evaluate (null: not evaluated, no confusion matrix).
report::RunResults run_results(const FittedModel& fitted, const graphs::GraphSequence& sequence,
                               const nlohmann::json& metrics = nullptr);
// Writes every figure the results allow (PNG, SVG and figures.json) into
// `out_dir`; returns them in manifest order.
std::vector<report::FigureFile> figures(const report::RunResults& results, const FiguresSettings& settings,
                                        const std::filesystem::path& out_dir);
// The self-contained HTML page about the results, `figures` inlined
// (embeddings required).
std::string report_html(const report::RunResults& results, const std::vector<report::FigureFile>& figures,
                        const ReportSettings& settings);

// ---- files in, files out (the commands) -------------------------------------

// Writes the recording (.npz) and its ground truth JSON.
std::string run_simulate(const SimulateSettings& settings, const std::filesystem::path& recording,
                         const std::filesystem::path& ground_truth);
// settings.animals recordings into `out_dir`: animalK.npz and
// animalK_ground_truth.json for K = 1..animals.
std::string run_simulate_animals(const SimulateSettings& settings, const std::filesystem::path& out_dir);
std::string run_graphs(const RecordingSettings& recording, const GraphsSettings& settings,
                       const std::filesystem::path& out);

enum class ExistingModel { Refuse, Resume, Overwrite };
// Trains on the graphs file and writes model.pt, embeddings.npz,
// training_log.csv and run.json into `run`.
std::string run_fit(const std::filesystem::path& graphs, const FitSettings& settings,
                    const RunDirectory& run, ExistingModel existing = ExistingModel::Refuse);
// Embeds `graphs` with the model in `run`; `out` empty: RUN/embeddings_<graphs name>.npz.
std::string run_embed(const RunDirectory& run, const std::filesystem::path& graphs,
                      const EmbedSettings& settings, const std::filesystem::path& out = {});

struct EvaluateFiles {
  std::filesystem::path embeddings;  // empty: RUN/embeddings.npz
  std::filesystem::path graphs;      // empty: the graphs RUN/run.json names, if still there
  std::filesystem::path out;         // empty: RUN/metrics.json
};
std::string run_evaluate(const RunDirectory& run, const EvaluateSettings& settings,
                         const EvaluateFiles& files = {});

struct FiguresFiles {
  std::filesystem::path graphs;   // empty: the graphs RUN/run.json names
  std::filesystem::path compare;  // a compare folder (results.csv); empty: RUN/compare or RUN
  std::filesystem::path out;      // empty: RUN/figures
};
std::string run_figures(const RunDirectory& run, const FiguresSettings& settings,
                        const FiguresFiles& files = {});

struct ReportFiles {
  std::filesystem::path figures;  // folder holding figures.json; empty: RUN/figures
  std::filesystem::path graphs;   // empty: the graphs RUN/run.json names
  std::filesystem::path out;      // empty: RUN/report.html
};
std::string run_report(const RunDirectory& run, const ReportSettings& settings, const ReportFiles& files = {});

}  // namespace tavrnn::pipeline
