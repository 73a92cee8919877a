// tavrnn.evaluate: the metrics of `tavrnn evaluate` on in-memory embeddings.
#include <vector>

#include <pybind11/stl.h>
#include <torch/torch.h>

#include "module.h"
#include "tavrnn/pipeline/stages.h"

namespace tavrnn::python {
namespace {

py::object evaluate(const py::handle& embeddings, const graphs::GraphSequence& sequence, const py::object& labels,
                    const py::object& groups, const std::string& model, const py::kwargs& options) {
  pipeline::EvaluateSettings settings;
  auto table = pipeline::evaluate_options(settings);
  table.remove({"labels", "groups"});  // arrays here, not files
  apply_keywords(table, options, "evaluate");
  const auto mu_array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(embeddings);
  if (!mu_array || mu_array.ndim() != 3) {
    throw py::value_error("embeddings: expected mu of shape [windows, nodes, dims] (what transform returns)");
  }
  const std::vector<int64_t> shape(mu_array.shape(), mu_array.shape() + 3);
  torch::Tensor mu = torch::from_blob(const_cast<double*>(mu_array.data()), shape, torch::kFloat64).clone();
  if (static_cast<std::size_t>(shape[0]) != sequence.size() || static_cast<std::size_t>(shape[1]) != sequence.n_nodes()) {
    throw py::value_error("embeddings: shape [" + std::to_string(shape[0]) + ", " + std::to_string(shape[1]) +
                          ", ...] does not match the graphs' " + std::to_string(sequence.size()) + " windows x " +
                          std::to_string(sequence.n_nodes()) + " nodes");
  }
  nlohmann::json metrics;
  {
    auto e = eval::embeddings_for_evaluation(train::embeddings_from_mu(mu, sequence.history_node_index()), sequence,
                                             model, sequence.history_node_index().has_value());
    if (!labels.is_none()) pipeline::set_window_labels(e, to_categorical(labels, "labels"), "labels");
    if (!groups.is_none()) pipeline::set_unit_groups(e, to_categorical(groups, "groups"), "groups");
    py::gil_scoped_release unlocked;
    metrics = pipeline::evaluate(std::move(e), &sequence, settings);
  }
  return json_to_python(metrics);
}

}  // namespace

void bind_evaluate(py::module_& m) {
  m.def("evaluate", &evaluate, py::arg("embeddings"), py::arg("graphs"), py::arg("labels") = py::none(),
        py::arg("groups") = py::none(), py::arg("model") = "tavrnn",
        R"(The metrics of `tavrnn evaluate` (docs/evaluation.md) as a dict, for embeddings mu [T, N', Z]
(what transform returns) of `graphs`: decoding of the window labels, clustering, group separation,
reconstruction. labels (one per window) and groups (one per unit) replace those the graphs carry;
None, "" = none. Keyword arguments are evaluate's options with underscores: population, folds,
min_purity, scheme, test_size, seeds, seed, neighbors, C, group_geometry, contrast, ...)");
}

}  // namespace tavrnn::python
