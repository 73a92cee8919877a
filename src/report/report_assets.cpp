#include "report_assets.h"

namespace tavrnn::report {

const std::string_view kReportStyle = R"CSS(
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 0 1.5em 3em; color: #222; background: #fff; line-height: 1.4; }
header { border-bottom: 2px solid #0072B2; margin-bottom: 1em; }
h1 { font-size: 1.6em; margin: 0.8em 0 0.2em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #ccc; margin-top: 1.8em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
nav a { margin-right: 1em; color: #0072B2; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tables { display: flex; flex-wrap: wrap; gap: 0 2em; }
.chart { position: relative; height: 420px; max-width: 1000px; }
.chart.small { height: 320px; }
.note, .caption { color: #555; font-size: 0.9em; }
figure { margin: 1em 0 2em; }
figure img, figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #333; }
.code { font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
)CSS";

const std::string_view kErrorRecorder = R"JS(
window.reportErrors = [];
window.recordReportError = function (message) {
  window.reportErrors.push(String(message));
  document.body.setAttribute('data-errors', window.reportErrors.join(' | '));
};
window.onerror = function (message, source, line) {
  window.recordReportError(message + ' (line ' + line + ')');
};
window.addEventListener('unhandledrejection', function (e) {
  window.recordReportError('unhandled rejection: ' + e.reason);
});
)JS";

const std::string_view kChartScript = R"JS(
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const labelName = (code) => code >= 0 && code < data.labels.names.length
      ? data.labels.names[code] : (code >= 0 ? 'label ' + code : 'unlabelled');
  const groupName = (code) => code >= 0 && code < data.groups.names.length
      ? data.groups.names[code] : (code >= 0 ? 'group ' + code : 'no group');
  let built = 0;

  // One chart per canvas; a failure is recorded and the other charts still drawn.
  function build(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas) return null;
    try {
      config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false },
                                     config.options || {});
      const chart = new Chart(canvas, config);
      canvas.setAttribute('data-chart', 'ready');
      document.body.setAttribute('data-charts', String(++built));
      return chart;
    } catch (e) {
      window.recordReportError(id + ': ' + e);
      return null;
    }
  }

  // Datasets of a scatter plot, one per code (label or group) in code order so
  // that legend entries toggle whole classes and colours follow the code.
  function byCode(points, codeOf, nameOf, colourOf) {
    const sets = new Map();
    points.forEach((p) => {
      const code = codeOf(p);
      if (!sets.has(code)) {
        sets.set(code, { label: nameOf(code), data: [], backgroundColor: colourOf(code),
                         borderColor: '#333', borderWidth: 0.5, pointRadius: 4, pointHoverRadius: 6 });
      }
      sets.get(code).data.push(p);
    });
    return [...sets.keys()].sort((a, b) => (a < 0) - (b < 0) || a - b).map((k) => sets.get(k));
  }
  const axis = (title) => ({ title: { display: true, text: title } });

  if (data.training && data.training.epoch.length > 0) {
    const t = data.training;
    const line = (label, values, colour, axisId) => ({
      label, data: values, borderColor: colour, backgroundColor: colour, yAxisID: axisId,
      pointRadius: values.length > 60 ? 0 : 2, borderWidth: 2, tension: 0 });
    build('training-chart', {
      type: 'line',
      data: { labels: t.epoch, datasets: [line('loss', t.loss, data.palette[4], 'y'),
                                           line('NLL', t.nll, data.palette[0], 'y'),
                                           line('KL', t.kl, data.palette[2], 'kl')] },
      options: { interaction: { mode: 'index', intersect: false },
                 scales: { x: axis('epoch'), y: axis('loss, NLL (sum over windows)'),
                           kl: Object.assign(axis('KL'), { position: 'right', grid: { drawOnChartArea: false } }) } },
    });
  }

  const windowText = (t) => {
    const w = data.windows[t];
    return 'window ' + t + ' (' + labelName(w.label) + ')';
  };

  if (data.population && data.population.x.length > 0) {
    const pop = data.population;
    const points = pop.x.map((x, t) => ({ x, y: pop.y[t], t }));
    build('population-chart', {
      type: 'scatter',
      data: { datasets: byCode(points, (p) => data.windows[p.t].label, labelName,
                               (c) => data.labels.colours[c] || data.unlabelled_colour) },
      options: { scales: { x: axis(pop.method + ' 1'), y: axis(pop.method + ' 2') },
                 plugins: { tooltip: { callbacks: { label: (ctx) => {
                   const w = data.windows[ctx.raw.t];
                   return windowText(ctx.raw.t) + ', ' + w.start_s.toFixed(1) + '-' + w.stop_s.toFixed(1) + ' s';
                 } } } } },
    });
  }

  if (data.unit_maps && data.unit_maps.length > 0) {
    const select = document.getElementById('unit-window');
    const unitSets = (m) => byCode(
        m.x.map((x, u) => ({ x, y: m.y[u], u, t: m.window })),
        (p) => data.unit_groups.length ? data.unit_groups[p.u] : -1, groupName,
        (c) => data.groups.colours[c] || data.unlabelled_colour);
    const caption = document.getElementById('unit-map-method');
    const chart = build('units-chart', {
      type: 'scatter',
      data: { datasets: unitSets(data.unit_maps[0]) },
      options: { scales: { x: axis('t-SNE 1'), y: axis('t-SNE 2') },
                 plugins: { tooltip: { callbacks: { label: (ctx) => {
                   const p = ctx.raw, m = data.unit_maps[select.value];
                   const id = data.unit_ids[p.u] !== undefined ? data.unit_ids[p.u] : String(p.u);
                   const group = data.unit_groups.length ? groupName(data.unit_groups[p.u]) : 'no group';
                   const silent = m.silent.length && m.silent[p.u] ? ' (silent in this window)' : '';
                   return 'unit ' + id + ', group ' + group + ', ' + windowText(p.t) + silent;
                 } } } } },
    });
    const show = () => {
      const m = data.unit_maps[select.value];
      caption.textContent = m.method;
      if (!chart) return;
      chart.data.datasets = unitSets(m);
      chart.options.scales.x.title.text = m.method.split(' (')[0] + ' 1';
      chart.options.scales.y.title.text = m.method.split(' (')[0] + ' 2';
      chart.update();
    };
    select.addEventListener('change', show);
    show();
  }
  document.body.setAttribute('data-report', 'ready');
})();
)JS";

}  // namespace tavrnn::report
