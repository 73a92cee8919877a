#include "tavrnn/pipeline/run_directory.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace tavrnn::pipeline {

std::filesystem::path RunDirectory::recorded_graphs() const {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(record(), ec)) return {};
  std::ifstream in(record());
  return recorded_graphs_in(nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false));
}

std::filesystem::path RunDirectory::recorded_graphs_in(const nlohmann::json& record) {
  if (!record.is_object() || !record.contains("graphs") || !record["graphs"].is_string()) return {};
  return record["graphs"].get<std::string>();
}

}  // namespace tavrnn::pipeline
