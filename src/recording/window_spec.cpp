// Window plans from their command-line text (windows.h).
#include <fmt/format.h>

#include "tavrnn/util/error.h"
#include "util/spec_text.h"
#include "tavrnn/recording/windows.h"

namespace tavrnn {
namespace {

using ::tavrnn::detail::split_spec;

[[noreturn]] void bad_plan(const std::string& spec, const std::string& why) {
  throw Error(
      fmt::format("`windows` '{}': {}; expected sliding:SIZE:STEP | "
                  "segments[:MINLEN[:contiguous|concatenated]] | explicit:FILE | trials",
                  spec, why));
}

}  // namespace

WindowPlan parse_window_plan(const Recording& recording, const std::string& spec) {
  const double width = recording.bin_width_s();
  if (spec.rfind("explicit:", 0) == 0) {
    const std::string file = spec.substr(9);  // a path may itself contain ':'
    if (file.empty()) bad_plan(spec, "no file after 'explicit:'");
    return WindowPlan::explicit_ranges(recording, read_window_ranges(file, width));
  }
  if (spec == "trials") return WindowPlan::trials(recording);
  const std::vector<std::string> parts = split_spec(spec, ':');
  if (parts[0] == "sliding") {
    if (parts.size() != 3) bad_plan(spec, "sliding windows take SIZE and STEP");
    return WindowPlan::sliding(recording, resolve_bin_count(parts[1], width, "`windows` SIZE"),
                               resolve_bin_count(parts[2], width, "`windows` STEP"));
  }
  if (parts[0] == "segments") {
    if (parts.size() > 3) bad_plan(spec, "segments take at most MINLEN and a mode");
    const std::size_t min_bins =
        parts.size() > 1 ? resolve_bin_count(parts[1], width, "`windows` MINLEN") : 1;
    SegmentMode mode = SegmentMode::Contiguous;
    if (parts.size() > 2) {
      if (parts[2] == "concatenated")
        mode = SegmentMode::Concatenated;
      else if (parts[2] != "contiguous")
        bad_plan(spec, fmt::format("unknown segment mode '{}'", parts[2]));
    }
    return WindowPlan::segments(recording, min_bins, mode);
  }
  bad_plan(spec, fmt::format("unknown kind '{}'", parts[0]));
}

std::vector<std::size_t> parse_index_list(const std::string& text, const std::string& what) {
  std::vector<std::size_t> indices;
  for (const std::string& part : split_spec(text, ',')) {
    std::size_t used = 0;
    long long value = -1;
    try {
      value = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size() || value < 0) {
      throw Error(
          fmt::format("{}: expected comma-separated window indices >= 0 (\"5,14,17\"), "
                      "found '{}' in '{}'",
                      what, part, text));
    }
    indices.push_back(static_cast<std::size_t>(value));
  }
  return indices;
}

}  // namespace tavrnn
