// libFuzzer target: CSV binned counts, unit-major and time-major.
#include "fuzz_input.h"
#include "tavrnn/io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = tavrnn::fuzz::write_input(data, size, ".csv");
  std::vector<std::string> ids;
  tavrnn::fuzz::expect_value_or_error([&] { tavrnn::io::read_counts_csv(path, false, &ids); });
  return tavrnn::fuzz::expect_value_or_error([&] { tavrnn::io::read_counts_csv(path, true, &ids); });
}
