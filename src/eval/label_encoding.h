#pragma once
// Labels as scikit-learn's LabelEncoder sees them: the distinct values in
// ascending order (numpy.unique) and each sample's index among them.
#include <cstddef>
#include <string>
#include <vector>

namespace tavrnn::eval::detail {

struct EncodedLabels {
  std::vector<int> classes;         // distinct labels, ascending
  std::vector<int> codes;           // codes[i]: index of labels[i] in classes
  std::vector<std::size_t> counts;  // counts[k]: samples of classes[k]
};

EncodedLabels encode_labels(const std::vector<int>& labels);

// Throws Error "<what>: expected N labels (one per row), found M" unless sizes match.
void check_label_count(std::size_t labels, std::size_t rows, const std::string& what);

}  // namespace tavrnn::eval::detail
