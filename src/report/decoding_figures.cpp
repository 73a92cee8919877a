// Decoding figures: accuracy per model and embedding width (a comparison
// grid) and the decoder's confusion matrix (one run).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "run_figure_parts.h"
#include "tavrnn/report/group_palette.h"

namespace tavrnn::report::detail {

FigureFile decoding_accuracy_figure(const fs::path& out, const std::vector<DecodingCell>& cells) {
  std::vector<std::string> models;
  std::vector<std::int64_t> widths;
  for (const auto& cell : cells) {
    if (std::find(models.begin(), models.end(), cell.model) == models.end()) models.push_back(cell.model);
    if (std::find(widths.begin(), widths.end(), cell.latent) == widths.end()) widths.push_back(cell.latent);
  }
  std::sort(widths.begin(), widths.end());
  const auto position = [&](std::int64_t w) {
    return static_cast<double>(std::find(widths.begin(), widths.end(), w) - widths.begin());
  };
  // Models side by side within a width, so that error bars do not overlap.
  const double spread = models.size() > 1 ? 0.5 / static_cast<double>(models.size() - 1) : 0.0;
  FigureSpec spec{"decoding_accuracy",
                  "Decoding accuracy (logistic regression) per model and embedding dimension",
                  "Held-out accuracy of decoding the window label from the population embedding "
                  "(stratified k-fold), mean +- sd over seeds, from tavrnn compare's results.csv. Dashed "
                  "lines: the same protocol on shuffled labels (chance level) for each model.",
                  1200, 750};
  return render_figure(out, spec, [&](Canvas& c) {
    const double span = static_cast<double>(widths.size());
    c.panel({0.09, 0.74, 0.14, 0.88}, {-0.6, span - 0.4}, {0.0, 1.05});
    std::vector<LegendEntry> legend;
    for (std::size_t m = 0; m < models.size(); ++m) {
      const Rgb colour = group_colour(static_cast<int>(m));
      const double offset = models.size() > 1 ? -0.25 + spread * static_cast<double>(m) : 0.0;
      std::vector<double> x, mean, low, high, shuffled_x, shuffled;
      for (const auto& cell : cells) {
        if (cell.model != models[m]) continue;
        const double at = position(cell.latent) + offset;
        x.push_back(at);
        mean.push_back(cell.accuracy.mean);
        low.push_back(cell.accuracy.mean - cell.accuracy.sd);
        high.push_back(cell.accuracy.mean + cell.accuracy.sd);
        if (cell.shuffled.n > 0) {
          shuffled_x.push_back(at);
          shuffled.push_back(cell.shuffled.mean);
        }
      }
      c.error_bars(x, low, high, colour);
      c.line(x, mean, colour, 1.5);
      c.points(x, mean, colour, 1.3);
      c.line(shuffled_x, shuffled, colour, 1.0, true);
      legend.push_back({models[m], colour, false});
    }
    c.axes("embedding dimension Z", "accuracy (fraction of test windows)", spec.title, false, true);
    for (std::int64_t w : widths) c.edge_label('b', position(w), 1.4, std::to_string(w));
    legend.push_back({"shuffled labels", {0x66, 0x66, 0x66}, true});
    c.legend({0.77, 0.99, 0.5, 0.5 + 0.05 * (legend.size() + 1)}, legend, "model");
  });
}

FigureFile confusion_figure(const fs::path& out, const ConfusionCounts& confusion) {
  const std::size_t k = confusion.labels.size();
  std::vector<double> fraction(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    std::int64_t total = 0;
    for (std::size_t j = 0; j < k; ++j) total += confusion.counts[i * k + j];
    for (std::size_t j = 0; j < k; ++j) {
      fraction[i * k + j] = total > 0 ? static_cast<double>(confusion.counts[i * k + j]) / total : 0.0;
    }
  }
  FigureSpec spec{"confusion_matrix", "Confusion matrix of the window-label decoder (logistic regression)",
                  "Rows: true window label; columns: predicted label. Each cell gives the number of "
                  "held-out windows, summed over the test folds of every seed, and colour shows the "
                  "fraction of its row (the recall of the true label on the diagonal). From metrics.json.",
                  950, 850};
  return render_figure(out, spec, [&](Canvas& c) {
    const double extent = static_cast<double>(k) - 0.5;
    c.panel({0.2, 0.8, 0.16, 0.88}, {-0.5, extent}, {extent, -0.5}, false, true);
    c.heatmap(fraction, k, k, ColourMap::Viridis, 0.0, 1.0);
    const double size = k <= 6 ? 1.1 : k <= 12 ? 0.8 : 0.55;
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < k; ++j) {
        const Rgb cell = colour_at(ColourMap::Viridis, fraction[i * k + j]);
        const Rgb ink = relative_luminance(cell) > 0.35 ? Rgb{0, 0, 0} : Rgb{255, 255, 255};
        c.text(static_cast<double>(j), static_cast<double>(i) + 0.1,
               std::to_string(confusion.counts[i * k + j]), ink, 0.5, size);
      }
    }
    c.axes("", "", spec.title, false, false);
    for (std::size_t i = 0; i < k; ++i) {
      c.edge_label('l', static_cast<double>(i), 0.6, confusion.labels[i], true);
      c.edge_label('b', static_cast<double>(i), 1.3, confusion.labels[i]);
    }
    c.edge_label('b', (k - 1) / 2.0, 3.2, "predicted label");
    c.edge_label('l', (k - 1) / 2.0, 6.0, "true label");
    c.colour_bar({0.86, 0.89, 0.25, 0.75}, ColourMap::Viridis, 0.0, 1.0, "fraction of the true label's windows");
  });
}

}  // namespace tavrnn::report::detail
