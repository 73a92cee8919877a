#include "tavrnn/train/sampled_reconstruction.h"

#include <cmath>
#include <mutex>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The pairs one call scores: A's non-zeros (CSR of the target) and the drawn
// non-edges (K per row, -1 where a row has none), with their weights.
template <typename T>
double pair_bce(const torch::Tensor& z, const ReconstructionTarget& target, const std::vector<int64_t>& drawn,
                const std::vector<double>& drawn_weight, int64_t per_node, torch::Tensor& grad) {
  const int64_t n = z.size(0), latent = z.size(1);
  const T* zs = z.data_ptr<T>();
  T* g = grad.data_ptr<T>();
  const int64_t* offsets = target.row_offsets.data_ptr<int64_t>();
  const int64_t* columns = target.columns.data_ptr<int64_t>();
  const T* values = target.values.data_ptr<T>();
  const double scale = target.weights.norm / static_cast<double>(n * n);
  const double pw = target.weights.pos_weight;
  double loss = 0;
  // One entry (i, j) of target y at weight w: w (pw y softplus(-x) + (1 - y) softplus(x)).
  const auto add_pair = [&](int64_t i, int64_t j, double y, double w) {
    const T* zi = zs + i * latent;
    const T* zj = zs + j * latent;
    double x = 0;
    for (int64_t k = 0; k < latent; ++k) x += static_cast<double>(zi[k]) * static_cast<double>(zj[k]);
    const double s = sigmoid(x);
    loss += w * (pw * y * softplus(-x) + (1.0 - y) * softplus(x));
    const double d = w * (pw * y * (s - 1.0) + (1.0 - y) * s);
    T* gi = g + i * latent;
    T* gj = g + j * latent;
    for (int64_t k = 0; k < latent; ++k) {
      gi[k] += static_cast<T>(d * static_cast<double>(zj[k]));
      gj[k] += static_cast<T>(d * static_cast<double>(zi[k]));
    }
  };
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t e = offsets[i]; e < offsets[i + 1]; ++e) {
      add_pair(i, columns[e], static_cast<double>(values[e]), scale);
    }
    for (int64_t k = 0; k < per_node; ++k) {
      const int64_t j = drawn[i * per_node + k];
      if (j >= 0) add_pair(i, j, 0.0, scale * drawn_weight[i]);
    }
  }
  return loss;
}

struct SampledBce : public torch::autograd::Function<SampledBce> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& z_in, const ReconstructionTarget* target,
                               const std::vector<int64_t>* drawn, const std::vector<double>* drawn_weight,
                               int64_t per_node) {
    const auto z = z_in.contiguous();
    auto grad = torch::zeros_like(z);
    double loss = 0;
    AT_DISPATCH_FLOATING_TYPES(z.scalar_type(), "sampled_bce", [&] {
      loss = pair_bce<scalar_t>(z, *target, *drawn, *drawn_weight, per_node, grad);
    });
    ctx->save_for_backward({grad});
    return torch::full({}, loss, z.options());
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    return {ctx->get_saved_variables()[0] * grad_output[0], torch::Tensor(), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

SampledReconstruction::SampledReconstruction(const ReconstructionTarget& target, int64_t non_edges_per_node)
    : target_(&target), per_node_(non_edges_per_node) {
  if (per_node_ < 1) throw Error(fmt::format("sampled loss: expected K >= 1 non-edges per node, found {}", per_node_));
  if (!target.symmetric) {
    throw Error("sampled loss: needs a symmetric A on the CPU (every graph tavrnn builds); use the full loss");
  }
  const int64_t n = target.n_nodes;
  std::vector<std::vector<int64_t>> blocked(static_cast<std::size_t>(n));
  const int64_t* offsets = target.row_offsets.data_ptr<int64_t>();
  const int64_t* columns = target.columns.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) blocked[i].assign(columns + offsets[i], columns + offsets[i + 1]);
  if (target.excluded_first.defined() && target.excluded_first.numel() > 0) {
    const auto first = target.excluded_first.to(torch::kCPU).contiguous();
    const auto second = target.excluded_second.to(torch::kCPU).contiguous();
    const int64_t* a = first.data_ptr<int64_t>();
    const int64_t* b = second.data_ptr<int64_t>();
    for (int64_t p = 0; p < first.numel(); ++p) {
      blocked[a[p]].push_back(b[p]);
      blocked[b[p]].push_back(a[p]);
    }
  }
  std::vector<int64_t> row_offsets{0}, all;
  for (auto& row : blocked) {
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    all.insert(all.end(), row.begin(), row.end());
    row_offsets.push_back(static_cast<int64_t>(all.size()));
  }
  blocked_offsets_ = torch::tensor(row_offsets, torch::kInt64);
  blocked_columns_ = torch::tensor(all, torch::kInt64);
}

torch::Tensor SampledReconstruction::nll(const torch::Tensor& z, at::Generator& generator) const {
  TORCH_CHECK(z.device().is_cpu(), "the sampled loss runs on the CPU");
  const int64_t n = target_->n_nodes;
  // Draws: the r-th non-blocked column of row i for r uniform in [0, m_i),
  // found by stepping over the sorted blocked columns (exact, no rejection).
  std::vector<int64_t> drawn(static_cast<std::size_t>(n * per_node_), -1);
  std::vector<double> weight(static_cast<std::size_t>(n), 0.0);
  const int64_t* offsets = blocked_offsets_.data_ptr<int64_t>();
  const int64_t* blocked = blocked_columns_.data_ptr<int64_t>();
  {
    auto* cpu = at::check_generator<at::CPUGeneratorImpl>(generator);
    std::lock_guard<std::mutex> lock(generator.mutex());
    for (int64_t i = 0; i < n; ++i) {
      const int64_t m = n - (offsets[i + 1] - offsets[i]);
      if (m <= 0) continue;
      weight[i] = static_cast<double>(m) / static_cast<double>(per_node_);
      for (int64_t k = 0; k < per_node_; ++k) {
        int64_t column = static_cast<int64_t>(cpu->random64() % static_cast<uint64_t>(m));
        for (int64_t q = offsets[i]; q < offsets[i + 1] && blocked[q] <= column; ++q) ++column;
        drawn[i * per_node_ + k] = column;
      }
    }
  }
  return SampledBce::apply(z, target_, &drawn, &weight, per_node_);
}

int64_t parse_reconstruction(const std::string& text, const std::string& option) {
  if (text == "full") return 0;
  const std::string prefix = "sampled:";
  if (text.rfind(prefix, 0) == 0) {
    const std::string k = text.substr(prefix.size());
    char* end = nullptr;
    const long long value = std::strtoll(k.c_str(), &end, 10);
    if (!k.empty() && end != nullptr && *end == '\0' && value >= 1) return value;
  }
  throw Error(fmt::format("`{}`: expected full or sampled:K with K >= 1 non-edges per node, found '{}'", option,
                          text));
}

}  // namespace tavrnn::train
