// t-SNE's optimiser, step for step scikit-learn's _gradient_descent as
// TSNE(method="exact") drives it: an exploration phase with exaggerated P
// and low momentum, then the rest with the true P; each phase starts with
// zero velocity and unit gains (sklearn calls its optimiser afresh).
#include "tavrnn/embedding/tsne.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>

#include "embedding/tsne_objective.h"
#include "tavrnn/util/error.h"
#include "tavrnn/util/progress.h"
#include "tavrnn/embedding/pca.h"

namespace tavrnn::embedding {
namespace {

void check_options(const TsneOptions& o, std::int64_t n) {
  auto fail = [](const std::string& what) { throw Error("tsne: " + what); };
  if (n < 2) fail(fmt::format("need at least 2 points, got {}", n));
  if (o.dimensions < 1) fail(fmt::format("dimensions must be >= 1, got {}", o.dimensions));
  if (!(o.early_exaggeration >= 1))
    fail(fmt::format("early_exaggeration must be >= 1, got {}", o.early_exaggeration));
  if (o.exploration_iterations < 0 || o.iterations < o.exploration_iterations)
    fail(fmt::format("need 0 <= exploration_iterations ({}) <= iterations ({})",
                     o.exploration_iterations, o.iterations));
  if (o.learning_rate && !(*o.learning_rate > 0))
    fail(fmt::format("learning_rate must be > 0, got {}", *o.learning_rate));
  if (o.check_every < 1) fail(fmt::format("check_every must be >= 1, got {}", o.check_every));
}

// The start that needs no data: given, or random. Undefined for TsneInit::Pca.
torch::Tensor initial_without_data(std::int64_t n, const TsneOptions& o, torch::Device device) {
  if (o.initial_embedding.defined()) {
    if (o.initial_embedding.dim() != 2 || o.initial_embedding.size(0) != n ||
        o.initial_embedding.size(1) != o.dimensions)
      throw Error(fmt::format("tsne: initial_embedding must be [n = {}, dimensions = {}], got {}",
                              n, o.dimensions, fmt::join(o.initial_embedding.sizes(), "x")));
    return o.initial_embedding.to(device, torch::kFloat64);
  }
  if (o.init == TsneInit::Random) {
    // Drawn on the CPU so that a seed gives the same start on every device.
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(o.seed);
    return (torch::randn({n, o.dimensions}, generator, torch::kFloat64) * 1e-4).to(device);
  }
  return {};
}

torch::Tensor initial_embedding(const torch::Tensor& x, const TsneOptions& o) {
  const std::int64_t n = x.size(0);
  if (torch::Tensor y = initial_without_data(n, o, x.device()); y.defined()) return y;
  if (o.dimensions > std::min(n, x.size(1)))
    throw Error(fmt::format("tsne: init pca needs dimensions ({}) <= min(n, d) = {}; use "
                            "init random",
                            o.dimensions, std::min(n, x.size(1))));
  const torch::Tensor scores = pca(x.to(torch::kFloat64), o.dimensions).scores;
  // sklearn's scale: small enough that the early steps are driven by P alone.
  const torch::Tensor std0 = scores.select(1, 0).std(/*unbiased=*/false);
  return scores / std0.clamp_min(std::numeric_limits<double>::min()) * 1e-4;
}

struct Phase {
  std::int64_t end;  // runs from the iteration after the last one run up to here
  double momentum;
  std::int64_t without_progress;
};

// p: [n, n] joint probabilities, y: [n, dimensions] start, both float64.
TsneResult optimise(const torch::Tensor& p, torch::Tensor y, const TsneOptions& options) {
  const double learning_rate = tsne_learning_rate(options, p.size(0));
  const double dof = std::max<double>(static_cast<double>(options.dimensions) - 1, 1);

  ProgressBar bar("t-SNE", static_cast<std::size_t>(options.iterations));
  std::int64_t last = -1;  // index of the last iteration run
  const Phase phases[] = {
      {options.exploration_iterations, options.early_momentum, options.exploration_iterations},
      {options.iterations, options.momentum, options.iterations_without_progress}};
  for (int phase_index = 0; phase_index < 2; ++phase_index) {
    const Phase& phase = phases[phase_index];
    const torch::Tensor target = phase_index == 0 ? p * options.early_exaggeration : p;
    torch::Tensor velocity = torch::zeros_like(y);
    torch::Tensor gains = torch::ones_like(y);
    double best_kl = std::numeric_limits<double>::max();
    std::int64_t best_iteration = last + 1;
    for (std::int64_t i = last + 1; i < phase.end; ++i) {
      const bool check = (i + 1) % options.check_every == 0;
      detail::KlObjective objective = detail::kl_objective(target, y, dof, check);
      // A gain grows while the velocity still points downhill (against the
      // gradient) and shrinks once the coordinate has overshot.
      const torch::Tensor downhill = (velocity * objective.gradient) < 0;
      gains = torch::where(downhill, gains + 0.2, gains * 0.8).clamp_min_(options.min_gain);
      const torch::Tensor step = objective.gradient * gains;
      velocity = phase.momentum * velocity - learning_rate * step;
      y = y + velocity;
      last = i;
      if (!check) continue;
      // The only host round-trips: once every check_every iterations.
      const double kl = objective.kl.item<double>();
      const double grad_norm = step.norm().item<double>();
      bar.update(static_cast<std::size_t>(i + 1), fmt::format("KL {:.4f}", kl));
      if (kl < best_kl) {
        best_kl = kl;
        best_iteration = i;
      } else if (i - best_iteration > phase.without_progress) {
        break;
      }
      if (grad_norm <= options.min_grad_norm) break;
    }
  }
  bar.finish();

  TsneResult result;
  result.kl_divergence = detail::kl_objective(p, y, dof, true).kl.item<double>();
  result.iterations = last + 1;
  result.embedding = y;
  return result;
}

}  // namespace

double tsne_learning_rate(const TsneOptions& options, std::int64_t n) {
  if (options.learning_rate) return *options.learning_rate;
  return std::max(static_cast<double>(n) / options.early_exaggeration / 4, 50.0);
}

TsneResult tsne(const torch::Tensor& x, const TsneOptions& options) {
  if (x.dim() != 2 || !x.is_floating_point())
    throw Error(fmt::format("tsne: x must be a 2-D floating-point tensor [n, d], got {}-D",
                            x.dim()));
  const std::int64_t n = x.size(0);
  check_options(options, n);
  if (!(options.perplexity > 0) || options.perplexity >= static_cast<double>(n))
    throw Error(fmt::format("tsne: perplexity must be in (0, n = {}), got {}", n,
                            options.perplexity));
  const torch::Tensor p = joint_probabilities(squared_euclidean_distances(x), options.perplexity);
  TsneResult result = optimise(p, initial_embedding(x, options), options);
  result.embedding = result.embedding.to(x.scalar_type());
  return result;
}

TsneResult tsne_from_joint_probabilities(const torch::Tensor& p, const TsneOptions& options) {
  if (p.dim() != 2 || p.size(0) != p.size(1) || !p.is_floating_point())
    throw Error(fmt::format("tsne: p must be a square floating-point [n, n] tensor, got {}-D",
                            p.dim()));
  check_options(options, p.size(0));
  const torch::Tensor y = initial_without_data(p.size(0), options, p.device());
  if (!y.defined())
    throw Error("tsne: init pca needs the data; from joint probabilities give "
                "initial_embedding or use init random");
  return optimise(p.to(torch::kFloat64), y, options);
}

}  // namespace tavrnn::embedding
