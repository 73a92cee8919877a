#pragma once
// The message of the tavrnn::Error that f throws, or "" when it throws none:
// tests check that bad input is named, not only that something was thrown.
#include <string>
#include <utility>

#include "tavrnn/util/error.h"

namespace tavrnn::test_support {

template <typename F>
std::string error_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace tavrnn::test_support
