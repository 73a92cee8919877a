#pragma once
// The shell every .npz probe shares: `PROBE MODE IN.npz OUT.npz` reads IN,
// runs MODE on its arrays and writes OUT (uncompressed) for the Python
// oracle to compare. Exit 2 for a usage error, 1 with the library's message
// when it refuses the input (tavrnn::Error), 0 otherwise.
//
// `PROBE --serve` answers many such requests in one process, because an
// oracle makes hundreds and each start loads LibTorch (about 0.6 s): one
// request per stdin line, "MODE<TAB>IN<TAB>OUT", one reply per request on
// stdout, a line "\x1e" + {"status": 0|1|2, "message": "..."} as JSON, after
// whatever the library logged (tests/python/tavrnn_testing.py reads it).
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tavrnn/io/npz.h"
#include "tavrnn/util/error.h"

namespace tavrnn::probe {

using Arrays = std::vector<std::pair<std::string, io::NdArray>>;
using Mode = std::function<void(const io::NpzArrays& in, Arrays& out)>;
// Runs `mode` (throws tavrnn::Error for an unknown one).
using Dispatch = std::function<void(const std::string& mode, const io::NpzArrays& in, Arrays& out)>;

// Status and message of one request, as the one-shot form's exit status and stderr.
inline std::pair<int, std::string> answer(const Dispatch& dispatch, const std::string& mode,
                                          const std::string& in, const std::string& out_path) {
  try {
    Arrays out;
    dispatch(mode, io::read_npz(in), out);
    io::write_npz(out_path, out, /*compress=*/false);
  } catch (const std::exception& e) {
    return {1, e.what()};
  }
  return {0, ""};
}

inline int serve(const Dispatch& dispatch) {
  for (std::string line; std::getline(std::cin, line);) {
    const auto tab1 = line.find('\t');
    const auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    std::pair<int, std::string> reply{2, "expected MODE<TAB>IN<TAB>OUT, found '" + line + "'"};
    if (tab2 != std::string::npos) {
      reply = answer(dispatch, line.substr(0, tab1), line.substr(tab1 + 1, tab2 - tab1 - 1),
                     line.substr(tab2 + 1));
    }
    std::cout << '\x1e' << nlohmann::json{{"status", reply.first}, {"message", reply.second}}.dump()
              << std::endl;
  }
  return 0;
}

inline int run_npz_probe(int argc, char** argv, const std::string& name, const std::string& modes,
                         const Dispatch& dispatch) {
  if (argc == 2 && std::string(argv[1]) == "--serve") return serve(dispatch);
  if (argc != 4) {
    std::cerr << "usage: " << name << " " << modes << " IN.npz OUT.npz\n       " << name << " --serve\n";
    return 2;
  }
  const auto [status, message] = answer(dispatch, argv[1], argv[2], argv[3]);
  if (status != 0) std::cerr << message << "\n";
  return status;
}

inline int run_npz_probe(int argc, char** argv, const std::string& name,
                         const std::map<std::string, Mode>& modes) {
  std::string names;
  for (const auto& [mode, run] : modes) names += (names.empty() ? "" : "|") + mode;
  return run_npz_probe(argc, argv, name, names, [&](const std::string& mode, const io::NpzArrays& in, Arrays& out) {
    const auto it = modes.find(mode);
    if (it == modes.end()) throw Error(name + ": unknown mode '" + mode + "' (modes: " + names + ")");
    it->second(in, out);
  });
}

}  // namespace tavrnn::probe
