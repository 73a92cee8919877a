// tavrnn info FILE: what a recording holds, so a user knows what to pass on.
// For NWB and MATLAB files it first lists the objects a user can name
// (--units-table, --trials-table, --mat-var, ...); the binned recording is
// summarised when a bin width is given.
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "tavrnn/error.h"
#include "tavrnn/io/mat.h"
#include "tavrnn/io/nwb.h"
#include "tavrnn/recording_summary.h"

namespace tavrnn::cli {
namespace {

std::string container_kind(const RecordingInput& input) {
  if (input.format == "nwb" || input.format == "mat") return input.format;
  if (input.format != "auto") return "";
  std::string ext = std::filesystem::path(input.path).extension().string();
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
    j["interval_tables"].push_back(
        {{"path", t.path}, {"n_rows", t.n_rows}, {"columns", columns_json(t.columns)}});
  }
  j["series"] = nlohmann::json::array();
  for (const auto& s : contents.series) {
    j["series"].push_back({{"path", s.path}, {"neurodata_type", s.neurodata_type},
                           {"shape", s.shape}, {"timing", s.timing}, {"unit", s.unit}});
  }
  return j;
}

// Lists the file's named objects into `text` and `j`; the recording itself
// needs a bin width, which these formats do not record.
void list_container(const std::string& kind, const std::string& path, std::string& text,
                    nlohmann::json& j) {
  if (kind == "nwb") {
    const io::NwbContents contents = io::list_nwb(path);
    if (contents.units_tables.empty()) {
      throw Error(fmt::format("reading {}: expected a Units table (neurodata_type 'Units') "
                              "somewhere in the file, found none ({} interval tables, {} series)",
                              path, contents.interval_tables.size(), contents.series.size()));
    }
    text += contents.to_text();
    j["nwb"] = nwb_json(contents);
  } else {
    j["variables"] = nlohmann::json::array();
    for (const auto& v : io::list_mat(path)) {
      text += "variable     " + v.to_text() + "\n";
      j["variables"].push_back({{"name", v.name}, {"class", v.class_name}, {"dims", v.dims}});
    }
  }
}

}  // namespace

void register_info(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "info", "Summarise a recording: units, bins, bin width, duration, labels, groups, firing "
              "rates, silent units; for .nwb and .mat files also what they hold");
  auto input = std::make_shared<RecordingInput>();
  auto as_json = std::make_shared<bool>(false);
  add_recording_options(*command, *input);
  command->add_flag("--json", *as_json, "Print the summary as JSON");
  command->callback([&action, input, as_json] {
    action = [input, as_json] {
      std::string text;
      nlohmann::json j = nlohmann::json::object();
      const std::string kind = container_kind(*input);
      if (!kind.empty()) list_container(kind, input->path, text, j);
      const io::RecordingReadOptions options = input->resolve();
      if (kind.empty() || options.bin_width_s) {
        const RecordingSummary summary = summarise(io::read_recording(input->path, options));
        text += summary.to_text();
        j.update(summary.to_json());
      } else {
        text += "(give --bin-width SECONDS to bin the activity and summarise the recording)\n";
      }
      if (*as_json) {
        j["file"] = input->path;
        std::cout << j.dump(2) << std::endl;
      } else {
        std::cout << input->path << "\n" << text << std::flush;
      }
      return 0;
    };
  });
}

}  // namespace tavrnn::cli
