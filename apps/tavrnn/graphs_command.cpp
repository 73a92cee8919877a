// tavrnn graphs: a recording's windows -> functional-connectivity graphs
// (graphs.npz), with a one-screen summary.
#include <fmt/format.h>
#include <torch/cuda.h>

#include <chrono>
#include <iostream>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/graphs/graph_summary.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/windows.h"

namespace tavrnn::cli {

namespace {
struct GraphsOptions {
  RecordingInput input;
  std::string windows;
  std::string select;
  double theta = 0.0;
  std::string rmt = "none";
  bool history_node = false;
  std::string features = "identity";
  std::size_t top_k = 0;
  std::string dtype = "float32";
  std::string device = "cpu";
  std::string storage = "auto";
  std::uint64_t seed = 0;
  std::string out;
};

graphs::GraphBuilderOptions builder_options(const GraphsOptions& o) {
  graphs::GraphBuilderOptions b;
  b.theta = o.theta;
  b.history_node = o.history_node;
  b.features = *graphs::parse_node_features(o.features);  // checked by CLI11
  if (o.top_k > 0) b.top_k = o.top_k;
  b.rmt = graphs::parse_rmt_options(o.rmt);
  b.dtype = o.dtype == "float64" ? torch::kFloat64 : torch::kFloat32;
  if (o.device == "cuda") {
    if (!torch::cuda::is_available()) {
      throw Error("--device cuda: this LibTorch has no CUDA device available; use --device cpu");
    }
    b.device = torch::kCUDA;
  }
  b.storage = o.storage == "dense"    ? graphs::StoragePolicy::Dense
              : o.storage == "sparse" ? graphs::StoragePolicy::Sparse
                                      : graphs::StoragePolicy::Auto;
  b.seed = o.seed;
  return b;
}
}  // namespace

void register_graphs(CLI::App& app, Action& action) {
  auto* command =
      app.add_subcommand("graphs",
                         "Build one functional-connectivity graph per window (Pearson r, optional "
                         "random-matrix filtering, threshold, history node) and write graphs.npz");
  auto o = std::make_shared<GraphsOptions>();
  add_recording_options(*command, o->input);
  command
      ->add_option("--windows", o->windows,
                   "sliding:SIZE:STEP | segments[:MINLEN[:contiguous|concatenated]] | "
                   "explicit:FILE | trials (one window per NWB or MATLAB trial); SIZE, "
                   "STEP, MINLEN in bins (2400) or durations (120s, 250ms)")
      ->required();
  command->add_option("--select", o->select,
                      "Keep these windows of the plan, in this order (DishBrain: 5,14,17,0,9,8)");
  command->add_option("--theta", o->theta, "A = 1[|r| >= theta]; 0 keeps every non-zero |r|")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command
      ->add_option("--rmt", o->rmt,
                   "Random-matrix filtering: none | analytic | shuffle[:K][:reference] | "
                   "adaptive[:TOLERANCE][:reference] (K default 1000, tolerance 0.0025)")
      ->capture_default_str();
  command->add_flag("--history-node", o->history_node,
                    "Add node N, connected to every unit (row and column of ones)");
  command->add_option("--features", o->features,
                      "Node features: identity, rows (of W), or rows+rates (rows of W and each "
                      "unit's firing rate in the window, z-scored)")
      ->check(CLI::IsMember({"rows", "identity", "rows+rates"}))
      ->capture_default_str();
  command
      ->add_option("--top-k", o->top_k,
                   "Keep an edge only if among the K strongest |r| of either unit (0: off)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--dtype", o->dtype, "float32 or float64")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
  command->add_option("--device", o->device, "cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  command
      ->add_option("--storage", o->storage,
                   "A per window: auto (sparse when it halves the bytes), dense or sparse")
      ->check(CLI::IsMember({"auto", "dense", "sparse"}))
      ->capture_default_str();
  command->add_option("--seed", o->seed, "Seed of the shuffled surrogates; same seed, same graphs")
      ->capture_default_str();
  command->add_option("--out", o->out, "Output graphs (.npz)")->required();
  command->callback([&action, o] {
    action = [o] {
      const graphs::GraphBuilderOptions options = builder_options(*o);  // bad options fail first
      const Recording recording = io::read_recording(o->input.path, o->input.resolve());
      WindowPlan plan = parse_window_plan(recording, o->windows);
      if (!o->select.empty()) plan = plan.select(parse_index_list(o->select, "--select"));
      const std::filesystem::path out(o->out);
      io::ensure_directory(out.has_parent_path() ? out.parent_path() : ".");
      const auto start = std::chrono::steady_clock::now();
      const graphs::GraphSequence sequence =
          graphs::CorrelationGraphBuilder(options).build(recording, plan);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      graphs::save_graph_sequence(out, sequence);
      std::cout << graphs::graph_sequence_summary(sequence)
                << fmt::format("built in {:.2f} s; written to {}\n", seconds, out.string())
                << std::flush;
      return 0;
    };
  });
}

}  // namespace tavrnn::cli
