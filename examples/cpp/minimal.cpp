// A recording -> graphs -> TAVRNN -> embeddings -> decoding accuracy, with
// the installed library (examples/cpp/CMakeLists.txt: find_package(tavrnn)).
#include <iostream>

#include <tavrnn/tavrnn.h>

int main() {
  namespace tp = tavrnn::pipeline;
  const tavrnn::Recording recording = tp::simulate({"hippocampus-like", 1}).recording;

  tp::GraphsSettings graphs;
  graphs.windows = "segments:40";  // one window per visit to either end of the track
  graphs.theta = 0.3;
  graphs.history_node = true;
  graphs.features = "rows";
  const auto sequence = tp::build_graphs(recording, graphs);

  tp::FitSettings fit;
  fit.trainer.epochs = 60;
  fit.trainer.progress = false;
  const tp::FittedModel model = tp::fit(sequence, fit);

  const auto metrics = tp::evaluate(tp::evaluation_input(model, sequence), &sequence, {});
  const auto& accuracy = metrics["decoding"]["logistic_regression"]["scores"]["accuracy_score"];
  std::cout << "decoding accuracy " << accuracy["mean"] << " +- " << accuracy["sd"] << "\n";
}
