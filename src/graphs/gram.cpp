#include "gram.h"

#include <dlfcn.h>

#include <algorithm>
#include <climits>
#include <type_traits>

namespace tavrnn::graphs::detail {
namespace {

// Looked up in the loaded BLAS (LibTorch's) at run time, as runtime.cpp does
// for OpenBLAS's own calls, so tavrnn links no BLAS itself.
template <typename T>
using Syrk = void (*)(const char* uplo, const char* trans, const int* n, const int* k,
                      const T* alpha, const T* a, const int* lda, const T* beta, T* c,
                      const int* ldc);

template <typename T>
Syrk<T> find_syrk() {
  static const Syrk<T> syrk = reinterpret_cast<Syrk<T>>(
      dlsym(RTLD_DEFAULT, std::is_same<T, float>::value ? "ssyrk_" : "dsyrk_"));
  return syrk;
}

// Row-major [N, L] is column-major [L, N] = A, and A^T A is the Gram
// matrix; syrk's column-major upper triangle is the row-major lower one.
template <typename T>
bool syrk_lower(const T* rows, T* out, int64_t count, int64_t n, int64_t bins) {
  const Syrk<T> syrk = find_syrk<T>();
  if (syrk == nullptr || n > INT32_MAX || bins > INT32_MAX) return false;
  const int ni = static_cast<int>(n), li = static_cast<int>(bins);
  const T one = 1, zero = 0;
  for (int64_t k = 0; k < count; ++k) {
    syrk("U", "T", &ni, &li, &one, rows + k * n * bins, &li, &zero, out + k * n * n, &ni);
  }
  return true;
}

// Copies each matrix's lower triangle onto its upper one, in place and in
// tiles (a plain row loop reads the lower triangle a column at a time):
// exactly symmetric without the three N x N temporaries of tril + triu.
template <typename T>
void mirror_lower(T* matrices, int64_t count, int64_t n) {
  constexpr int64_t kTile = 64;
  for (int64_t k = 0; k < count; ++k) {
    T* a = matrices + k * n * n;
    for (int64_t i0 = 0; i0 < n; i0 += kTile) {
      for (int64_t j0 = i0; j0 < n; j0 += kTile) {
        const int64_t i1 = std::min(i0 + kTile, n), j1 = std::min(j0 + kTile, n);
        for (int64_t i = i0; i < i1; ++i) {
          for (int64_t j = std::max(j0, i + 1); j < j1; ++j) a[i * n + j] = a[j * n + i];
        }
      }
    }
  }
}

}  // namespace

bool reusable(const torch::Tensor* reuse, at::IntArrayRef shape, const torch::Tensor& like) {
  return reuse != nullptr && reuse->defined() && reuse->sizes() == shape &&
         reuse->scalar_type() == like.scalar_type() && reuse->device() == like.device() && reuse->is_contiguous();
}

torch::Tensor gram_matrices(const torch::Tensor& rows, bool lower_only, torch::Tensor* reuse) {
  const auto type = rows.scalar_type();
  if (rows.device().is_cpu() && (type == torch::kFloat32 || type == torch::kFloat64) &&
      rows.dim() >= 2) {
    const torch::Tensor x = rows.contiguous();
    const int64_t n = x.size(-2), bins = x.size(-1);
    const int64_t count = n * bins == 0 ? 0 : x.numel() / (n * bins);
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = n;
    torch::Tensor out = detail::reusable(reuse, shape, x) ? *reuse : torch::empty(shape, x.options());
    if (reuse != nullptr) *reuse = out;
    bool done = false;
    AT_DISPATCH_FLOATING_TYPES(type, "gram_matrices", [&] {
      done =
          count > 0 && syrk_lower(x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), count, n, bins);
    });
    if (done) {
      if (!lower_only) {
        AT_DISPATCH_FLOATING_TYPES(type, "mirror_lower", [&] {
          mirror_lower(out.data_ptr<scalar_t>(), count, n);
        });
      }
      return out;
    }
  }
  torch::Tensor m = torch::matmul(rows, rows.transpose(-2, -1));
  // A general product need not be bitwise symmetric (the two triangles are
  // summed in different orders); a + b == b + a exactly, so this makes it so.
  return m.add(m.transpose(-2, -1)).mul_(0.5);
}

}  // namespace tavrnn::graphs::detail
