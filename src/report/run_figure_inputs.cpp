// What the run figures take from a run's results besides the values
// themselves: unit group names and the decoder's confusion matrix.
#include <fmt/format.h>

#include "run_figure_parts.h"
#include "tavrnn/util/error.h"

namespace tavrnn::report::detail {

std::string UnitGrouping::name_of(int code) const {
  if (code >= 0 && static_cast<std::size_t>(code) < names.size()) return names[code];
  return code < 0 ? "no group" : std::to_string(code);
}

std::optional<ConfusionCounts> confusion_from_metrics(const nlohmann::json& m,
                                                      const std::vector<std::string>& label_names,
                                                      const std::string& origin) {
  const nlohmann::json::json_pointer where("/decoding/logistic_regression/confusion_matrix");
  if (!m.is_object() || !m.contains(where)) return std::nullopt;
  const auto& c = m[where];
  ConfusionCounts out;
  try {
    const auto codes = c.at("labels").get<std::vector<int>>();
    const auto rows = c.at("counts").get<std::vector<std::vector<std::int64_t>>>();
    for (int code : codes) {
      out.labels.push_back(code >= 0 && static_cast<std::size_t>(code) < label_names.size()
                               ? label_names[code] : std::to_string(code));
    }
    for (const auto& row : rows) {
      if (row.size() != codes.size()) throw Error("row length");
      out.counts.insert(out.counts.end(), row.begin(), row.end());
    }
    if (rows.size() != codes.size()) throw Error("row count");
  } catch (const std::exception&) {
    throw Error(fmt::format("reading {}: expected decoding.logistic_regression.confusion_matrix to hold "
                            "'labels' (K ints) and 'counts' (K rows of K ints), found {}",
                            origin, c.dump()));
  }
  if (out.labels.empty()) return std::nullopt;
  return out;
}

}  // namespace tavrnn::report::detail
