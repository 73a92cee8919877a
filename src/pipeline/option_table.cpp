#include "tavrnn/pipeline/option_table.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {

std::int64_t parse_int(const std::string& name, const std::string& text) {
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("{}: expected an integer, found '{}'", name, text));
}

std::uint64_t parse_unsigned(const std::string& name, const std::string& text) {
  try {
    std::size_t used = 0;
    const unsigned long long value = std::stoull(text, &used);
    if (used == text.size() && !text.empty() && text[0] != '-') return value;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("{}: expected a non-negative integer, found '{}'", name, text));
}

double parse_double(const std::string& name, const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("{}: expected a number, found '{}'", name, text));
}

bool parse_bool(const std::string& name, const std::string& text) {
  if (text == "true" || text == "1" || text == "on" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "off" || text == "no") return false;
  throw Error(fmt::format("{}: expected true or false, found '{}'", name, text));
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

namespace {

// std::size_t options use the std::uint64_t instantiation.
static_assert(std::is_same_v<std::size_t, std::uint64_t>);

template <class T>
std::string shown(const T& v) {
  return fmt::format("{}", v);
}
template <class T>
std::string shown(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string();
}

void parse_into(const std::string& name, const std::string& text, std::int64_t& field) {
  field = parse_int(name, text);
}
void parse_into(const std::string& name, const std::string& text, std::uint64_t& field) {
  field = parse_unsigned(name, text);
}
void parse_into(const std::string& name, const std::string& text, double& field) {
  field = parse_double(name, text);
}
void parse_into(const std::string&, const std::string& text, std::string& field) { field = text; }
void parse_into(const std::string& name, const std::string& text, std::optional<double>& field) {
  field = parse_double(name, text);
}

template <class T>
const char* type_name_of() {
  if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::optional<double>>) return "FLOAT";
  else if constexpr (std::is_same_v<T, std::string>) return "TEXT";
  else return "INT";
}

}  // namespace

template <class T>
OptionSpec& OptionTable::value(std::string name, T& field, std::string help) {
  OptionSpec spec;
  spec.name = name;
  spec.help = std::move(help);
  spec.type_name = type_name_of<T>();
  spec.set = [name, &field](const std::string& text) { parse_into(name, text, field); };
  spec.show = [&field] { return shown(field); };
  return add(std::move(spec));
}

template OptionSpec& OptionTable::value(std::string, std::int64_t&, std::string);
template OptionSpec& OptionTable::value(std::string, std::uint64_t&, std::string);
template OptionSpec& OptionTable::value(std::string, double&, std::string);
template OptionSpec& OptionTable::value(std::string, std::string&, std::string);
template OptionSpec& OptionTable::value(std::string, std::optional<double>&, std::string);

OptionSpec& OptionTable::flag(std::string name, bool& field, std::string help) {
  OptionSpec spec;
  spec.name = name;
  spec.help = std::move(help);
  spec.flag = true;
  spec.set = [name, &field](const std::string& text) { field = parse_bool(name, text); };
  return add(std::move(spec));
}

OptionSpec& OptionTable::path(std::string name, std::filesystem::path& field, std::string help) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.help = std::move(help);
  spec.type_name = "PATH";
  spec.is_path = true;
  spec.set = [&field](const std::string& text) { field = text; };
  spec.show = [&field] { return field.string(); };
  return add(std::move(spec));
}

OptionSpec& OptionTable::choice(std::string name, std::string& field, std::vector<std::string> choices,
                                std::string help) {
  OptionSpec spec;
  spec.name = name;
  spec.help = std::move(help);
  spec.type_name = "TEXT";
  spec.choices = choices;
  spec.set = [name, &field, choices](const std::string& text) {
    if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
      std::string known;
      for (const auto& c : choices) known += (known.empty() ? "" : ", ") + c;
      throw Error(fmt::format("{}: expected one of {}, found '{}'", name, known, text));
    }
    field = text;
  };
  spec.show = [&field] { return field; };
  return add(std::move(spec));
}

OptionSpec& OptionTable::add(OptionSpec spec) {
  if (find(spec.name) != nullptr) throw Error(fmt::format("option table: '{}' declared twice", spec.name));
  specs_.push_back(std::move(spec));
  return specs_.back();
}

void OptionTable::append(const OptionTable& other) {
  for (const auto& spec : other.specs()) add(spec);
}

void OptionTable::remove(const std::vector<std::string>& names) {
  specs_.erase(std::remove_if(specs_.begin(), specs_.end(),
                              [&](const OptionSpec& s) {
                                return std::find(names.begin(), names.end(), s.name) != names.end();
                              }),
               specs_.end());
}

const OptionSpec* OptionTable::find(const std::string& name) const {
  for (const auto& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string OptionTable::names() const {
  std::string list;
  for (const auto& spec : specs_) list += (list.empty() ? "" : ", ") + spec.name;
  return list;
}

void OptionTable::set(const std::string& name, const std::optional<std::string>& text) const {
  const OptionSpec* spec = find(name);
  if (spec == nullptr) throw Error(fmt::format("unknown option '{}' (options: {})", name, names()));
  if (!text) {
    if (!spec->flag) throw Error(fmt::format("{}: expected a value", name));
    spec->set("true");
    return;
  }
  spec->set(*text);
}

}  // namespace tavrnn::pipeline
