// Perplexity calibration of t-SNE's input affinities. All points are
// bisected at once with tensor ops; each point's arithmetic is the same as
// in scikit-learn's per-point loop (sklearn/manifold/_utils.pyx), so the
// betas and P agree with it to rounding.
#include <fmt/format.h>

#include <cfloat>
#include <cmath>
#include <limits>

#include "tavrnn/util/error.h"
#include "tavrnn/embedding/tsne.h"

namespace tavrnn::embedding {
namespace {

constexpr int kMaxSteps = 100;
constexpr double kEntropyTolerance = 1e-5;
// sklearn's EPSILON_DBL: the row sum used when every exp() underflowed.
constexpr double kEmptyRowSum = 1e-8;

void check_square(const torch::Tensor& d, const char* what) {
  if (d.dim() != 2 || d.size(0) != d.size(1) || !d.is_floating_point())
    throw Error(fmt::format("{}: squared_distances must be a square floating-point [n, n] "
                            "tensor, got {}-D",
                            what, d.dim()));
}

struct RowDistributions {
  torch::Tensor p;        // [n, n] rows normalised, zero diagonal
  torch::Tensor entropy;  // [n] natural log
};

// In place where possible: the search runs up to 100 times over [n, n].
RowDistributions rows_at(const torch::Tensor& d, const torch::Tensor& beta) {
  torch::Tensor p = (d * -beta.unsqueeze(1)).exp_().fill_diagonal_(0);
  torch::Tensor sum = p.sum(1);
  sum = torch::where(sum == 0, torch::full_like(sum, kEmptyRowSum), sum);
  p.div_(sum.unsqueeze(1));
  // H = log(sum) + beta * E[d]: the entropy of the normalised row.
  torch::Tensor entropy = sum.log_() + beta * (d * p).sum(1);
  return {p, entropy};
}

}  // namespace

torch::Tensor conditional_probabilities(const torch::Tensor& squared_distances,
                                        double perplexity) {
  check_square(squared_distances, "conditional_probabilities");
  const std::int64_t n = squared_distances.size(0);
  if (!(perplexity > 0))
    throw Error(fmt::format("conditional_probabilities: perplexity must be > 0, got {}",
                            perplexity));
  const torch::Tensor d = squared_distances.to(torch::kFloat64);
  const auto options = d.options();
  const double target = std::log(perplexity);
  const double inf = std::numeric_limits<double>::infinity();

  torch::Tensor beta = torch::ones({n}, options);
  torch::Tensor beta_min = torch::full({n}, -inf, options);
  torch::Tensor beta_max = torch::full({n}, inf, options);
  torch::Tensor done = torch::zeros({n}, options.dtype(torch::kBool));
  for (int step = 0; step < kMaxSteps; ++step) {
    const torch::Tensor diff = rows_at(d, beta).entropy - target;
    done = done | (diff.abs() <= kEntropyTolerance);
    // sklearn keeps the P of its last step; the beta of that step is kept here.
    if (step == kMaxSteps - 1 || done.all().item<bool>()) break;
    // Too flat (entropy above target): sharpen, i.e. raise beta.
    const torch::Tensor up = diff > 0;
    const torch::Tensor raised =
        torch::where(beta_max.isinf(), beta * 2, (beta + beta_max) / 2);
    const torch::Tensor lowered =
        torch::where(beta_min.isinf(), beta / 2, (beta + beta_min) / 2);
    beta_min = torch::where(~done & up, beta, beta_min);
    beta_max = torch::where(~done & ~up, beta, beta_max);
    beta = torch::where(done, beta, torch::where(up, raised, lowered));
  }
  return rows_at(d, beta).p;
}

torch::Tensor joint_probabilities(const torch::Tensor& squared_distances, double perplexity) {
  const torch::Tensor conditional = conditional_probabilities(squared_distances, perplexity);
  torch::Tensor p = conditional + conditional.t();
  p.div_(p.sum().clamp_min(DBL_EPSILON));
  // Like sklearn, no pair gets exactly zero probability (log P in the KL).
  return p.clamp_min_(DBL_EPSILON).fill_diagonal_(0);
}

torch::Tensor squared_euclidean_distances(const torch::Tensor& x) {
  if (x.dim() != 2 || !x.is_floating_point())
    throw Error(fmt::format("squared_euclidean_distances: x must be a 2-D floating-point "
                            "tensor [n, d], got {}-D",
                            x.dim()));
  const torch::Tensor x64 = x.to(torch::kFloat64);
  const torch::Tensor norms = x64.square().sum(1);
  // |a|^2 + |b|^2 - 2 a.b (one matrix product; what sklearn's
  // pairwise_distances computes) can go slightly negative by cancellation.
  return torch::addmm(norms.unsqueeze(1), x64, x64.t(), /*beta=*/1, /*alpha=*/-2)
      .add_(norms.unsqueeze(0))
      .clamp_min_(0)
      .fill_diagonal_(0);
}

}  // namespace tavrnn::embedding
