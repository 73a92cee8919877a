#include "tavrnn/eval/baselines.h"

#include <algorithm>

#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/embedding/pca.h"
#include "tavrnn/recording/activity_tensor.h"
#include "tavrnn/util/error.h"

namespace tavrnn::eval {

namespace {

struct NamedKind {
  const char* name;
  BaselineKind kind;
};
constexpr NamedKind kKinds[] = {{"pca-activity", BaselineKind::PcaActivity},
                                {"corr-pca", BaselineKind::CorrPca},
                                {"rates", BaselineKind::Rates}};

// Zero-pads (or keeps) the columns of x to exactly `width`, so every window's
// embedding has the same shape even when a window has fewer bins than dims.
torch::Tensor pad_columns(const torch::Tensor& x, int64_t width) {
  if (x.size(1) >= width) return x.narrow(1, 0, width);
  return torch::nn::functional::pad(x, torch::nn::functional::PadFuncOptions({0, width - x.size(1)}));
}

// The window's activity, units x bins (its ranges concatenated), float64.
torch::Tensor window_activity(const Recording& recording, const graphs::WindowGraphInfo& info) {
  const auto& activity = recording.activity();
  const torch::Tensor all = activity_tensor(activity);
  std::vector<torch::Tensor> pieces;
  for (const auto& r : info.ranges) {
    pieces.push_back(all.narrow(1, static_cast<int64_t>(r.begin), static_cast<int64_t>(r.end - r.begin)));
  }
  return torch::cat(pieces, 1).to(torch::kFloat64);
}

void check_recording_matches(const Recording* recording, const graphs::GraphSequence& sequence,
                             const std::string& kind) {
  if (recording == nullptr) {
    throw Error(fmt::format("baseline {} needs the recording the graphs were built from "
                            "(`recording` FILE)", kind));
  }
  if (recording->n_units() != sequence.n_units()) {
    throw Error(fmt::format("baseline {}: the recording has {} units but the graphs {}", kind,
                            recording->n_units(), sequence.n_units()));
  }
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    for (const auto& r : sequence.info(t).ranges) {
      if (r.end > recording->n_bins()) {
        throw Error(fmt::format("baseline {}: window {} ends at bin {} but the recording has {} bins "
                                "(is it the recording these graphs were built from?)",
                                kind, t, r.end, recording->n_bins()));
      }
    }
  }
}

}  // namespace

BaselineKind parse_baseline_kind(const std::string& name) {
  for (const auto& k : kKinds) {
    if (name == k.name) return k.kind;
  }
  throw Error(fmt::format("unknown baseline '{}' (known: pca-activity, corr-pca, rates)", name));
}

std::string baseline_kind_name(BaselineKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

bool is_baseline_name(const std::string& name) {
  for (const auto& k : kKinds) {
    if (name == k.name) return true;
  }
  return false;
}

torch::Tensor principal_component_scores(const torch::Tensor& x, int64_t k) {
  const torch::Tensor x64 = x.to(torch::kFloat64);
  return embedding::pca(x64, std::min({k, x64.size(0), x64.size(1)})).scores;
}

torch::Tensor window_rates(const Recording& recording, const graphs::GraphSequence& sequence) {
  check_recording_matches(&recording, sequence, "rates");
  auto rates = torch::empty({static_cast<int64_t>(sequence.size()), static_cast<int64_t>(sequence.n_units())},
                            torch::kFloat64);
  for (std::size_t t = 0; t < sequence.size(); ++t) {
    rates[static_cast<int64_t>(t)] = window_activity(recording, sequence.info(t)).mean(1) /
                                     recording.bin_width_s();
  }
  return rates;
}

train::Embeddings baseline_embeddings(BaselineKind kind, const Recording* recording,
                                      const graphs::GraphSequence& sequence, int64_t latent) {
  if (latent < 1) throw Error(fmt::format("baseline latent dimension must be >= 1, got {}", latent));
  const std::string name = baseline_kind_name(kind);
  const auto n = static_cast<int64_t>(sequence.n_units());
  train::Embeddings e;
  std::vector<torch::Tensor> nodes;
  switch (kind) {
    case BaselineKind::Rates: {
      check_recording_matches(recording, sequence, name);
      const auto rates = window_rates(*recording, sequence);
      e.population_mean = rates;
      e.mu = rates.unsqueeze(2);  // [T, N, 1]
      return e;
    }
    case BaselineKind::PcaActivity: {
      check_recording_matches(recording, sequence, name);
      // Units with different rates weigh alike: z-score each unit across windows.
      const auto rates = window_rates(*recording, sequence);
      const auto sd = rates.std(0, /*unbiased=*/false, /*keepdim=*/true);
      const auto scaled = (rates - rates.mean(0, true)) / torch::where(sd > 0, sd, torch::ones_like(sd));
      e.population_mean = pad_columns(principal_component_scores(scaled, latent), latent);
      for (std::size_t t = 0; t < sequence.size(); ++t) {
        nodes.push_back(pad_columns(
            principal_component_scores(window_activity(*recording, sequence.info(t)), latent), latent));
      }
      break;
    }
    case BaselineKind::CorrPca: {
      const auto upper = torch::triu_indices(n, n, /*offset=*/1);
      std::vector<torch::Tensor> triangles;
      for (std::size_t t = 0; t < sequence.size(); ++t) {
        auto w = sequence.dense_weights(t).to(torch::kCPU, torch::kFloat64);
        w = w.narrow(0, 0, n).narrow(1, 0, n);  // units only, no history node
        triangles.push_back(w.index({upper[0], upper[1]}));
        nodes.push_back(pad_columns(principal_component_scores(w, latent), latent));
      }
      e.population_mean = pad_columns(principal_component_scores(torch::stack(triangles), latent), latent);
      break;
    }
  }
  e.mu = torch::stack(nodes);
  return e;
}

}  // namespace tavrnn::eval
