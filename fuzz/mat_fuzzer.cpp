// libFuzzer target: MATLAB files through libmatio (v5; v7.3 files are HDF5
// inside, read by HDF5): the listing, then each variable read as activity.
#include "fuzz_input.h"
#include "tavrnn/io/mat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = tavrnn::fuzz::write_input(data, size, ".mat");
  std::vector<tavrnn::io::MatVariableInfo> variables;
  tavrnn::fuzz::expect_value_or_error([&] { variables = tavrnn::io::list_mat(path); });
  for (std::size_t i = 0; i < variables.size() && i < 4; ++i) {
    tavrnn::io::MatSelection selection;
    selection.variable = variables[i].name;
    tavrnn::fuzz::expect_value_or_error([&] { tavrnn::io::read_mat_activity(path, selection, false); });
  }
  return 0;
}
