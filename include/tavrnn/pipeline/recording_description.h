#pragma once
// What a recording file holds, for `tavrnn info`: for NWB and MATLAB files
// first the objects a user can name (Units and trials tables, series,
// variables), then the binned recording's summary when it can be binned.
#include <string>

#include <nlohmann/json.hpp>

#include "tavrnn/pipeline/stage_settings.h"

namespace tavrnn::pipeline {

struct RecordingDescription {
  std::string text;     // a few lines for a terminal
  nlohmann::json json;  // the same, as JSON
};

// NWB and MATLAB files need a bin width (`bin-width`) for the summary; without
// one, only their contents are listed.
RecordingDescription describe_recording(const RecordingSettings& settings);

}  // namespace tavrnn::pipeline
