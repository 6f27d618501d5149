// Counts heap allocations made by the benchmark process, to show "allocs/msg" next to every timing.
#pragma once

#include <cstdint>

namespace sipalg::bench {

/// Number of heap allocations since start: every malloc/calloc/realloc/aligned allocation on glibc
/// (the C libraries osip2 and sofia-sip allocate with malloc), and every global operator new
/// (which is implemented on top of the counted malloc). Without glibc (or under ASan, which owns
/// malloc) only operator new is counted; `counts_malloc()` tells which.
std::uint64_t allocation_count() noexcept;

/// True when C-level malloc calls are counted too, not only operator new.
bool counts_malloc() noexcept;

}  // namespace sipalg::bench
