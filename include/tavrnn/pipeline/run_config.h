#pragma once
// A `tavrnn run` configuration (TOML): which recording, and the options of
// each stage. A section's keys are the options of that stage's OptionTable
// (stage_settings.h), the long options of its subcommand (`[graphs] theta =
// 0.6` is `tavrnn graphs --theta 0.6`), so every key is documented once and
// checked by the same parser; docs/pipeline.md lists the sections and the
// keys the pipeline sets.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tavrnn::pipeline {

// One key of a section: `--key value`, or `--key` alone for a true flag.
struct ConfigOption {
  std::string key;
  std::optional<std::string> value;
};

struct RunConfig {
  std::filesystem::path file;  // the config file (empty when built in code)
  std::string out;             // top-level `out`: the output directory
  std::optional<std::uint64_t> seed;  // top-level `seed`: every stage's default seed
  std::map<std::string, std::vector<ConfigOption>> sections;

  bool has_section(const std::string& name) const { return sections.count(name) != 0; }
  // The section's options as command-line arguments ("--key", "value", ...),
  // sorted by key (reordering a file does not change a stage's settings);
  // empty when the section is absent.
  std::vector<std::string> arguments(const std::string& section) const;
  // The value of a key of a section, if set.
  std::optional<std::string> value(const std::string& section, const std::string& key) const;
  // A path written in the config, made relative to the config file's folder
  // (inputs travel with their config); absolute paths are kept.
  std::filesystem::path resolve_input(const std::string& path) const;
};

// The sections a config may have, in the order their stages run.
const std::vector<std::string>& run_config_sections();

// Reads FILE, then applies overrides "section.key=value" (or "out=DIR",
// "seed=S"); a value is read as TOML (`0.6`, `true`, `"text"`, `[5, 14]`),
// else taken as a string. Throws Error naming the file, line and key for a
// syntax error, an unknown section, a nested table or an unusable value.
RunConfig read_run_config(const std::filesystem::path& file,
                          const std::vector<std::string>& overrides = {});

}  // namespace tavrnn::pipeline
