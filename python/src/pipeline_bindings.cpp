// tavrnn.run: the whole pipeline from a config file, as `tavrnn run` does.
#include <pybind11/stl.h>

#include "module.h"
#include "tavrnn/pipeline/run_pipeline.h"

namespace tavrnn::python {

void bind_pipeline(py::module_& m) {
  m.def("run", [](const std::filesystem::path& config, const std::filesystem::path& out,
                  const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed, bool force,
                  bool verbose) {
        require_file(config, "run");
        pipeline::RunOptions options;
        options.out = out;
        options.overrides = overrides;
        options.seed = seed;
        options.force = force;
        if (verbose) {
          options.print = [](const std::string& text) {
            py::gil_scoped_acquire locked;
            py::print(text, py::arg("end") = "", py::arg("flush") = true);
          };
        }
        const auto result = [&] {
          py::gil_scoped_release unlocked;
          return pipeline::run_pipeline(pipeline::read_run_config(config, overrides), options);
        }();
        py::dict done;
        done["out"] = result.directory.root();
        done["report"] = result.directory.report();
        done["stages_run"] = result.stages_run;
        done["stages_skipped"] = result.stages_skipped;
        return done;
      }, py::arg("config"), py::arg("out") = std::filesystem::path(),
      py::arg("overrides") = std::vector<std::string>{}, py::arg("seed") = py::none(), py::arg("force") = false,
      py::arg("verbose") = true,
      R"(Runs the pipeline a TOML config describes (docs/pipeline.md), as `tavrnn run` does: stages that
are up to date are skipped. out overrides the config's `out`; overrides are "SECTION.KEY=VALUE" texts
(`tavrnn run --set`); seed sets every stage's seed. Returns {"out", "report", "stages_run",
"stages_skipped"}.)");
}

}  // namespace tavrnn::python
