#include "tavrnn/pipeline/run_directory.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace tavrnn::pipeline {

std::filesystem::path RunDirectory::recorded_graphs() const {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(record(), ec)) return {};
  std::ifstream in(record());
  const auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("graphs") || !json["graphs"].is_string()) return {};
  return json["graphs"].get<std::string>();
}

}  // namespace tavrnn::pipeline
