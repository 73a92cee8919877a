// libFuzzer target: .npy bytes (parse_npy, no file).
#include <string_view>

#include "fuzz_input.h"
#include "tavrnn/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return tavrnn::fuzz::expect_value_or_error([&] {
    tavrnn::io::parse_npy(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.npy");
  });
}
