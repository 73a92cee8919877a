// The extension module tavrnn._tavrnn; the package tavrnn (python/tavrnn/)
// wraps it with the scikit-learn-style estimator and docs/python.md
// describes it.
#include <pybind11/stl.h>

#include "module.h"
#include "tavrnn/util/error.h"
#include "tavrnn/util/runtime.h"

namespace tavrnn::python {
namespace {

py::dict build_info() {
  const BlasInfo blas = detect_blas();
  py::dict info;
  info["tavrnn"] = TAVRNN_VERSION;
  info["libtorch"] = torch_version();
  info["blas"] = blas.vendor;
  info["blas_library"] = blas.library;
  info["threads"] = num_threads();
  return info;
}

}  // namespace
}  // namespace tavrnn::python

namespace py = pybind11;

PYBIND11_MODULE(_tavrnn, m) {
  namespace tp = tavrnn::python;
  m.doc() = "tavrnn's C++ library (see the package tavrnn and docs/python.md)";
  // The library's one error type is bad input: ValueError with its message.
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const tavrnn::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  m.attr("__version__") = TAVRNN_VERSION;
  m.def("build_info", &tp::build_info,
        "What shapes the numbers, as `tavrnn --version` prints it: tavrnn and LibTorch versions, the BLAS "
        "library and the number of threads.");
  m.def("set_threads", [](int n) { tavrnn::set_num_threads(n); }, py::arg("threads"),
        "Threads of LibTorch and OpenBLAS for this process (what `tavrnn --threads` sets).");
  tp::bind_recording(m);
  tp::bind_graphs(m);
  tp::bind_model(m);
  tp::bind_evaluate(m);
  tp::bind_pipeline(m);
}
