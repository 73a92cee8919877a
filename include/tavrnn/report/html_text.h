#pragma once
// Putting text and bytes into an HTML page safely: the report embeds names
// from user data (labels, groups, unit ids, figure captions) that may hold
// '<', '&', quotes or "</script>", and binary figures that must travel inside
// the one file.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tavrnn::report {

// Text for HTML element content and quoted attribute values: & < > " ' escaped.
std::string escape_html(std::string_view text);

// RFC 4648 base64 with padding, for data: URIs (OpenSSL's encoder; the one
// base64 in tavrnn, used for the report's PNGs and the SVG figures' heatmaps).
std::string base64_encode(std::string_view bytes);

// JSON for a <script type="application/json"> block: every '<', '>' and '&'
// is written as \u003c, \u003e, \u0026, so no string in the data can close the
// block or open a comment; JSON.parse gives back the original text.
std::string json_for_script(const nlohmann::json& value);

// A JavaScript source (Chart.js) made safe to inline in a <script> element:
// "</script" cannot occur in it afterwards ("<\/script" means the same in JS
// strings and regular expressions, where such text can appear).
std::string script_for_inlining(std::string_view source);

// An SVG document made fit to inline in HTML: everything before the root
// <svg> element (XML declaration, DOCTYPE, comments) is dropped, <script>
// elements are removed, and every id (and its url(#...)/href="#..." uses) is
// prefixed with `id_prefix` so that several figures on one page cannot
// collide. Throws Error naming `origin` when there is no <svg> element.
std::string svg_for_inlining(std::string_view svg, std::string_view id_prefix,
                             std::string_view origin);

}  // namespace tavrnn::report
