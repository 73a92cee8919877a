#include "label_encoding.h"

#include <algorithm>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::eval::detail {

EncodedLabels encode_labels(const std::vector<int>& labels) {
  EncodedLabels encoded;
  encoded.classes = labels;
  std::sort(encoded.classes.begin(), encoded.classes.end());
  encoded.classes.erase(std::unique(encoded.classes.begin(), encoded.classes.end()),
                        encoded.classes.end());
  encoded.counts.assign(encoded.classes.size(), 0);
  encoded.codes.reserve(labels.size());
  for (const int label : labels) {
    const auto k = static_cast<std::size_t>(
        std::lower_bound(encoded.classes.begin(), encoded.classes.end(), label) -
        encoded.classes.begin());
    encoded.codes.push_back(static_cast<int>(k));
    ++encoded.counts[k];
  }
  return encoded;
}

void check_label_count(std::size_t labels, std::size_t rows, const std::string& what) {
  if (labels != rows) {
    throw Error(fmt::format("{}: expected {} labels (one per row), found {}", what, rows, labels));
  }
}

}  // namespace tavrnn::eval::detail
