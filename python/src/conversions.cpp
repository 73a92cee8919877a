// numpy views of tensors, keyword arguments into option tables, JSON into
// Python values, file checks.
#include <cmath>
#include <vector>

#include <torch/torch.h>

#include "module.h"

namespace tavrnn::python {

py::array to_numpy(const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
  py::dtype dtype;
  switch (t.scalar_type()) {
    case torch::kFloat64: dtype = py::dtype::of<double>(); break;
    case torch::kFloat32: dtype = py::dtype::of<float>(); break;
    case torch::kInt64: dtype = py::dtype::of<std::int64_t>(); break;
    case torch::kInt32: dtype = py::dtype::of<std::int32_t>(); break;
    case torch::kBool: dtype = py::dtype::of<bool>(); break;
    default: return to_numpy(t.to(torch::kFloat64));
  }
  std::vector<py::ssize_t> shape(t.sizes().begin(), t.sizes().end()), strides;
  for (const auto s : t.strides()) strides.push_back(static_cast<py::ssize_t>(s * t.element_size()));
  auto* owner = new torch::Tensor(t);
  py::capsule keep_alive(owner, [](void* p) { delete static_cast<torch::Tensor*>(p); });
  py::array array(dtype, shape, strides, t.data_ptr(), keep_alive);
  array.attr("setflags")(py::arg("write") = false);
  return array;
}

namespace {

std::string keyword_text(const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    std::string text;
    for (const auto& item : value) text += (text.empty() ? "" : ",") + keyword_text(item);
    return text;
  }
  if (py::hasattr(value, "__fspath__")) return py::str(value.attr("__fspath__")()).cast<std::string>();
  return py::str(value).cast<std::string>();
}

std::string python_name(std::string name) {
  for (auto& c : name) c = c == '-' ? '_' : c;
  return name;
}

}  // namespace

void apply_keywords(const pipeline::OptionTable& table, const py::kwargs& keywords, const std::string& function) {
  for (const auto& [key, value] : keywords) {
    std::string name = key.cast<std::string>();
    for (auto& c : name) c = c == '_' ? '-' : c;
    if (!table.find(name)) {
      std::string known;
      for (const auto& spec : table.specs()) known += (known.empty() ? "" : ", ") + python_name(spec.name);
      throw py::type_error(function + "() got an unexpected keyword argument '" + key.cast<std::string>() +
                           "' (it takes: " + known + ")");
    }
    if (value.is_none()) continue;  // None: the default
    table.set(name, keyword_text(value));
  }
}

Categorical to_categorical(const py::handle& values, const std::string& what) {
  std::vector<std::string> text;
  for (const auto& item : py::iter(values)) {
    if (item.is_none()) {
      text.emplace_back();
    } else if (py::isinstance<py::str>(item)) {
      text.push_back(item.cast<std::string>());
    } else if (py::isinstance<py::float_>(item) || py::hasattr(item, "dtype")) {
      const double v = item.cast<double>();
      if (std::isnan(v)) text.emplace_back();
      else if (v == std::floor(v)) text.push_back(std::to_string(static_cast<long long>(v)));
      else throw py::value_error(what + ": expected strings or integers, found " + py::repr(item).cast<std::string>());
    } else if (py::isinstance<py::int_>(item)) {
      text.push_back(std::to_string(item.cast<long long>()));
    } else {
      throw py::value_error(what + ": expected strings or integers, found " + py::repr(item).cast<std::string>());
    }
  }
  return Categorical::from_strings(text);
}

py::object json_to_python(const nlohmann::json& value) {
  return py::module_::import("json").attr("loads")(value.dump());
}

void require_file(const std::filesystem::path& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    PyErr_SetObject(PyExc_FileNotFoundError,
                    py::make_tuple(2, what + ": no such file", path.string()).ptr());
    throw py::error_already_set();
  }
}

}  // namespace tavrnn::python
