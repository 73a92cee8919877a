#include "tavrnn/eval/splits.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "label_encoding.h"
#include "util/random_stream.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

void check_classes(const detail::EncodedLabels& encoded, const char* what) {
  if (encoded.classes.size() < 2) {
    throw Error(fmt::format("{}: the labels have {} class{}; stratified splits need at least 2",
                            what, encoded.classes.size(),
                            encoded.classes.size() == 1 ? "" : "es"));
  }
}

// sklearn.utils._approximate_mode: the counts per class of n_draws drawn in
// proportion to class_counts; the floored shares are topped up by largest
// remainder, equal remainders in random order. The floating-point
// expression is sklearn's, so that equal remainders are equal here too.
std::vector<std::size_t> approximate_mode(const std::vector<std::size_t>& class_counts,
                                          std::size_t n_draws, RandomStream& random) {
  double total = 0.0;
  for (const auto c : class_counts) total += static_cast<double>(c);
  const std::size_t k = class_counts.size();
  std::vector<double> remainder(k);
  std::vector<std::size_t> floored(k);
  std::size_t assigned = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double continuous = static_cast<double>(class_counts[i]) / total * static_cast<double>(n_draws);
    const double f = std::floor(continuous);
    floored[i] = static_cast<std::size_t>(f);
    remainder[i] = continuous - f;
    assigned += floored[i];
  }
  std::size_t need = n_draws - assigned;
  std::vector<double> values = remainder;
  std::sort(values.begin(), values.end(), std::greater<>());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  for (const double value : values) {
    if (need == 0) break;
    std::vector<std::size_t> tied;
    for (std::size_t i = 0; i < k; ++i)
      if (remainder[i] == value) tied.push_back(i);
    random.shuffle(tied.begin(), tied.end());
    const std::size_t add = std::min(tied.size(), need);
    for (std::size_t j = 0; j < add; ++j) ++floored[tied[j]];
    need -= add;
  }
  return floored;
}

}  // namespace

std::vector<Split> stratified_k_fold(const std::vector<int>& labels, std::size_t n_splits,
                                     bool shuffle, std::uint64_t seed) {
  if (n_splits < 2) {
    throw Error(fmt::format("stratified_k_fold: n_splits must be at least 2, found {}", n_splits));
  }
  if (labels.size() < n_splits) {
    throw Error(fmt::format("stratified_k_fold: {} folds need at least {} samples, found {}",
                            n_splits, n_splits, labels.size()));
  }
  const detail::EncodedLabels sorted = detail::encode_labels(labels);
  check_classes(sorted, "stratified_k_fold");
  // sklearn numbers the classes by first appearance for the allocation.
  std::vector<int> first_seen(sorted.classes.size(), -1);
  std::vector<std::size_t> order_of_class;
  for (const int code : sorted.codes) {
    if (first_seen[static_cast<std::size_t>(code)] < 0) {
      first_seen[static_cast<std::size_t>(code)] = static_cast<int>(order_of_class.size());
      order_of_class.push_back(static_cast<std::size_t>(code));
    }
  }
  const std::size_t n_classes = order_of_class.size();
  for (std::size_t c = 0; c < n_classes; ++c) {
    if (sorted.counts[c] < n_splits) {
      throw Error(fmt::format(
          "stratified_k_fold: class {} has {} member{}, fewer than n_splits={}; every class "
          "needs at least one sample per fold",
          sorted.classes[c], sorted.counts[c], sorted.counts[c] == 1 ? "" : "s", n_splits));
    }
  }
  // allocation[f][k]: members of class k (by appearance) in test fold f,
  // dealt round-robin over the samples sorted by class as sklearn does.
  std::vector<std::vector<std::size_t>> allocation(n_splits, std::vector<std::size_t>(n_classes, 0));
  std::size_t position = 0;
  for (std::size_t k = 0; k < n_classes; ++k) {
    for (std::size_t m = 0; m < sorted.counts[order_of_class[k]]; ++m, ++position) {
      ++allocation[position % n_splits][k];
    }
  }
  RandomStream random(seed);
  std::vector<std::size_t> test_fold(labels.size());
  for (std::size_t k = 0; k < n_classes; ++k) {
    std::vector<std::size_t> folds;
    for (std::size_t f = 0; f < n_splits; ++f) folds.insert(folds.end(), allocation[f][k], f);
    if (shuffle) random.shuffle(folds.begin(), folds.end());
    std::size_t next = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (static_cast<std::size_t>(first_seen[static_cast<std::size_t>(sorted.codes[i])]) == k) {
        test_fold[i] = folds[next++];
      }
    }
  }
  std::vector<Split> splits(n_splits);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t f = 0; f < n_splits; ++f) (f == test_fold[i] ? splits[f].test : splits[f].train).push_back(i);
  }
  return splits;
}

std::vector<Split> stratified_shuffle_split(const std::vector<int>& labels, std::size_t n_splits,
                                            double test_size, std::uint64_t seed) {
  if (n_splits < 1) throw Error("stratified_shuffle_split: n_splits must be at least 1, found 0");
  if (!(test_size > 0.0 && test_size < 1.0)) {
    throw Error(fmt::format("stratified_shuffle_split: test_size must be in (0, 1), found {}",
                            test_size));
  }
  const std::size_t n = labels.size();
  const auto n_test = static_cast<std::size_t>(std::ceil(test_size * static_cast<double>(n)));
  const std::size_t n_train = n - std::min(n, n_test);
  const detail::EncodedLabels encoded = detail::encode_labels(labels);
  check_classes(encoded, "stratified_shuffle_split");
  const std::size_t n_classes = encoded.classes.size();
  for (std::size_t c = 0; c < n_classes; ++c) {
    if (encoded.counts[c] < 2) {
      throw Error(fmt::format(
          "stratified_shuffle_split: class {} has 1 member; every class needs at least 2",
          encoded.classes[c]));
    }
  }
  if (n_train < n_classes || n_test < n_classes) {
    throw Error(fmt::format(
        "stratified_shuffle_split: test_size={} of {} samples gives {} train and {} test "
        "samples; each part needs at least one per class ({} classes)",
        test_size, n, n_train, n_test, n_classes));
  }
  std::vector<std::vector<std::size_t>> members(n_classes);
  for (std::size_t i = 0; i < n; ++i) members[static_cast<std::size_t>(encoded.codes[i])].push_back(i);
  RandomStream random(seed);
  std::vector<Split> splits(n_splits);
  for (Split& split : splits) {
    const std::vector<std::size_t> n_i = approximate_mode(encoded.counts, n_train, random);
    std::vector<std::size_t> remaining(n_classes);
    for (std::size_t c = 0; c < n_classes; ++c) remaining[c] = encoded.counts[c] - n_i[c];
    const std::vector<std::size_t> t_i = approximate_mode(remaining, n_test, random);
    for (std::size_t c = 0; c < n_classes; ++c) {
      std::vector<std::size_t> shuffled = members[c];
      random.shuffle(shuffled.begin(), shuffled.end());
      split.train.insert(split.train.end(), shuffled.begin(), shuffled.begin() + static_cast<std::ptrdiff_t>(n_i[c]));
      split.test.insert(split.test.end(), shuffled.begin() + static_cast<std::ptrdiff_t>(n_i[c]),
                        shuffled.begin() + static_cast<std::ptrdiff_t>(n_i[c] + t_i[c]));
    }
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.test.begin(), split.test.end());
  }
  return splits;
}

}  // namespace tavrnn::eval
