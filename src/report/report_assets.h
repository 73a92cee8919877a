#pragma once
// The fixed parts of the report page: its style sheet and the scripts that
// draw the charts from the page's JSON data block. They hold no user data.
#include <string_view>

namespace tavrnn::report {

// CSS of the page.
extern const std::string_view kReportStyle;
// Runs first: records script errors on <body data-errors="..."> so that a
// headless browser's DOM dump shows them.
extern const std::string_view kErrorRecorder;
// Builds the Chart.js charts from <script id="report-data">; marks each
// canvas with data-chart="ready" once its chart exists.
extern const std::string_view kChartScript;

}  // namespace tavrnn::report
