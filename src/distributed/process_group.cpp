#include "tavrnn/distributed/process_group.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <torch/torch.h>
// ProcessGroupGloo.hpp compiles to nothing without USE_C10D_GLOO; Debian's
// LibTorch is built with Gloo, and libgloo-dev holds the headers it includes.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "tavrnn/util/error.h"

namespace tavrnn::distributed {

namespace {

long long environment_number(const char* name, long long fallback, long long low, long long high) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < low || value > high) {
    throw Error(fmt::format("environment variable {}: expected a whole number in {}..{}, found '{}'", name, low,
                            high, text));
  }
  return value;
}

bool is_loopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

}  // namespace

GroupOptions GroupOptions::from_environment() {
  GroupOptions options;
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') options.master_addr = addr;
  options.master_port = static_cast<int>(environment_number("MASTER_PORT", options.master_port, 1, 65535));
  options.world_size = static_cast<int>(environment_number("WORLD_SIZE", options.world_size, 1, 1 << 20));
  options.rank = static_cast<int>(environment_number("RANK", options.rank, 0, (1 << 20) - 1));
  options.timeout = std::chrono::seconds(
      environment_number("TAVRNN_DIST_TIMEOUT", options.timeout.count() / 1000, 1, 7 * 24 * 3600));
  return options;
}

void GroupOptions::check() const {
  if (world_size < 1) throw Error(fmt::format("`world-size`: expected >= 1 ranks, found {}", world_size));
  if (rank < 0 || rank >= world_size) {
    throw Error(fmt::format("`rank`: expected 0..{} (world size {}), found {}", world_size - 1, world_size, rank));
  }
  if (master_port < 1 || master_port > 65535) {
    throw Error(fmt::format("`master-port`: expected a TCP port in 1..65535, found {}", master_port));
  }
  if (master_addr.empty()) throw Error("`master-addr`: empty (the host of rank 0)");
  if (timeout.count() <= 0) throw Error("`dist-timeout`: expected a positive number of seconds");
}

struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ProcessGroup::ProcessGroup(const GroupOptions& options) : options_(options), impl_(std::make_unique<Impl>()) {
  options_.check();
  const std::string where = fmt::format("{}:{}", options_.master_addr, options_.master_port);
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(options_.master_port);
    store_options.isServer = options_.rank == 0;
    store_options.numWorkers = static_cast<std::size_t>(options_.world_size);
    store_options.waitWorkers = true;
    store_options.timeout = options_.timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(options_.master_addr, store_options);
  } catch (const std::exception& e) {
    throw Error(fmt::format(
        "rank {} of {}: cannot {} the rendezvous store at {} within {} s ({}); {}", options_.rank,
        options_.world_size, options_.rank == 0 ? "open" : "reach", where, options_.timeout.count() / 1000.0,
        c10::GetExceptionString(e).substr(0, 300),
        options_.rank == 0 ? "is the port in use, or did the other ranks not start?"
                           : "is rank 0 running there (MASTER_ADDR, MASTER_PORT)?"));
  }
  try {
    auto gloo_options = c10d::ProcessGroupGloo::Options::create(options_.timeout);
    const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
    if (interface != nullptr && *interface != '\0') {
      gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else if (is_loopback(options_.master_addr)) {
      gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
      gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, options_.rank, options_.world_size,
                                                               gloo_options);
  } catch (const std::exception& e) {
    throw Error(fmt::format("rank {} of {}: the ranks did not all connect through {} within {} s: {}",
                            options_.rank, options_.world_size, where, options_.timeout.count() / 1000.0,
                            c10::GetExceptionString(e).substr(0, 300)));
  }
}

ProcessGroup::~ProcessGroup() = default;

namespace {

template <typename Call>
void collective(const GroupOptions& options, const std::string& what, Call&& call) {
  try {
    call();
  } catch (const std::exception& e) {
    std::string message = e.what();
    if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e)) message = c10_error->what_without_backtrace();
    const auto line = message.find('\n');
    throw Error(fmt::format("rank {} of {}: {} failed: {} (another rank stopped, was killed or did not answer "
                            "within {} s)",
                            options.rank, options.world_size, what, message.substr(0, std::min<std::size_t>(line, 300)),
                            options.timeout.count() / 1000.0));
  }
}

void all_reduce(c10d::ProcessGroupGloo& group, const GroupOptions& options, torch::Tensor& tensor,
                c10d::ReduceOp op, const std::string& what) {
  if (options.world_size == 1) return;
  std::vector<torch::Tensor> buffer{tensor.detach().to(torch::kCPU).contiguous().clone()};
  c10d::AllreduceOptions reduce;
  reduce.reduceOp = op;
  collective(options, what, [&] { group.allreduce(buffer, reduce)->wait(); });
  torch::NoGradGuard no_grad;
  tensor.copy_(buffer[0]);
}

}  // namespace

void ProcessGroup::all_reduce_sum(torch::Tensor& tensor, const std::string& what) {
  all_reduce(*impl_->group, options_, tensor, c10d::ReduceOp::SUM, what);
}

void ProcessGroup::all_reduce_max(torch::Tensor& tensor, const std::string& what) {
  all_reduce(*impl_->group, options_, tensor, c10d::ReduceOp::MAX, what);
}

std::string ProcessGroup::broadcast_bytes(const std::string& bytes, int root, const std::string& what) {
  if (options_.world_size == 1) return bytes;
  c10d::BroadcastOptions from;
  from.rootRank = root;
  std::vector<torch::Tensor> length{torch::tensor({static_cast<int64_t>(bytes.size())}, torch::kInt64)};
  collective(options_, what, [&] { impl_->group->broadcast(length, from)->wait(); });
  const int64_t n = length[0].item<int64_t>();
  if (n == 0) return {};
  std::vector<torch::Tensor> data{torch::empty({n}, torch::kUInt8)};
  if (options_.rank == root) std::memcpy(data[0].data_ptr<uint8_t>(), bytes.data(), bytes.size());
  collective(options_, what, [&] { impl_->group->broadcast(data, from)->wait(); });
  return std::string(reinterpret_cast<const char*>(data[0].data_ptr<uint8_t>()), static_cast<std::size_t>(n));
}

void ProcessGroup::check_same(std::uint64_t value, const std::string& what) {
  if (options_.world_size == 1) return;
  // Halves as non-negative int64, so that max and -min need no overflow.
  const auto hi = static_cast<int64_t>(value >> 32), lo = static_cast<int64_t>(value & 0xffffffffULL);
  torch::Tensor t = torch::tensor({hi, lo, -hi, -lo}, torch::kInt64);
  all_reduce_max(t, "comparing " + what);
  const auto* v = t.data_ptr<int64_t>();
  if (v[0] != -v[2] || v[1] != -v[3]) {
    throw Error(fmt::format("rank {} of {}: the ranks hold different {} (every rank must run the same command "
                            "on the same files)",
                            options_.rank, options_.world_size, what));
  }
}

int sequence_owner(std::size_t index, int world_size) {
  return static_cast<int>(index % static_cast<std::size_t>(world_size));
}

int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error(fmt::format("finding a free port: socket(): {}", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    throw Error("finding a free port on 127.0.0.1: " + reason);
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::uint64_t bytes_hash(const std::string& bytes, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t tensors_hash(const std::vector<torch::Tensor>& tensors) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const auto& t : tensors) {
    const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    h = bytes_hash(std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size()), h);
  }
  return h;
}

}  // namespace tavrnn::distributed
