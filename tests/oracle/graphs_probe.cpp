// Driven by tests/oracle/*_oracle.py so that numpy, not tavrnn, judges the
// graph stage. Every mode reads IN.npz and writes OUT.npz:
//   correlation IN OUT   y [N, L] or [T, N, L] (its dtype is used) ->
//                        r, zero_variance (bool)
//   filter IN OUT        r [N, N], low, high -> r (filtered), kept
//   surrogates IN OUT    y [N, L], k, seed, window_id, scale ("reference" |
//                        "correlation"), optional max_chunk_bytes ->
//                        permutations [k, N, L], matrices [k, N, N],
//                        eigenvalues [k, N], low, high (2.5 / 97.5 % of the
//                        pooled eigenvalues, by the shuffle filter)
//   bounds IN OUT        y [N, L], rmt (a --rmt string), seed, window_id ->
//                        low, high, surrogates, low_se, high_se
#include <torch/torch.h>

#include <iostream>
#include <string>

#include "tavrnn/util/error.h"
#include "tavrnn/graphs/correlation.h"
#include "tavrnn/graphs/rmt_filter.h"
#include "tavrnn/io/npz.h"
#include "tavrnn/util/ndarray_tensor.h"
#include "npz_probe_main.h"

namespace {

using tavrnn::io::DType;
using tavrnn::io::NdArray;
using tavrnn::probe::Arrays;

// y keeps float32; anything else is computed in float64.
torch::Tensor tensor(const NdArray& a) {
  return tavrnn::to_tensor(a, a.dtype == DType::Float32 ? torch::kFloat32 : torch::kFloat64,
                           "probe input");
}

NdArray array(const torch::Tensor& t) { return tavrnn::to_ndarray(t); }

const NdArray& get(const tavrnn::io::NpzArrays& in, const std::string& key) {
  return tavrnn::io::require_array(in, key, "probe input");
}

void correlation(const tavrnn::io::NpzArrays& in, Arrays& out) {
  const auto result = tavrnn::graphs::pearson_correlation(tensor(get(in, "y")));
  out.emplace_back("r", array(result.r));
  out.emplace_back("zero_variance", array(result.zero_variance));
}

void filter(const tavrnn::io::NpzArrays& in, Arrays& out) {
  const auto result = tavrnn::graphs::filter_outside_bounds(
      tensor(get(in, "r")), get(in, "low").as_double(0), get(in, "high").as_double(0));
  out.emplace_back("r", array(result.r));
  out.emplace_back("kept",
                   NdArray::from_int64s({static_cast<int64_t>(result.components_kept)}, {}));
}

void surrogates(const tavrnn::io::NpzArrays& in, Arrays& out) {
  using namespace tavrnn::graphs;
  const torch::Tensor y = tensor(get(in, "y"));
  const auto k = static_cast<std::size_t>(get(in, "k").as_int64(0));
  const auto seed = static_cast<std::uint64_t>(get(in, "seed").as_int64(0));
  const auto window = static_cast<std::uint64_t>(get(in, "window_id").as_int64(0));
  const std::string scale_name = get(in, "scale").strings.at(0);
  const SurrogateScale scale =
      scale_name == "reference" ? SurrogateScale::Reference : SurrogateScale::Correlation;
  std::size_t chunk = std::size_t{256} << 20;
  if (in.count("max_chunk_bytes"))
    chunk = static_cast<std::size_t>(get(in, "max_chunk_bytes").as_int64(0));
  const ShuffleSurrogates s(y, scale, seed, window);
  out.emplace_back("permutations", array(s.permutations(0, k)));
  out.emplace_back("matrices", array(s.matrices(0, k)));
  out.emplace_back("eigenvalues", array(s.eigenvalues(0, k, chunk)));
  RmtOptions options;
  options.mode = RmtMode::Shuffle;
  options.scale = scale;
  options.surrogates = k;
  options.max_chunk_bytes = chunk;
  const auto zero_variance = torch::zeros({y.size(0)}, torch::kBool);
  const SpectralBounds b = RandomMatrixFilter(options).bounds(y, zero_variance, seed, window);
  out.emplace_back("low", NdArray::scalar(b.low));
  out.emplace_back("high", NdArray::scalar(b.high));
}

void bounds(const tavrnn::io::NpzArrays& in, Arrays& out) {
  using namespace tavrnn::graphs;
  const torch::Tensor y = tensor(get(in, "y"));
  const RandomMatrixFilter f(parse_rmt_options(get(in, "rmt").strings.at(0)));
  torch::Tensor zero_variance;
  tavrnn::graphs::unit_norm_rows(y, &zero_variance);
  const SpectralBounds b =
      f.bounds(y, zero_variance, static_cast<std::uint64_t>(get(in, "seed").as_int64(0)),
               static_cast<std::uint64_t>(get(in, "window_id").as_int64(0)));
  out.emplace_back("low", NdArray::scalar(b.low));
  out.emplace_back("high", NdArray::scalar(b.high));
  out.emplace_back("surrogates", NdArray::from_int64s({static_cast<int64_t>(b.surrogates)}, {}));
  out.emplace_back("low_se", NdArray::scalar(b.low_standard_error));
  out.emplace_back("high_se", NdArray::scalar(b.high_standard_error));
}

}  // namespace

int main(int argc, char** argv) {
  return tavrnn::probe::run_npz_probe(argc, argv, "tavrnn_graphs_probe",
                                      {{"correlation", correlation},
                                       {"filter", filter},
                                       {"surrogates", surrogates},
                                       {"bounds", bounds}});
}
