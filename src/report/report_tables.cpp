#include <fmt/format.h>

#include <cmath>
#include <set>

#include "report_sections.h"
#include "tavrnn/report/html_text.h"

namespace tavrnn::report {

using nlohmann::json;

namespace {

bool is_mean_sd(const json& v) { return v.is_object() && v.contains("mean") && v["mean"].is_number(); }

std::string number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  if (v == std::floor(v) && std::abs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

std::string cell(const json& v) {
  const bool numeric = v.is_number() || is_mean_sd(v);
  return fmt::format("<td{}>{}</td>", numeric ? " class=\"num\"" : "", format_metric(v));
}

// Rows "key | value" of an object, nested objects flattened to dotted keys.
void flatten_rows(const json& object, const std::string& prefix, std::string& rows) {
  for (const auto& [key, value] : object.items()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object() && !is_mean_sd(value)) {
      flatten_rows(value, name, rows);
    } else {
      rows += fmt::format("<tr><th>{}</th>{}</tr>\n", escape_html(name), cell(value));
    }
  }
}

std::string key_value_table(const std::string& title, const json& object) {
  std::string rows;
  flatten_rows(object, "", rows);
  if (rows.empty()) return {};
  return fmt::format("<div><h3>{}</h3>\n<table>\n{}</table></div>\n", escape_html(title), rows);
}

std::string label_of(const ReportContent& c, int code) {
  if (code < 0) return "unlabelled";
  return static_cast<std::size_t>(code) < c.label_names.size() ? c.label_names[code]
                                                                : fmt::format("label {}", code);
}

std::string decoder_tables(const ReportContent& c, const json& d) {
  if (!d.is_object()) return key_value_table("Decoding", json{{"decoding", d}});
  std::string html = "<h3>Decoding of window labels from the population embeddings</h3>\n";
  json protocol = json::object();
  for (const auto& [key, value] : d.items()) {
    if (!value.is_object()) protocol[key] = value;
  }
  html += "<div class=\"tables\">" + key_value_table("Protocol", protocol) + "</div>\n";
  std::vector<std::string> decoders;
  std::set<std::string> metric_names;
  for (const auto& [key, value] : d.items()) {
    if (!value.is_object()) continue;
    decoders.push_back(key);
    for (const char* part : {"scores", "shuffled_labels"}) {
      if (value.contains(part) && value[part].is_object()) {
        for (const auto& m : value[part].items()) metric_names.insert(m.key());
      }
    }
  }
  if (decoders.empty()) return html;
  html += "<table>\n<tr><th>metric</th>";
  for (const auto& name : decoders) {
    html += fmt::format("<th>{0}</th><th>{0}, shuffled labels</th>", escape_html(name));
  }
  html += "</tr>\n";
  for (const auto& metric : metric_names) {
    html += fmt::format("<tr><th>{}</th>", escape_html(metric));
    for (const auto& name : decoders) {
      for (const char* part : {"scores", "shuffled_labels"}) {
        const json* v = nullptr;
        if (d[name].contains(part) && d[name][part].contains(metric)) v = &d[name][part][metric];
        html += v ? cell(*v) : "<td></td>";
      }
    }
    html += "</tr>\n";
  }
  html += "</table>\n<div class=\"tables\">";
  for (const auto& name : decoders) {
    const auto& m = d[name].value("confusion_matrix", json());
    if (!m.is_object() || !m.contains("labels") || !m.contains("counts")) continue;
    html += fmt::format("<div><h3>Confusion matrix, {} (rows true, columns predicted)</h3>\n<table>\n<tr><th></th>",
                        escape_html(name));
    for (const auto& l : m["labels"]) html += "<th>" + escape_html(label_of(c, l.is_number() ? l.get<int>() : -1)) + "</th>";
    html += "</tr>\n";
    for (std::size_t r = 0; r < m["counts"].size() && r < m["labels"].size(); ++r) {
      const auto& l = m["labels"][r];
      html += "<tr><th>" + escape_html(label_of(c, l.is_number() ? l.get<int>() : -1)) + "</th>";
      for (const auto& v : m["counts"][r]) html += cell(v);
      html += "</tr>\n";
    }
    html += "</table></div>\n";
  }
  return html + "</div>\n";
}

std::string groups_tables(const json& g) {
  if (!g.is_object()) return key_value_table("Unit groups", json{{"groups", g}});
  std::string html = "<h3>Unit groups in each window's node embeddings</h3>\n<div class=\"tables\">";
  json summary = json::object();
  for (const auto& [key, value] : g.items()) {
    if (key != "per_window" && key != "by_label") summary[key] = value;
  }
  html += key_value_table("Over windows", summary);
  if (g.contains("by_label") && g["by_label"].is_object() && !g["by_label"].empty()) {
    html += "<div><h3>By window label</h3>\n<table>\n<tr><th>label</th><th>silhouette_score</th>"
            "<th>adjusted_rand_score</th></tr>\n";
    for (const auto& [label, v] : g["by_label"].items()) {
      html += "<tr><th>" + escape_html(label) + "</th>";
      for (const char* key : {"silhouette_score", "adjusted_rand_score"}) {
        html += v.is_object() && v.contains(key) ? cell(v[key]) : "<td></td>";
      }
      html += "</tr>\n";
    }
    html += "</table></div>\n";
  }
  return html + "</div>\n";
}

json without(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return object;
  json out = object;
  for (const char* key : keys) out.erase(key);
  return out;
}

}  // namespace

std::string format_metric(const json& value) {
  if (is_mean_sd(value)) {
    std::string text = number(value["mean"].get<double>());
    if (value.contains("sd") && value["sd"].is_number()) text += " ± " + number(value["sd"].get<double>());
    if (value.contains("n") && value["n"].is_number()) text += fmt::format(" (n = {})", value["n"].dump());
    return text;
  }
  if (value.is_number()) return number(value.get<double>());
  if (value.is_string()) return escape_html(value.get<std::string>());
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_null()) return "";
  return "<span class=\"code\">" +
         escape_html(value.dump(-1, ' ', false, json::error_handler_t::replace)) + "</span>";
}

std::string settings_tables(const ReportContent& c) {
  json run_facts = {{"run directory", c.run_dir.string()}, {"report made", c.generated},
                    {"model", c.model}, {"windows", c.windows.size()}, {"units", c.unit_ids.size()}};
  json sections = json::object();
  if (c.run.is_object()) {
    for (const auto& [key, value] : c.run.items()) {
      if (value.is_object()) {
        sections[key] = value;
      } else {
        run_facts[key] = value;
      }
    }
  }
  std::string html = "<div class=\"tables\">" + key_value_table("Run", run_facts);
  static const std::vector<std::pair<std::string, std::string>> kKnown = {
      {"graph_settings", "Graph settings"}, {"model", "Model"}, {"trainer", "Trainer"},
      {"versions", "Versions"}, {"timings", "Timings"}};
  for (const auto& [key, title] : kKnown) {
    if (sections.contains(key)) html += key_value_table(title, sections[key]);
  }
  for (const auto& [key, value] : sections.items()) {
    bool known = false;
    for (const auto& k : kKnown) known = known || k.first == key;
    if (!known) html += key_value_table(key, value);
  }
  return html + "</div>\n";
}

std::string decoding_tables(const ReportContent& c) {
  const json& m = c.metrics;
  if (!m.is_object()) {
    return "<p class=\"note\">No metrics.json: run <code>tavrnn evaluate RUN/</code> to decode the window "
           "labels.</p>\n";
  }
  if (!m.contains("decoding")) return "<p class=\"note\">No decoding in metrics.json.</p>\n";
  return decoder_tables(c, m["decoding"]);
}

std::string metrics_tables(const ReportContent& c) {
  const json& m = c.metrics;
  if (!m.is_object()) return "<p class=\"note\">No metrics.json: run <code>tavrnn evaluate RUN/</code>.</p>\n";
  json overview = json::object();
  for (const auto& [key, value] : m.items()) {
    if (!value.is_object()) overview[key] = value;
  }
  std::string html = "<div class=\"tables\">" + key_value_table("Evaluation", overview) + "</div>\n";
  html += "<div class=\"tables\">";
  if (m.contains("clustering")) html += key_value_table("Clustering of the labelled windows", m["clustering"]);
  if (m.contains("reconstruction")) {
    html += key_value_table("Graph reconstruction (units)", without(m["reconstruction"], {"per_window"}));
  }
  html += "</div>\n";
  if (m.contains("groups")) html += groups_tables(m["groups"]);
  for (const auto& [key, value] : m.items()) {
    if (value.is_object() && key != "decoding" && key != "clustering" && key != "reconstruction" &&
        key != "groups") {
      html += key_value_table(key, value);
    }
  }
  return html;
}

std::string windows_table(const ReportContent& c) {
  std::string html = "<table>\n<tr><th>window</th><th>label</th><th>start (s)</th><th>stop (s)</th>"
                     "<th>purity</th><th>edge density</th></tr>\n";
  for (std::size_t t = 0; t < c.windows.size(); ++t) {
    const auto& w = c.windows[t];
    html += fmt::format("<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{:.2f}</td>"
                        "<td class=\"num\">{:.2f}</td><td class=\"num\">{:.3f}</td><td class=\"num\">{}</td></tr>\n",
                        t, escape_html(label_of(c, w.label)), w.start_s, w.stop_s, w.purity,
                        w.density ? fmt::format("{:.4f}", *w.density) : "");
  }
  return html + "</table>\n";
}

}  // namespace tavrnn::report
