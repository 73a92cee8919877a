// libFuzzer target: CSV spike times, read whole and binned as they stream.
#include "fuzz_input.h"
#include "tavrnn/io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = tavrnn::fuzz::write_input(data, size, ".csv");
  tavrnn::fuzz::expect_value_or_error([&] { tavrnn::io::read_spike_times_csv(path, false); });
  return tavrnn::fuzz::expect_value_or_error([&] {
    tavrnn::BinningOptions options;
    options.bin_width_s = 1.0;  // wide bins: a late spike time costs fewer zeroed bins per input
    tavrnn::io::bin_spike_times_csv(path, options);
  });
}
