// libFuzzer target: explicit windows (graphs --windows explicit:FILE), the
// same bytes read as a CSV of start,stop and as a JSON list of pairs.
#include "fuzz_input.h"
#include "tavrnn/recording/windows.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto csv = tavrnn::fuzz::write_input(data, size, ".csv");
  tavrnn::fuzz::expect_value_or_error([&] { tavrnn::read_window_ranges(csv.string(), 0.025); });
  const auto json = tavrnn::fuzz::write_input(data, size, ".json");
  return tavrnn::fuzz::expect_value_or_error([&] { tavrnn::read_window_ranges(json.string(), 0.025); });
}
