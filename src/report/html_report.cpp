#include "tavrnn/report/html_report.h"

#include <fmt/format.h>

#include <chrono>

#include "report_assets.h"
#include "report_sections.h"
#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/report/html_text.h"
#include "tavrnn/report/group_palette.h"

namespace tavrnn::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> colours_by_code(std::size_t n) {
  std::vector<std::string> colours;
  for (std::size_t i = 0; i < n; ++i) colours.push_back(group_colour_hex(static_cast<int>(i)));
  return colours;
}

// Everything the charts draw, for the page's JSON block.
json chart_data(const ReportContent& c) {
  json windows = json::array();
  for (const auto& w : c.windows) windows.push_back({{"label", w.label}, {"start_s", w.start_s}, {"stop_s", w.stop_s}});
  json unit_maps = json::array();
  for (const auto& m : c.unit_maps) {
    unit_maps.push_back({{"window", m.window}, {"method", m.map.method}, {"x", m.map.x}, {"y", m.map.y},
                         {"silent", m.silent}});
  }
  // Enough colours for every code in use, even past the names (codes without a name).
  int top_label = static_cast<int>(c.label_names.size()) - 1;
  for (const auto& w : c.windows) top_label = std::max(top_label, w.label);
  int top_group = static_cast<int>(c.group_names.size()) - 1;
  for (const int g : c.groups) top_group = std::max(top_group, g);
  return {
      {"palette", colours_by_code(8)},
      {"unlabelled_colour", group_colour_hex(-1)},
      {"labels", {{"names", c.label_names}, {"colours", colours_by_code(static_cast<std::size_t>(top_label + 1))}}},
      {"groups", {{"names", c.group_names}, {"colours", colours_by_code(static_cast<std::size_t>(top_group + 1))}}},
      {"training", {{"epoch", c.training.epoch}, {"loss", c.training.loss}, {"kl", c.training.kl},
                    {"nll", c.training.nll}}},
      {"windows", windows},
      {"population", {{"method", c.population.method}, {"x", c.population.x}, {"y", c.population.y}}},
      {"unit_ids", c.unit_ids},
      {"unit_groups", c.groups},
      {"unit_maps", unit_maps},
  };
}

std::string section(const char* id, const char* title, const std::string& body) {
  return fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", id, title, body);
}

std::string training_section(const ReportContent& c) {
  if (c.training.epoch.empty()) return "<p class=\"note\">No training_log.csv in the run.</p>\n";
  return fmt::format("<p class=\"caption\">Loss = sum over windows of KL + NLL, before each epoch's step; "
                     "{} epochs. KL on the right axis.</p>\n"
                     "<div class=\"chart\"><canvas id=\"training-chart\" aria-label=\"training curves\"></canvas></div>\n",
                     c.training.epoch.size());
}

std::string embeddings_section(const ReportContent& c) {
  std::string html = fmt::format(
      "<h3>Population embeddings, one point per window</h3>\n<p class=\"caption\">The {} of each window, "
      "mapped to 2-D by {}, coloured by window label. Click a legend entry to hide or show a label; hover "
      "for the window.</p>\n<div class=\"chart\"><canvas id=\"population-chart\" aria-label=\"population "
      "embeddings\"></canvas></div>\n",
      escape_html(c.population_source), escape_html(c.population.method));
  if (c.unit_maps.empty()) return html;
  html += "<h3>Unit embeddings of a window</h3>\n<p class=\"caption\">Each unit's mu in the chosen window, "
          "mapped to 2-D (<span id=\"unit-map-method\"></span>; each map starts from the previous one so "
          "successive maps stay aligned), coloured by unit group. Hover for the unit.</p>\n"
          "<label>Window <select id=\"unit-window\">";
  for (std::size_t i = 0; i < c.unit_maps.size(); ++i) {
    const auto t = c.unit_maps[i].window;
    const int label = c.windows[t].label;
    const std::string name = label < 0 ? "unlabelled"
                             : static_cast<std::size_t>(label) < c.label_names.size() ? c.label_names[label]
                                                                                      : fmt::format("label {}", label);
    html += fmt::format("<option value=\"{}\">{} ({})</option>", i, t, escape_html(name));
  }
  html += fmt::format("</select></label> <span class=\"note\">{} of {} windows precomputed</span>\n"
                      "<div class=\"chart\"><canvas id=\"units-chart\" aria-label=\"unit embeddings\"></canvas></div>\n",
                      c.unit_maps.size(), c.windows.size());
  return html;
}

std::string attention_section(const ReportContent& c) {
  if (c.attention.empty()) return "<p class=\"note\">No attention weights in the embeddings.</p>\n";
  return "<p class=\"caption\">Row t: the weights of step t over the states it attended (right-aligned, "
         "column t is its own GRU output). VGRNN and VGAE runs show the identity.</p>\n" +
         attention_heatmap(c.attention);
}

std::string figures_section(const ReportContent& c) {
  if (c.figures.empty()) return "<p class=\"note\">No figures (FIGURES_DIR/figures.json).</p>\n";
  std::string html;
  for (std::size_t i = 0; i < c.figures.size(); ++i) {
    const auto& f = c.figures[i];
    const std::string title = f.entry.title.empty() ? f.entry.name : f.entry.title;
    std::string image;
    if (!f.svg.empty()) {
      image = svg_for_inlining(f.svg, fmt::format("fig{}-", i), f.entry.svg.string());
    } else {
      image = fmt::format("<img alt=\"{}\" src=\"data:image/png;base64,{}\">", escape_html(title),
                          base64_encode(f.png));
    }
    html += fmt::format("<figure id=\"figure-{}\" data-name=\"{}\">\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                        i, escape_html(f.entry.name), escape_html(title), image, escape_html(f.entry.caption));
  }
  return html;
}

}  // namespace

std::string read_chartjs(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw Error(fmt::format("report: Chart.js {} not found (install the Debian package libjs-chart.js, "
                            "or pass `chartjs` PATH)", path.string()));
  }
  return io::read_file_bytes(path);
}

std::string render_html_report(const ReportContent& c, std::string_view chartjs) {
  std::string notes;
  for (const auto& n : c.notes) notes += "<li>" + escape_html(n) + "</li>\n";
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>tavrnn report: {0}</title>\n<style>{1}</style>\n</head>\n<body>\n<script>{2}</script>\n"
      "<header>\n<h1>tavrnn report</h1>\n<p><span class=\"code\">{0}</span>, {3} model, {4} windows, "
      "{5} units; made {6}</p>\n<nav><a href=\"#decoding\">Decoding</a><a href=\"#embeddings\">Embeddings</a>"
      "<a href=\"#attention\">Attention</a><a href=\"#metrics\">Metrics</a><a href=\"#training\">Training</a>"
      "<a href=\"#windows\">Windows</a><a href=\"#figures\">Figures</a><a href=\"#settings\">Settings</a></nav>\n"
      "</header>\n",
      escape_html(c.run_dir.string()), kReportStyle, kErrorRecorder, escape_html(c.model), c.windows.size(),
      c.unit_ids.size(), escape_html(c.generated));
  // What a reader looks for first: does the embedding decode the labels
  // (against the shuffled-label control), what the population and attention
  // look like; the details after, and the settings that made the run last.
  html += section("decoding", "Decoding", decoding_tables(c));
  html += section("embeddings", "Embeddings", embeddings_section(c));
  html += section("attention", "Attention", attention_section(c));
  html += section("metrics", "Metrics", metrics_tables(c));
  html += section("training", "Training", training_section(c));
  html += section("windows", "Windows", windows_table(c));
  html += section("figures", "Figures", figures_section(c));
  html += section("settings", "Settings", settings_tables(c));
  if (!notes.empty()) html += section("notes", "Notes", "<ul>\n" + notes + "</ul>\n");
  html += "<script type=\"application/json\" id=\"report-data\">" + json_for_script(chart_data(c)) + "</script>\n";
  html += "<script>" + script_for_inlining(chartjs) + "</script>\n";
  html += fmt::format("<script>{}</script>\n</body>\n</html>\n", kChartScript);
  return html;
}

HtmlReportResult write_html_report(const fs::path& run, const fs::path& out, const ReportOptions& options) {
  const auto begin = std::chrono::steady_clock::now();
  const std::string chartjs = read_chartjs(options.chartjs);  // before the maps: fail fast
  const auto content = gather_report_content(run, options);
  const std::string html = render_html_report(content, chartjs);
  HtmlReportResult result;
  result.path = out.empty() ? pipeline::RunDirectory(run).report() : out;
  io::write_file_atomically(result.path, html);
  result.bytes = html.size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return result;
}

}  // namespace tavrnn::report
