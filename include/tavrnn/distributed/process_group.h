#pragma once
// A group of training processes (ranks) that add up their gradients: LibTorch's
// c10d::ProcessGroupGloo over a c10d::TCPStore rendezvous, configured as
// torchrun configures it (docs/distributed.md). Rank 0 hosts the store; every
// rank connects to it at master_addr:master_port, then to each other. Every
// call is collective: all ranks make the same calls in the same order, and a
// rank that dies or stops answering makes the others' call fail with an
// Error within `timeout` (no hang).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <torch/types.h>

namespace tavrnn::distributed {

struct GroupOptions {
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  int rank = 0;
  int world_size = 1;
  // How long a rank waits for the others: at the rendezvous and in each
  // collective call.
  std::chrono::milliseconds timeout = std::chrono::seconds(300);

  // MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE (torchrun's variables) and
  // TAVRNN_DIST_TIMEOUT (seconds) where set, over the defaults above. Error
  // for a value that is not a number or out of range.
  static GroupOptions from_environment();
  // Error unless 0 <= rank < world_size, world_size >= 1 and a port in 1..65535.
  void check() const;
};

class ProcessGroup {
 public:
  // The rendezvous: Error (naming the address) when the store cannot be
  // reached or the other ranks do not all arrive within the timeout.
  explicit ProcessGroup(const GroupOptions& options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return options_.rank; }
  int size() const { return options_.world_size; }
  const GroupOptions& options() const { return options_; }

  // In place, on any device and dtype (sent through the CPU); `what` names
  // the data in errors. Every rank ends with the same bits.
  void all_reduce_sum(torch::Tensor& tensor, const std::string& what);
  void all_reduce_max(torch::Tensor& tensor, const std::string& what);
  // Rank `root`'s bytes, on every rank.
  std::string broadcast_bytes(const std::string& bytes, int root, const std::string& what);
  // Error on every rank unless all ranks passed the same value, e.g. a hash
  // of their settings or of their parameters.
  void check_same(std::uint64_t value, const std::string& what);

 private:
  struct Impl;
  GroupOptions options_;
  std::unique_ptr<Impl> impl_;
};

// The rank that trains sequence `index` of `count` over `world_size` ranks:
// round robin, so rank 0 trains sequence 0 (whose generator is the trainer's).
int sequence_owner(std::size_t index, int world_size);

// A TCP port on 127.0.0.1 that was free a moment ago (for local ranks).
int free_local_port();

// FNV-1a of the tensors' bytes (contiguous, on the CPU), in order: equal
// bits, equal hash.
std::uint64_t tensors_hash(const std::vector<torch::Tensor>& tensors);
std::uint64_t bytes_hash(const std::string& bytes, std::uint64_t seed = 14695981039346656037ULL);

}  // namespace tavrnn::distributed
