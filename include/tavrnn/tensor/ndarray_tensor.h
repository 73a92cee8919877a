#pragma once
// Conversions between the file layer's NdArray and LibTorch tensors.
#include <string>

#include <torch/types.h>

#include "tavrnn/io/ndarray.h"

namespace tavrnn {

// Copies a numeric NdArray into a new CPU tensor of `dtype` (shape kept).
// `what` names the array in errors (e.g. "parity.npz: array 'A'").
torch::Tensor to_tensor(const io::NdArray& array, torch::ScalarType dtype, const std::string& what);

// Copies a tensor (any device) into an NdArray: float32/float64 stay, integer and
// bool tensors become int64.
io::NdArray to_ndarray(const torch::Tensor& tensor);

}  // namespace tavrnn
