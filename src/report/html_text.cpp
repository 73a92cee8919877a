#include "tavrnn/report/html_text.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "tavrnn/util/error.h"

namespace tavrnn::report {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  // EVP_EncodeBlock takes an int length and pads its last group, so longer
  // inputs go through in pieces whose length is a multiple of 3: only the
  // final piece can carry '=' padding, as in one pass over the whole input.
  constexpr std::size_t kPiece = std::size_t{3} << 20;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4 + 1);
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const std::size_t n = std::min(kPiece, bytes.size() - at);
    const std::size_t begin = out.size();
    out.resize(begin + (n + 2) / 3 * 4 + 1);  // + the NUL that EVP_EncodeBlock writes
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + begin),
                                        reinterpret_cast<const unsigned char*>(bytes.data() + at),
                                        static_cast<int>(n));
    out.resize(begin + static_cast<std::size_t>(written));
  }
  return out;
}

std::string json_for_script(const nlohmann::json& value) {
  // Replacement keeps invalid UTF-8 in user names from aborting the report.
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_for_inlining(std::string_view source) {
  std::string out(source);
  const auto closes_script = [&](std::size_t at) {
    static constexpr std::string_view kTag = "script";
    if (out.size() < at + 2 + kTag.size()) return false;
    for (std::size_t i = 0; i < kTag.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(out[at + 2 + i])) != kTag[i]) return false;
    }
    return true;
  };
  for (auto at = out.find("</"); at != std::string::npos; at = out.find("</", at + 2)) {
    if (closes_script(at)) out.insert(at + 1, "\\");
  }
  return out;
}

std::string svg_for_inlining(std::string_view svg, std::string_view id_prefix,
                             std::string_view origin) {
  // The root is the first "<svg" followed by whitespace or '>'; earlier text
  // can only be prologue, DOCTYPE, comments or processing instructions.
  static const std::regex root(R"(<svg[\s>])", std::regex::icase);
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(svg.begin(), svg.end(), m, root)) {
    throw Error(fmt::format("reading {}: expected an SVG document (an <svg> element), found none",
                            origin));
  }
  std::string out(svg.substr(static_cast<std::size_t>(m.position(0))));
  // A figure is a picture: scripts in it have no business running in the report.
  static const std::regex script(R"(<script\b[\s\S]*?</script\s*>|<script\b[^>]*/>)", std::regex::icase);
  out = std::regex_replace(out, script, "");
  const std::string prefix(id_prefix);
  static const std::regex id(R"(\bid=(["']))");
  out = std::regex_replace(out, id, "id=$1" + prefix);
  static const std::regex url(R"(url\(\s*#)");
  out = std::regex_replace(out, url, "url(#" + prefix);
  static const std::regex href(R"(href=(["'])#)");
  out = std::regex_replace(out, href, "href=$1#" + prefix);
  return out;
}

}  // namespace tavrnn::report
