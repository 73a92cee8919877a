#pragma once
// Stratified train/test splits of labelled samples, as scikit-learn's
// StratifiedKFold and StratifiedShuffleSplit make them (version 1.2). The
// per-class allocation is sklearn's exactly; the random choices come from
// tavrnn's own seeded stream (src/random_stream.h), so a seed gives the same
// splits on every platform but not the ones numpy would draw. Indices are
// returned in ascending order.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tavrnn::eval {

struct Split {
  std::vector<std::size_t> train;  // sample indices, ascending
  std::vector<std::size_t> test;
};

// n_splits folds; each sample is in exactly one test fold. Classes are
// dealt to folds round-robin in order of first appearance, as sklearn does,
// so without shuffle the folds equal sklearn's StratifiedKFold(n_splits).
// With shuffle each class's fold assignment is permuted (seeded).
// Throws Error when n_splits < 2, fewer samples than folds, fewer than 2
// classes, or a class with fewer than n_splits members (sklearn only warns
// there, and then leaves that class out of some test folds).
std::vector<Split> stratified_k_fold(const std::vector<int>& labels, std::size_t n_splits,
                                     bool shuffle, std::uint64_t seed);

// n_splits independent random splits with ceil(test_size * n) test samples
// and the rest for training, each class represented in proportion (sklearn's
// _approximate_mode, ties between classes broken at random). Throws Error
// when test_size is not in (0, 1), a class has fewer than 2 members, fewer
// than 2 classes, or the train or test part would have fewer samples than
// there are classes.
std::vector<Split> stratified_shuffle_split(const std::vector<int>& labels, std::size_t n_splits,
                                            double test_size, std::uint64_t seed);

}  // namespace tavrnn::eval
