#include "tavrnn/nn/attention_history.h"

#include <torch/torch.h>

#include "tavrnn/util/error.h"

namespace tavrnn::nn {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Copies `value` into row `index` of `values`; the new token stands for
// the history with that row. Backward: the row of `gradient` that later
// reads accumulated, shaped as the value, and the token's gradient onwards.
struct AppendRow : public torch::autograd::Function<AppendRow> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& token,
                               const torch::Tensor& value, torch::Tensor values,
                               torch::Tensor gradient, int64_t index) {
    values[index].copy_(value.reshape({-1}));
    ctx->saved_data["gradient"] = gradient;
    ctx->saved_data["index"] = index;
    ctx->saved_data["shape"] = value.sizes().vec();
    return token.clone();
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    const auto gradient = ctx->saved_data["gradient"].toTensor();
    const auto index = ctx->saved_data["index"].toInt();
    const auto shape = ctx->saved_data["shape"].toIntVector();
    return {grad_output[0], gradient[index].reshape(shape).clone(), torch::Tensor(),
            torch::Tensor(), torch::Tensor()};
  }
};

// The two reads, adjoint to each other: rows . vector (the scores, [end -
// begin]) or, transposed, vector . rows (the mix, [width]), with rows =
// values[begin:end]. Backward: the vector's gradient, and the rows' own
// (an outer product) added to `gradient`, which the appends hand back.
struct RowProduct : public torch::autograd::Function<RowProduct> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& vector,
                               const torch::Tensor& token, torch::Tensor values,
                               torch::Tensor gradient, int64_t begin, int64_t end,
                               bool transposed) {
    ctx->save_for_backward({vector, token});
    const auto rows = values.slice(0, begin, end);
    ctx->saved_data["values"] = rows;
    ctx->saved_data["gradient"] = gradient.slice(0, begin, end);
    ctx->saved_data["transposed"] = transposed;
    return torch::mv(transposed ? rows.t() : rows, vector);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_output) {
    const auto saved = ctx->get_saved_variables();
    const auto rows = ctx->saved_data["values"].toTensor();
    auto gradient = ctx->saved_data["gradient"].toTensor();
    const bool transposed = ctx->saved_data["transposed"].toBool();
    const auto& g = grad_output[0];
    if (transposed) {
      gradient.addr_(saved[0], g);
    } else {
      gradient.addr_(g, saved[0]);
    }
    return {torch::mv(transposed ? rows : rows.t(), g), torch::zeros_like(saved[1]),
            torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

AttentionHistory::AttentionHistory(int64_t capacity, int64_t state_numel, int64_t key_width,
                                   const at::Tensor& like)
    : states_(make_rows(capacity, state_numel, like)), keys_(make_rows(capacity, key_width, like)) {}

AttentionHistory::Rows AttentionHistory::make_rows(int64_t capacity, int64_t width,
                                                   const at::Tensor& like) {
  const auto options = like.options().requires_grad(false);
  return {torch::zeros({capacity, width}, options), torch::zeros({capacity, width}, options),
          torch::zeros({1}, options)};
}

int64_t AttentionHistory::capacity() const { return states_.values.size(0); }

void AttentionHistory::append_row(Rows& rows, int64_t index, const at::Tensor& value) {
  if (value.numel() != rows.values.size(1)) {
    throw Error("attention history: a stored row has " + std::to_string(value.numel()) +
                " values, expected " + std::to_string(rows.values.size(1)));
  }
  rows.token = AppendRow::apply(rows.token, value, rows.values, rows.gradient, index);
}

void AttentionHistory::append(const at::Tensor& state, const at::Tensor& key) {
  if (size_ >= capacity()) {
    throw Error("attention history: full at " + std::to_string(capacity()) + " states");
  }
  append_row(states_, size_, state);
  append_row(keys_, size_, key);
  ++size_;
}

void AttentionHistory::truncate() {
  // Later reads depend on fresh tokens, outside the graph of the states
  // before; the rows those reads add gradient to are never handed back.
  states_.token = torch::zeros_like(states_.token);
  keys_.token = torch::zeros_like(keys_.token);
}

at::Tensor AttentionHistory::scores(const at::Tensor& query, int64_t begin) const {
  TORCH_CHECK(begin >= 0 && begin <= size_, "attention history: scores from ", begin, " of ", size_);
  if (begin == size_) return torch::zeros({0}, query.options());
  return RowProduct::apply(query, keys_.token, keys_.values, keys_.gradient, begin, size_, false);
}

at::Tensor AttentionHistory::mix(const at::Tensor& weights, int64_t begin) const {
  TORCH_CHECK(begin >= 0 && begin <= size_, "attention history: mix from ", begin, " of ", size_);
  TORCH_CHECK(weights.numel() == size_ - begin, "attention history: ", weights.numel(),
              " weights for ", size_ - begin, " states");
  if (begin == size_) return torch::zeros({states_.values.size(1)}, weights.options());
  return RowProduct::apply(weights, states_.token, states_.values, states_.gradient, begin, size_,
                           true);
}

}  // namespace tavrnn::nn
