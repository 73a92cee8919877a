#pragma once
// What the files of the `tavrnn._tavrnn` extension module share: the
// binding of each part of the library (one file each), and the conversions
// between numpy arrays, Python keyword arguments and the library's values.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl/filesystem.h>
#include <torch/types.h>

#include "tavrnn/pipeline/option_table.h"
#include "tavrnn/util/categorical.h"

namespace tavrnn::python {

namespace py = pybind11;

void bind_recording(py::module_& m);
void bind_graphs(py::module_& m);
void bind_model(py::module_& m);
void bind_evaluate(py::module_& m);
void bind_pipeline(py::module_& m);

// A read-only numpy view of a CPU tensor (made contiguous first when it is
// not), which keeps the tensor alive: no copy.
py::array to_numpy(const torch::Tensor& tensor);

// Sets each keyword argument through the stage's option table, the names
// the CLI and the config files use (`attention_width` is `attention-width`).
// Values: bool, int, float, str, path-like, or a list of these (joined
// with commas). Raises TypeError naming `function` for an unknown name and
// ValueError (the library's message) for a bad value.
void apply_keywords(const pipeline::OptionTable& table, const py::kwargs& keywords, const std::string& function);

// One category per element of a Python sequence: strings as they are,
// integers (and integral floats) as their decimal text; None, "" and NaN are
// missing (Categorical::from_strings's rule). ValueError naming `what` for
// anything else.
Categorical to_categorical(const py::handle& values, const std::string& what);

// A JSON value (metrics, a ground truth, a configuration) as Python dicts,
// lists and numbers.
py::object json_to_python(const nlohmann::json& value);

// Raises FileNotFoundError (an OSError) when `path` does not exist.
void require_file(const std::filesystem::path& path, const std::string& what);

}  // namespace tavrnn::python
