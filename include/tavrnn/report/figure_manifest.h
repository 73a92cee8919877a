#pragma once
// The list of static figures a report embeds: FIGURES_DIR/figures.json, as
// the figures stage writes it (docs/report.md):
//   [{"name": "...", "title": "...", "caption": "...", "png": "NAME.png", "svg": "NAME.svg"}, ...]
// Paths are relative to the manifest's directory; "png" and "svg" are each
// optional, but a figure needs at least one of them.
#include <filesystem>
#include <string>
#include <vector>

#include "tavrnn/report/figure.h"

namespace tavrnn::report {

// Each entry as a FigureFile (figure.h) whose png and svg are absolute or
// relative to the current directory, empty when absent.
// Throws Error naming the manifest (and the entry) when it is not valid JSON,
// not an array of objects, lacks a name or an image, or names an image file
// that does not exist.
std::vector<FigureFile> read_figure_manifest(const std::filesystem::path& manifest);

}  // namespace tavrnn::report
