#pragma once
// Small tensors several test files build the same way.
#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace tavrnn::test_support {

// The values as one float64 column, [n, 1].
inline torch::Tensor column(const std::vector<double>& values) {
  return torch::tensor(values, torch::kFloat64).unsqueeze(1);
}

// [n, l] Poisson counts of mean `rate`, from LibTorch's global generator
// seeded with `seed`.
inline torch::Tensor poisson(int64_t n, int64_t l, double rate, uint64_t seed,
                             torch::ScalarType dtype = torch::kFloat64) {
  torch::manual_seed(seed);
  return torch::poisson(torch::full({n, l}, rate, torch::kFloat64)).to(dtype);
}

}  // namespace tavrnn::test_support
