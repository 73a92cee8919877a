#include "tavrnn/graphs/graph_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace tavrnn::graphs {
namespace {

struct Spread {
  double min = 0, median = 0, max = 0;
};

Spread spread(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double median = n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
  return {values.front(), median, values.back()};
}

std::string ranges_text(const WindowGraphInfo& info) {
  if (info.ranges.empty()) return "-";
  if (info.ranges.size() == 1)
    return fmt::format("[{}, {})", info.ranges[0].begin, info.ranges[0].end);
  return fmt::format("[{}, {}) +{}", info.ranges.front().begin, info.ranges.back().end,
                     info.ranges.size() - 1);
}

std::string bytes_text(double bytes) {
  if (bytes >= 1024.0 * 1024 * 1024)
    return fmt::format("{:.2f} GiB", bytes / (1024.0 * 1024 * 1024));
  if (bytes >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024));
  return fmt::format("{:.1f} KiB", bytes / 1024.0);
}

}  // namespace

std::string graph_sequence_summary(const GraphSequence& sequence) {
  const GraphSequenceSettings& s = sequence.settings();
  const std::size_t T = sequence.size(), N = sequence.n_units(), nodes = sequence.n_nodes();
  const bool filtered = s.rmt != "none";
  std::string out =
      fmt::format("{} graph{} of {} nodes ({} units{}), windows {}\n", T, T == 1 ? "" : "s", nodes,
                  N, s.history_node ? " + history node" : "", s.windows);
  out += fmt::format("  theta {}, rmt {}, features {}{}, seed {}\n", s.theta, s.rmt,
                     s.features == NodeFeatures::Rows           ? "rows of W"
                     : s.features == NodeFeatures::RowsAndRates ? "rows of W + unit rates"
                     : s.features == NodeFeatures::Descriptors  ? "unit descriptors"
                                                                : "identity",
                     s.top_k ? fmt::format(", top-k {}", *s.top_k) : "", s.seed);
  out += fmt::format("  {:>6} {:>6} {:<18} {:<10} {:>8} {:>6} {:<19} {:>9} {:>8} {}\n", "window",
                     "plan", "bins", "label", "zero-var", "kept", "bounds", "edges", "density",
                     "storage");
  for (std::size_t t = 0; t < T; ++t) {
    if (T > 20 && t == 10) {
      out += fmt::format("  {:>6}\n", "...");
      t = T - 5;
    }
    const WindowGraphInfo& info = sequence.info(t);
    const bool named =
        info.label >= 0 && static_cast<std::size_t>(info.label) < sequence.label_names.size();
    const std::string label = named ? sequence.label_names[static_cast<std::size_t>(info.label)]
                              : info.label >= 0 ? std::to_string(info.label)
                                                : "-";
    const std::string bounds =
        filtered ? fmt::format("[{:.3g}, {:.3g}]", info.lambda_low, info.lambda_high) : "-";
    out += fmt::format("  {:>6} {:>6} {:<18} {:<10} {:>8} {:>6} {:<19} {:>9} {:>8.4f} {}{}\n", t,
                       info.source_index, ranges_text(info), label, info.zero_variance_units,
                       info.components_kept, bounds, info.edges,
                       static_cast<double>(info.edges) / static_cast<double>(nodes * nodes),
                       info.storage == AdjacencyStorage::Sparse ? "sparse" : "dense",
                       info.degeneracy == GraphDegeneracy::Complete  ? "  COMPLETE"
                       : info.degeneracy == GraphDegeneracy::NoEdges ? "  NO EDGES"
                                                                     : "");
  }
  std::vector<double> edges, density, kept, zero_var, surrogates;
  double bytes = 0;
  std::string degenerate;
  for (std::size_t t = 0; t < T; ++t) {
    const WindowGraphInfo& info = sequence.info(t);
    edges.push_back(static_cast<double>(info.edges));
    density.push_back(static_cast<double>(info.edges) / static_cast<double>(nodes * nodes));
    kept.push_back(static_cast<double>(info.components_kept));
    zero_var.push_back(static_cast<double>(info.zero_variance_units));
    surrogates.push_back(static_cast<double>(info.surrogates));
    bytes += static_cast<double>(info.bytes);
    if (info.degenerate) {
      degenerate +=
          fmt::format("{}{} ({})", degenerate.empty() ? "" : ", ", t,
                      info.degeneracy == GraphDegeneracy::Complete ? "complete" : "no edges");
    }
  }
  const Spread e = spread(edges), d = spread(density), k = spread(kept), z = spread(zero_var),
               sg = spread(surrogates);
  out += fmt::format(
      "edges per window (self loops included): min {:.0f}, median {:.0f}, max {:.0f}; "
      "density {:.4f} to {:.4f}\n",
      e.min, e.median, e.max, d.min, d.max);
  if (filtered) {
    out += fmt::format("components kept by filtering: min {:.0f}, median {:.0f}, max {:.0f} of {}",
                       k.min, k.median, k.max, N);
    out += sg.max > 0 ? fmt::format("; surrogates per window {:.0f} to {:.0f}\n", sg.min, sg.max)
                      : "\n";
  }
  out += fmt::format("zero-variance units per window: min {:.0f}, median {:.0f}, max {:.0f}\n",
                     z.min, z.median, z.max);
  out += fmt::format("memory: {} for W and A\n", bytes_text(bytes));
  out += fmt::format("degenerate windows: {}\n", degenerate.empty() ? "none" : degenerate);
  return out;
}

}  // namespace tavrnn::graphs
