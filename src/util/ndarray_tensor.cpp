#include "tavrnn/util/ndarray_tensor.h"

#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn {
namespace {

// The tensor type an NdArray's bytes are copied into as they are, if any.
std::optional<torch::ScalarType> same_layout_type(io::DType dtype) {
  switch (dtype) {
    case io::DType::Bool:
      return torch::kBool;
    case io::DType::Int8:
      return torch::kInt8;
    case io::DType::Int16:
      return torch::kInt16;
    case io::DType::Int32:
      return torch::kInt32;
    case io::DType::Int64:
      return torch::kInt64;
    case io::DType::UInt8:
      return torch::kUInt8;
    case io::DType::Float32:
      return torch::kFloat32;
    case io::DType::Float64:
      return torch::kFloat64;
    default:
      return std::nullopt;
  }
}

torch::Tensor copy_bytes(const void* data, std::size_t n_bytes, std::vector<int64_t> shape,
                         torch::ScalarType type) {
  torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(type));
  if (n_bytes) std::memcpy(t.data_ptr(), data, n_bytes);
  return t;
}

}  // namespace

torch::Tensor to_tensor(const io::NdArray& array, const std::string& what) {
  if (array.dtype == io::DType::String) {
    throw Error(fmt::format("{}: expected numbers, found strings", what));
  }
  std::vector<int64_t> shape(array.shape.begin(), array.shape.end());
  if (array.bytes.size() != array.size() * io::dtype_size(array.dtype)) {
    throw Error(fmt::format("{}: expected {} bytes for {} of shape {}, found {}", what,
                            array.size() * io::dtype_size(array.dtype), io::dtype_name(array.dtype),
                            array.shape_string(), array.bytes.size()));
  }
  if (const auto type = same_layout_type(array.dtype)) {
    return copy_bytes(array.bytes.data(), array.bytes.size(), std::move(shape), *type);
  }
  const std::vector<std::int64_t> wide = array.to_int64s();  // uint16, uint32, uint64
  return copy_bytes(wide.data(), wide.size() * sizeof(std::int64_t), std::move(shape), torch::kInt64);
}

torch::Tensor to_tensor(const io::NdArray& array, torch::ScalarType dtype, const std::string& what) {
  return to_tensor(array, what).to(dtype);
}

io::NdArray to_ndarray(const torch::Tensor& tensor) {
  torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
  io::NdArray array;
  array.shape.assign(t.sizes().begin(), t.sizes().end());
  if (t.scalar_type() == torch::kFloat32) {
    array.dtype = io::DType::Float32;
  } else if (t.scalar_type() == torch::kBool) {
    array.dtype = io::DType::Bool;
  } else if (t.is_floating_point()) {
    array.dtype = io::DType::Float64;
    t = t.to(torch::kFloat64);
  } else if (t.scalar_type() == torch::kInt32) {
    array.dtype = io::DType::Int32;
  } else {
    array.dtype = io::DType::Int64;
    t = t.to(torch::kInt64);
  }
  array.bytes.resize(static_cast<std::size_t>(t.numel()) * t.element_size());
  if (!array.bytes.empty()) std::memcpy(array.bytes.data(), t.data_ptr(), array.bytes.size());
  return array;
}

}  // namespace tavrnn
