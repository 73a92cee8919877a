#include "tavrnn/report/figure_manifest.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"

namespace tavrnn::report {

namespace fs = std::filesystem;

namespace {

std::string optional_string(const nlohmann::json& entry, const char* key, const std::string& where) {
  if (!entry.contains(key) || entry[key].is_null()) return {};
  if (!entry[key].is_string()) {
    throw Error(fmt::format("{}: expected \"{}\" to be a string, found {}", where, key,
                            entry[key].type_name()));
  }
  return entry[key].get<std::string>();
}

}  // namespace

std::vector<FigureFile> read_figure_manifest(const fs::path& manifest) {
  const std::string text = io::read_file_bytes(manifest);
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    throw Error(fmt::format("reading {}: expected JSON (a list of figures), found text that does not parse",
                            manifest.string()));
  }
  if (!json.is_array()) {
    throw Error(fmt::format("reading {}: expected a JSON array of figures, found {}", manifest.string(),
                            json.type_name()));
  }
  const fs::path dir = manifest.parent_path();
  std::vector<FigureFile> figures;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto& entry = json[i];
    const std::string where = fmt::format("reading {} figure {}", manifest.string(), i);
    if (!entry.is_object()) {
      throw Error(fmt::format("{}: expected an object, found {}", where, entry.type_name()));
    }
    FigureFile f;
    f.name = optional_string(entry, "name", where);
    if (f.name.empty()) throw Error(fmt::format("{}: expected a non-empty \"name\"", where));
    f.title = optional_string(entry, "title", where);
    f.caption = optional_string(entry, "caption", where);
    for (auto [key, path] : {std::pair{"png", &f.png}, std::pair{"svg", &f.svg}}) {
      const std::string relative = optional_string(entry, key, where);
      if (relative.empty()) continue;
      *path = dir / relative;
      std::error_code ec;
      if (!fs::is_regular_file(*path, ec)) {
        throw Error(fmt::format("{} ('{}'): \"{}\" names {}, which does not exist", where, f.name, key,
                                path->string()));
      }
    }
    if (f.png.empty() && f.svg.empty()) {
      throw Error(fmt::format("{} ('{}'): expected \"png\" or \"svg\", found neither", where, f.name));
    }
    figures.push_back(std::move(f));
  }
  return figures;
}

}  // namespace tavrnn::report
