// libFuzzer target: CSV per-bin labels.
#include "fuzz_input.h"
#include "tavrnn/io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = tavrnn::fuzz::write_input(data, size, ".csv");
  return tavrnn::fuzz::expect_value_or_error([&] { tavrnn::io::read_labels_csv(path); });
}
