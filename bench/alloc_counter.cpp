// Global allocation counter. On glibc the malloc family is interposed (the executable's definitions
// win over libc's for every shared library, so osip2's and sofia-sip's allocations are counted too)
// and forwarded to glibc's __libc_* entry points; operator new/delete are replaced on top of it.
// The counter is a relaxed atomic updated with load+store (no lock prefix): the benchmarks run on
// one thread, and the count costs one add per allocation for every parser alike.
#include "alloc_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIPALG_BENCH_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SIPALG_BENCH_ASAN 1
#endif
#if defined(__GLIBC__) && !defined(SIPALG_BENCH_ASAN)
#define SIPALG_BENCH_COUNT_MALLOC 1
#endif

namespace {
std::atomic<std::uint64_t> g_allocations{0};
inline void count_one() noexcept {
  g_allocations.store(g_allocations.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}
}  // namespace

namespace sipalg::bench {
std::uint64_t allocation_count() noexcept { return g_allocations.load(std::memory_order_relaxed); }
#ifdef SIPALG_BENCH_COUNT_MALLOC
bool counts_malloc() noexcept { return true; }
#else
bool counts_malloc() noexcept { return false; }
#endif
}  // namespace sipalg::bench

#ifdef SIPALG_BENCH_COUNT_MALLOC
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

// NOLINTBEGIN: these must have the C library's names.
void* malloc(std::size_t n) noexcept {
  count_one();
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t m) noexcept {
  count_one();
  return __libc_calloc(n, m);
}
void* realloc(void* p, std::size_t n) noexcept {
  count_one();
  return __libc_realloc(p, n);
}
void free(void* p) noexcept { __libc_free(p); }
void* memalign(std::size_t a, std::size_t n) noexcept {
  count_one();
  return __libc_memalign(a, n);
}
void* aligned_alloc(std::size_t a, std::size_t n) noexcept {
  count_one();
  return __libc_memalign(a, n);
}
int posix_memalign(void** out, std::size_t a, std::size_t n) noexcept {
  if (a == 0 || (a & (a - 1)) != 0 || a % sizeof(void*) != 0) return EINVAL;
  count_one();
  void* p = __libc_memalign(a, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
// NOLINTEND
}

namespace {
inline void* raw_alloc(std::size_t n) noexcept { return __libc_malloc(n ? n : 1); }
inline void* raw_alloc_aligned(std::size_t n, std::size_t a) noexcept { return __libc_memalign(a, n ? n : 1); }
inline void raw_free(void* p) noexcept { __libc_free(p); }
}  // namespace
#else
#include <cstdlib>
namespace {
inline void* raw_alloc(std::size_t n) noexcept { return std::malloc(n ? n : 1); }
inline void* raw_alloc_aligned(std::size_t n, std::size_t a) noexcept {
  return std::aligned_alloc(a, (n + a - 1) / a * a);
}
inline void raw_free(void* p) noexcept { std::free(p); }
}  // namespace
#endif

// Replaceable global allocation functions ([new.delete]): count, then allocate without recursion.
void* operator new(std::size_t n) {
  count_one();
  if (void* p = raw_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  count_one();
  if (void* p = raw_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  count_one();
  return raw_alloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  count_one();
  return raw_alloc(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  count_one();
  if (void* p = raw_alloc_aligned(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  count_one();
  if (void* p = raw_alloc_aligned(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { raw_free(p); }
void operator delete[](void* p) noexcept { raw_free(p); }
void operator delete(void* p, std::size_t) noexcept { raw_free(p); }
void operator delete[](void* p, std::size_t) noexcept { raw_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { raw_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { raw_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { raw_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { raw_free(p); }
