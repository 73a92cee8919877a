#include "tavrnn/train/run_outputs.h"

#include <algorithm>

#include <fmt/format.h>

#include "tavrnn/io/atomic_file.h"
#include "tavrnn/util/runtime.h"

namespace tavrnn::train {

void write_training_log(const std::filesystem::path& path, const std::vector<EpochRecord>& log) {
  std::string text = "epoch,loss,kl,nll,seconds\n";
  for (const auto& r : log) {
    text += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.6f}\n", r.epoch, r.loss, r.kl, r.nll, r.seconds);
  }
  io::write_file_atomically(path, text);
}

nlohmann::json runtime_versions() {
  const BlasInfo blas = detect_blas();
  return {{"tavrnn", TAVRNN_VERSION},
          {"libtorch", torch_version()},
          {"blas", blas.vendor},
          {"blas_library", blas.library},
          {"threads", num_threads()}};
}

double median_epoch_seconds(const std::vector<EpochRecord>& log) {
  if (log.empty()) return 0.0;
  std::vector<double> s;
  for (const auto& r : log) s.push_back(r.seconds);
  std::sort(s.begin(), s.end());
  return s.size() % 2 ? s[s.size() / 2] : 0.5 * (s[s.size() / 2 - 1] + s[s.size() / 2]);
}

}  // namespace tavrnn::train
