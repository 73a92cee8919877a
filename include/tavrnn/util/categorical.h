#pragma once
// Categorical: one discrete value per element (a label per bin, a group per
// unit, a label per window) as integer codes plus the names they stand for,
// the way pandas.Categorical and R's factor hold them. Every reader that
// turns text into categories builds one with from_strings, so every file
// format follows the same rule for missing values.
#include <cstddef>
#include <string>
#include <vector>

namespace tavrnn {

struct Categorical {
  static constexpr int kMissing = -1;  // no category (unlabelled bin, unit without a group)

  std::vector<int> codes;          // one per element: in [0, names.size()) or kMissing
  std::vector<std::string> names;  // names[code], distinct

  // Codes numbered in order of first appearance. The one rule for missing
  // values: an empty string is missing (kMissing) and gets no name. Formats
  // that spell missing otherwise (the '-' of `evaluate --labels/--groups`
  // files) map it to "" before calling this.
  static Categorical from_strings(const std::vector<std::string>& values);

  std::size_t size() const { return codes.size(); }
  std::size_t count(int code) const;  // elements with this code (kMissing counts missing ones)

  // Throws Error "<what>: expected N codes (one per <per_what>), found M" or
  // "<what>: expected codes in [0, K) or -1 (missing), found c at <per_what> i".
  void check(std::size_t expected, const std::string& what, const std::string& per_what) const;
};

}  // namespace tavrnn
