// The simulator plants which unit groups share a drive in each behaviour
// state (include/tavrnn/simulate.h); the graphs must show it. For every pair
// of groups and every window we take the fraction of above-threshold edges
// between units of different groups that join that pair. In windows of a
// state where the pair shares a drive it must be high (well above the
// pair's share of all cross-group unit pairs, "chance"), in windows of a
// state where it does not, near zero. The numbers are in the messages.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <set>

#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/simulate/simulate.h"

namespace tavrnn::graphs {
namespace {

struct PairStatistics {
  std::vector<double> coupled, uncoupled;  // fractions, one per window
  double chance = 0.0;                     // share of cross-group unit pairs
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

double max_of(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, x);
  return m;
}

std::map<std::string, PairStatistics> pair_fractions(const SimulatedRecording& sim,
                                                     const GraphSequence& seq) {
  const auto& truth = sim.ground_truth;
  const std::vector<std::string> names = truth["groups"]["names"];
  const std::vector<int> unit_group = truth["groups"]["unit_group"];
  const std::set<std::size_t> silent = truth["silent_units"];
  std::map<int, std::set<std::pair<int, int>>> coupled_in_state;
  for (const auto& state : truth["states"]) {
    for (const auto& pair : state["coupled_group_pairs"]) {
      const int g =
          static_cast<int>(std::find(names.begin(), names.end(), pair[0]) - names.begin());
      const int h =
          static_cast<int>(std::find(names.begin(), names.end(), pair[1]) - names.begin());
      coupled_in_state[state["code"].get<int>()].insert({std::min(g, h), std::max(g, h)});
    }
  }
  const auto n = static_cast<int64_t>(seq.n_units());
  const auto G = static_cast<int>(names.size());
  // Group membership as a [G, N] 0/1 matrix (silent units left out), so
  // that M A M^T counts edges between every pair of groups at once.
  torch::Tensor member = torch::zeros({G, n}, torch::kFloat64);
  for (int64_t u = 0; u < n; ++u) {
    if (!silent.count(static_cast<std::size_t>(u)))
      member[unit_group[static_cast<std::size_t>(u)]][u] = 1.0;
  }
  const torch::Tensor sizes = member.sum(1);
  std::map<std::string, PairStatistics> out;
  double cross_pairs = 0;
  for (int g = 0; g < G; ++g)
    for (int h = g + 1; h < G; ++h)
      cross_pairs += sizes[g].item<double>() * sizes[h].item<double>();
  for (std::size_t t = 0; t < seq.size(); ++t) {
    const torch::Tensor a =
        seq.dense_adjacency(t).slice(0, 0, n).slice(1, 0, n).to(torch::kFloat64);
    const torch::Tensor counts = torch::matmul(torch::matmul(member, a), member.t());  // [G, G]
    double cross = 0;
    for (int g = 0; g < G; ++g)
      for (int h = g + 1; h < G; ++h) cross += counts[g][h].item<double>();
    for (int g = 0; g < G; ++g) {
      for (int h = g + 1; h < G; ++h) {
        PairStatistics& p = out[names[g] + "-" + names[h]];
        p.chance = sizes[g].item<double>() * sizes[h].item<double>() / cross_pairs;
        const double fraction = cross > 0 ? counts[g][h].item<double>() / cross : 0.0;
        const bool coupled = coupled_in_state[seq.info(t).label].count({g, h}) > 0;
        (coupled ? p.coupled : p.uncoupled).push_back(fraction);
      }
    }
  }
  return out;
}

// Every pair that is coupled in some windows and not in others: coupled
// windows at least half the chance share and 10x the uncoupled windows'
// worst; uncoupled windows below `low`.
void expect_planted(const std::map<std::string, PairStatistics>& pairs, double low) {
  std::string table;
  for (const auto& [name, p] : pairs) {
    table += fmt::format(
        "  {:<16} coupled {:.3f} (n={}), uncoupled mean {:.4f} max {:.4f} (n={}), "
        "chance {:.3f}\n",
        name, mean(p.coupled), p.coupled.size(), mean(p.uncoupled), max_of(p.uncoupled),
        p.uncoupled.size(), p.chance);
  }
  std::size_t tested = 0;
  for (const auto& [name, p] : pairs) {
    if (p.coupled.empty() || p.uncoupled.empty()) continue;
    ++tested;
    EXPECT_GT(mean(p.coupled), 0.5 * p.chance) << name << "\n" << table;
    EXPECT_GT(mean(p.coupled), 10 * max_of(p.uncoupled)) << name << "\n" << table;
    EXPECT_LT(max_of(p.uncoupled), low) << name << "\n" << table;
  }
  EXPECT_GT(tested, 0u) << table;
  std::cout << table;
}

TEST(PlantedStructure, SmallPresetCoupledGroupPairsCarryTheEdgesOfTheirState) {
  const SimulatedRecording sim = simulate("small", 5);
  GraphBuilderOptions o;
  o.theta = 0.25;
  o.history_node = true;
  const WindowPlan plan = WindowPlan::segments(sim.recording, 400, SegmentMode::Contiguous);
  const GraphSequence seq = CorrelationGraphBuilder(o).build(sim.recording, plan);
  ASSERT_GE(seq.size(), 4u);
  expect_planted(pair_fractions(sim, seq), 0.02);
}

TEST(PlantedStructure, DishbrainLikePresetSensoryMotorEdgesOnlyInHighState) {
  const SimulatedRecording sim = simulate("dishbrain-like", 5);
  // Two windows of 1200 bins (1 min) inside segments of each state.
  std::vector<BinRange> ranges;
  std::map<std::string, int> taken;
  for (const auto& seg : sim.ground_truth["segments"]) {
    const std::size_t begin = seg["start_bin"], end = seg["end_bin"];
    if (end - begin >= 1200 && taken[seg["state"]]++ < 2) ranges.push_back({begin, begin + 1200});
  }
  ASSERT_EQ(ranges.size(), 4u);
  GraphBuilderOptions o;
  o.theta = 0.2;
  const GraphSequence seq = CorrelationGraphBuilder(o).build(
      sim.recording, WindowPlan::explicit_ranges(sim.recording, ranges));
  expect_planted(pair_fractions(sim, seq), 0.02);
}

}  // namespace
}  // namespace tavrnn::graphs
