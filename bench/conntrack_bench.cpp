// The reference NAT's conntrack table (nat/conntrack.hpp) at 10 thousand, 1 million and 10 million
// flows: lookup of live flows in an order that defeats the caches, and churn (erase the oldest flow,
// insert a new one) at a constant fill. Time per operation; allocs/msg is per operation too.
//
// Each table is built once per flow count (outside the timing) and kept for the repetitions; only one
// is alive at a time (10M flows: about 850 MB).
//
// "sipalg" tables use the library's default storage (one ::operator new at construction: 4 KiB pages
// here, THP is `madvise`); "sipalg_huge" tables get their memory from the host as a router or DPDK
// application would give it: mmap + madvise(MADV_HUGEPAGE), 2 MiB aligned, handed to the table's
// caller-provided-memory constructor. The huge_MB counter says how much of the process really is on
// huge pages (AnonHugePages of /proc/self/smaps_rollup) so a silent fallback to 4 KiB pages shows.
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "bench_common.hpp"
#include "sipalg/nat/conntrack.hpp"

namespace sipalg::bench {
namespace {

using sipalg::nat::conntrack_params;
using sipalg::nat::conntrack_table;
using sipalg::nat::flow_key;

constexpr std::uint32_t key_space = 1u << 24;  // distinct keys; more than the largest table
constexpr nat::time_s now = 1000;
constexpr std::uint32_t timeout = 3600;

/// Flow i: phone 10.x.y.z:5060 -> server 198.51.100.1:5060/UDP, mapped to 100.x.y.z:5060 (distinct
/// original and reply tuples for every i).
flow_key original(std::uint32_t i) {
  return flow_key{0x0A000000u + (i & (key_space - 1)), 0xC6336401u, 5060, 5060, 17};
}
flow_key reply(std::uint32_t i) { return flow_key{0xC6336401u, 0x64000000u + (i & (key_space - 1)), 5060, 5060, 17}; }

/// Anonymous memory on 2 MiB-aligned transparent huge pages (what the host of a router would do).
class huge_region {
 public:
  explicit huge_region(std::size_t bytes) {
    constexpr std::size_t huge = std::size_t{2} << 20;
    size_ = (bytes + huge - 1) / huge * huge + huge;  // room to align the start
    void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    base_ = static_cast<std::byte*>(p);
    auto* start = reinterpret_cast<std::byte*>((reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1));
    ::madvise(start, (bytes + huge - 1) / huge * huge, MADV_HUGEPAGE);  // whole huge pages
    data_ = std::span<std::byte>(start, bytes);
  }
  ~huge_region() {
    if (base_) ::munmap(base_, size_);
  }
  huge_region(const huge_region&) = delete;
  huge_region& operator=(const huge_region&) = delete;
  [[nodiscard]] std::span<std::byte> data() const { return data_; }

 private:
  std::byte* base_ = nullptr;
  std::size_t size_ = 0;
  std::span<std::byte> data_;
};

/// MB of the process on transparent huge pages (0 when unknown).
double anon_huge_mb() {
  std::FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "AnonHugePages:", 14) == 0) kb = std::strtod(line + 14, nullptr);
  std::fclose(f);
  return kb / 1000;
}

/// A table holding flows [lo, lo + n) with their slot indices (ring), built once per n.
struct filled_table {
  std::uint32_t n = 0;
  bool huge = false;
  std::unique_ptr<huge_region> region;  // declared before the table: destroyed after it
  std::unique_ptr<conntrack_table> table;
  std::vector<std::uint32_t> slot;  // slot[i % n] = flow index of key i
  std::uint32_t lo = 0;             // oldest live key
  bool ok = false;
};

filled_table& table_for(std::uint32_t n, bool huge = false) {
  static filled_table t;
  if (t.n == n && t.huge == huge && t.ok) return t;
  t = filled_table{};  // free the previous one first
  t.n = n;
  t.huge = huge;
  conntrack_params p;
  p.capacity = n;
  if (huge) {
    t.region = std::make_unique<huge_region>(conntrack_table::memory_required(p));
    t.table = std::make_unique<conntrack_table>(p, t.region->data());
  } else {
    t.table = std::make_unique<conntrack_table>(p);
  }
  if (!t.table->valid()) return t;
  t.slot.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto r = t.table->insert(original(i), reply(i), now, timeout);
    if (!r.ok()) return t;
    t.slot[i] = r.flow;
  }
  t.ok = true;
  return t;
}

/// A stride coprime with n and about 0.618 n: consecutive lookups land far apart in memory.
std::uint32_t stride_for(std::uint32_t n) {
  std::uint64_t s = static_cast<std::uint64_t>(n) * 618 / 1000 | 1;
  auto gcd = [](std::uint64_t a, std::uint64_t b) {
    while (b) a %= b, std::swap(a, b);
    return a;
  };
  while (gcd(s, n) != 1) s += 2;
  return static_cast<std::uint32_t>(s);
}

void bm_lookup(benchmark::State& st, std::uint32_t n, bool huge) {
  filled_table& t = table_for(n, huge);
  if (!t.ok) {
    st.SkipWithError("could not build the table");
    return;
  }
  // Cross-check: a live flow is found by both tuples, a foreign key is not.
  const std::uint32_t probe = t.lo + n / 2;
  auto a = t.table->find(original(probe), now), b = t.table->find(reply(probe), now);
  if (!a || !b || a.flow != b.flow || a.dir == b.dir || t.table->find(original(t.lo + n), now)) {
    st.SkipWithError("cross-check failed: lookup does not return the inserted flow");
    return;
  }
  const std::uint32_t stride = stride_for(n);
  std::uint32_t j = 0, misses = 0;
  const auto a0 = allocation_count();
  for (auto _ : st) {
    const flow_key k = original(t.lo + j);
    j += stride;
    if (j >= n) j -= n;
    const auto m = t.table->find(k, now);
    benchmark::DoNotOptimize(m);
    misses += m ? 0 : 1;
  }
  finish(st, 0, a0);
  st.counters["flows"] = n;
  st.counters["memory_MB"] = static_cast<double>(t.table->memory_bytes()) / 1e6;
  st.counters["B/flow"] = static_cast<double>(t.table->memory_bytes()) / n;
  if (huge) st.counters["huge_MB"] = anon_huge_mb();
  if (misses) st.SkipWithError("a live flow was not found");
}

/// Lookups in batches of 8 as a packet-vector NAT (VPP, DPDK) does: hash all 8 keys, prefetch their
/// index slots, then find_with_hash() each, so the memory latencies overlap. Time per lookup.
void bm_lookup_batch8(benchmark::State& st, std::uint32_t n, bool huge) {
  constexpr std::uint32_t batch = 8;
  filled_table& t = table_for(n, huge);
  if (!t.ok) {
    st.SkipWithError("could not build the table");
    return;
  }
  const std::uint32_t stride = stride_for(n);
  std::uint32_t j = 0, misses = 0;
  const auto a0 = allocation_count();
  for (auto _ : st) {
    flow_key k[batch];
    std::uint64_t h[batch];
    for (std::uint32_t b = 0; b < batch; ++b) {
      k[b] = original(t.lo + j);
      j += stride;
      if (j >= n) j -= n;
      h[b] = t.table->hash(k[b]);
      t.table->prefetch(h[b]);
    }
    for (std::uint32_t b = 0; b < batch; ++b) {
      const auto m = t.table->find_with_hash(k[b], h[b], now);
      benchmark::DoNotOptimize(m);
      misses += m ? 0 : 1;
    }
  }
  finish(st, 0, a0);
  // One iteration is 8 lookups: report per lookup.
  st.SetItemsProcessed(st.iterations() * batch);
  st.counters["allocs/msg"] = st.counters["allocs/msg"].value / batch;
  st.counters["ns/lookup"] = benchmark::Counter(static_cast<double>(st.iterations()) * batch,
                                                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  st.counters["flows"] = n;
  if (huge) st.counters["huge_MB"] = anon_huge_mb();
  if (misses) st.SkipWithError("a live flow was not found");
}

/// Bursts of 64 through conntrack_table::find_bulk (hash + prefetch the buckets of a group, prefetch
/// each first candidate flow, then verify), as a packet-vector NAT would call it. Time per lookup.
void bm_find_bulk(benchmark::State& st, std::uint32_t n, bool huge) {
  constexpr std::uint32_t burst = 64;
  filled_table& t = table_for(n, huge);
  if (!t.ok) {
    st.SkipWithError("could not build the table");
    return;
  }
  const std::uint32_t stride = stride_for(n);
  std::uint32_t j = 0, misses = 0;
  const auto a0 = allocation_count();
  flow_key k[burst];
  nat::flow_match m[burst];
  for (auto _ : st) {
    for (std::uint32_t b = 0; b < burst; ++b) {
      k[b] = original(t.lo + j);
      j += stride;
      if (j >= n) j -= n;
    }
    t.table->find_bulk(k, m, now);
    benchmark::DoNotOptimize(m);
    for (std::uint32_t b = 0; b < burst; ++b) misses += m[b] ? 0 : 1;
  }
  finish(st, 0, a0);
  st.SetItemsProcessed(st.iterations() * burst);
  st.counters["allocs/msg"] = st.counters["allocs/msg"].value / burst;
  st.counters["flows"] = n;
  if (huge) st.counters["huge_MB"] = anon_huge_mb();
  if (misses) st.SkipWithError("a live flow was not found");
}

void bm_churn(benchmark::State& st, std::uint32_t n) {
  filled_table& t = table_for(n);
  if (!t.ok) {
    st.SkipWithError("could not build the table");
    return;
  }
  std::uint32_t failures = 0;
  const auto a0 = allocation_count();
  for (auto _ : st) {
    // Erase the oldest flow and insert the next new one: the table stays at n flows.
    const std::uint32_t old = t.lo;
    failures += t.table->erase(t.slot[old % n]) ? 0 : 1;
    const std::uint32_t fresh = old + n;
    auto r = t.table->insert(original(fresh), reply(fresh), now, timeout);
    failures += r.ok() ? 0 : 1;
    t.slot[fresh % n] = r.flow;
    t.lo = old + 1;
  }
  finish(st, 0, a0);
  st.counters["flows"] = n;
  if (failures || t.table->size() != n) st.SkipWithError("erase or insert failed");
}

/// The memory floor for the lookups: one independent read of a 64-byte line per iteration, in the
/// same stride order, from a buffer as large as the table for n flows (flows + index). A lookup
/// reads at least two such lines (its index slot, then the flow), so at 1M and 10M flows this
/// shows what the machine's memory latency alone costs.
void bm_random_line(benchmark::State& st, std::uint32_t n, bool huge) {
  conntrack_params p;
  p.capacity = n;
  const std::size_t bytes = conntrack_table::memory_required(p);
  const std::size_t lines = bytes / 64;
  std::vector<std::uint64_t> heap;
  std::unique_ptr<huge_region> region;
  std::uint64_t* mem = nullptr;
  if (huge) {
    region = std::make_unique<huge_region>(lines * 64);
    if (region->data().empty()) {
      st.SkipWithError("mmap failed");
      return;
    }
    mem = reinterpret_cast<std::uint64_t*>(region->data().data());
    for (std::size_t i = 0; i < lines * 8; ++i) mem[i] = 1;  // touched: every page is mapped
  } else {
    heap.assign(lines * 8, 1);
    mem = heap.data();
  }
  const std::size_t stride = stride_for(static_cast<std::uint32_t>(lines));
  std::size_t j = 0;
  std::uint64_t sum = 0;
  const auto a0 = allocation_count();
  for (auto _ : st) {
    sum += mem[j * 8];
    j += stride;
    if (j >= lines) j -= lines;
  }
  benchmark::DoNotOptimize(sum);
  finish(st, 0, a0);
  st.counters["memory_MB"] = static_cast<double>(bytes) / 1e6;
  if (huge) st.counters["huge_MB"] = anon_huge_mb();
}

const register_benchmarks reg([](const context&) {
  for (std::uint32_t n : {10'000u, 1'000'000u, 10'000'000u}) {
    const std::string sz = n >= 1'000'000 ? std::to_string(n / 1'000'000) + "M" : std::to_string(n / 1000) + "k";
    add("conntrack_lookup/sipalg/" + sz, [n](benchmark::State& st) { bm_lookup(st, n, false); });
    add("conntrack_lookup_batch8/sipalg/" + sz, [n](benchmark::State& st) { bm_lookup_batch8(st, n, false); });
    add("floor/random_line/" + sz, [n](benchmark::State& st) { bm_random_line(st, n, false); });
    add("conntrack_lookup/sipalg_huge/" + sz, [n](benchmark::State& st) { bm_lookup(st, n, true); });
    add("conntrack_lookup_batch8/sipalg_huge/" + sz, [n](benchmark::State& st) { bm_lookup_batch8(st, n, true); });
    add("floor/random_line_huge/" + sz, [n](benchmark::State& st) { bm_random_line(st, n, true); });
    add("conntrack_find_bulk64/sipalg/" + sz, [n](benchmark::State& st) { bm_find_bulk(st, n, false); });
    add("conntrack_find_bulk64/sipalg_huge/" + sz, [n](benchmark::State& st) { bm_find_bulk(st, n, true); });
    add("conntrack_churn/sipalg/" + sz, [n](benchmark::State& st) { bm_churn(st, n); });
  }
});

}  // namespace
}  // namespace sipalg::bench
