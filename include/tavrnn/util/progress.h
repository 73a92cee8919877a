#pragma once
// A progress bar with rate and ETA on stderr, for anything that can take more
// than a couple of seconds. Silent when stderr is not a terminal (logs, CI)
// or when disabled (--quiet).
#include <chrono>
#include <cstddef>
#include <string>

namespace tavrnn {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total);
  ~ProgressBar();  // finishes the line if anything was drawn

  // Advances to `done` of `total`; `status` is appended ("loss 1.23").
  void update(std::size_t done, const std::string& status = "");
  void finish();

  // Process-wide switch, set by the CLI from --quiet.
  static void set_enabled(bool enabled);
  static bool enabled();

  // "1:05:03", "4:07", "12s": how ETAs are written.
  static std::string format_duration(double seconds);

 private:
  std::string label_;
  std::size_t total_;
  bool active_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace tavrnn
