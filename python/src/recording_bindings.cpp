// tavrnn.Recording from numpy arrays, read_recording and simulate.
#include <vector>

#include <pybind11/stl.h>

#include "module.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/util/error.h"

namespace tavrnn::python {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// float64 C-order values of a numeric array of `ndim` dimensions; ValueError
// naming `what` otherwise.
DoubleArray numeric_array(const py::handle& value, std::size_t ndim,
                                                       const std::string& what, const std::string& shape) {
  py::array array = py::array::ensure(value);
  if (!array) throw py::type_error(what + ": expected an array of " + shape + ", found " +
                                   py::str(py::type::of(value)).cast<std::string>());
  const char kind = array.dtype().kind();
  if (kind != 'b' && kind != 'i' && kind != 'u' && kind != 'f') {
    throw py::value_error(what + ": expected numbers (" + shape + "), found dtype " +
                          py::str(array.dtype()).cast<std::string>());
  }
  if (static_cast<std::size_t>(array.ndim()) != ndim) {
    throw py::value_error(what + ": expected " + std::to_string(ndim) + " dimensions (" + shape +
                          "), found shape " + py::str(array.attr("shape")).cast<std::string>());
  }
  return DoubleArray::ensure(array);
}

Recording make_recording(const py::handle& counts, double bin_width, const py::object& labels,
                         const py::object& groups, const py::object& behaviour, bool time_major,
                         const py::object& unit_ids) {
  const auto values = numeric_array(counts, 2, "counts", time_major ? "bins x units" : "units x bins");
  const auto rows = static_cast<std::size_t>(values.shape(0)), cols = static_cast<std::size_t>(values.shape(1));
  std::vector<double> flat(values.data(), values.data() + rows * cols);
  Activity activity = time_major ? Activity::from_time_major(rows, cols, flat) : Activity{rows, cols, std::move(flat)};
  std::vector<std::string> ids;
  if (!unit_ids.is_none()) for (const auto& id : unit_ids) ids.push_back(py::str(id).cast<std::string>());
  Recording recording(std::move(activity), bin_width, std::move(ids), "counts");
  if (!labels.is_none()) recording.set_labels(to_categorical(labels, "labels"));
  if (!groups.is_none()) recording.set_groups(to_categorical(groups, "groups"));
  if (!behaviour.is_none()) {
    py::array b = py::array::ensure(behaviour);
    const std::size_t ndim = b && b.ndim() == 1 ? 1 : 2;
    const auto v = numeric_array(behaviour, ndim, "behaviour", "bins x dimensions");
    Behaviour out;
    out.n_dims = ndim == 1 ? 1 : static_cast<std::size_t>(v.shape(1));
    out.values.assign(v.data(), v.data() + v.size());
    recording.set_behaviour(std::move(out));
  }
  return recording;
}

py::object categorical_codes(const std::optional<Categorical>& c) {
  if (!c) return py::none();
  return py::array_t<int>(static_cast<py::ssize_t>(c->codes.size()), c->codes.data());
}

}  // namespace

void bind_recording(py::module_& m) {
  py::class_<Recording>(m, "Recording", R"(Activity of N units over B time bins, with what is known about the
bins (labels, behaviour) and the units (ids, groups).

Recording(counts, bin_width, labels=None, groups=None, behaviour=None,
          time_major=False, unit_ids=None)

counts:     spike counts or rates, units x bins (bins x units with
            time_major=True); any numeric dtype, finite and >= 0.
bin_width:  seconds per bin, > 0.
labels:     one discrete label per bin (str or int); None, "" or NaN =
            unlabelled.
groups:     one group per unit (brain area, electrode region, cell type).
behaviour:  continuous behaviour per bin, bins x dimensions (NaN = missing).
unit_ids:   one id per unit (default "0".."N-1").

Raises ValueError naming the argument for a wrong shape, dtype, NaN or
negative count, or a non-positive bin width.)")
      .def(py::init(&make_recording), py::arg("counts"), py::arg("bin_width"), py::arg("labels") = py::none(),
           py::arg("groups") = py::none(), py::arg("behaviour") = py::none(), py::arg("time_major") = false,
           py::arg("unit_ids") = py::none())
      .def_property_readonly("counts", [](py::object self) {
            const auto& a = self.cast<const Recording&>().activity();
            py::array_t<double> counts({static_cast<py::ssize_t>(a.n_units()), static_cast<py::ssize_t>(a.n_bins())});
            double* out = counts.mutable_data();
            for (std::size_t i = 0; i < a.size(); ++i) out[i] = a.element(i);
            // Read-only as before: writing to it would not change the recording.
            counts.attr("setflags")(py::arg("write") = false);
            return counts;
          }, "units x bins float64 (a copy: the recording keeps whole counts compactly, as bytes or int16)")
      .def_property_readonly("bin_width", &Recording::bin_width_s, "seconds per bin")
      .def_property_readonly("n_units", &Recording::n_units)
      .def_property_readonly("n_bins", &Recording::n_bins)
      .def_property_readonly("unit_ids", &Recording::unit_ids)
      .def_property_readonly("labels", [](const Recording& r) { return categorical_codes(r.labels()); },
                             "label code per bin (-1 = unlabelled), or None; names in label_names")
      .def_property_readonly("label_names", [](const Recording& r) {
            return r.labels() ? r.labels()->names : std::vector<std::string>{};
          })
      .def_property_readonly("groups", [](const Recording& r) { return categorical_codes(r.groups()); },
                             "group code per unit (-1 = none), or None; names in group_names")
      .def_property_readonly("group_names", [](const Recording& r) {
            return r.groups() ? r.groups()->names : std::vector<std::string>{};
          })
      .def_property_readonly("behaviour", [](const Recording& r) -> py::object {
            if (!r.behaviour()) return py::none();
            const auto& b = *r.behaviour();
            return py::array_t<double>({static_cast<py::ssize_t>(r.n_bins()), static_cast<py::ssize_t>(b.n_dims)},
                                       b.values.data());
          }, "bins x dimensions float64 (a copy), or None")
      .def("__repr__", [](const Recording& r) {
        return "<tavrnn.Recording " + std::to_string(r.n_units()) + " units x " + std::to_string(r.n_bins()) +
               " bins of " + py::str(py::float_(r.bin_width_s())).cast<std::string>() + " s>";
      });

  m.def("read_recording", [](const std::filesystem::path& path, const py::kwargs& options) {
        pipeline::RecordingSettings settings;
        settings.path = path;
        require_file(path, "read_recording");
        apply_keywords(pipeline::recording_options(settings), options, "read_recording");
        py::gil_scoped_release unlocked;
        return pipeline::read_recording(settings);
      }, py::arg("path"),
      R"(Reads a recording: NWB (.nwb), numpy (.npy/.npz), CSV of spike times or binned counts, or MATLAB
(.mat). Keyword arguments are the reader options of `tavrnn graphs` (docs/formats.md) with underscores:
format, bin_width, time_major, start, stop, labels, units_table, group_column, ... Raises FileNotFoundError for a missing
file and ValueError (naming the file and field) for bad content.)");

  m.def("simulate", [](const std::string& preset, std::uint64_t seed, std::size_t units, double duration) {
        SimulatedRecording sim = [&] {
          py::gil_scoped_release unlocked;
          return pipeline::simulate({preset, seed, units, duration});
        }();
        return py::make_tuple(std::move(sim.recording), json_to_python(sim.ground_truth));
      }, py::arg("preset") = "small", py::arg("seed") = 1, py::arg("units") = 0, py::arg("duration") = 0.0,
      R"(A simulated recording with planted structure ("small", "hippocampus-like", "dishbrain-like";
docs/simulator.md): returns (Recording, ground_truth dict). units: the preset's groups and couplings
repeated to this many units; duration: seconds (0 = the preset's own, for both).)");

  m.def("simulate_animals",
        [](const std::string& preset, std::uint64_t seed, std::size_t animals, std::size_t units, double duration) {
          std::vector<SimulatedRecording> study = [&] {
            py::gil_scoped_release unlocked;
            pipeline::SimulateSettings settings{preset, seed, units, duration};
            settings.animals = animals;
            return pipeline::simulate_animals(settings);
          }();
          py::list out;
          for (auto& animal : study) {
            out.append(py::make_tuple(std::move(animal.recording), json_to_python(animal.ground_truth)));
          }
          return out;
        },
        py::arg("preset") = "small", py::arg("seed") = 1, py::arg("animals") = 4, py::arg("units") = 0,
        py::arg("duration") = 0.0,
        R"(Several animals of one preparation (docs/simulator.md, "Several animals"): a list of
(Recording, ground_truth dict), one per animal, with the preset's states and coupling rules and each
its own units, behaviour and unit count (0.75 to 1.25 times units, the preset's own when 0).)");
}

}  // namespace tavrnn::python
