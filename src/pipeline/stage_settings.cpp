#include "tavrnn/pipeline/stage_settings.h"

#include "tavrnn/train/sampled_reconstruction.h"

#include <fmt/format.h>
#include <torch/cuda.h>

#include "tavrnn/simulate/simulate.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

namespace {

// A value option whose number must be at least `minimum`.
template <class T>
void at_least(OptionSpec& spec, T& field, T minimum) {
  auto parse = spec.set;
  const std::string name = spec.name;
  spec.set = [parse, name, &field, minimum](const std::string& text) {
    parse(text);
    if (field < minimum) throw Error(fmt::format("{}: expected at least {}, found '{}'", name, minimum, text));
  };
}

}  // namespace

// ---- recording ------------------------------------------------------------

io::RecordingReadOptions RecordingSettings::resolve() const {
  io::RecordingReadOptions resolved = read;
  if (format == "npz") resolved.format = io::RecordingFormat::Npz;
  else if (format == "npy") resolved.format = io::RecordingFormat::Npy;
  else if (format == "csv-spikes") resolved.format = io::RecordingFormat::CsvSpikes;
  else if (format == "csv-counts") resolved.format = io::RecordingFormat::CsvCounts;
  else if (format == "nwb") resolved.format = io::RecordingFormat::Nwb;
  else if (format == "mat") resolved.format = io::RecordingFormat::Mat;
  else if (format == "h5-spikes") resolved.format = io::RecordingFormat::Hdf5Spikes;
  else resolved.format = io::RecordingFormat::Auto;
  if (!labels_csv.empty()) resolved.labels_csv = labels_csv;
  resolved.behaviour_first_pc = behaviour_axis == "first-pc";
  return resolved;
}

OptionTable recording_options(RecordingSettings& s) {
  OptionTable t;
  t.choice("format", s.format, {"auto", "npz", "npy", "csv-spikes", "csv-counts", "nwb", "mat", "h5-spikes"},
           "File format, when the extension is not enough");
  t.flag("time-major", s.read.time_major,
         "Arrays are bins x units (CEBRA, scikit-learn, nilearn layout) instead of tavrnn's units x bins");
  t.value("bin-width", s.read.bin_width_s,
          "Bin width in seconds: binning of spike times, or the width of the bins of a counts file "
          "that does not record it");
  t.value("start", s.read.start_s, "Spike times: start of the first bin in seconds (default 0)");
  t.value("stop", s.read.stop_s, "Spike times: end of the last bin in seconds (default: the last spike)");
  t.value("labels", s.labels_csv,
          "CSV of per-bin labels (one row per bin, column 'label'; empty = unlabelled)")
      .is_path = true;
  const char* nwb = "NWB";
  t.value("units-table", s.read.nwb.units_table,
          "NWB: Units table by path or unique name (default: the only one)")
      .group = nwb;
  t.value("group-column", s.read.nwb.group_column,
          "NWB: per-unit column used as unit groups (location, electrode_group, ...)")
      .group = nwb;
  t.value("behaviour-series", s.read.behaviour_series,
          "NWB: TimeSeries/SpatialSeries averaged onto the bins as behaviour; .npz: the key of "
          "behaviour samples at their own times (with --behaviour-times)")
      .group = nwb;
  t.value("trials-table", s.read.nwb.trials_table,
          "NWB: TimeIntervals table whose rows are the trials (default: /intervals/trials when "
          "present); --windows trials makes one window each")
      .group = nwb;
  t.value("label-column", s.read.nwb.label_column,
          "NWB: column of the trials table whose value labels each trial's bins")
      .group = nwb;
  t.value("behaviour-times", s.read.behaviour_times,
          ".npz: key of the times (seconds, ascending) of the --behaviour-series samples")
      .group = nwb;
  const char* derived = "Derived (applied after reading, in this order)";
  auto& rebin = t.value("rebin", s.read.rebin,
                        "Sum every K bins into one (labels by majority, behaviour by mean, trials "
                        "rescaled); e.g. 25 turns 1 ms bins into 25 ms");
  rebin.group = derived;
  at_least<std::size_t>(rebin, s.read.rebin, 1);
  auto& axis = t.choice("behaviour-axis", s.behaviour_axis, {"first-pc"},
                        "first-pc: replace the behaviour by its projection on its first principal "
                        "axis (a track coordinate from x, y)");
  axis.group = derived;
  t.value("behaviour-labels", s.read.behaviour_labels,
          "Per-bin labels from ranges of the 1-D behaviour, NAME:LOW:HIGH,... with values or "
          "percentages of its span: start:0%:15%,end:85%:100%] (']' closes a range)")
      .group = derived;
  t.value("label", s.read.label_all,
          "Label every bin with this name (a recording that is all one condition: a drug, a day), replacing "
          "its labels; windows of many recordings then decode the condition across them")
      .group = derived;
  const char* h5 = "HDF5 spike times (.h5, .hdf5)";
  t.value("h5-spike-times", s.read.h5.spike_times,
          "HDF5: dataset of every unit's spike times, concatenated unit after unit (e.g. /spikes)")
      .group = h5;
  t.value("h5-unit-counts", s.read.h5.unit_counts,
          "HDF5: dataset of each unit's number of spikes, in order (e.g. /sCount)")
      .group = h5;
  t.value("h5-unit-index", s.read.h5.unit_index,
          "HDF5: dataset of each unit's end offset into the spike times (NWB's VectorIndex), instead of counts")
      .group = h5;
  t.value("h5-unit-names", s.read.h5.unit_names, "HDF5: dataset of the units' names or ids (default 0..N-1)")
      .group = h5;
  t.value("h5-time-scale", s.read.h5.time_scale,
          "HDF5: factor that turns the stored times into seconds (1e-3 for milliseconds)")
      .group = h5;
  const char* mat = "MATLAB";
  t.value("mat-var", s.read.mat.variable,
          "MATLAB: variable holding the activity, NAME or NAME.FIELD (default: the only variable)")
      .group = mat;
  t.value("mat-field", s.read.mat.field,
          "MATLAB: field of each unit's struct that holds its spike times (e.g. time)")
      .group = mat;
  t.value("mat-trial-labels", s.read.mat.trial_labels,
          "MATLAB: variable with one label per trial of a 3-D --mat-var (e.g. GRIP); --windows "
          "trials makes one window per trial")
      .group = mat;
  return t;
}

// ---- simulate -------------------------------------------------------------

OptionTable simulate_options(SimulateSettings& s) {
  OptionTable t;
  std::string presets;
  for (const auto& p : simulation_presets()) presets += (presets.empty() ? "" : ", ") + p;
  t.choice("preset", s.preset, simulation_presets(), "Simulation preset: " + presets);
  t.value("seed", s.seed, "Random seed; same seed, same bytes");
  t.value("units", s.units,
          "Units: the preset's groups and couplings repeated to this many (0 = the preset's own: "
          "small 32, hippocampus-like 120, dishbrain-like 900)");
  t.value("duration", s.duration,
          "Recording length in seconds (0 = the preset's own: small 300, hippocampus-like 900, "
          "dishbrain-like 1200)");
  t.value("animals", s.animals,
          "Several animals of one preparation: the same states and coupling rules, each its own units, "
          "behaviour and unit count (0.75 to 1.25 times --units); --out is then a folder receiving "
          "animalK.npz and animalK_ground_truth.json");
  return t;
}

// ---- graphs ---------------------------------------------------------------

graphs::GraphBuilderOptions GraphsSettings::builder_options() const {
  graphs::GraphBuilderOptions b;
  b.theta = theta;
  b.history_node = history_node;
  const auto parsed_features = graphs::parse_node_features(features);
  if (!parsed_features) {
    throw Error(fmt::format("features: expected identity, rows, rows+rates or descriptors, found '{}'", features));
  }
  b.features = *parsed_features;
  if (top_k > 0) b.top_k = top_k;
  b.rmt = graphs::parse_rmt_options(rmt);
  const DeviceSettings where{device, dtype};
  b.dtype = where.resolve_dtype();
  b.device = where.resolve_device();
  b.storage = storage == "dense"    ? graphs::StoragePolicy::Dense
              : storage == "sparse" ? graphs::StoragePolicy::Sparse
                                    : graphs::StoragePolicy::Auto;
  const auto parsed_weights = graphs::parse_weight_storage(weights);
  if (!parsed_weights) throw Error(fmt::format("weights: expected auto, full or edges, found '{}'", weights));
  b.weights = *parsed_weights;
  b.seed = seed;
  return b;
}

OptionTable graphs_options(GraphsSettings& s) {
  OptionTable t;
  auto& windows = t.value("windows", s.windows,
                          "sliding:SIZE:STEP | segments[:MINLEN[:contiguous|concatenated]] | "
                          "explicit:FILE | trials (one window per NWB or MATLAB trial); SIZE, STEP, "
                          "MINLEN in bins (2400) or durations (120s, 250ms)");
  windows.show = nullptr;
  t.value("select", s.select, "Keep these windows of the plan, in this order (DishBrain: 5,14,17,0,9,8)")
      .show = nullptr;
  auto& theta = t.value("theta", s.theta, "A = 1[|r| >= theta]; 0 keeps every non-zero |r|");
  theta.set = [&s](const std::string& text) {
    const double v = parse_double("theta", text);
    if (!(v >= 0.0 && v <= 1.0)) throw Error(fmt::format("theta: expected a value in [0, 1], found '{}'", text));
    s.theta = v;
  };
  t.value("rmt", s.rmt,
          "Random-matrix filtering: none | analytic | shuffle[:K][:reference] | "
          "adaptive[:TOLERANCE][:reference] (K default 1000, tolerance 0.0025)");
  t.flag("history-node", s.history_node, "Add node N, connected to every unit (row and column of ones)");
  t.choice("features", s.features, {"rows", "identity", "rows+rates", "descriptors"},
           "Node features: identity, rows (of W), rows+rates (rows of W and each unit's firing "
           "rate in the window, z-scored), or descriptors (8 per unit, the same width for any "
           "number of units: rate, degree, strength, clustering, random-walk returns)");
  t.value("top-k", s.top_k, "Keep an edge only if among the K strongest |r| of either unit (0: off)")
      .show = nullptr;
  t.choice("dtype", s.dtype, {"float32", "float64"}, "float32 or float64");
  t.choice("device", s.device, {"cpu", "cuda"}, "cpu or cuda");
  t.choice("storage", s.storage, {"auto", "dense", "sparse"},
           "A per window: auto (sparse when it halves the bytes), dense or sparse");
  t.choice("weights", s.weights, {"auto", "full", "edges"},
           "W per window: full (|r| everywhere, as the reference), edges (on A's edges only: "
           "memory grows with the edges; rows features become thresholded rows) or auto (full "
           "while all windows' dense W fit in 1 GiB)");
  t.value("seed", s.seed, "Seed of the shuffled surrogates; same seed, same graphs");
  return t;
}

// ---- fit ------------------------------------------------------------------

torch::Device DeviceSettings::resolve_device() const {
  if (device == "cuda") {
    if (!torch::cuda::is_available()) {
      throw Error("device cuda: this LibTorch build or machine has no CUDA device; use cpu");
    }
    return torch::Device(torch::kCUDA);
  }
  if (device != "cpu") throw Error(fmt::format("device: expected cpu or cuda, found '{}'", device));
  return torch::Device(torch::kCPU);
}

torch::ScalarType DeviceSettings::resolve_dtype() const {
  if (dtype == "float64") return torch::kFloat64;
  if (dtype != "float32") throw Error(fmt::format("dtype: expected float32 or float64, found '{}'", dtype));
  return torch::kFloat32;
}

train::ModelConfig ModelSettings::resolve(const graphs::GraphSequence& sequence) const {
  train::ModelConfig c = config;
  c.kind = train::parse_model_kind(model);
  c.x_dim = static_cast<int64_t>(sequence.feature_dim());
  c.history_node = sequence.history_node_index().has_value();
  c.train_gru_gates = !freeze_gru_gates;
  if (c.feature_weight > 0 && c.feature_target == "rate" &&
      sequence.settings().features != graphs::NodeFeatures::RowsAndRates) {
    throw Error("`feature-target` rate: the graphs have no rate column (build them with --features rows+rates)");
  }
  return c;
}

namespace {

void add_device_options(OptionTable& t, DeviceSettings& s) {
  t.choice("device", s.device, {"cpu", "cuda"}, "cpu or cuda (uses the same code)");
  t.choice("dtype", s.dtype, {"float32", "float64"}, "float32 or float64");
}

}  // namespace

OptionTable fit_options(FitSettings& s) {
  OptionTable t;
  t.choice("model", s.model.model, {"tavrnn", "vgrnn", "vgae"},
           "Model: tavrnn, vgrnn (no attention) or vgae (static)");
  t.value("hidden", s.model.config.hidden, "Hidden width H");
  t.value("latent", s.model.config.latent, "Embedding width Z");
  t.value("attention-width", s.model.config.attention_width,
          "Attend over the last W states; 0 = all (the reference)");
  t.choice("attention-summary", s.model.config.attention_summary, {"auto", "last-node", "mean"},
           "State summary for attention: auto (history node if present, else mean), last-node (the "
           "reference), mean");
  t.flag("freeze-gru-gates", s.model.freeze_gru_gates,
         "Keep the GRU gate GCNs at their initial values, as the reference notebook effectively does "
         "(default: train them, as the paper describes)");
  add_device_options(t, s.device);
  t.value("epochs", s.trainer.epochs,
          "Adam steps, one per epoch over the whole sequence (reference: 20 rat, 500 DishBrain)");
  t.value("lr", s.trainer.learning_rate, "Adam learning rate");
  t.value("clip-grad", s.trainer.clip_grad_norm,
          "Clip the gradient norm to this (0 = off; the reference defines 10 but does not apply it)");
  t.value("validation", s.trainer.validation_fraction,
          "Fraction of each window's edges (and as many non-edges) held out of training to score it "
          "(0 = off: train on every edge, as the reference)");
  auto& reconstruction = t.value(
      "reconstruction", s.reconstruction,
      "Reconstruction loss: full (all N'^2 pairs, MODEL.md) or sampled:K (every edge and K non-edges per "
      "node, reweighted to the full loss's expectation: O(edges) per window, for large graphs; CPU)");
  reconstruction.set = [&s](const std::string& text) {
    s.trainer.sampled_non_edges = train::parse_reconstruction(text);
    s.reconstruction = text;
  };
  t.choice("monitor", s.trainer.monitor, {"auto", "val-auc", "val-ap", "val-loss", "loss"},
           "What early stopping follows: auto (val-auc with validation, else loss), the held-out "
           "edges' ROC AUC, AP or loss, or the training loss");
  t.value("early-stopping", s.trainer.early_stopping_patience,
          "Stop after this many epochs without improvement of the monitored value (0 = off: run "
          "every epoch)");
  t.value("min-delta", s.trainer.early_stopping_min_delta,
          "Relative improvement of the monitored value that counts for early stopping");
  t.flag("last-epoch", s.last_epoch,
         "End with the last epoch's parameters, not the best epoch's (with early stopping)");
  t.value("select", s.select,
          "Fit every combination of these fit options, e.g. \"latent=4,8,16 lr=0.01,0.003\", and keep the "
          "one whose held-out edges score best (needs validation > 0)");
  t.value("feature-weight", s.model.config.feature_weight,
          "Weight of a second decoder head that reconstructs each node's features from its embedding "
          "(0 = off: the paper's model and the reference)");
  t.choice("feature-target", s.model.config.feature_target, {"row", "rate"},
           "What the feature head reconstructs: row (each node's whole feature row) or rate (its rate "
           "alone, the last column of rows+rates features)");
  t.value("bptt", s.trainer.bptt_windows,
          "Truncated back-propagation through time: run each epoch K windows at a time, the state carried "
          "forward and the gradient cut between pieces, one Adam step per epoch (0 = the whole sequence at "
          "once, as the reference); memory then holds K windows' activations");
  t.flag("step-per-sequence", s.trainer.step_per_sequence,
         "With several graph sequences: one Adam step after each sequence, in order (default: one step "
         "per epoch on the sum of their losses)");
  t.flag("stream", s.stream,
         "Read the graphs file a piece at a time (--bptt windows) instead of loading it whole, for sequences "
         "whose graphs do not fit in memory; the same numbers as loading it");
  t.value("seed", s.trainer.seed, "Seed of initialisation and noise");
  t.value("checkpoint-every", s.trainer.checkpoint_every, "Write model.pt every N epochs (and at the end)");
  t.flag("sample-z", s.sample_z, "Also write sampled z (as the reference embeds) next to the posterior means");
  return t;
}

OptionTable embed_options(EmbedSettings& s) {
  OptionTable t;
  add_device_options(t, s.device);
  t.flag("sample-z", s.sample_z, "Also write sampled z");
  t.value("seed", s.seed, "Seed of the sampled z");
  return t;
}

// ---- evaluate -------------------------------------------------------------

namespace {

// Evaluation options that compare's cells share with evaluate.
void add_readout_options(OptionTable& t, eval::EvaluationOptions& o) {
  t.choice("population", o.population, {"auto", "units", "aligned", "gram", "norms", "history", "mean"},
           "Population embedding decoded: auto (units if the model has node embeddings, else mean), "
           "units (every unit's mu, concatenated), aligned (the same after rotating every window onto "
           "one frame, generalised Procrustes), history, mean, gram (units' mu mu^T, "
           "rotation-invariant), norms");
  t.value("folds", o.decoding.n_splits, "Decoding folds (or random splits) per seed");
  t.value("min-purity", o.min_purity, "Decode only windows whose majority label covers at least this fraction");
}

}  // namespace

OptionTable evaluate_options(EvaluateSettings& s) {
  OptionTable t;
  t.path("labels", s.labels, "Text file, one label per window ('-' = unlabelled), replacing the windows' labels");
  t.path("groups", s.groups, "Text file, one group per unit ('-' = none), replacing the recording's groups");
  add_readout_options(t, s.options);
  t.choice("scheme", s.scheme, {"k-fold", "shuffle-split"},
           "Splits: k-fold (stratified) or shuffle-split (stratified)");
  t.value("test-size", s.options.decoding.test_size, "Test fraction for shuffle-split");
  t.value("seeds", s.options.decoding.n_seeds, "Seeds of the splits (mean +- sd over them)");
  t.value("seed", s.options.decoding.first_seed, "First seed (splits, k-means, sampling)");
  t.value("neighbors", s.options.decoding.n_neighbors, "k of the k-nearest-neighbour decoder");
  t.value("recording-group", s.recording_group,
          "Runs over several recordings: recordings whose names contain the same match of this regular "
          "expression form one group, left out together and compared as one (e.g. 'TC[0-9]+' for cultures)");
  t.value("C", s.options.decoding.C, "Inverse L2 strength of the logistic regression");
  t.choice("group-geometry", s.options.group_geometry, {"euclidean", "angular"},
           "Unit-group metrics on mu as it is (euclidean) or on each unit's mu scaled to unit length "
           "(angular: the direction the inner-product decoder links by)");
  t.value("kmeans-restarts", s.options.kmeans_n_init,
          "k-means restarts for the window clustering and the unit groups; 0: 10 while "
          "units x clusters x width <= 1e7, else 1");
  t.value("contrast", s.contrast,
          "Window label sets whose group separation is contrasted, FIRST:SECOND (e.g. high:low)")
      .show = nullptr;
  return t;
}

// ---- compare --------------------------------------------------------------

CompareSettings::CompareSettings() { fit.trainer.epochs = 200; }

OptionTable compare_options(CompareSettings& s) {
  OptionTable t;
  OptionSpec models;
  models.name = "models";
  models.help = "Models, comma-separated";
  models.type_name = "TEXT";
  models.set = [&s](const std::string& text) {
    s.models = split_list(text);
    if (s.models.empty()) throw Error("models: expected at least one model");
  };
  models.show = [&s] { return fmt::format("{}", fmt::join(s.models, ",")); };
  t.add(models);
  OptionSpec latent;
  latent.name = "latent";
  latent.help = "Embedding widths, comma-separated";
  latent.type_name = "TEXT";
  latent.set = [&s](const std::string& text) {
    std::vector<std::int64_t> widths;
    for (const auto& z : split_list(text)) widths.push_back(parse_int("latent", z));
    if (widths.empty()) throw Error("latent: expected at least one width");
    s.latent = widths;
  };
  latent.show = [&s] { return fmt::format("{}", fmt::join(s.latent, ",")); };
  t.add(latent);
  auto& seeds = t.value("seeds", s.seeds, "Seeds per model and width");
  at_least<std::size_t>(seeds, s.seeds, 1);
  t.value("seed", s.first_seed, "First seed");
  // fit's options, but for the grid's own axes.
  OptionTable fit = fit_options(s.fit);
  fit.remove({"model", "latent", "seed", "sample-z", "stream"});
  t.append(fit);
  add_readout_options(t, s.evaluation);
  return t;
}

// ---- figures and report ---------------------------------------------------

report::RunFigureOptions FiguresSettings::resolve() const {
  report::RunFigureOptions o;
  if (!windows.empty()) {
    for (const auto& w : split_list(windows)) {
      o.windows.push_back(static_cast<std::size_t>(parse_unsigned("windows", w)));
    }
  }
  if (!contrast.empty()) {
    const auto colon = contrast.find(':');
    if (colon == std::string::npos) {
      throw Error(fmt::format("contrast '{}': expected FIRST:SECOND, label names separated by commas "
                              "(e.g. high:low)", contrast));
    }
    o.contrast_first = split_list(contrast.substr(0, colon));
    o.contrast_second = split_list(contrast.substr(colon + 1));
  }
  o.matrix = matrix == "A" ? report::ConnectivityMatrix::Adjacency : report::ConnectivityMatrix::Weights;
  o.population_map = population == "pca" ? report::PopulationMap::Pca : report::PopulationMap::Tsne;
  o.seed = seed;
  return o;
}

OptionTable figures_options(FiguresSettings& s) {
  OptionTable t;
  t.value("windows", s.windows,
          "Windows of the connectivity figure, I,J,... (default: up to 6 spread over the labels)")
      .show = nullptr;
  t.value("contrast", s.contrast,
          "Label sets of the unit-embedding rows, FIRST:SECOND (e.g. high:low; default: the two most "
          "frequent labels)")
      .show = nullptr;
  t.choice("matrix", s.matrix, {"W", "A"}, "Connectivity shown: W (|r|) or A (binary adjacency)");
  t.choice("population", s.population, {"tsne", "pca"}, "Map of the population embeddings: tsne or pca");
  t.value("seed", s.seed, "Seed of t-SNE's random start");
  return t;
}

OptionTable report_options(ReportSettings& s) {
  OptionTable t;
  auto& windows = t.value("max-windows", s.options.max_windows, "Windows with a precomputed unit map, evenly spaced");
  at_least<std::size_t>(windows, s.options.max_windows, 1);
  t.value("seed", s.options.seed, "Seed of the t-SNE maps' random start");
  t.path("chartjs", s.options.chartjs, "Chart.js UMD build to inline (Debian: libjs-chart.js)");
  return t;
}

}  // namespace tavrnn::pipeline
