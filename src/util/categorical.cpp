#include "tavrnn/util/categorical.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn {

Categorical Categorical::from_strings(const std::vector<std::string>& values) {
  Categorical out;
  out.codes.reserve(values.size());
  std::unordered_map<std::string, int> code_of;
  for (const auto& value : values) {
    if (value.empty()) {
      out.codes.push_back(kMissing);
      continue;
    }
    const auto [it, inserted] = code_of.emplace(value, static_cast<int>(out.names.size()));
    if (inserted) out.names.push_back(value);
    out.codes.push_back(it->second);
  }
  return out;
}

std::size_t Categorical::count(int code) const {
  return static_cast<std::size_t>(std::count(codes.begin(), codes.end(), code));
}

void Categorical::check(std::size_t expected, const std::string& what,
                        const std::string& per_what) const {
  if (codes.size() != expected) {
    throw Error(fmt::format("{}: expected {} codes (one per {}), found {}", what, expected, per_what,
                            codes.size()));
  }
  const int n_names = static_cast<int>(names.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] != kMissing && (codes[i] < 0 || codes[i] >= n_names)) {
      throw Error(fmt::format("{}: expected codes in [0, {}) or -1 (missing), found {} at {} {}",
                              what, n_names, codes[i], per_what, i));
    }
  }
}

}  // namespace tavrnn
