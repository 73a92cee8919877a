#pragma once
// The recording's activity as a tensor, for the stages that compute with it.
#include <torch/types.h>

#include "tavrnn/recording/recording.h"

namespace tavrnn {

// A read-only CPU view [N, B] of the activity in its stored element type
// (uint8, int16 or float64; no copy): valid while `activity` lives. Convert
// a window at a time (`.to(dtype)`), never the whole recording.
torch::Tensor activity_tensor(const Activity& activity);

}  // namespace tavrnn
