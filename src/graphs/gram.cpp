#include "gram.h"

#include <dlfcn.h>

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

}  // namespace

torch::Tensor gram_matrices(const torch::Tensor& rows, bool lower_only) {
  const auto type = rows.scalar_type();
  if (rows.device().is_cpu() && (type == torch::kFloat32 || type == torch::kFloat64) &&
      rows.dim() >= 2) {
    const torch::Tensor x = rows.contiguous();
    const int64_t n = x.size(-2), bins = x.size(-1);
    const int64_t count = n * bins == 0 ? 0 : x.numel() / (n * bins);
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = n;
    torch::Tensor out = torch::empty(shape, x.options());
    bool done = false;
    AT_DISPATCH_FLOATING_TYPES(type, "gram_matrices", [&] {
      done =
          count > 0 && syrk_lower(x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), count, n, bins);
    });
    if (done) {
      if (lower_only) return out;
      const torch::Tensor lower = out.tril();
      return lower + lower.transpose(-2, -1).triu(1);  // exactly symmetric: a copy
    }
  }
  torch::Tensor m = torch::matmul(rows, rows.transpose(-2, -1));
  // A general product need not be bitwise symmetric (the two triangles are
  // summed in different orders); a + b == b + a exactly, so this makes it so.
  return m.add(m.transpose(-2, -1)).mul_(0.5);
}

}  // namespace tavrnn::graphs::detail
