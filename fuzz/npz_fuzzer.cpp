// libFuzzer target: .npz files (libzip, then each member's .npy), read whole
// (read_npz) and member by member (NpzReader, as graphs files are read).
#include "fuzz_input.h"
#include "tavrnn/io/npz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = tavrnn::fuzz::write_input(data, size, ".npz");
  tavrnn::fuzz::expect_value_or_error([&] { tavrnn::io::read_npz(path); });
  return tavrnn::fuzz::expect_value_or_error([&] {
    const tavrnn::io::NpzReader reader(path);
    for (const auto& key : reader.keys()) reader.read(key);
  });
}
