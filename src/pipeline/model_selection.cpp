#include "tavrnn/pipeline/model_selection.h"

#include <sstream>

#include <fmt/format.h>

#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {
namespace {

struct SelectedOption {
  std::string key;
  std::vector<std::string> values;
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

std::vector<SelectedOption> parse_select(const std::string& text) {
  std::string spaced = text;
  for (char& c : spaced) {
    if (c == ';') c = ' ';
  }
  std::vector<SelectedOption> options;
  std::istringstream words(spaced);
  std::string word;
  while (words >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == word.size()) {
      throw Error(fmt::format("`select`: expected KEY=VALUE,VALUE,... (e.g. latent=4,8,16), found '{}'", word));
    }
    SelectedOption option{word.substr(0, eq), split(word.substr(eq + 1), ',')};
    for (const auto& v : option.values) {
      if (v.empty()) throw Error(fmt::format("`select` {}: an empty value in '{}'", option.key, word));
    }
    for (const auto& seen : options) {
      if (seen.key == option.key) throw Error(fmt::format("`select`: {} given twice", option.key));
    }
    if (option.key == "select") throw Error("`select`: cannot select on `select` itself");
    options.push_back(std::move(option));
  }
  if (options.empty()) throw Error("`select`: expected at least one KEY=VALUE,VALUE,...");
  return options;
}

}  // namespace

std::vector<SelectionCandidate> selection_candidates(const FitSettings& settings) {
  const std::vector<SelectedOption> options = parse_select(settings.select);
  std::vector<SelectionCandidate> candidates(1);
  candidates[0].settings = settings;
  candidates[0].settings.select.clear();
  for (const auto& option : options) {
    std::vector<SelectionCandidate> next;
    for (const auto& base : candidates) {
      for (const auto& value : option.values) {
        SelectionCandidate c = base;
        const OptionTable table = fit_options(c.settings);
        if (table.find(option.key) == nullptr) {
          throw Error(fmt::format("`select`: no fit option '{}' (options: {})", option.key, table.names()));
        }
        table.set(option.key, value);
        c.label += (c.label.empty() ? "" : " ") + option.key + "=" + value;
        next.push_back(std::move(c));
      }
    }
    candidates = std::move(next);
  }
  return candidates;
}

}  // namespace tavrnn::pipeline
