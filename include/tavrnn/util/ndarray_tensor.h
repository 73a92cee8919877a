#pragma once
// The one conversion between the file layer's NdArray and LibTorch tensors
// (embeddings.npz, graphs.npz, parity fixtures, the oracle probes).
#include <string>

#include <torch/types.h>

#include "tavrnn/io/ndarray.h"

namespace tavrnn {

// Copies a numeric NdArray into a new CPU tensor of the array's own element
// type, shape kept: bool, int8..int64, uint8, float32 and float64 as they
// are; uint16, uint32 and uint64 (which LibTorch does not compute with)
// become int64, an Error past 2^63 - 1. `what` names the array in errors
// (e.g. "parity.npz: array 'A'"); strings are an Error.
torch::Tensor to_tensor(const io::NdArray& array, const std::string& what);

// The same, converted to `dtype`.
torch::Tensor to_tensor(const io::NdArray& array, torch::ScalarType dtype, const std::string& what);

// Copies a tensor (any device) into an NdArray: float32, float64, int32 and
// bool stay; other floating types become float64, other integer types int64.
io::NdArray to_ndarray(const torch::Tensor& tensor);

}  // namespace tavrnn
