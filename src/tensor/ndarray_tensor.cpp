#include "tavrnn/tensor/ndarray_tensor.h"

#include <cstring>

#include <fmt/format.h>

#include "tavrnn/error.h"

namespace tavrnn {

torch::Tensor to_tensor(const io::NdArray& array, torch::ScalarType dtype, const std::string& what) {
  if (array.dtype == io::DType::String) {
    throw Error(fmt::format("{}: expected numbers, found strings", what));
  }
  std::vector<int64_t> shape(array.shape.begin(), array.shape.end());
  // Through double: every dtype the files hold converts exactly except
  // integers beyond 2^53, which no tensor stage uses.
  std::vector<double> values = array.to_doubles();
  auto tensor = torch::from_blob(values.data(), shape, torch::kFloat64).clone();
  return tensor.to(dtype);
}

io::NdArray to_ndarray(const torch::Tensor& tensor) {
  torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
  std::vector<std::size_t> shape(t.sizes().begin(), t.sizes().end());
  const auto n = static_cast<std::size_t>(t.numel());
  if (t.scalar_type() == torch::kFloat32) {
    std::vector<float> values(n);
    if (n) std::memcpy(values.data(), t.data_ptr<float>(), n * sizeof(float));
    return io::NdArray::from_floats(values, shape);
  }
  if (t.is_floating_point()) {
    t = t.to(torch::kFloat64);
    std::vector<double> values(n);
    if (n) std::memcpy(values.data(), t.data_ptr<double>(), n * sizeof(double));
    return io::NdArray::from_doubles(std::move(values), shape);
  }
  t = t.to(torch::kInt64);
  std::vector<std::int64_t> values(n);
  if (n) std::memcpy(values.data(), t.data_ptr<int64_t>(), n * sizeof(int64_t));
  return io::NdArray::from_int64s(values, shape);
}

}  // namespace tavrnn
