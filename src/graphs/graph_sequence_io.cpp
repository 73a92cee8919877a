// graphs.npz: save_graph_sequence / load_graph_sequence. The keys are
// documented in docs/formats.md; keep the two in step.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "tavrnn/util/error.h"
#include "tavrnn/graphs/graph_sequence.h"
#include "tavrnn/io/npz.h"
#include "tavrnn/util/ndarray_tensor.h"

namespace tavrnn::graphs {
namespace {

using io::DType;
using io::NdArray;
using Arrays = std::vector<std::pair<std::string, NdArray>>;

constexpr const char* kFormat = "tavrnn-graphs";
// 2: sparse windows may be stored as edge lists (edge_*), W on edges only.
constexpr std::int64_t kFormatVersion = 2;

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

// Reading: every access names the file, the key, what was expected and found.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : path_(path), arrays_(io::read_npz(path)) {}

  bool has(const std::string& key) const { return arrays_.count(key) > 0; }
  const NdArray& raw(const std::string& key) const {
    return io::require_array(arrays_, key, path_);
  }
  const NdArray& get(const std::string& key, DType dtype,
                     const std::vector<std::size_t>& shape) const {
    const NdArray& a = raw(key);
    if (a.dtype != dtype || a.shape != shape) {
      NdArray expected;
      expected.shape = shape;
      throw Error(fmt::format("reading {}: key '{}': expected {} of shape {}, found {} of shape {}",
                              path_.string(), key, io::dtype_name(dtype), expected.shape_string(),
                              io::dtype_name(a.dtype), a.shape_string()));
    }
    return a;
  }
  std::string string(const std::string& key) const {
    return get(key, DType::String, {}).strings.at(0);
  }
  std::int64_t integer(const std::string& key) const {
    return get(key, DType::Int64, {}).as_int64(0);
  }
  double real(const std::string& key) const { return get(key, DType::Float64, {}).as_double(0); }
  std::vector<std::int64_t> integers(const std::string& key, std::size_t n) const {
    return get(key, DType::Int64, {n}).to_int64s();
  }
  std::vector<double> reals(const std::string& key, std::size_t n) const {
    return get(key, DType::Float64, {n}).to_doubles();
  }
  std::vector<std::string> strings(const std::string& key, std::size_t n) const {
    return get(key, DType::String, {n}).strings;
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error(fmt::format("reading {}: key '{}': {}", path_.string(), key, what));
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  io::NpzArrays arrays_;
};

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

// The edge lists of version 2 (write_graphs): every window sparse COO, W
// whole or on the same indices. Checked entry by entry, since a wrong
// index would otherwise surface far from the file.
void read_edge_lists(const Reader& in, std::size_t nodes, bool weights_on_edges, std::vector<Graph>& graphs,
                     std::vector<WindowGraphInfo>& infos) {
  const std::size_t T = graphs.size();
  const std::vector<std::int64_t> offsets = in.integers("edge_offsets", T + 1);
  if (offsets[0] != 0) in.fail("edge_offsets", fmt::format("expected 0 first, found {}", offsets[0]));
  for (std::size_t t = 0; t < T; ++t) {
    if (offsets[t + 1] < offsets[t]) {
      in.fail("edge_offsets", fmt::format("expected non-decreasing offsets, found {} after {} (window {})",
                                          offsets[t + 1], offsets[t], t));
    }
  }
  const auto E = static_cast<std::size_t>(offsets[T]);
  const std::string origin = "reading " + in.path().string();
  const torch::Tensor rows = to_tensor(in.get("edge_rows", DType::Int32, {E}), torch::kInt64, origin);
  const torch::Tensor columns = to_tensor(in.get("edge_columns", DType::Int32, {E}), torch::kInt64, origin);
  const std::int64_t* r = rows.data_ptr<std::int64_t>();
  const std::int64_t* c = columns.data_ptr<std::int64_t>();
  const auto n = static_cast<std::int64_t>(nodes);
  for (std::size_t t = 0; t < T; ++t) {
    for (auto e = offsets[t]; e < offsets[t + 1]; ++e) {
      if (r[e] < 0 || r[e] >= n || c[e] < 0 || c[e] >= n) {
        in.fail(r[e] < 0 || r[e] >= n ? "edge_rows" : "edge_columns",
                fmt::format("window {}, entry {}: expected node indices in [0, {}), found ({}, {})", t, e, n,
                            r[e], c[e]));
      }
      if (e > offsets[t] && r[e] * n + c[e] <= r[e - 1] * n + c[e - 1]) {
        in.fail("edge_rows", fmt::format("window {}, entry {}: expected entries in row-major order without "
                                         "repeats, found ({}, {}) after ({}, {})",
                                         t, e, r[e], c[e], r[e - 1], c[e - 1]));
      }
    }
  }
  torch::Tensor values, w;
  torch::ScalarType dtype;
  const auto floating = [&](const char* key) {
    const DType d = in.raw(key).dtype;
    if (d != DType::Float32 && d != DType::Float64) {
      in.fail(key, fmt::format("expected float32 or float64, found {}", io::dtype_name(d)));
    }
    return d;
  };
  if (weights_on_edges) {
    values = to_tensor(in.get("edge_weights", floating("edge_weights"), {E}), origin + ": key 'edge_weights'");
    dtype = values.scalar_type();
  } else {
    w = to_tensor(in.get("W", floating("W"), {T, nodes, nodes}), origin + ": key 'W'");
    dtype = w.scalar_type();
  }
  const std::vector<std::int64_t> shape{n, n};
  for (std::size_t t = 0; t < T; ++t) {
    const auto begin = offsets[t], count = offsets[t + 1] - offsets[t];
    const auto indices = torch::stack({rows.narrow(0, begin, count), columns.narrow(0, begin, count)});
    graphs[t].adjacency =
        torch::sparse_coo_tensor(indices, torch::ones({count}, torch::TensorOptions().dtype(dtype)), shape)
            ._coalesced_(true);
    graphs[t].weights = weights_on_edges
                            ? torch::sparse_coo_tensor(indices, values.narrow(0, begin, count).clone(), shape)
                                  ._coalesced_(true)
                            : w[static_cast<std::int64_t>(t)].clone();
    infos[t].storage = AdjacencyStorage::Sparse;
  }
}

}  // namespace

void save_graph_sequence(const std::filesystem::path& path, const GraphSequence& sequence) {
  const std::size_t T = sequence.size(), N = sequence.n_units(), nodes = sequence.n_nodes();
  const GraphSequenceSettings& s = sequence.settings();
  Arrays arrays;
  arrays.emplace_back("format", string_scalar(kFormat));
  arrays.emplace_back("format_version", int_scalar(kFormatVersion));
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

GraphSequence load_graph_sequence(const std::filesystem::path& path) {
  const Reader in(path);
  if (!in.has("format") || in.string("format") != kFormat) {
    throw Error(
        fmt::format("reading {}: expected a graphs file written by `tavrnn graphs` (key "
                    "'format' = '{}'), found none",
                    path.string(), kFormat));
  }
  if (const auto version = in.integer("format_version"); version < 1 || version > kFormatVersion) {
    in.fail("format_version", fmt::format("expected 1 to {}, found {}", kFormatVersion, version));
  }
  GraphSequenceSettings s;
  const std::int64_t n_units = in.integer("n_units");
  if (n_units < 1) in.fail("n_units", fmt::format("expected at least 1, found {}", n_units));
  const double bin_width_s = in.real("bin_width_s");
  s.theta = in.real("theta");
  s.history_node = in.get("history_node", DType::Bool, {}).as_int64(0) != 0;
  const std::string features = in.string("features");
  const std::optional<NodeFeatures> parsed = parse_node_features(features);
  if (!parsed) {
    in.fail("features",
            fmt::format("expected 'rows', 'identity' or 'rows+rates', found '{}'", features));
  }
  s.features = *parsed;
  if (const std::int64_t k = in.integer("top_k"); k > 0) s.top_k = static_cast<std::size_t>(k);
  s.rmt = in.string("rmt");
  s.windows = in.string("windows");
  s.seed = in.get("seed", DType::UInt64, {}).as_uint64(0);
  if (in.has("weights")) {  // version 1 files held W whole
    const std::string weights = in.string("weights");
    if (weights != "full" && weights != "edges") {
      in.fail("weights", fmt::format("expected 'full' or 'edges', found '{}'", weights));
    }
    s.weights_on_edges = weights == "edges";
  }

  const NdArray& window_bins = in.raw("window_bins");
  if (window_bins.ndim() != 1) {
    in.fail("window_bins",
            fmt::format("expected shape (T,), found {}", window_bins.shape_string()));
  }
  const std::size_t T = window_bins.shape[0];
  const auto N = static_cast<std::size_t>(n_units);
  const std::size_t nodes = N + (s.history_node ? 1 : 0);

  std::vector<Graph> graphs(T);
  std::vector<WindowGraphInfo> infos(T);
  const std::vector<std::string> storage = in.strings("window_storage", T);
  if (T > 0 && in.has("edge_offsets")) {
    read_edge_lists(in, nodes, s.weights_on_edges, graphs, infos);
    for (std::size_t t = 0; t < T; ++t) {
      if (storage[t] != "sparse") {
        in.fail("window_storage", fmt::format("window {}: the graphs are edge lists, so 'sparse' is "
                                              "expected, found '{}'", t, storage[t]));
      }
    }
  } else if (T > 0) {
    if (s.weights_on_edges) {
      in.fail("edge_offsets", "W is held on edges ('weights' = 'edges') but the edge lists are missing");
    }
    const NdArray& w_array = in.raw("W");
    const DType dtype = w_array.dtype;
    if (dtype != DType::Float32 && dtype != DType::Float64) {
      in.fail("W", fmt::format("expected float32 or float64, found {}", io::dtype_name(dtype)));
    }
    const std::string origin = "reading " + path.string();
    const torch::Tensor w = to_tensor(in.get("W", dtype, {T, nodes, nodes}), origin + ": key 'W'");
    const torch::Tensor a = to_tensor(in.get("A", DType::Bool, {T, nodes, nodes}),
                                      w.scalar_type(), origin + ": key 'A'");
    for (std::size_t t = 0; t < T; ++t) {
      const auto i = static_cast<int64_t>(t);
      graphs[t].weights = w[i].clone();
      graphs[t].adjacency = a[i].clone();
      if (storage[t] == "sparse") {
        graphs[t].adjacency = graphs[t].adjacency.to_sparse().coalesce();
        infos[t].storage = AdjacencyStorage::Sparse;
      } else if (storage[t] != "dense") {
        in.fail("window_storage",
                fmt::format("window {}: expected 'dense' or 'sparse', found '{}'", t, storage[t]));
      }
    }
  }

  const NdArray& ranges = in.raw("window_ranges");
  if (ranges.dtype != DType::Int64 || ranges.ndim() != 2 || ranges.shape[1] != 3) {
    in.fail("window_ranges", fmt::format("expected int64 of shape (R, 3), found {} of shape {}",
                                         io::dtype_name(ranges.dtype), ranges.shape_string()));
  }
  const std::vector<std::int64_t> triples = ranges.to_int64s();
  for (std::size_t i = 0; i < ranges.shape[0]; ++i) {
    const std::int64_t t = triples[3 * i], begin = triples[3 * i + 1], end = triples[3 * i + 2];
    if (t < 0 || static_cast<std::size_t>(t) >= T || begin < 0 || end <= begin) {
      in.fail("window_ranges",
              fmt::format("row {}: expected (window < {}, begin >= 0, end > begin), "
                          "found ({}, {}, {})",
                          i, T, t, begin, end));
    }
    infos[static_cast<std::size_t>(t)].ranges.push_back(
        {static_cast<std::size_t>(begin), static_cast<std::size_t>(end)});
  }
  const auto label = in.integers("window_label", T);
  const auto purity = in.reals("window_purity", T);
  const auto source = in.integers("window_source_index", T);
  const auto zero_var = in.integers("window_zero_variance_units", T);
  const auto kept = in.integers("window_components_kept", T);
  const auto low = in.reals("window_lambda_low", T);
  const auto high = in.reals("window_lambda_high", T);
  const auto surrogates = in.integers("window_surrogates", T);
  const auto edges = in.integers("window_edges", T);
  const auto bytes = in.integers("window_bytes", T);
  const auto degeneracy = in.strings("window_degeneracy", T);
  const std::vector<std::int64_t> bins = window_bins.to_int64s();
  const std::vector<double> rates =
      in.has("unit_rate_hz") && T > 0 ? in.get("unit_rate_hz", DType::Float64, {T, N}).to_doubles()
                                      : std::vector<double>();
  for (std::size_t t = 0; t < T; ++t) {
    WindowGraphInfo& info = infos[t];
    if (!rates.empty()) {
      info.unit_rate_hz.assign(rates.begin() + static_cast<std::ptrdiff_t>(t * N),
                               rates.begin() + static_cast<std::ptrdiff_t>((t + 1) * N));
    }
    info.label = static_cast<int>(label[t]);
    info.purity = purity[t];
    info.source_index = static_cast<std::size_t>(source[t]);
    info.zero_variance_units = static_cast<std::size_t>(zero_var[t]);
    info.components_kept = static_cast<std::size_t>(kept[t]);
    info.lambda_low = low[t];
    info.lambda_high = high[t];
    info.surrogates = static_cast<std::size_t>(surrogates[t]);
    info.edges = static_cast<std::size_t>(edges[t]);
    info.bytes = static_cast<std::size_t>(bytes[t]);
    info.n_bins = static_cast<std::size_t>(bins[t]);
    if (degeneracy[t] == "none")
      info.degeneracy = GraphDegeneracy::None;
    else if (degeneracy[t] == "no-edges")
      info.degeneracy = GraphDegeneracy::NoEdges;
    else if (degeneracy[t] == "complete")
      info.degeneracy = GraphDegeneracy::Complete;
    else
      in.fail("window_degeneracy", fmt::format("window {}: expected none, no-edges or complete, "
                                               "found '{}'",
                                               t, degeneracy[t]));
    info.degenerate = info.degeneracy != GraphDegeneracy::None;
  }

  GraphSequence sequence(std::move(graphs), std::move(infos), s, N, bin_width_s);
  if (in.has("unit_ids")) sequence.unit_ids = in.strings("unit_ids", N);
  if (in.has("groups")) {
    const auto codes = in.integers("groups", N);
    const NdArray& names = in.raw("group_names");
    if (names.dtype != DType::String || names.ndim() != 1) {
      in.fail("group_names", fmt::format("expected str of shape (G,), found {} of shape {}",
                                         io::dtype_name(names.dtype), names.shape_string()));
    }
    sequence.groups = Categorical{std::vector<int>(codes.begin(), codes.end()), names.strings};
  }
  if (in.has("label_names")) {
    const NdArray& names = in.raw("label_names");
    if (names.dtype != DType::String || names.ndim() != 1) {
      in.fail("label_names", fmt::format("expected str of shape (L,), found {} of shape {}",
                                         io::dtype_name(names.dtype), names.shape_string()));
    }
    sequence.label_names = names.strings;
  }
  return sequence;
}

}  // namespace tavrnn::graphs
