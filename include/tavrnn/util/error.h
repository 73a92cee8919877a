#pragma once
// The one error type of tavrnn. Its message says what was being done, on
// which file/field, what was expected and what was found, e.g.
//   "reading spikes.csv line 17: expected 2 columns (unit,time_s), found 3".
// The CLI prints it on one line and exits 1.
#include <stdexcept>
#include <string>

namespace tavrnn {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tavrnn
