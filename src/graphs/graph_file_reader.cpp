// Reading graphs.npz (the keys are documented in docs/formats.md; the writer
// is graph_sequence_io.cpp). Every access names the file, the key, what was
// expected and what was found.
#include "tavrnn/graphs/graph_file_reader.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "tavrnn/io/npz.h"
#include "tavrnn/util/error.h"
#include "graph_file_format.h"
#include "tavrnn/util/ndarray_tensor.h"

namespace tavrnn::graphs {
namespace graph_file {

using io::DType;
using io::NdArray;


std::string shape_text(const std::vector<std::size_t>& shape) {
  NdArray described;
  described.shape = shape;
  return described.shape_string();
}

// The small arrays, each read once when first asked for.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : npz_(path) {}

  bool has(const std::string& key) const { return npz_.has(key); }
  const NdArray& raw(const std::string& key) const {
    auto found = cache_.find(key);
    if (found == cache_.end()) found = cache_.emplace(key, npz_.read(key)).first;
    return found->second;
  }
  void expect(const std::string& key, DType found_dtype, const std::vector<std::size_t>& found_shape,
              DType dtype, const std::vector<std::size_t>& shape) const {
    if (found_dtype != dtype || found_shape != shape) {
      throw Error(fmt::format("reading {}: key '{}': expected {} of shape {}, found {} of shape {}",
                              path().string(), key, io::dtype_name(dtype), shape_text(shape),
                              io::dtype_name(found_dtype), shape_text(found_shape)));
    }
  }
  const NdArray& get(const std::string& key, DType dtype, const std::vector<std::size_t>& shape) const {
    const NdArray& a = raw(key);
    expect(key, a.dtype, a.shape, dtype, shape);
    return a;
  }
  DType floating(const std::string& key, DType dtype) const {
    if (dtype != DType::Float32 && dtype != DType::Float64) {
      fail(key, fmt::format("expected float32 or float64, found {}", io::dtype_name(dtype)));
    }
    return dtype;
  }
  std::string string(const std::string& key) const { return get(key, DType::String, {}).strings.at(0); }
  std::int64_t integer(const std::string& key) const { return get(key, DType::Int64, {}).as_int64(0); }
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
    throw Error(fmt::format("reading {}: key '{}': {}", path().string(), key, what));
  }
  const std::filesystem::path& path() const { return npz_.path(); }
  // `key` in pieces, its dtype and shape checked first.
  io::NpyReader stream(const std::string& key, DType dtype, const std::vector<std::size_t>& shape) const {
    io::NpyReader reader = npz_.stream(key);
    expect(key, reader.dtype(), reader.shape(), dtype, shape);
    return reader;
  }
  DType stream_dtype(const std::string& key) const { return npz_.stream(key).dtype(); }

 private:
  io::NpzReader npz_;
  mutable std::map<std::string, NdArray> cache_;
};

GraphDegeneracy parse_degeneracy(const Reader& in, const std::string& text, std::size_t t) {
  if (text == "none") return GraphDegeneracy::None;
  if (text == "no-edges") return GraphDegeneracy::NoEdges;
  if (text == "complete") return GraphDegeneracy::Complete;
  in.fail("window_degeneracy", fmt::format("window {}: expected none, no-edges or complete, found '{}'", t, text));
}

GraphSequenceSettings read_settings(const Reader& in) {
  GraphSequenceSettings s;
  s.theta = in.real("theta");
  s.history_node = in.get("history_node", DType::Bool, {}).as_int64(0) != 0;
  const std::string features = in.string("features");
  const std::optional<NodeFeatures> parsed = parse_node_features(features);
  if (!parsed) in.fail("features", fmt::format("expected 'rows', 'identity', 'rows+rates' or 'descriptors', found '{}'", features));
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
  return s;
}

std::vector<WindowGraphInfo> read_infos(const Reader& in, std::size_t T, std::size_t N) {
  std::vector<WindowGraphInfo> infos(T);
  const NdArray& ranges = in.raw("window_ranges");
  if (ranges.dtype != DType::Int64 || ranges.ndim() != 2 || ranges.shape[1] != 3) {
    in.fail("window_ranges", fmt::format("expected int64 of shape (R, 3), found {} of shape {}",
                                         io::dtype_name(ranges.dtype), ranges.shape_string()));
  }
  const std::vector<std::int64_t> triples = ranges.to_int64s();
  for (std::size_t i = 0; i < ranges.shape[0]; ++i) {
    const std::int64_t t = triples[3 * i], begin = triples[3 * i + 1], end = triples[3 * i + 2];
    if (t < 0 || static_cast<std::size_t>(t) >= T || begin < 0 || end <= begin) {
      in.fail("window_ranges", fmt::format("row {}: expected (window < {}, begin >= 0, end > begin), "
                                           "found ({}, {}, {})",
                                           i, T, t, begin, end));
    }
    infos[static_cast<std::size_t>(t)].ranges.push_back({static_cast<std::size_t>(begin), static_cast<std::size_t>(end)});
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
  const auto storage = in.strings("window_storage", T);
  const auto bins = in.raw("window_bins").to_int64s();
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
    info.degeneracy = parse_degeneracy(in, degeneracy[t], t);
    info.degenerate = info.degeneracy != GraphDegeneracy::None;
    if (storage[t] != "dense" && storage[t] != "sparse") {
      in.fail("window_storage", fmt::format("window {}: expected 'dense' or 'sparse', found '{}'", t, storage[t]));
    }
    info.storage = storage[t] == "sparse" ? AdjacencyStorage::Sparse : AdjacencyStorage::Dense;
  }
  return infos;
}

GraphSequence read_header(const Reader& in) {
  if (!in.has("format") || in.string("format") != kGraphFileFormat) {
    throw Error(fmt::format("reading {}: expected a graphs file written by `tavrnn graphs` (key "
                            "'format' = '{}'), found none",
                            in.path().string(), kGraphFileFormat));
  }
  if (const auto version = in.integer("format_version"); version < 1 || version > kGraphFileFormatVersion) {
    in.fail("format_version", fmt::format("expected 1 to {}, found {}", kGraphFileFormatVersion, version));
  }
  const std::int64_t n_units = in.integer("n_units");
  if (n_units < 1) in.fail("n_units", fmt::format("expected at least 1, found {}", n_units));
  const double bin_width_s = in.real("bin_width_s");
  const GraphSequenceSettings settings = read_settings(in);
  const NdArray& window_bins = in.raw("window_bins");
  if (window_bins.ndim() != 1) {
    in.fail("window_bins", fmt::format("expected shape (T,), found {}", window_bins.shape_string()));
  }
  const std::size_t T = window_bins.shape[0];
  const auto N = static_cast<std::size_t>(n_units);
  GraphSequence header = GraphSequence::without_graphs(read_infos(in, T, N), settings, N, bin_width_s);
  if (in.has("unit_ids")) header.unit_ids = in.strings("unit_ids", N);
  if (in.has("groups")) {
    const auto codes = in.integers("groups", N);
    const NdArray& names = in.raw("group_names");
    if (names.dtype != DType::String || names.ndim() != 1) {
      in.fail("group_names", fmt::format("expected str of shape (G,), found {} of shape {}",
                                         io::dtype_name(names.dtype), names.shape_string()));
    }
    header.groups = Categorical{std::vector<int>(codes.begin(), codes.end()), names.strings};
  }
  if (in.has("label_names")) {
    const NdArray& names = in.raw("label_names");
    if (names.dtype != DType::String || names.ndim() != 1) {
      in.fail("label_names", fmt::format("expected str of shape (L,), found {} of shape {}",
                                         io::dtype_name(names.dtype), names.shape_string()));
    }
    header.label_names = names.strings;
  }
  return header;
}

}  // namespace graph_file

using graph_file::Reader;
using io::DType;

// Version 2 files with every window sparse hold A as edge lists (edge_*,
// per-window offsets) and W on the same entries or whole; otherwise W and A
// are dense stacks [T, N', N'].
struct GraphFileReader::State {
  explicit State(const std::filesystem::path& path) : in(path), header(graph_file::read_header(in)) {}
  Reader in;
  GraphSequence header;
  bool edge_lists = false;
  std::vector<std::int64_t> offsets;  // edge lists: T + 1
  torch::ScalarType dtype = torch::kFloat32;
  std::size_t position = 0;
  std::optional<io::NpyReader> rows, columns, values, w, a;
};

GraphFileReader::GraphFileReader(const std::filesystem::path& path) : state_(std::make_unique<State>(path)) {
  State& s = *state_;
  const Reader& in = s.in;
  const std::size_t T = s.header.size();
  s.edge_lists = T > 0 && in.has("edge_offsets");
  if (s.edge_lists) {
    s.offsets = in.integers("edge_offsets", T + 1);
    if (s.offsets[0] != 0) in.fail("edge_offsets", fmt::format("expected 0 first, found {}", s.offsets[0]));
    for (std::size_t t = 0; t < T; ++t) {
      if (s.offsets[t + 1] < s.offsets[t]) {
        in.fail("edge_offsets", fmt::format("expected non-decreasing offsets, found {} after {} (window {})",
                                            s.offsets[t + 1], s.offsets[t], t));
      }
      if (s.header.info(t).storage != AdjacencyStorage::Sparse) {
        in.fail("window_storage", fmt::format("window {}: the graphs are edge lists, so 'sparse' is "
                                              "expected, found 'dense'",
                                              t));
      }
    }
  } else if (T > 0 && s.header.settings().weights_on_edges) {
    in.fail("edge_offsets", "W is held on edges ('weights' = 'edges') but the edge lists are missing");
  }
  if (T > 0) {
    const char* key = s.header.settings().weights_on_edges ? "edge_weights" : "W";
    s.dtype = in.floating(key, in.stream_dtype(key)) == DType::Float32 ? torch::kFloat32 : torch::kFloat64;
  }
  rewind();
}

GraphFileReader::~GraphFileReader() = default;
GraphFileReader::GraphFileReader(GraphFileReader&&) noexcept = default;
GraphFileReader& GraphFileReader::operator=(GraphFileReader&&) noexcept = default;

const GraphSequence& GraphFileReader::header() const { return state_->header; }
const std::filesystem::path& GraphFileReader::path() const { return state_->in.path(); }
std::size_t GraphFileReader::position() const { return state_->position; }

void GraphFileReader::rewind() {
  State& s = *state_;
  s.position = 0;
  s.rows.reset();
  s.columns.reset();
  s.values.reset();
  s.w.reset();
  s.a.reset();
  const std::size_t T = s.header.size();
  if (T == 0) return;
  const std::size_t nodes = s.header.n_nodes();
  const DType floating = s.dtype == torch::kFloat32 ? DType::Float32 : DType::Float64;
  if (s.edge_lists) {
    const auto E = static_cast<std::size_t>(s.offsets[T]);
    s.rows.emplace(s.in.stream("edge_rows", DType::Int32, {E}));
    s.columns.emplace(s.in.stream("edge_columns", DType::Int32, {E}));
    if (s.header.settings().weights_on_edges) s.values.emplace(s.in.stream("edge_weights", floating, {E}));
  } else {
    s.a.emplace(s.in.stream("A", DType::Bool, {T, nodes, nodes}));
  }
  if (!s.header.settings().weights_on_edges) s.w.emplace(s.in.stream("W", floating, {T, nodes, nodes}));
}

GraphSequence GraphFileReader::next(std::size_t count) {
  State& s = *state_;
  const std::size_t T = s.header.size();
  if (count > T - s.position) {
    throw Error(fmt::format("reading {}: asked for windows {} to {}, the file has {}", path().string(), s.position,
                            s.position + count, T));
  }
  const auto n = static_cast<std::int64_t>(s.header.n_nodes());
  const std::vector<std::int64_t> shape{n, n};
  const std::string origin = "reading " + path().string();
  std::vector<Graph> graphs(count);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t t = s.position + k;
    Graph& g = graphs[k];
    if (!s.edge_lists) {
      g.weights = to_tensor(s.w->next(static_cast<std::size_t>(n * n)), origin + ": key 'W'").view(shape);
      g.adjacency = to_tensor(s.a->next(static_cast<std::size_t>(n * n)), s.dtype, origin + ": key 'A'").view(shape);
      if (s.header.info(t).storage == AdjacencyStorage::Sparse) g.adjacency = g.adjacency.to_sparse().coalesce();
      continue;
    }
    // Checked entry by entry, since a wrong index would otherwise surface
    // far from the file.
    const std::int64_t begin = s.offsets[t], entries = s.offsets[t + 1] - s.offsets[t];
    const auto size = static_cast<std::size_t>(entries);
    const torch::Tensor rows = to_tensor(s.rows->next(size), torch::kInt64, origin + ": key 'edge_rows'");
    const torch::Tensor columns = to_tensor(s.columns->next(size), torch::kInt64, origin + ": key 'edge_columns'");
    const std::int64_t* r = rows.data_ptr<std::int64_t>();
    const std::int64_t* c = columns.data_ptr<std::int64_t>();
    for (std::int64_t e = 0; e < entries; ++e) {
      if (r[e] < 0 || r[e] >= n || c[e] < 0 || c[e] >= n) {
        s.in.fail(r[e] < 0 || r[e] >= n ? "edge_rows" : "edge_columns",
                  fmt::format("window {}, entry {}: expected node indices in [0, {}), found ({}, {})", t, begin + e,
                              n, r[e], c[e]));
      }
      if (e > 0 && r[e] * n + c[e] <= r[e - 1] * n + c[e - 1]) {
        s.in.fail("edge_rows", fmt::format("window {}, entry {}: expected entries in row-major order without "
                                           "repeats, found ({}, {}) after ({}, {})",
                                           t, begin + e, r[e], c[e], r[e - 1], c[e - 1]));
      }
    }
    const auto indices = torch::stack({rows, columns});
    g.adjacency = torch::sparse_coo_tensor(indices, torch::ones({entries}, torch::TensorOptions().dtype(s.dtype)), shape)
                      ._coalesced_(true);
    g.weights = s.values ? torch::sparse_coo_tensor(indices, to_tensor(s.values->next(size), origin + ": key 'edge_weights'"),
                                                    shape)
                               ._coalesced_(true)
                         : to_tensor(s.w->next(static_cast<std::size_t>(n * n)), origin + ": key 'W'").view(shape);
  }
  GraphSequence part = s.header.with_graphs(s.position, std::move(graphs));
  s.position += count;
  return part;
}

GraphSequence load_graph_sequence(const std::filesystem::path& path) {
  GraphFileReader reader(path);
  GraphSequence whole = reader.next(reader.size());
  return whole;
}

}  // namespace tavrnn::graphs
