#pragma once
// A graphs.npz read window by window: its header (every window's info, the
// settings and names) when it is opened, then the graphs in order, a few
// windows at a time, so a sequence whose graphs do not fit in memory can be
// trained on (docs/training.md, "Long recordings"). load_graph_sequence reads
// a file through it in one piece.
#include <cstddef>
#include <filesystem>
#include <memory>

#include "tavrnn/graphs/graph_sequence.h"

namespace tavrnn::graphs {

class GraphFileReader {
 public:
  // Reads and checks the header; Error naming the file and the key otherwise.
  explicit GraphFileReader(const std::filesystem::path& path);
  ~GraphFileReader();
  GraphFileReader(GraphFileReader&&) noexcept;
  GraphFileReader& operator=(GraphFileReader&&) noexcept;

  // Infos and names of every window, no graphs (GraphSequence::without_graphs).
  const GraphSequence& header() const;
  std::size_t size() const { return header().size(); }
  const std::filesystem::path& path() const;

  // The next `count` windows from position(), checked entry by entry, as a
  // sequence of those windows alone (header().with_graphs). Files are read
  // forwards: each call decompresses only these windows' entries.
  GraphSequence next(std::size_t count);
  std::size_t position() const;
  // Back to window 0 (the arrays are opened afresh).
  void rewind();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tavrnn::graphs
