#include "tavrnn/pipeline/run_config.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

namespace fs = std::filesystem;

const std::vector<std::string>& run_config_sections() {
  static const std::vector<std::string> sections = {"simulate", "recording", "graphs", "fit",
                                                    "evaluate", "compare",   "figures",
                                                    "report"};
  return sections;
}

namespace {

std::string where(const fs::path& file, const toml::node& node) {
  const auto& begin = node.source().begin;
  if (begin.line == 0) return file.string();
  return fmt::format("{} line {}", file.string(), begin.line);
}

std::string format_double(double v) { return fmt::format("{}", v); }

// A scalar (or an array of scalars, joined by commas as the CLI's lists are)
// as the text of a command-line value; nullopt for `false` (flag absent).
std::optional<std::string> scalar_text(const toml::node& node, const std::string& context,
                                       bool in_array = false) {
  switch (node.type()) {
    case toml::node_type::string:
      return *node.value<std::string>();
    case toml::node_type::integer:
      return std::to_string(*node.value<int64_t>());
    case toml::node_type::floating_point:
      return format_double(*node.value<double>());
    case toml::node_type::boolean:
      if (in_array) break;
      return *node.value<bool>() ? std::optional<std::string>("") : std::nullopt;
    case toml::node_type::array: {
      if (in_array) break;
      std::string joined;
      const auto& array = *node.as_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        const auto text = scalar_text(array[i], context, true);
        joined += (i ? "," : "") + *text;
      }
      return joined;
    }
    default:
      break;
  }
  std::ostringstream shown;
  shown << node.type();
  throw Error(fmt::format("{}: expected a string, number, true/false or a list of numbers or "
                          "strings, found {}{}",
                          context, in_array ? "a list holding a " : "a ", shown.str()));
}

void check_known_section(const std::string& name, const std::string& context) {
  const auto& known = run_config_sections();
  if (std::find(known.begin(), known.end(), name) != known.end()) return;
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  throw Error(fmt::format("{}: unknown section [{}] (sections: {}; top-level keys: out, seed)",
                          context, name, list));
}

void set_option(std::vector<ConfigOption>& options, ConfigOption option) {
  auto it = std::find_if(options.begin(), options.end(),
                         [&](const ConfigOption& o) { return o.key == option.key; });
  if (it != options.end()) options.erase(it);
  options.push_back(std::move(option));
  std::sort(options.begin(), options.end(),
            [](const ConfigOption& a, const ConfigOption& b) { return a.key < b.key; });
}

std::uint64_t parse_seed(const std::optional<std::string>& text, const std::string& context) {
  try {
    std::size_t used = 0;
    const auto value = text ? std::stoull(*text, &used) : 0;
    if (text && used == text->size() && !text->empty() && (*text)[0] != '-') return value;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("{}: expected a non-negative integer seed, found '{}'", context,
                          text.value_or("true/false")));
}

// Applies one top-level key or section.key = value to the config.
void apply(RunConfig& config, const std::string& section, const std::string& key,
           const toml::node& value, const std::string& context) {
  if (section.empty()) {
    if (key == "out") {
      if (!value.is_string()) throw Error(fmt::format("{}: `out` must be a string (a folder)", context));
      config.out = *value.value<std::string>();
    } else if (key == "seed") {
      config.seed = parse_seed(scalar_text(value, context), context);
    } else if (value.is_table()) {
      check_known_section(key, context);
      config.sections[key];
      for (auto&& [k, v] : *value.as_table()) {
        const std::string name(k.str());
        const auto sub_context = fmt::format("{}: [{}] {}", where(config.file, v), key, name);
        if (v.is_table()) {
          throw Error(fmt::format("{}: a section's keys must be option values, found a table", sub_context));
        }
        apply(config, key, name, v, sub_context);
      }
    } else {
      throw Error(fmt::format("{}: unknown top-level key '{}' (top-level keys: out, seed; "
                              "options belong in a [section])",
                              context, key));
    }
    return;
  }
  check_known_section(section, context);
  auto text = scalar_text(value, context);
  auto& options = config.sections[section];
  if (!text) {  // `key = false`: the flag is off, as if absent
    options.erase(std::remove_if(options.begin(), options.end(),
                                 [&](const ConfigOption& o) { return o.key == key; }),
                  options.end());
    return;
  }
  set_option(options, {key, text->empty() && value.is_boolean() ? std::nullopt : text});
}

void apply_override(RunConfig& config, const std::string& text) {
  const auto context = fmt::format("--set {}", text);
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw Error(fmt::format("{}: expected SECTION.KEY=VALUE (e.g. fit.epochs=60) or out=DIR / seed=S",
                            context));
  }
  const std::string name = text.substr(0, equals);
  const std::string raw = text.substr(equals + 1);
  const auto dot = name.find('.');
  const std::string section = dot == std::string::npos ? "" : name.substr(0, dot);
  const std::string key = dot == std::string::npos ? name : name.substr(dot + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("value = " + raw);
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"value", raw}};  // plain text, e.g. segments:40 or a path
  }
  const toml::node& value = *parsed.get("value");
  if (!section.empty() && value.is_table()) {
    throw Error(fmt::format("{}: expected a value, found a table", context));
  }
  apply(config, section, key, value, context);
}

}  // namespace

std::vector<std::string> RunConfig::arguments(const std::string& section) const {
  std::vector<std::string> args;
  const auto it = sections.find(section);
  if (it == sections.end()) return args;
  for (const auto& option : it->second) {
    args.push_back("--" + option.key);
    if (option.value) args.push_back(*option.value);
  }
  return args;
}

std::optional<std::string> RunConfig::value(const std::string& section, const std::string& key) const {
  const auto it = sections.find(section);
  if (it == sections.end()) return std::nullopt;
  for (const auto& option : it->second) {
    if (option.key == key) return option.value.value_or("true");
  }
  return std::nullopt;
}

fs::path RunConfig::resolve_input(const std::string& path) const {
  const fs::path p(path);
  if (p.is_absolute() || file.empty()) return p;
  return (file.parent_path() / p).lexically_normal();
}

RunConfig read_run_config(const fs::path& file, const std::vector<std::string>& overrides) {
  RunConfig config;
  config.file = file;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    throw Error(fmt::format("reading config {}: no such file", file.string()));
  }
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw Error(fmt::format("reading config {} line {} column {}: {}", file.string(),
                            e.source().begin.line, e.source().begin.column, e.description()));
  }
  for (auto&& [k, v] : table) {
    const std::string key(k.str());
    apply(config, "", key, v, fmt::format("{}: {}", where(file, v), key));
  }
  for (const auto& o : overrides) apply_override(config, o);
  return config;
}

}  // namespace tavrnn::pipeline
