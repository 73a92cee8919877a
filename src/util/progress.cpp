#include "tavrnn/util/progress.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace tavrnn {
namespace {
std::atomic<bool> g_progress_enabled{true};
}

void ProgressBar::set_enabled(bool enabled) { g_progress_enabled = enabled; }
bool ProgressBar::enabled() { return g_progress_enabled; }

std::string ProgressBar::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--";
  const long s = std::lround(seconds);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}:{:02d}", s / 60, s % 60);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
}

ProgressBar::ProgressBar(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total),
      active_(g_progress_enabled && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, const std::string& status) {
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  // Redraw at most 10 times a second, but always draw the final state.
  if (drawn_ && done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
  const double eta = done == 0 ? NAN : elapsed * (1.0 - fraction) / fraction;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(std::round(fraction * kWidth));
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %zu/%zu %s elapsed, ETA %s %s\033[K", label_.c_str(),
               bar.c_str(), done, total_, format_duration(elapsed).c_str(),
               format_duration(eta).c_str(), status.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (active_ && drawn_) {
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }
  active_ = false;
}

}  // namespace tavrnn
