#include "tavrnn/graphs/node_descriptors.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::graphs {
namespace {

// The (row, column) entries of a [N', N'] matrix in row-major order, with
// their values in float64, whether it is dense or sparse COO.
struct Entries {
  torch::Tensor rows, columns, values;
};

Entries entries(const torch::Tensor& m) {
  Entries e;
  if (m.is_sparse()) {
    const torch::Tensor c = m.coalesce().cpu();
    e.rows = c.indices()[0].contiguous();
    e.columns = c.indices()[1].contiguous();
    e.values = c.values().to(torch::kFloat64).contiguous();
  } else {
    const torch::Tensor d = m.cpu();
    const torch::Tensor nz = d.nonzero();
    e.rows = nz.select(1, 0).contiguous();
    e.columns = nz.select(1, 1).contiguous();
    e.values = d.index({e.rows, e.columns}).to(torch::kFloat64).contiguous();
  }
  return e;
}

// The units' graph without self loops or the history node, as adjacency
// lists in CSR form, each edge with its weight.
struct UnitGraph {
  std::vector<int64_t> offsets;  // N + 1
  std::vector<int64_t> neighbours;
  std::vector<double> weights;
  int64_t degree(int64_t i) const { return offsets[i + 1] - offsets[i]; }
};

UnitGraph unit_graph(const torch::Tensor& adjacency, const torch::Tensor& weights, int64_t n) {
  const Entries a = entries(adjacency);
  const Entries w = entries(weights);
  const auto* ar = a.rows.data_ptr<int64_t>();
  const auto* ac = a.columns.data_ptr<int64_t>();
  const auto* wr = w.rows.data_ptr<int64_t>();
  const auto* wc = w.columns.data_ptr<int64_t>();
  const auto* wv = w.values.data_ptr<double>();
  const int64_t w_count = w.rows.numel();
  UnitGraph g;
  g.offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  int64_t at = 0;  // merge position in W's entries (both are row-major)
  for (int64_t e = 0; e < a.rows.numel(); ++e) {
    const int64_t i = ar[e], j = ac[e];
    if (i >= n || j >= n || i == j) continue;
    while (at < w_count && (wr[at] < i || (wr[at] == i && wc[at] < j))) ++at;
    const bool weighted = at < w_count && wr[at] == i && wc[at] == j;
    g.neighbours.push_back(j);
    g.weights.push_back(weighted ? wv[at] : 0.0);
    ++g.offsets[static_cast<std::size_t>(i) + 1];
  }
  for (int64_t i = 0; i < n; ++i) g.offsets[i + 1] += g.offsets[i];
  return g;
}

}  // namespace

const std::vector<std::string>& descriptor_names() {
  static const std::vector<std::string> names = {"rate_z",   "degree",   "strength", "clustering",
                                                 "return_2", "return_3", "return_4", "history"};
  return names;
}

torch::Tensor node_descriptors(const torch::Tensor& adjacency, const torch::Tensor& weights,
                               std::size_t n_units, const std::vector<double>& rate_z,
                               bool history_node) {
  const auto n = static_cast<int64_t>(n_units);
  const int64_t nodes = n + (history_node ? 1 : 0);
  for (const auto* m : {&adjacency, &weights}) {
    if (m->dim() != 2 || m->size(0) != nodes || m->size(1) != nodes) {
      throw Error(fmt::format("node descriptors: expected [{0}, {0}] adjacency and weights, found [{1}]", nodes,
                              fmt::join(m->sizes(), ", ")));
    }
  }
  if (rate_z.size() != n_units) {
    throw Error(fmt::format("node descriptors: expected {} unit rates, found {}", n_units, rate_z.size()));
  }
  const UnitGraph g = unit_graph(adjacency, weights, n);
  constexpr int64_t width = static_cast<int64_t>(kDescriptorWidth);
  torch::Tensor out = torch::zeros({nodes, width}, torch::kFloat64);
  double* x = out.data_ptr<double>();
  const double others = n > 1 ? static_cast<double>(n - 1) : 1.0;
  std::vector<double> inverse_root_degree(static_cast<std::size_t>(n), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    if (g.degree(i) > 0) inverse_root_degree[i] = 1.0 / std::sqrt(static_cast<double>(g.degree(i)));
  }
  // Row i of S^2 and of A^2 (S = D^-1/2 A D^-1/2), on the nodes it reaches.
  // P = D^-1 A is similar to S, so (P^k)_ii = (S^k)_ii, and S is symmetric:
  // (S^2)_ii = sum_j S_ij^2, (S^3)_ii = sum_j (S^2)_ij S_ij, (S^4)_ii =
  // sum_j (S^2)_ij^2. (A^2)_ij counts the common neighbours, so i's
  // triangles are sum over its neighbours j of (A^2)_ij / 2.
  std::vector<double> s2(static_cast<std::size_t>(n), 0.0);
  std::vector<int64_t> common(static_cast<std::size_t>(n), 0);  // > 0 exactly on the nodes reached
  std::vector<int64_t> touched;
  for (int64_t i = 0; i < n; ++i) {
    double* row = x + i * width;
    row[0] = rate_z[static_cast<std::size_t>(i)];
    const int64_t d = g.degree(i);
    if (d == 0) continue;
    double strength = 0.0;
    for (int64_t e = g.offsets[i]; e < g.offsets[i + 1]; ++e) strength += g.weights[e];
    row[1] = static_cast<double>(d) / others;
    row[2] = strength / others;
    double r2 = 0.0;
    for (int64_t e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
      const int64_t k = g.neighbours[e];
      const double s_ik = inverse_root_degree[i] * inverse_root_degree[k];
      r2 += s_ik * s_ik;
      for (int64_t f = g.offsets[k]; f < g.offsets[k + 1]; ++f) {
        const int64_t j = g.neighbours[f];
        if (common[j] == 0) touched.push_back(j);
        s2[j] += s_ik * inverse_root_degree[k] * inverse_root_degree[j];
        ++common[j];
      }
    }
    double r3 = 0.0, triangles = 0.0;
    for (int64_t e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
      const int64_t j = g.neighbours[e];
      r3 += s2[j] * inverse_root_degree[i] * inverse_root_degree[j];
      triangles += static_cast<double>(common[j]);
    }
    double r4 = 0.0;
    for (const int64_t j : touched) {
      r4 += s2[j] * s2[j];
      s2[j] = 0.0;
      common[j] = 0;
    }
    touched.clear();
    triangles /= 2.0;
    row[3] = d >= 2 ? 2.0 * triangles / (static_cast<double>(d) * static_cast<double>(d - 1)) : 0.0;
    row[4] = r2;
    row[5] = r3;
    row[6] = r4;
  }
  if (history_node) x[n * width + width - 1] = 1.0;
  return out.to(weights.device(), weights.scalar_type());
}

}  // namespace tavrnn::graphs
