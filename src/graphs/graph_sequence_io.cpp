// graphs.npz: save_graph_sequence (the reader is graph_file_reader.cpp). The
// keys are documented in docs/formats.md; keep the three in step.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "tavrnn/util/error.h"
#include "graph_file_format.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/io/npz.h"
#include "tavrnn/util/ndarray_tensor.h"

namespace tavrnn::graphs {
namespace {

using io::DType;
using io::NdArray;
using Arrays = std::vector<std::pair<std::string, NdArray>>;


NdArray string_scalar(const std::string& value) { return NdArray::from_strings({value}, {}); }
NdArray int_scalar(std::int64_t value) { return NdArray::from_int64s({value}, {}); }
NdArray bool_scalar(bool value) {
  NdArray array;
  array.dtype = DType::Bool;
  array.bytes = {static_cast<unsigned char>(value ? 1 : 0)};
  return array;
}
NdArray uint64_scalar(std::uint64_t value) {
  NdArray array;
  array.dtype = DType::UInt64;
  array.bytes.resize(8);
  std::memcpy(array.bytes.data(), &value, 8);
  return array;
}

const char* degeneracy_name(GraphDegeneracy d) {
  switch (d) {
    case GraphDegeneracy::None:
      return "none";
    case GraphDegeneracy::NoEdges:
      return "no-edges";
    case GraphDegeneracy::Complete:
      return "complete";
  }
  return "none";
}

// Every window sparse: A as one edge list (int32 rows and columns, per-window
// offsets; scipy.sparse.coo_matrix reads a window directly), W as its values
// when held on edges; otherwise the dense stacks of version 1.
void write_graphs(const GraphSequence& sequence, Arrays& arrays) {
  const std::size_t T = sequence.size();
  const bool edge_lists = std::all_of(sequence.infos().begin(), sequence.infos().end(), [](const auto& info) {
    return info.storage == AdjacencyStorage::Sparse;
  });
  std::vector<torch::Tensor> w, a, rows, columns, values;
  std::vector<std::int64_t> offsets{0};
  for (std::size_t t = 0; t < T; ++t) {
    const Graph& g = sequence.graph(t);
    if (!edge_lists) {
      w.push_back(g.weights.to(torch::kCPU));
      a.push_back(sequence.dense_adjacency(t).to(torch::kCPU).ne(0));
      continue;
    }
    const auto a = (g.adjacency.is_sparse() ? g.adjacency : g.adjacency.to_sparse()).to(torch::kCPU).coalesce();
    rows.push_back(a.indices()[0].to(torch::kInt32));
    columns.push_back(a.indices()[1].to(torch::kInt32));
    offsets.push_back(offsets.back() + a._nnz());
    if (!sequence.settings().weights_on_edges) {
      w.push_back(g.weights.to(torch::kCPU));
      continue;
    }
    const auto weights = g.weights.to(torch::kCPU).coalesce();
    if (!torch::equal(weights.indices(), a.indices())) {
      throw Error(fmt::format("writing graphs: window {}: W is held on edges but not on A's edges", t));
    }
    values.push_back(weights.values());
  }
  if (!edge_lists) {
    arrays.emplace_back("W", to_ndarray(torch::stack(w)));
    arrays.emplace_back("A", to_ndarray(torch::stack(a)));
    return;
  }
  arrays.emplace_back("edge_offsets", NdArray::from_int64s(offsets, {offsets.size()}));
  arrays.emplace_back("edge_rows", to_ndarray(torch::cat(rows)));
  arrays.emplace_back("edge_columns", to_ndarray(torch::cat(columns)));
  if (!values.empty()) arrays.emplace_back("edge_weights", to_ndarray(torch::cat(values)));
  if (!w.empty()) arrays.emplace_back("W", to_ndarray(torch::stack(w)));
}

}  // namespace

void save_graph_sequence(const std::filesystem::path& path, const GraphSequence& sequence) {
  const std::size_t T = sequence.size(), N = sequence.n_units(), nodes = sequence.n_nodes();
  const GraphSequenceSettings& s = sequence.settings();
  Arrays arrays;
  arrays.emplace_back("format", string_scalar(kGraphFileFormat));
  arrays.emplace_back("format_version", int_scalar(kGraphFileFormatVersion));
  arrays.emplace_back("n_units", int_scalar(static_cast<std::int64_t>(N)));
  arrays.emplace_back("bin_width_s", NdArray::scalar(sequence.bin_width_s()));
  arrays.emplace_back("theta", NdArray::scalar(s.theta));
  arrays.emplace_back("history_node", bool_scalar(s.history_node));
  arrays.emplace_back("features", string_scalar(node_features_name(s.features)));
  arrays.emplace_back("top_k", int_scalar(s.top_k ? static_cast<std::int64_t>(*s.top_k) : 0));
  arrays.emplace_back("rmt", string_scalar(s.rmt));
  arrays.emplace_back("windows", string_scalar(s.windows));
  arrays.emplace_back("seed", uint64_scalar(s.seed));

  arrays.emplace_back("weights", string_scalar(s.weights_on_edges ? "edges" : "full"));
  if (T > 0) write_graphs(sequence, arrays);

  std::vector<std::int64_t> ranges, start, stop, bins, label, source, zero_var, kept, surrogates,
      edges, bytes;
  std::vector<double> purity, low, high, density;
  std::vector<std::string> label_name, degeneracy, storage;
  std::vector<unsigned char> degenerate;
  for (std::size_t t = 0; t < T; ++t) {
    const WindowGraphInfo& info = sequence.info(t);
    for (const auto& r : info.ranges) {
      ranges.insert(ranges.end(), {static_cast<std::int64_t>(t), static_cast<std::int64_t>(r.begin),
                                   static_cast<std::int64_t>(r.end)});
    }
    start.push_back(info.ranges.empty() ? 0 : static_cast<std::int64_t>(info.ranges.front().begin));
    stop.push_back(info.ranges.empty() ? 0 : static_cast<std::int64_t>(info.ranges.back().end));
    bins.push_back(static_cast<std::int64_t>(info.n_bins));
    label.push_back(info.label);
    const bool named =
        info.label >= 0 && static_cast<std::size_t>(info.label) < sequence.label_names.size();
    label_name.push_back(named ? sequence.label_names[static_cast<std::size_t>(info.label)] : "");
    purity.push_back(info.purity);
    source.push_back(static_cast<std::int64_t>(info.source_index));
    zero_var.push_back(static_cast<std::int64_t>(info.zero_variance_units));
    kept.push_back(static_cast<std::int64_t>(info.components_kept));
    low.push_back(info.lambda_low);
    high.push_back(info.lambda_high);
    surrogates.push_back(static_cast<std::int64_t>(info.surrogates));
    edges.push_back(static_cast<std::int64_t>(info.edges));
    density.push_back(
        nodes == 0 ? 0.0 : static_cast<double>(info.edges) / static_cast<double>(nodes * nodes));
    degenerate.push_back(info.degenerate ? 1 : 0);
    degeneracy.push_back(degeneracy_name(info.degeneracy));
    storage.push_back(info.storage == AdjacencyStorage::Sparse ? "sparse" : "dense");
    bytes.push_back(static_cast<std::int64_t>(info.bytes));
  }
  arrays.emplace_back("window_ranges", NdArray::from_int64s(ranges, {ranges.size() / 3, 3}));
  arrays.emplace_back("window_start", NdArray::from_int64s(start, {T}));
  arrays.emplace_back("window_stop", NdArray::from_int64s(stop, {T}));
  arrays.emplace_back("window_bins", NdArray::from_int64s(bins, {T}));
  arrays.emplace_back("window_label", NdArray::from_int64s(label, {T}));
  arrays.emplace_back("window_label_name", NdArray::from_strings(label_name, {T}));
  arrays.emplace_back("window_purity", NdArray::from_doubles(purity, {T}));
  arrays.emplace_back("window_source_index", NdArray::from_int64s(source, {T}));
  arrays.emplace_back("window_zero_variance_units", NdArray::from_int64s(zero_var, {T}));
  arrays.emplace_back("window_components_kept", NdArray::from_int64s(kept, {T}));
  arrays.emplace_back("window_lambda_low", NdArray::from_doubles(low, {T}));
  arrays.emplace_back("window_lambda_high", NdArray::from_doubles(high, {T}));
  arrays.emplace_back("window_surrogates", NdArray::from_int64s(surrogates, {T}));
  arrays.emplace_back("window_edges", NdArray::from_int64s(edges, {T}));
  arrays.emplace_back("window_density", NdArray::from_doubles(density, {T}));
  NdArray flags;
  flags.dtype = DType::Bool;
  flags.shape = {T};
  flags.bytes = degenerate;
  arrays.emplace_back("window_degenerate", flags);
  arrays.emplace_back("window_degeneracy", NdArray::from_strings(degeneracy, {T}));
  arrays.emplace_back("window_storage", NdArray::from_strings(storage, {T}));
  arrays.emplace_back("window_bytes", NdArray::from_int64s(bytes, {T}));
  std::vector<double> rates;
  for (std::size_t t = 0; t < T; ++t) {
    const std::vector<double>& r = sequence.info(t).unit_rate_hz;
    if (r.size() != N) break;
    rates.insert(rates.end(), r.begin(), r.end());
  }
  if (rates.size() == T * N) arrays.emplace_back("unit_rate_hz", NdArray::from_doubles(rates, {T, N}));

  if (!sequence.unit_ids.empty()) {
    arrays.emplace_back("unit_ids",
                        NdArray::from_strings(sequence.unit_ids, {sequence.unit_ids.size()}));
  }
  if (sequence.groups) {
    std::vector<std::int64_t> codes(sequence.groups->codes.begin(), sequence.groups->codes.end());
    arrays.emplace_back("groups", NdArray::from_int64s(codes, {codes.size()}));
    arrays.emplace_back("group_names", NdArray::from_strings(sequence.groups->names,
                                                             {sequence.groups->names.size()}));
  }
  if (!sequence.label_names.empty()) {
    arrays.emplace_back("label_names",
                        NdArray::from_strings(sequence.label_names, {sequence.label_names.size()}));
  }
  io::write_npz(path, arrays, /*compress=*/true);
}

}  // namespace tavrnn::graphs
