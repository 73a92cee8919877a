// The fitted model (tavrnn._tavrnn.Model): fit, load, transform, save. The
// scikit-learn-style estimator tavrnn.TAVRNN (python/tavrnn/estimator.py)
// wraps it.
#include <memory>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <torch/torch.h>

#include "module.h"
#include "tavrnn/pipeline/shared_fit.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/train/checkpoint.h"

namespace tavrnn::python {
namespace {

struct Model {
  std::shared_ptr<train::SequenceModel> model;  // a fitted model's lives in its trainer
  std::shared_ptr<train::Trainer> trainer;      // null for a loaded model
  train::TrainingState state;                   // log, epochs, the configuration saved with it
  train::Embeddings embeddings;                 // of the graphs it was fitted on (fitted only; the first of several)
  std::vector<train::Embeddings> all_embeddings;  // of every sequence of a fit over several
  pipeline::DeviceSettings device;
  bool stopped_by_caller = false;
  nlohmann::json selection;  // with select (null without)
};

// A Python error raised inside a callback, carried across the trainer (C++
// frames) and raised again once it returns.
struct PendingError {
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  bool set() const { return type != nullptr; }
  void fetch() { PyErr_Fetch(&type, &value, &traceback); }
  [[noreturn]] void raise() {
    PyErr_Restore(type, value, traceback);
    throw py::error_already_set();
  }
};

py::dict training_log(const train::TrainingState& state) {
  std::vector<double> epoch, loss, kl, nll, seconds, feat, val_loss, val_auc, val_ap;
  for (const auto& r : state.log) {
    epoch.push_back(static_cast<double>(r.epoch));
    loss.push_back(r.loss);
    kl.push_back(r.kl);
    nll.push_back(r.nll);
    seconds.push_back(r.seconds);
    feat.push_back(r.feat);
    val_loss.push_back(r.val_loss);
    val_auc.push_back(r.val_auc);
    val_ap.push_back(r.val_ap);
  }
  py::dict log;
  for (auto& [name, values] : {std::pair{"epoch", &epoch}, {"loss", &loss}, {"kl", &kl}, {"nll", &nll},
                               {"seconds", &seconds}, {"feat", &feat}, {"val_loss", &val_loss},
                               {"val_auc", &val_auc}, {"val_ap", &val_ap}}) {
    log[name] = py::array_t<double>(static_cast<py::ssize_t>(values->size()), values->data());
  }
  return log;
}

// The options and the per-epoch hook of a fit from Python: `callback` and
// Ctrl-C stop training at the end of an epoch; a Python error raised there
// waits in `error`.
pipeline::FitSettings fit_settings(const py::object& callback, const py::kwargs& options, PendingError& error) {
  pipeline::FitSettings settings;
  settings.trainer.progress = false;
  apply_keywords(pipeline::fit_options(settings), options, "fit");
  settings.trainer.on_epoch = [&error, &callback](const train::EpochRecord& r) {
    py::gil_scoped_acquire locked;
    // Ctrl-C: Python's handler only sets a flag; this raises KeyboardInterrupt.
    if (PyErr_CheckSignals() != 0) {
      error.fetch();
      return false;
    }
    if (callback.is_none()) return true;
    try {
      const py::object go_on = callback(r.epoch, r.loss, r.kl, r.nll);
      return go_on.is_none() || go_on.cast<bool>();
    } catch (py::error_already_set& e) {
      e.restore();
      error.fetch();
      return false;
    }
  };
  return settings;
}

Model fit_model(const graphs::GraphSequence& sequence, const py::object& callback,
                const std::filesystem::path& checkpoint, const py::kwargs& options) {
  PendingError error;
  const pipeline::FitSettings settings = fit_settings(callback, options, error);
  pipeline::Checkpointing checkpointing;
  checkpointing.checkpoint = checkpoint;
  pipeline::FittedModel fitted = [&] {
    py::gil_scoped_release unlocked;
    return pipeline::fit(sequence, settings, checkpointing);
  }();
  if (error.set()) error.raise();
  Model m;
  m.trainer = fitted.trainer;
  m.model = std::shared_ptr<train::SequenceModel>(fitted.trainer, &fitted.trainer->model());
  m.state = fitted.result.state;
  m.embeddings = fitted.embeddings;
  m.device = settings.device;
  m.stopped_by_caller = fitted.result.stopped_by_caller;
  m.selection = fitted.selection;
  return m;
}

Model fit_shared_model(const std::vector<graphs::GraphSequence>& sequences, std::vector<std::string> names,
                       const py::object& callback, const std::filesystem::path& checkpoint,
                       const py::kwargs& options) {
  if (names.empty()) {
    for (std::size_t s = 0; s < sequences.size(); ++s) names.push_back("sequence" + std::to_string(s + 1));
  }
  PendingError error;
  const pipeline::FitSettings settings = fit_settings(callback, options, error);
  pipeline::Checkpointing checkpointing;
  checkpointing.checkpoint = checkpoint;
  pipeline::SharedFit fitted = [&] {
    py::gil_scoped_release unlocked;
    return pipeline::fit_shared(sequences, names, settings, checkpointing);
  }();
  if (error.set()) error.raise();
  Model m;
  m.trainer = fitted.trainer;
  m.model = std::shared_ptr<train::SequenceModel>(fitted.trainer, &fitted.trainer->model());
  m.state = fitted.result.state;
  m.embeddings = fitted.embeddings.front();
  m.all_embeddings = fitted.embeddings;
  m.device = settings.device;
  m.stopped_by_caller = fitted.result.stopped_by_caller;
  return m;
}

Model load_model(const std::filesystem::path& path, const std::string& device, const std::string& dtype) {
  require_file(path, "load");
  Model m;
  m.device.device = device;
  m.device.dtype = dtype;
  py::gil_scoped_release unlocked;
  m.model = pipeline::load_model(path, m.device, &m.state);
  return m;
}

train::Embeddings embed(Model& m, const graphs::GraphSequence& sequence) {
  pipeline::EmbedSettings settings;
  settings.device = m.device;
  py::gil_scoped_release unlocked;
  return pipeline::embed(*m.model, sequence, settings);
}

py::dict embeddings_dict(const train::Embeddings& e) {
  py::dict out;
  for (auto& [name, tensor] : {std::pair{"mu", &e.mu}, {"sigma", &e.sigma}, {"z", &e.z},
                               {"population_mean", &e.population_mean},
                               {"population_history", &e.population_history}, {"attention", &e.attention}}) {
    if (tensor->defined()) out[name] = to_numpy(*tensor);
  }
  return out;
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<Model>(m, "Model", "A trained TAVRNN, VGRNN or VGAE (use the estimator tavrnn.TAVRNN).")
      .def("transform", [](Model& self, const graphs::GraphSequence& s) { return to_numpy(embed(self, s).mu); },
           py::arg("graphs"), "Posterior means mu, [T, N', Z], of any graphs with the model's node set.")
      .def("embeddings", [](Model& self, const graphs::GraphSequence& s) { return embeddings_dict(embed(self, s)); },
           py::arg("graphs"), "mu, sigma, population_mean, population_history (with a history node) and attention.")
      .def_property_readonly("training_embeddings", [](const Model& self) { return embeddings_dict(self.embeddings); },
                             "The embeddings of the graphs it was fitted on (empty for a loaded model).")
      .def_property_readonly("sequence_embeddings",
                             [](const Model& self) {
                               py::list out;
                               for (const auto& e : self.all_embeddings) out.append(embeddings_dict(e));
                               return out;
                             },
                             "A model fitted on several sequences: each one's embeddings, in order (empty "
                             "otherwise).")
      .def_property_readonly("training_log", [](const Model& self) { return training_log(self.state); },
                             "Per epoch: epoch, loss, kl, nll, seconds (numpy arrays).")
      .def_property_readonly("config", [](const Model& self) { return json_to_python(self.state.config); },
                             "The model and trainer configuration saved with it.")
      .def_property_readonly("epochs_done", [](const Model& self) { return self.state.epochs_done; })
      .def_property_readonly("stopped_early", [](const Model& self) { return self.state.stopped_early; })
      .def_property_readonly("selection", [](const Model& self) { return json_to_python(self.selection); },
                             "With select: every candidate's settings and held-out score, and the one chosen "
                             "(None without)")
      .def_property_readonly("selected_epoch",
                             [](const Model& self) { return self.state.model_epoch(); },
                             "The epoch whose parameters the model holds (the best held-out score with early "
                             "stopping, else the last)")
      .def_property_readonly("stopped_by_callback", [](const Model& self) { return self.stopped_by_caller; })
      .def("save", [](Model& self, const std::filesystem::path& path) {
            py::gil_scoped_release unlocked;
            at::Generator fresh = at::detail::createCPUGenerator(0);
            save_checkpoint(path, *self.model, nullptr, self.trainer ? self.trainer->generator() : fresh,
                            self.state);
          }, py::arg("path"),
          "Writes a model.pt that `tavrnn embed` reads (without optimiser state: it cannot be resumed).");

  m.def("fit", &fit_model, py::arg("graphs"), py::arg("callback") = py::none(),
        py::arg("checkpoint") = std::filesystem::path(),
        R"(Trains on a GraphSequence; keyword arguments are the options of `tavrnn fit` with underscores
(model, hidden, latent, attention_width, attention_summary, freeze_gru_gates, device, dtype, epochs, lr,
clip_grad, validation, monitor, early_stopping, min_delta, last_epoch, feature_weight, seed,
checkpoint_every, sample_z). callback(epoch, loss, kl, nll)
runs after each epoch; returning False stops training. Ctrl-C stops at the end of the epoch running
(raising KeyboardInterrupt), after writing `checkpoint` when one is named.)");
  m.def("fit_shared", &fit_shared_model, py::arg("graphs"), py::arg("names") = std::vector<std::string>{},
        py::arg("callback") = py::none(), py::arg("checkpoint") = std::filesystem::path(),
        R"(Trains one model over several GraphSequences (a list; node features of one width, e.g.
features="descriptors"), with the keyword arguments of fit; names default to sequence1, sequence2, ...
Model.sequence_embeddings holds each one's embeddings.)");
  m.def("load", &load_model, py::arg("path"), py::arg("device") = "cpu", py::arg("dtype") = "float32",
        "A model.pt written by `tavrnn fit` or Model.save.");
}

}  // namespace tavrnn::python
