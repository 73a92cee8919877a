#pragma once
// Precompiled header of the tensor stages (see CMakeLists.txt).
#include <torch/torch.h>
