#include "tavrnn/embedding/pca.h"

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::embedding {

PcaResult pca(const torch::Tensor& x, std::int64_t k) {
  if (x.dim() != 2 || !x.is_floating_point())
    throw Error(fmt::format("pca: x must be a 2-D floating-point tensor [n, d], got {}-D {}",
                            x.dim(), c10::toString(x.scalar_type())));
  const std::int64_t n = x.size(0), d = x.size(1);
  if (k < 1 || k > std::min(n, d))
    throw Error(fmt::format("pca: k must be in [1, min(n, d) = {}], got {}", std::min(n, d), k));

  PcaResult r;
  r.mean = x.mean(0);
  const torch::Tensor centred = x - r.mean;
  auto [u, s, vh] = torch::linalg::svd(centred, /*full_matrices=*/false, /*driver=*/c10::nullopt);
  u = u.narrow(1, 0, k);
  vh = vh.narrow(0, 0, k);

  // svd_flip on U: the sign that makes each column's largest |u| positive.
  const torch::Tensor largest = u.abs().argmax(0);                         // [k]
  const torch::Tensor signs = u.gather(0, largest.unsqueeze(0)).squeeze(0).sign();
  const torch::Tensor flip = torch::where(signs == 0, torch::ones_like(signs), signs);
  u = u * flip;
  vh = vh * flip.unsqueeze(1);

  const torch::Tensor variance = s.square() / std::max<std::int64_t>(n - 1, 1);
  const torch::Tensor total = variance.sum();
  r.scores = u * s.narrow(0, 0, k);
  r.components = vh;
  r.explained_variance = variance.narrow(0, 0, k);
  // All-constant data has no variance to explain; report 0 rather than NaN.
  r.explained_variance_ratio =
      torch::where(total > 0, r.explained_variance / total, torch::zeros_like(r.explained_variance));
  return r;
}

}  // namespace tavrnn::embedding
