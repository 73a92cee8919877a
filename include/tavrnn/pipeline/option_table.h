#pragma once
// Every option of every stage, declared once. The CLI registers these as its
// flags, `tavrnn run` reads them as the keys of a config section, and the
// Python module will take them as keyword arguments: one name, one help text,
// one parser, so the three cannot drift apart. An option writes straight
// into a field of its stage's settings value (stage_settings.h).
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tavrnn::pipeline {

struct OptionSpec {
  std::string name;       // "theta": --theta on the command line, `theta = 0.3` in a config
  std::string help;       // one sentence, shown by --help and in docs/usage.md
  std::string group;      // help section; empty: the command's own options
  std::string type_name;  // "FLOAT", "INT", "TEXT", "PATH"; empty for a flag
  bool flag = false;      // takes no value (a config says `key = true`)
  bool is_path = false;   // an input file: relative to its config, hashed into stage keys
  std::vector<std::string> choices;  // empty: any value the parser accepts
  // Parses the text into the settings; throws Error("NAME: expected ..., found ...").
  std::function<void(const std::string&)> set;
  // The value now held, for help texts ("[0.3]"); empty function: none shown.
  std::function<std::string()> show;
};

class OptionTable {
 public:
  // An option of type T (std::int64_t, std::uint64_t = std::size_t, double,
  // std::string, std::optional<double>) stored in `field`.
  template <class T>
  OptionSpec& value(std::string name, T& field, std::string help);
  OptionSpec& flag(std::string name, bool& field, std::string help);
  // An input file: relative to its config, hashed into a run's stage keys.
  OptionSpec& path(std::string name, std::filesystem::path& field, std::string help);
  // A string restricted to `choices`.
  OptionSpec& choice(std::string name, std::string& field, std::vector<std::string> choices,
                     std::string help);
  // Anything else: the caller's own parser.
  OptionSpec& add(OptionSpec spec);
  // Every option of `other`, whose fields must outlive this table.
  void append(const OptionTable& other);
  // Drops the named options (a stage that sets them itself).
  void remove(const std::vector<std::string>& names);

  const std::deque<OptionSpec>& specs() const { return specs_; }
  const OptionSpec* find(const std::string& name) const;
  // Sets option `name` from `text` (nullopt: a flag given without a value).
  // Throws Error naming the option; for an unknown name, listing the known ones.
  void set(const std::string& name, const std::optional<std::string>& text) const;
  // "a, b, c": the options' names, for error messages.
  std::string names() const;

 private:
  std::deque<OptionSpec> specs_;  // a deque: references returned by add stay valid
};

// Number parsing with the library's error text ("NAME: expected an integer, found 'x'").
std::int64_t parse_int(const std::string& name, const std::string& text);
std::uint64_t parse_unsigned(const std::string& name, const std::string& text);
double parse_double(const std::string& name, const std::string& text);
bool parse_bool(const std::string& name, const std::string& text);
// "a,b,,c" -> {"a", "b", "c"}: a comma-separated list, empty items dropped.
std::vector<std::string> split_list(const std::string& text);

}  // namespace tavrnn::pipeline
