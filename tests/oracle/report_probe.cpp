// Driven by tests/oracle/tsne_oracle.py so that scikit-learn, not tavrnn,
// judges the dimensionality reduction of the report stage. Every mode reads
// IN.npz and writes OUT.npz:
//   pca IN OUT         x [n, d], k -> scores, components, explained_variance,
//                      explained_variance_ratio, mean
//   affinities IN OUT  squared_distances [n, n] or x [n, d], perplexity ->
//                      conditional (p_{j|i}), joint (P), squared_distances
//   tsne IN OUT        x [n, d] or joint [n, n] (then with initial), perplexity, init ("pca" | "random"), seed,
//                      optional iterations, exploration_iterations, initial [n, 2] ->
//                      embedding, kl_divergence,
//                      iterations, seconds (wall time of tsne())
#include <torch/torch.h>

#include <chrono>
#include <iostream>
#include <string>

#include "tavrnn/util/error.h"
#include "tavrnn/io/npz.h"
#include "npz_probe_main.h"
#include "tavrnn/embedding/pca.h"
#include "tavrnn/embedding/tsne.h"
#include "tavrnn/util/ndarray_tensor.h"

namespace {

using tavrnn::io::NdArray;
using tavrnn::io::NpzArrays;
using tavrnn::probe::Arrays;

const NdArray& get(const NpzArrays& in, const std::string& key) {
  return tavrnn::io::require_array(in, key, "probe input");
}

torch::Tensor tensor(const NpzArrays& in, const std::string& key) {
  return tavrnn::to_tensor(get(in, key), torch::kFloat64, "probe input '" + key + "'");
}

void pca(const NpzArrays& in, Arrays& out) {
  const auto r = tavrnn::embedding::pca(tensor(in, "x"), get(in, "k").as_int64(0));
  out.emplace_back("scores", tavrnn::to_ndarray(r.scores));
  out.emplace_back("components", tavrnn::to_ndarray(r.components));
  out.emplace_back("explained_variance", tavrnn::to_ndarray(r.explained_variance));
  out.emplace_back("explained_variance_ratio", tavrnn::to_ndarray(r.explained_variance_ratio));
  out.emplace_back("mean", tavrnn::to_ndarray(r.mean));
}

void affinities(const NpzArrays& in, Arrays& out) {
  using namespace tavrnn::embedding;
  const torch::Tensor d = in.count("squared_distances")
                              ? tensor(in, "squared_distances")
                              : squared_euclidean_distances(tensor(in, "x"));
  const double perplexity = get(in, "perplexity").as_double(0);
  out.emplace_back("conditional", tavrnn::to_ndarray(conditional_probabilities(d, perplexity)));
  out.emplace_back("joint", tavrnn::to_ndarray(joint_probabilities(d, perplexity)));
  out.emplace_back("squared_distances", tavrnn::to_ndarray(d));
}

void tsne(const NpzArrays& in, Arrays& out) {
  using namespace tavrnn::embedding;
  TsneOptions options;
  options.perplexity = get(in, "perplexity").as_double(0);
  const std::string init = get(in, "init").strings.at(0);
  if (init != "pca" && init != "random") throw tavrnn::Error("probe: init must be pca|random");
  options.init = init == "pca" ? TsneInit::Pca : TsneInit::Random;
  options.seed = get(in, "seed").as_uint64(0);
  if (in.count("iterations")) options.iterations = get(in, "iterations").as_int64(0);
  if (in.count("exploration_iterations"))
    options.exploration_iterations = get(in, "exploration_iterations").as_int64(0);
  if (in.count("initial")) options.initial_embedding = tensor(in, "initial");
  const auto start = std::chrono::steady_clock::now();
  const TsneResult r = in.count("joint")
                           ? tsne_from_joint_probabilities(tensor(in, "joint"), options)
                           : tavrnn::embedding::tsne(tensor(in, "x"), options);
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  out.emplace_back("embedding", tavrnn::to_ndarray(r.embedding));
  out.emplace_back("kl_divergence", NdArray::scalar(r.kl_divergence));
  out.emplace_back("iterations", NdArray::from_int64s({r.iterations}, {}));
  out.emplace_back("seconds", NdArray::scalar(seconds.count()));
}

}  // namespace

int main(int argc, char** argv) {
  return tavrnn::probe::run_npz_probe(argc, argv, "tavrnn_report_probe",
                                      {{"pca", pca}, {"affinities", affinities}, {"tsne", tsne}});
}
