#include "tavrnn/pipeline/recording_description.h"

#include <algorithm>

#include <fmt/format.h>

#include "tavrnn/io/mat.h"
#include "tavrnn/io/nwb.h"
#include "tavrnn/recording/summary.h"
#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

namespace {

std::string container_kind(const RecordingSettings& s) {
  if (s.format == "nwb" || s.format == "mat") return s.format;
  if (s.format != "auto") return "";
  std::string ext = s.path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".nwb" ? "nwb" : ext == ".mat" ? "mat" : "";
}

nlohmann::json columns_json(const std::vector<io::NwbColumn>& columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : columns) out.push_back({{"name", c.name}, {"kind", c.kind}, {"shape", c.shape}});
  return out;
}

nlohmann::json nwb_json(const io::NwbContents& contents) {
  nlohmann::json j;
  j["units_tables"] = nlohmann::json::array();
  for (const auto& t : contents.units_tables) {
    j["units_tables"].push_back({{"path", t.path}, {"n_units", t.n_units}, {"n_spikes", t.n_spikes},
                                 {"columns", columns_json(t.columns)}});
  }
  j["interval_tables"] = nlohmann::json::array();
  for (const auto& t : contents.interval_tables) {
    j["interval_tables"].push_back({{"path", t.path}, {"n_rows", t.n_rows}, {"columns", columns_json(t.columns)}});
  }
  j["series"] = nlohmann::json::array();
  for (const auto& s : contents.series) {
    j["series"].push_back({{"path", s.path}, {"neurodata_type", s.neurodata_type},
                           {"shape", s.shape}, {"timing", s.timing}, {"unit", s.unit}});
  }
  return j;
}

// Lists the file's named objects; the recording itself needs a bin width,
// which these formats do not record.
void list_container(const std::string& kind, const std::string& path, RecordingDescription& d) {
  if (kind == "nwb") {
    const io::NwbContents contents = io::list_nwb(path);
    if (contents.units_tables.empty()) {
      throw Error(fmt::format("reading {}: expected a Units table (neurodata_type 'Units') somewhere in the "
                              "file, found none ({} interval tables, {} series)",
                              path, contents.interval_tables.size(), contents.series.size()));
    }
    d.text += contents.to_text();
    d.json["nwb"] = nwb_json(contents);
  } else {
    d.json["variables"] = nlohmann::json::array();
    for (const auto& v : io::list_mat(path)) {
      d.text += "variable     " + v.to_text() + "\n";
      d.json["variables"].push_back({{"name", v.name}, {"class", v.class_name}, {"dims", v.dims}});
    }
  }
}

}  // namespace

RecordingDescription describe_recording(const RecordingSettings& settings) {
  RecordingDescription d;
  d.json = nlohmann::json::object();
  const std::string kind = container_kind(settings);
  if (!kind.empty()) list_container(kind, settings.path.string(), d);
  const io::RecordingReadOptions options = settings.resolve();
  if (kind.empty() || options.bin_width_s) {
    const RecordingSummary summary = summarise(io::read_recording(settings.path, options));
    d.text += summary.to_text();
    d.json.update(summary.to_json());
  } else {
    d.text += "(give `bin-width` SECONDS to bin the activity and summarise the recording)\n";
  }
  d.json["file"] = settings.path.string();
  return d;
}

}  // namespace tavrnn::pipeline
