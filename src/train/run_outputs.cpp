#include "tavrnn/train/run_outputs.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/csv.h"
#include "tavrnn/util/error.h"
#include "tavrnn/util/runtime.h"

namespace tavrnn::train {

void write_training_log(const std::filesystem::path& path, const std::vector<EpochRecord>& log) {
  const bool feat = std::any_of(log.begin(), log.end(), [](const EpochRecord& r) { return r.feat != 0; });
  const bool validation = std::any_of(log.begin(), log.end(), [](const EpochRecord& r) { return r.has_validation(); });
  std::string text = "epoch,loss,kl,nll,seconds";
  if (feat) text += ",feat";
  if (validation) text += ",val_loss,val_auc,val_ap";
  text += "\n";
  for (const auto& r : log) {
    text += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.6f}", r.epoch, r.loss, r.kl, r.nll, r.seconds);
    if (feat) text += fmt::format(",{:.17g}", r.feat);
    if (validation) text += fmt::format(",{:.17g},{:.17g},{:.17g}", r.val_loss, r.val_auc, r.val_ap);
    text += "\n";
  }
  io::write_file_atomically(path, text);
}

std::vector<EpochRecord> read_training_log(const std::filesystem::path& path) {
  const auto table = io::read_csv(path, io::CsvHeader::Present);
  const auto origin = path.string();
  const auto required = [&](const std::string& name) {
    if (const auto column = io::csv_column(table, name)) return *column;
    throw Error(fmt::format("reading {}: expected a column '{}' (header epoch,loss,kl,nll,seconds)", origin,
                            name));
  };
  const std::size_t epoch = required("epoch"), loss = required("loss"), kl = required("kl"),
                    nll = required("nll");
  const std::optional<std::size_t> seconds = io::csv_column(table, "seconds");
  const std::optional<std::size_t> feat = io::csv_column(table, "feat");
  const std::optional<std::size_t> val_loss = io::csv_column(table, "val_loss"),
                                   val_auc = io::csv_column(table, "val_auc"),
                                   val_ap = io::csv_column(table, "val_ap");
  std::vector<EpochRecord> log;
  for (const auto& row : table.rows) {
    if (row.fields.size() < table.header.size()) {
      throw Error(fmt::format("reading {} line {}: expected {} columns, found {}", origin, row.line,
                              table.header.size(), row.fields.size()));
    }
    const auto value = [&](std::size_t c) { return io::parse_csv_number(row.fields[c], origin, row.line, c + 1); };
    EpochRecord r;
    r.epoch = static_cast<int64_t>(value(epoch));
    r.loss = value(loss);
    r.kl = value(kl);
    r.nll = value(nll);
    if (seconds) r.seconds = value(*seconds);
    if (feat) r.feat = value(*feat);
    if (val_loss && val_auc && val_ap) {
      r.val_loss = value(*val_loss);
      r.val_auc = value(*val_auc);
      r.val_ap = value(*val_ap);
    }
    log.push_back(r);
  }
  return log;
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
