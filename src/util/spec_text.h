#pragma once
// Splitting the colon-separated option specs of the CLI ("sliding:2400:1200",
// "shuffle:1000:reference"): every field kept, empty ones included, so that
// "sliding::5" is reported as a missing size rather than read as "sliding:5".
#include <string>
#include <vector>

namespace tavrnn::detail {

inline std::vector<std::string> split_spec(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) return parts;
    begin = end + 1;
  }
}

}  // namespace tavrnn::detail
