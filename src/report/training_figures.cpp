// Figures of the training itself: the loss terms per epoch and the temporal
// attention weights.
#include <algorithm>
#include <cmath>

#include "run_figure_parts.h"
#include "tavrnn/report/group_palette.h"

namespace tavrnn::report::detail {

FigureFile training_figure(const fs::path& out, const TrainingCurves& log) {
  // The loss falls over orders of magnitude early on, so a log axis shows
  // the whole run; a non-positive value (possible for a Gaussian NLL) forces
  // a linear one.
  double low = INFINITY, high = -INFINITY;
  for (const auto* series : {&log.loss, &log.kl, &log.nll}) {
    for (double v : *series) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  const bool log_y = low > 0;
  const AxisRange y = log_y ? AxisRange{low / 1.5, high * 1.5}
                            : AxisRange{low - 0.05 * (high - low + 1), high + 0.05 * (high - low + 1)};
  const AxisRange x{log.epoch.front() - 0.5, log.epoch.back() + 0.5};
  FigureSpec spec{"training_loss", "Training loss, KL and NLL per epoch",
                  "The objective (loss = KL + NLL, summed over windows, in nats) before each epoch's "
                  "optimiser step, from training_log.csv. KL: the posterior's divergence from the "
                  "prior; NLL: the graph reconstruction term." +
                      std::string(log_y ? " Logarithmic y axis." : ""),
                  1100, 700};
  return render_figure(out, spec, [&](Canvas& c) {
    c.panel({0.1, 0.78, 0.12, 0.88}, x, y, log_y);
    const std::vector<std::pair<std::string, const std::vector<double>*>> series = {
        {"loss", &log.loss}, {"KL", &log.kl}, {"NLL", &log.nll}};
    std::vector<LegendEntry> legend;
    for (std::size_t i = 0; i < series.size(); ++i) {
      c.line(log.epoch, *series[i].second, group_colour(static_cast<int>(i)), 2.5);
      legend.push_back({series[i].first, group_colour(static_cast<int>(i)), true});
    }
    c.axes("epoch", "nats (summed over windows)", spec.title);
    c.legend({0.81, 0.97, 0.65, 0.85}, legend);
  });
}

FigureFile attention_figure(const fs::path& out, const torch::Tensor& attention) {
  const auto a = attention.to(torch::kCPU, torch::kFloat64).contiguous();
  const auto t = static_cast<std::size_t>(a.size(0));
  const std::vector<double> values(a.data_ptr<double>(), a.data_ptr<double>() + a.numel());
  const double high = std::max(*std::max_element(values.begin(), values.end()), 1e-12);
  FigureSpec spec{"attention", "Temporal attention weights (step t over the states it attends)",
                  "Row t: the attention weights step t puts on the earlier GRU states (column t is "
                  "its own); rows sum to 1. Models without attention (VGRNN, VGAE) store the identity.",
                  1000, 850};
  return render_figure(out, spec, [&](Canvas& c) {
    const double extent = static_cast<double>(t) - 0.5;
    c.panel({0.1, 0.8, 0.1, 0.88}, {-0.5, extent}, {extent, -0.5}, false, true);
    c.heatmap(values, t, t, ColourMap::Viridis, 0.0, high);
    c.axes("attended state (window index)", "step t (window index)", spec.title);
    c.colour_bar({0.84, 0.87, 0.2, 0.8}, ColourMap::Viridis, 0.0, high, "attention weight");
  });
}

}  // namespace tavrnn::report::detail
