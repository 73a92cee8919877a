// libFuzzer target: `tavrnn run` configurations (TOML, toml++), with and
// without an override.
#include "fuzz_input.h"
#include "tavrnn/pipeline/run_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = tavrnn::fuzz::write_input(data, size, ".toml");
  tavrnn::fuzz::expect_value_or_error([&] { tavrnn::pipeline::read_run_config(path); });
  return tavrnn::fuzz::expect_value_or_error([&] {
    const auto config = tavrnn::pipeline::read_run_config(path, {"fit.epochs=[5, 14]", "out=elsewhere"});
    for (const auto& [section, options] : config.sections) config.arguments(section);
  });
}
