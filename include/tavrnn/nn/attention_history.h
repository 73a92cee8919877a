#pragma once
// The states temporal attention reads, each stored once.
//
// Attention over every earlier state (MODEL.md section 4, width 0) reads
// h_1..h_{t-1} at every step t. Stacking them anew at each step, as
// TemporalAttention::forward(states) does, keeps a [t, N', H] copy alive for
// the backward pass at every step: memory and copying quadratic in T (a
// 1,866-window recording needed 11.5 GB). An AttentionHistory copies each
// state, and its key, once into one preallocated [T, N' * H] block and
// reads it with two autograd functions whose backward passes accumulate
// into one gradient block of the same size, which is handed back to each
// state's own graph when the backward pass reaches the step that stored it.
// Memory is linear in T; the arithmetic is the same sums as the stacked
// form (a matrix-vector product per step instead of a stack and a sum).
//
// Order of the backward pass: every read at step t depends on a small token
// tensor that each append replaces, so the autograd engine runs an append's
// backward (which collects its row of the gradient block) only after every
// later read has added to that row. One history serves one forward pass and
// one backward pass (not retain_graph twice, not double backward).
#include <cstdint>

#include <ATen/core/Tensor.h>

namespace tavrnn::nn {

class AttentionHistory {
 public:
  // Room for `capacity` states of `state_numel` values and keys of
  // `key_width`, in the dtype and on the device of `like`.
  AttentionHistory(int64_t capacity, int64_t state_numel, int64_t key_width,
                   const at::Tensor& like);

  int64_t size() const { return size_; }
  int64_t capacity() const;

  // <k_s, query> for the stored states s in [begin, size()): [size() - begin].
  at::Tensor scores(const at::Tensor& query, int64_t begin) const;
  // sum over s in [begin, size()) of weights[s - begin] * state_s, flattened:
  // [state_numel].
  at::Tensor mix(const at::Tensor& weights, int64_t begin) const;
  // Stores a state (any shape of state_numel values) and its key [key_width].
  void append(const at::Tensor& state, const at::Tensor& key);
  // Back-propagation stops here: the states stored so far are read as
  // constants from now on (truncated back-propagation through time; call it
  // once the backward pass through them is done).
  void truncate();

 private:
  struct Rows {
    at::Tensor values;    // [capacity, width], outside autograd
    at::Tensor gradient;  // [capacity, width], what the reads send back
    at::Tensor token;     // replaced by every append; reads depend on it
  };
  static Rows make_rows(int64_t capacity, int64_t width, const at::Tensor& like);
  static void append_row(Rows& rows, int64_t index, const at::Tensor& value);

  Rows states_, keys_;
  int64_t size_ = 0;
};

}  // namespace tavrnn::nn
