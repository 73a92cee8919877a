#include "tavrnn/eval/clustering_metrics.h"

#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <torch/torch.h>

#include "feature_matrix.h"
#include "label_encoding.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {
namespace {

// Non-zero cells of the contingency table of two labelings, and its margins.
struct Contingency {
  std::map<std::pair<int, int>, std::int64_t> cells;  // (true code, pred code) -> count
  std::vector<std::int64_t> rows, columns;            // margins by true / predicted code
  std::int64_t n = 0;
};

Contingency contingency(const std::vector<int>& labels_true, const std::vector<int>& labels_pred,
                        const char* what) {
  if (labels_true.size() != labels_pred.size()) {
    throw Error(fmt::format("{}: labels_true has {} samples but labels_pred has {}", what,
                            labels_true.size(), labels_pred.size()));
  }
  const detail::EncodedLabels t = detail::encode_labels(labels_true);
  const detail::EncodedLabels p = detail::encode_labels(labels_pred);
  Contingency c;
  c.n = static_cast<std::int64_t>(labels_true.size());
  c.rows.assign(t.counts.begin(), t.counts.end());
  c.columns.assign(p.counts.begin(), p.counts.end());
  for (std::size_t i = 0; i < labels_true.size(); ++i) ++c.cells[{t.codes[i], p.codes[i]}];
  return c;
}

// sklearn.metrics.cluster.entropy from the counts of a labeling.
double entropy(const std::vector<std::int64_t>& counts) {
  if (counts.size() <= 1) return counts.empty() ? 1.0 : 0.0;
  double total = 0.0;
  for (const auto c : counts) total += static_cast<double>(c);
  double h = 0.0;
  for (const auto c : counts) {
    const auto pi = static_cast<double>(c);
    h -= (pi / total) * (std::log(pi) - std::log(total));
  }
  return h;
}

// sklearn's mutual_info_score from a contingency table, with its rounding
// guards: terms below machine epsilon are 0 and the sum is clipped at 0.
double mutual_information(const Contingency& c) {
  if (c.rows.size() == 1 || c.columns.size() == 1) return 0.0;
  const auto n = static_cast<double>(c.n);
  const double log_margins = std::log(n) + std::log(n);  // log(sum pi) + log(sum pj)
  double mi = 0.0;
  for (const auto& [cell, count] : c.cells) {
    const auto v = static_cast<double>(count);
    const double nm = v / n;
    const auto outer = static_cast<double>(c.rows[static_cast<std::size_t>(cell.first)] *
                                           c.columns[static_cast<std::size_t>(cell.second)]);
    const double term = nm * (std::log(v) - std::log(n)) + nm * (-std::log(outer) + log_margins);
    if (std::abs(term) >= std::numeric_limits<double>::epsilon()) mi += term;
  }
  return std::max(mi, 0.0);
}

struct Labelled {
  torch::Tensor x;           // [n, d] float64
  torch::Tensor codes;       // [n] int64
  torch::Tensor onehot;      // [n, k] float64
  detail::EncodedLabels encoded;
};

// sklearn's check_number_of_labels: 2 <= k <= n - 1.
Labelled labelled(const torch::Tensor& x, const std::vector<int>& labels, const char* what) {
  Labelled l;
  l.x = detail::feature_matrix(x, fmt::format("{}: X", what));
  detail::check_label_count(labels.size(), static_cast<std::size_t>(l.x.size(0)), what);
  l.encoded = detail::encode_labels(labels);
  const std::size_t k = l.encoded.classes.size(), n = labels.size();
  if (k < 2 || k > n - 1) {
    throw Error(fmt::format("{}: the labels have {} distinct values for {} samples; valid are 2 "
                            "to n_samples - 1 (inclusive)",
                            what, k, n));
  }
  l.codes = torch::tensor(std::vector<int64_t>(l.encoded.codes.begin(), l.encoded.codes.end()));
  l.onehot = torch::one_hot(l.codes, static_cast<int64_t>(k)).to(torch::kFloat64);
  return l;
}

torch::Tensor centroids(const Labelled& l) {
  const torch::Tensor counts = l.onehot.sum(0);
  return l.onehot.t().mm(l.x) / counts.unsqueeze(1);
}

}  // namespace

double adjusted_rand_score(const std::vector<int>& labels_true,
                           const std::vector<int>& labels_pred) {
  const Contingency c = contingency(labels_true, labels_pred, "adjusted_rand_score");
  // sklearn's pair_confusion_matrix in exact integers (Python ints there):
  // the products below overflow 64 bits from about 55000 samples on.
  using Wide = __int128;
  Wide squares = 0, dot_columns = 0, dot_rows = 0;
  for (const auto& [cell, count] : c.cells) {
    squares += Wide{count} * count;
    dot_columns += Wide{count} * c.columns[static_cast<std::size_t>(cell.second)];
    dot_rows += Wide{count} * c.rows[static_cast<std::size_t>(cell.first)];
  }
  const Wide tp = squares - c.n, fp = dot_columns - squares, fn = dot_rows - squares;
  const Wide tn = Wide{c.n} * c.n - fp - fn - squares;
  if (fn == 0 && fp == 0) return 1.0;
  const Wide numerator = tp * tn - fn * fp;
  const Wide denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return 2.0 * static_cast<double>(numerator) / static_cast<double>(denominator);
}

double normalized_mutual_info_score(const std::vector<int>& labels_true,
                                    const std::vector<int>& labels_pred) {
  const Contingency c = contingency(labels_true, labels_pred, "normalized_mutual_info_score");
  // Both labelings trivial (one cluster each, or empty): a perfect match.
  if (c.rows.size() == c.columns.size() && c.rows.size() <= 1) return 1.0;
  const double mi = mutual_information(c);
  if (mi == 0.0) return 0.0;
  const double normalizer = (entropy(c.rows) + entropy(c.columns)) / 2.0;
  return mi / normalizer;
}

std::vector<double> silhouette_samples(const torch::Tensor& x, const std::vector<int>& labels) {
  const Labelled l = labelled(x, labels, "silhouette_samples");
  const auto n = l.x.size(0);
  const torch::Tensor sizes = l.onehot.sum(0);  // [k]
  // Summed distances from each sample to each cluster, in row blocks so
  // that at most a few million distances are held at once. With few
  // clusters a product with the one-hot labels sums them; with many, that
  // product costs n^2 k (10,000 units in 1,252 groups: 125 GFLOP per
  // window), so the distances are added into their cluster's row instead.
  const int64_t k = l.onehot.size(1);
  const bool by_product = k <= 32;
  const int64_t block = std::max<int64_t>(1, (int64_t{1} << 22) / n);
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < n; start += block) {
    const torch::Tensor rows = l.x.narrow(0, start, std::min(block, n - start));
    if (by_product) {
      parts.push_back(detail::euclidean_distances(rows, l.x).mm(l.onehot));
    } else {
      const torch::Tensor to_rows = detail::euclidean_distances(l.x, rows);  // [n, block]
      parts.push_back(torch::zeros({k, rows.size(0)}, to_rows.options()).index_add_(0, l.codes, to_rows).t());
    }
  }
  const torch::Tensor sums = torch::cat(parts, 0);  // [n, k]
  const torch::Tensor own = l.onehot.to(torch::kBool);
  const torch::Tensor intra = (sums * l.onehot).sum(1) / (sizes.index_select(0, l.codes) - 1.0);
  const torch::Tensor inter = (sums / sizes).masked_fill(own, std::numeric_limits<double>::infinity()).amin(1);
  // 0/0 (a sample alone in its cluster, or a = b = 0) becomes 0 as in sklearn.
  const torch::Tensor s = torch::nan_to_num((inter - intra) / torch::maximum(intra, inter), 0.0);
  return std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + n);
}

double silhouette_score(const torch::Tensor& x, const std::vector<int>& labels) {
  const std::vector<double> s = silhouette_samples(x, labels);
  double sum = 0.0;
  for (const double v : s) sum += v;
  return sum / static_cast<double>(s.size());
}

double davies_bouldin_score(const torch::Tensor& x, const std::vector<int>& labels) {
  const Labelled l = labelled(x, labels, "davies_bouldin_score");
  const torch::Tensor c = centroids(l);
  const torch::Tensor to_centroid = (l.x - c.index_select(0, l.codes)).square().sum(1).sqrt();
  const torch::Tensor spread = l.onehot.t().mv(to_centroid) / l.onehot.sum(0);  // [k]
  torch::Tensor between = detail::euclidean_distances(c, c);
  // numpy.allclose(v, 0): every |v| <= 1e-8.
  if (spread.abs().le(1e-8).all().item<bool>() || between.abs().le(1e-8).all().item<bool>()) {
    return 0.0;
  }
  between = between.masked_fill(between.eq(0.0), std::numeric_limits<double>::infinity());
  const torch::Tensor ratio = (spread.unsqueeze(1) + spread.unsqueeze(0)) / between;
  return ratio.amax(1).mean().item<double>();
}

double calinski_harabasz_score(const torch::Tensor& x, const std::vector<int>& labels) {
  const Labelled l = labelled(x, labels, "calinski_harabasz_score");
  const torch::Tensor c = centroids(l);
  const torch::Tensor mean = l.x.mean(0);
  const double extra = (l.onehot.sum(0) * (c - mean).square().sum(1)).sum().item<double>();
  const double intra = (l.x - c.index_select(0, l.codes)).square().sum().item<double>();
  if (intra == 0.0) return 1.0;
  const auto n = static_cast<double>(l.x.size(0));
  const auto k = static_cast<double>(l.encoded.classes.size());
  return extra * (n - k) / (intra * (k - 1.0));
}

}  // namespace tavrnn::eval
