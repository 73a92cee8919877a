#include "tavrnn/recording/activity_tensor.h"

namespace tavrnn {

torch::Tensor activity_tensor(const Activity& activity) {
  torch::ScalarType dtype = torch::kFloat64;
  switch (activity.storage()) {
    case Activity::Storage::UInt8: dtype = torch::kUInt8; break;
    case Activity::Storage::Int16: dtype = torch::kInt16; break;
    case Activity::Storage::Float64: break;
  }
  return torch::from_blob(const_cast<void*>(activity.data()),
                          {static_cast<int64_t>(activity.n_units()), static_cast<int64_t>(activity.n_bins())},
                          dtype);
}

}  // namespace tavrnn
