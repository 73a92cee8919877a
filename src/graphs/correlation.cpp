#include "tavrnn/graphs/correlation.h"

#include <fmt/format.h>

#include "gram.h"
#include "tavrnn/util/error.h"

namespace tavrnn::graphs {

torch::Tensor unit_norm_rows(const torch::Tensor& y, torch::Tensor* zero_variance, torch::Tensor* reuse) {
  if (y.dim() < 2 || !torch::isFloatingType(y.scalar_type()) || y.size(-1) < 1) {
    throw Error(
        fmt::format("Pearson correlation: expected a floating [..., N, L] tensor with "
                    "L >= 1, found {} of {} dimensions",
                    c10::toString(y.scalar_type()), y.dim()));
  }
  // Equality of max and min is exact: a constant row of non-integer values
  // can have a mean off by an ulp, leaving a tiny non-zero norm that would
  // turn rounding noise into correlations of order 1.
  torch::Tensor constant = y.amax(-1).eq(y.amin(-1));
  torch::Tensor centred;
  if (detail::reusable(reuse, y.sizes(), y)) {
    centred = at::sub_out(*reuse, y, y.mean(-1, /*keepdim=*/true));
  } else {
    centred = y - y.mean(-1, /*keepdim=*/true);
    if (reuse != nullptr) *reuse = centred;
  }
  // No squared copy: every temporary of the batch's size costs as much as
  // the product at large N (page faults).
  torch::Tensor norm = at::linalg_vector_norm(centred, 2, at::IntArrayRef{-1}, /*keepdim=*/true);
  constant.logical_or_(norm.squeeze(-1).eq(0));
  torch::Tensor scale = norm.reciprocal_().masked_fill_(constant.unsqueeze(-1), 0.0);
  centred.mul_(scale);
  if (zero_variance != nullptr) *zero_variance = constant;
  return centred;
}

PearsonCorrelation pearson_correlation(const torch::Tensor& y, PearsonWorkspace* workspace) {
  torch::Tensor zero_variance;
  const torch::Tensor z = unit_norm_rows(y, &zero_variance, workspace ? &workspace->centred : nullptr);
  // Exactly symmetric (A must be), one triangle computed.
  torch::Tensor r = detail::gram_matrices(z, /*lower_only=*/false, workspace ? &workspace->r : nullptr);
  r.clamp_(-1.0, 1.0);
  r.diagonal(0, -2, -1).fill_(1.0);
  return {r, zero_variance};
}

torch::Tensor window_activity(const torch::Tensor& activity, const Window& window) {
  if (window.ranges.empty()) throw Error("window activity: the window has no bin range");
  std::vector<torch::Tensor> parts;
  for (const auto& range : window.ranges) {
    if (range.begin >= range.end || range.end > static_cast<std::size_t>(activity.size(1))) {
      throw Error(fmt::format("window activity: range [{}, {}) is outside the recording's {} bins",
                              range.begin, range.end, activity.size(1)));
    }
    parts.push_back(
        activity.narrow(1, static_cast<int64_t>(range.begin), static_cast<int64_t>(range.size())));
  }
  return parts.size() == 1 ? parts[0] : torch::cat(parts, 1);
}

void for_each_window_correlation(const torch::Tensor& activity, const std::vector<Window>& windows,
                                 std::size_t max_batch_bytes, const CorrelationConsumer& consume,
                                 std::optional<torch::TensorOptions> compute) {
  const torch::TensorOptions options =
      compute.value_or(activity.options()).layout(torch::kStrided).requires_grad(false);
  const auto n = static_cast<std::size_t>(activity.size(0));
  const std::size_t element = c10::elementSize(c10::typeMetaToScalarType(options.dtype()));
  // Per window of L bins the batch holds its activity, its centred rows
  // ([N, L] each) and its r ([N, N]).
  auto window_bytes = [&](std::size_t bins) { return element * (2 * n * bins + n * n); };
  PearsonWorkspace single;
  std::size_t first = 0;
  while (first < windows.size()) {
    const std::size_t bins = windows[first].n_bins();
    std::size_t last = first + 1;
    while (last < windows.size() && windows[last].n_bins() == bins &&
           (last - first + 1) * window_bytes(bins) <= max_batch_bytes) {
      ++last;
    }
    if (last - first == 1) {
      // A window too large to batch: its buffers (activity, centred rows, r)
      // are reused by the next one of the same size; at N = 10,000 fresh
      // ones cost more in page faults than the product (a second per window).
      const torch::Tensor source = window_activity(activity, windows[first]);
      if (!single.y.defined() || single.y.sizes() != source.sizes()) single.y = torch::empty(source.sizes(), options);
      single.y.copy_(source);
      consume(first, single.y, pearson_correlation(single.y, &single));
    } else {
      const torch::Tensor batch = torch::empty(
          {static_cast<int64_t>(last - first), static_cast<int64_t>(n), static_cast<int64_t>(bins)},
          options);
      for (std::size_t k = first; k < last; ++k)
        batch[static_cast<int64_t>(k - first)].copy_(window_activity(activity, windows[k]));
      const PearsonCorrelation all = pearson_correlation(batch);
      for (std::size_t k = first; k < last; ++k) {
        const auto i = static_cast<int64_t>(k - first);
        consume(k, batch[i], {all.r[i], all.zero_variance[i]});
      }
    }
    first = last;
  }
}

}  // namespace tavrnn::graphs
