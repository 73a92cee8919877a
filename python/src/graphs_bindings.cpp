// tavrnn.GraphSequence (numpy views of W and A) and build_graphs.
#include <algorithm>
#include <vector>

#include <pybind11/stl.h>
#include <torch/torch.h>

#include "module.h"
#include "tavrnn/pipeline/stages.h"

namespace tavrnn::python {
namespace {

// [T, N', N'] float64 of every window (a copy: the windows are separate tensors).
torch::Tensor stacked(const graphs::GraphSequence& s, bool adjacency) {
  std::vector<torch::Tensor> per_window;
  for (std::size_t t = 0; t < s.size(); ++t) {
    per_window.push_back((adjacency ? s.dense_adjacency(t) : s.dense_weights(t)).to(torch::kCPU, torch::kFloat64));
  }
  return torch::stack(per_window);
}

}  // namespace

void bind_graphs(py::module_& m) {
  py::class_<graphs::GraphSequence>(m, "GraphSequence", R"(The T functional-connectivity graphs of a recording,
one per window (docs/graphs.md), as `tavrnn graphs` writes them to .npz.

W and A are [T, N', N'] float64 arrays (N' = units + the history node, if any);
window_ranges holds rows (window, begin, end) of bins; labels holds each
window's label code (-1 = unlabelled), named by label_names.)")
      .def_property_readonly("W", [](const graphs::GraphSequence& s) { return to_numpy(stacked(s, false)); },
                             "weights |r| per window, [T, N', N'] float64 (a copy)")
      .def_property_readonly("A", [](const graphs::GraphSequence& s) { return to_numpy(stacked(s, true)); },
                             "binary adjacency per window, [T, N', N'] float64 (a copy)")
      .def("weights", [](const graphs::GraphSequence& s, std::size_t t) { return to_numpy(s.dense_weights(t)); },
           py::arg("window"), "W of one window, [N', N'] (a read-only view)")
      .def_property_readonly("window_ranges", [](const graphs::GraphSequence& s) {
            std::vector<std::int64_t> rows;
            for (std::size_t t = 0; t < s.size(); ++t) {
              for (const auto& range : s.info(t).ranges) {
                rows.insert(rows.end(), {static_cast<std::int64_t>(t), static_cast<std::int64_t>(range.begin),
                                         static_cast<std::int64_t>(range.end)});
              }
            }
            py::array_t<std::int64_t> out({static_cast<py::ssize_t>(rows.size() / 3), py::ssize_t{3}});
            std::copy(rows.begin(), rows.end(), out.mutable_data());
            return out;
          }, "rows (window, begin, end): each window's [begin, end) bin ranges, several for concatenated "
             "segments (the window_ranges of graphs.npz)")
      .def_property_readonly("labels", [](const graphs::GraphSequence& s) {
            std::vector<int> codes;
            for (const auto& info : s.infos()) codes.push_back(info.label);
            return py::array_t<int>(static_cast<py::ssize_t>(codes.size()), codes.data());
          }, "label code per window (-1 = unlabelled)")
      .def_readonly("label_names", &graphs::GraphSequence::label_names)
      .def_readonly("unit_ids", &graphs::GraphSequence::unit_ids)
      .def_property_readonly("n_windows", &graphs::GraphSequence::size)
      .def_property_readonly("n_units", &graphs::GraphSequence::n_units)
      .def_property_readonly("n_nodes", &graphs::GraphSequence::n_nodes)
      .def_property_readonly("history_node", [](const graphs::GraphSequence& s) { return s.settings().history_node; })
      .def_property_readonly("bin_width", &graphs::GraphSequence::bin_width_s)
      .def("__len__", &graphs::GraphSequence::size)
      .def("save", [](const graphs::GraphSequence& s, const std::filesystem::path& path) {
            py::gil_scoped_release unlocked;
            graphs::save_graph_sequence(path, s);
          }, py::arg("path"), "Writes the .npz `tavrnn graphs` writes (the CLI reads it back).")
      .def_static("load", [](const std::filesystem::path& path) {
            require_file(path, "GraphSequence.load");
            py::gil_scoped_release unlocked;
            return graphs::load_graph_sequence(path);
          }, py::arg("path"), "Reads a graphs .npz written by `tavrnn graphs` or GraphSequence.save.")
      .def("__repr__", [](const graphs::GraphSequence& s) {
        return "<tavrnn.GraphSequence " + std::to_string(s.size()) + " windows x " + std::to_string(s.n_nodes()) +
               " nodes>";
      });

  m.def("build_graphs", [](const Recording& recording, const py::kwargs& options) {
        pipeline::GraphsSettings settings;
        apply_keywords(pipeline::graphs_options(settings), options, "build_graphs");
        py::gil_scoped_release unlocked;
        return pipeline::build_graphs(recording, settings);
      }, py::arg("recording"),
      R"(One correlation graph per window (docs/graphs.md). Keyword arguments are the options of
`tavrnn graphs`, with underscores: windows (required: "sliding:SIZE:STEP", "segments[:MINLEN]",
"explicit:FILE", "trials"), theta, rmt ("none", "analytic", "shuffle:K"), history_node, features
("identity", "rows", "rows+rates", "descriptors"), select, top_k, dtype, device, storage, weights, seed.)");
}

}  // namespace tavrnn::python
