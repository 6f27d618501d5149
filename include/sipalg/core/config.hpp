/**
 * @file config.hpp
 * Compiler portability macros shared by every sipalg header.
 *
 * sipalg is header-only, C++20, and builds with `-fno-exceptions -fno-rtti`:
 * nothing under include/ throws, allocates per packet, or uses RTTI.
 */
#pragma once

#if defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::lifetimebound)
/// Marks a parameter whose storage a returned view refers to (clang warns on dangling views).
#define SIPALG_LIFETIMEBOUND [[clang::lifetimebound]]
#else
#define SIPALG_LIFETIMEBOUND
#endif
#else
#define SIPALG_LIFETIMEBOUND
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SIPALG_ALWAYS_INLINE inline __attribute__((always_inline))
/// Keeps a rarely taken general path out of line, so its fast-path caller stays small.
#define SIPALG_NOINLINE __attribute__((noinline))
#define SIPALG_LIKELY(x) __builtin_expect(!!(x), 1)
#define SIPALG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SIPALG_ALWAYS_INLINE inline
#define SIPALG_NOINLINE
#define SIPALG_LIKELY(x) (x)
#define SIPALG_UNLIKELY(x) (x)
#endif

namespace sipalg {
/**
 * Starts loading the cache line at `p` (a hint; never faults). On x86 with
 * GCC an asm statement: GCC 12 deletes a __builtin_prefetch whose address
 * comes from a load that only feeds the prefetch (the conntrack "prefetch the
 * candidate flow" stage compiled to nothing), which clang keeps.
 */
SIPALG_ALWAYS_INLINE void prefetch_line(const void* p) noexcept {
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
  __asm__ volatile("prefetcht0 (%0)" : : "r"(p));
#elif defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}
}  // namespace sipalg

#define SIPALG_VERSION_MAJOR 0
#define SIPALG_VERSION_MINOR 1
#define SIPALG_VERSION_PATCH 0
