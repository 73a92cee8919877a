#pragma once
// The shell every .npz probe shares: `PROBE MODE IN.npz OUT.npz` reads IN,
// runs MODE on its arrays and writes OUT (uncompressed) for the Python
// oracle to compare. Exit 2 for a usage error, 1 with the library's message
// when it refuses the input (tavrnn::Error), 0 otherwise.
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tavrnn/io/npz.h"

namespace tavrnn::probe {

using Arrays = std::vector<std::pair<std::string, io::NdArray>>;
using Mode = std::function<void(const io::NpzArrays& in, Arrays& out)>;

inline int run_npz_probe(int argc, char** argv, const std::string& name,
                         const std::map<std::string, Mode>& modes) {
  std::string names;
  for (const auto& [mode, run] : modes) names += (names.empty() ? "" : "|") + mode;
  if (argc != 4) {
    std::cerr << "usage: " << name << " " << names << " IN.npz OUT.npz\n";
    return 2;
  }
  const auto mode = modes.find(argv[1]);
  if (mode == modes.end()) {
    std::cerr << name << ": unknown mode '" << argv[1] << "' (modes: " << names << ")\n";
    return 2;
  }
  try {
    Arrays out;
    mode->second(io::read_npz(argv[2]), out);
    io::write_npz(argv[3], out, /*compress=*/false);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace tavrnn::probe
