/**
 * @file conntrack.hpp
 * `conntrack_table`: the flow table of the reference NAT. Fixed capacity, one
 * allocation at construction, open addressing; every flow is found by its
 * original and by its reply 5-tuple.
 *
 * Memory: one block, made at construction by `::operator new(size,
 * std::align_val_t{64}, std::nothrow)` or handed in by the caller (huge
 * pages, an arena: see memory_required()), holding the flow array (64 bytes
 * per flow, stable slot indices) and the index (hash_index.hpp's
 * bucket_index: 64-byte buckets of 12 entries {8-bit tag, flow index * 2 +
 * direction}, two entries per flow, sized for `index_load_percent` at full
 * capacity: 14.2 bytes per flow at the default 75%, 78.2 bytes per flow in
 * all). If allocation fails, valid() is false and every operation fails
 * gracefully (insert returns table_full, find misses). Nothing else
 * allocates; nothing throws.
 *
 * Lookup: hash the key (flow_key.hpp), compare the 12 tags of the home
 * bucket at once, and read the flow (one cache line) of a tag match to
 * compare the tuple: two cache lines for a hit, behind branches that every
 * hit takes the same way, so the CPU overlaps independent lookups. On a
 * host, give the table huge pages (the span constructor): with 4 KiB pages
 * each of the two lines also costs a TLB walk. prefetch() + find_with_hash()
 * and find_bulk() overlap the memory latency of several packets explicitly.
 *
 * Expiry: lazy (find() erases an expired flow it meets and misses) plus an
 * incremental sweep(now, budget). Every removal (erase, expiry, sweep,
 * erase_if) calls the erase hook first, so the engine can release the public
 * port, the flow's expectations and its SIP helper state.
 */
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "sipalg/core/config.hpp"
#include <cstring>
#include <new>
#include <span>
#include <utility>

#include "sipalg/nat/deadline.hpp"
#include "sipalg/nat/errc.hpp"
#include "sipalg/nat/flow.hpp"
#include "sipalg/nat/flow_key.hpp"
#include "sipalg/nat/hash_index.hpp"

namespace sipalg::nat {

struct conntrack_params {
  std::uint32_t capacity = 65536;        ///< flows; at most max_capacity
  std::uint32_t index_load_percent = 75; ///< index fill when all flows are in use (10..90); lower = fewer overflows
  std::uint64_t hash_seed = 0x243F6A8885A308D3ULL;  ///< randomise per process against hash flooding
};

/// What the table did since construction (or reset_counters()).
struct conntrack_counters {
  std::uint64_t inserts = 0;      ///< flows inserted
  std::uint64_t insert_exists = 0;///< inserts refused: a tuple was already tracked
  std::uint64_t full_drops = 0;   ///< inserts refused: no free flow slot
  std::uint64_t lookups = 0;      ///< find() calls
  std::uint64_t hits = 0;         ///< find() calls that returned a live flow
  std::uint64_t expired = 0;      ///< flows removed because their deadline passed (find or sweep)
  std::uint64_t erased = 0;       ///< flows removed by erase() or erase_if()
};

/// Why the erase hook is called.
enum class erase_reason : std::uint8_t {
  erased,   ///< conntrack_table::erase
  expired,  ///< find() met it after its deadline
  swept,    ///< sweep() found it after its deadline
  flushed,  ///< erase_if()
};

/// A found flow: its index and which of its tuples matched. `flow == npos` when none.
struct flow_match {
  std::uint32_t flow = 0xFFFFFFFFu;
  nat::direction dir = nat::direction::original;
  [[nodiscard]] constexpr bool found() const noexcept { return flow != 0xFFFFFFFFu; }
  explicit constexpr operator bool() const noexcept { return found(); }
};

/// Outcome of an insert: the new flow's index, or npos and why not.
struct [[nodiscard]] flow_insert {
  std::uint32_t flow = 0xFFFFFFFFu;
  errc code = errc::ok;
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
};

class conntrack_table {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  /// Flow indices are stored as index * 2 + direction in 32 bits.
  static constexpr std::uint32_t max_capacity = 1u << 28;
  /// Bytes and entries of one index bucket (memory_required() counts whole buckets).
  static constexpr std::size_t index_bucket_bytes = sizeof(detail::bucket_index::bucket);
  static constexpr std::uint32_t index_bucket_slots = detail::bucket_index::bucket_slots;
  /// Called before a flow is removed; it may use other tables but must not insert into or erase from this one.
  using erase_hook = void (*)(void* context, std::uint32_t flow_index, const flow& f, erase_reason why);

  /// Allocates the table (check valid()). A capacity of 0 or above max_capacity gives an invalid table.
  explicit conntrack_table(const conntrack_params& params = {}) noexcept { allocate(params, nullptr, 0, false); }
  /**
   * Uses the caller's memory instead of allocating (e.g. huge pages from
   * mmap/madvise, or a static arena): at least memory_required(params) bytes,
   * 64-byte aligned, left alone by the destructor and outliving the table.
   * Too small or misaligned memory gives an invalid table; check_memory()
   * says why. A null span is treated as too small (never as "allocate").
   */
  conntrack_table(const conntrack_params& params, std::span<std::byte> memory) noexcept {
    allocate(params, memory.data(), memory.size(), true);
  }
  ~conntrack_table() { release(); }
  conntrack_table(const conntrack_table&) = delete;
  conntrack_table& operator=(const conntrack_table&) = delete;
  conntrack_table(conntrack_table&& o) noexcept { steal(o); }
  conntrack_table& operator=(conntrack_table&& o) noexcept {
    if (this != &o) release(), steal(o);
    return *this;
  }

  /// False when the allocation failed or the parameters were out of range.
  [[nodiscard]] bool valid() const noexcept { return flows_ != nullptr; }
  [[nodiscard]] std::uint32_t capacity() const noexcept { return capacity_; }
  /// Flows in use.
  [[nodiscard]] std::uint32_t size() const noexcept { return size_; }
  /// Index entries (whole buckets: a multiple of index_bucket_slots); two per flow are used.
  [[nodiscard]] std::uint32_t index_slots() const noexcept { return index_.size(); }
  /// Bytes of the single allocation (flows + index).
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return bytes_; }
  /// Bytes a table with these parameters needs (its allocation, or the caller's memory); 0 when invalid.
  [[nodiscard]] static std::size_t memory_required(const conntrack_params& p) noexcept {
    const std::uint32_t slots = index_slots_for(p);
    if (p.capacity == 0 || p.capacity > max_capacity || slots <= std::uint64_t{p.capacity} * 2) return 0;
    return std::size_t{p.capacity} * sizeof(flow) + std::size_t{slots / index_bucket_slots} * index_bucket_bytes;
  }
  /**
   * Whether `memory` can hold a table with parameters `p` (the span
   * constructor gives a valid table exactly when this is ok): `unsupported`
   * when the parameters are out of range (memory_required(p) == 0),
   * `no_room` when the span is smaller than memory_required(p), `bad_range`
   * when it does not start on a 64-byte boundary (alignof(flow)).
   */
  [[nodiscard]] static errc check_memory(const conntrack_params& p, std::span<const std::byte> memory) noexcept {
    const std::size_t need = memory_required(p);
    if (need == 0) return errc::unsupported;
    if (memory.size() < need) return errc::no_room;
    if (reinterpret_cast<std::uintptr_t>(memory.data()) % alignof(flow) != 0) return errc::bad_range;
    return errc::ok;
  }
  /// Index entries a table with these parameters uses (whole buckets; 0 when too large).
  [[nodiscard]] static std::uint32_t index_slots_for(const conntrack_params& p) noexcept {
    std::uint32_t load = p.index_load_percent;
    if (load < 10) load = 10;
    if (load > 90) load = 90;
    const std::uint64_t entries = (std::uint64_t{p.capacity} * 2 * 100 + load - 1) / load;
    const std::uint64_t buckets = (entries + index_bucket_slots - 1) / index_bucket_slots;
    return buckets > detail::bucket_index::max_buckets ? 0u : static_cast<std::uint32_t>(buckets * index_bucket_slots);
  }
  [[nodiscard]] const conntrack_counters& counters() const noexcept { return counters_; }
  void reset_counters() noexcept { counters_ = {}; }
  void set_erase_hook(erase_hook hook, void* context) noexcept { hook_ = hook, hook_context_ = context; }

  /// The hash the table uses for `k` (for prefetch / find_with_hash).
  [[nodiscard]] std::uint64_t hash(const flow_key& k) const noexcept { return nat::hash(k, seed_); }
  /// Starts loading the index slot of a key hash.
  void prefetch(std::uint64_t h) const noexcept {
    if (valid()) index_.prefetch(h);
  }

  /**
   * The second stage of a prefetch: once the index bucket of `h` is in the
   * cache (prefetch(h) a few packets earlier), starts loading the flow of its
   * first entry with the same tag, the flow a find() of that key will read.
   * A hint only: harmless when the key is absent or the table changed since.
   */
  void prefetch_candidate(std::uint64_t h) const noexcept {
    if (!valid()) return;
    const std::uint32_t ref = index_.first_candidate(h);
    if (ref != npos) prefetch_flow(ref >> 1);
  }

  /// The flow at `i`. Precondition: i < capacity() (a live index from insert/find).
  [[nodiscard]] flow& operator[](std::uint32_t i) noexcept { return flows_[i]; }
  [[nodiscard]] const flow& operator[](std::uint32_t i) const noexcept { return flows_[i]; }

  /**
   * Tracks a new flow with its two tuples (see flow.hpp for the convention),
   * alive until now + timeout. State: tcp_syn_sent for TCP, udp_unreplied
   * otherwise; flags: nat_applied when the tuples differ from a plain
   * reversal. Errors: exists (either tuple already tracked by a live flow, or
   * reply == original), conflict (the tuples' protocols differ), table_full. An expired flow holding a tuple is
   * removed (hook, reason expired) and the insert goes on.
   */
  flow_insert insert(const flow_key& original, const flow_key& reply, time_s now, std::uint32_t timeout) noexcept {
    if (!valid()) return {npos, errc::table_full};
    if (original.proto != reply.proto) return {npos, errc::conflict};
    if (original == reply) {
      ++counters_.insert_exists;
      return {npos, errc::exists};
    }
    const std::uint64_t ho = hash(original), hr = hash(reply);
    if (live_lookup(detail::key_words(original), ho, now).found() ||
        live_lookup(detail::key_words(reply), hr, now).found()) {
      ++counters_.insert_exists;
      return {npos, errc::exists};
    }
    if (free_head_ == npos) {
      ++counters_.full_drops;
      return {npos, errc::table_full};
    }
    const std::uint32_t i = free_head_;
    flow& f = flows_[i];
    free_head_ = f.helper_;
    f = flow{};
    f.original_ = original;
    f.reply_ = flow::reply_addrs{reply.src_addr, reply.dst_addr, reply.src_port, reply.dst_port};
    f.state_ = original.proto == ip_proto_tcp ? flow_state::tcp_syn_sent : flow_state::udp_unreplied;
    if (!(reply == original.reversed())) f.flags_ = static_cast<std::uint8_t>(flow_flag::nat_applied);
    f.deadline_ = make_deadline(now, timeout);
    index_.insert(ho, i * 2);
    index_.insert(hr, i * 2 + 1);
    ++size_;
    ++counters_.inserts;
    return {i, errc::ok};
  }

  /**
   * The live flow with `k` as its original or reply tuple. A flow met after
   * its deadline is erased (hook, reason expired) and not returned. Does not
   * refresh the deadline. Counts lookups and hits.
   */
  [[nodiscard]] flow_match find(const flow_key& k, time_s now) noexcept { return find_with_hash(k, hash(k), now); }
  /// find() with the hash computed earlier by hash().
  [[nodiscard]] flow_match find_with_hash(const flow_key& k, std::uint64_t h, time_s now) noexcept {
    ++counters_.lookups;
    // The key goes down as two words built here, where its fields usually sit in registers (see key_words).
    const flow_match m = live_lookup(detail::key_words(k), h, now);
    if (m.found()) ++counters_.hits;
    return m;
  }
  /**
   * find() for many keys at once, as a packet-vector NAT (VPP, DPDK) looks
   * up a burst: in groups of 32 it hashes the keys and prefetches their index
   * buckets, then finds each key's first tag match and prefetches that flow,
   * then verifies, so the memory latencies of the group overlap. `out[i]` is
   * the result for `keys[i]`; processes min(keys.size(), out.size()) keys.
   * Same results and counters as find() one by one.
   */
  void find_bulk(std::span<const flow_key> keys, std::span<flow_match> out, time_s now) noexcept {
    const std::size_t n = keys.size() < out.size() ? keys.size() : out.size();
    constexpr std::size_t group = 32;
    for (std::size_t base = 0; base < n; base += group) {
      const std::size_t m = n - base < group ? n - base : group;
      std::uint64_t h[group];
      for (std::size_t k = 0; k < m; ++k) {
        h[k] = hash(keys[base + k]);
        prefetch(h[k]);
      }
      for (std::size_t k = 0; k < m; ++k) prefetch_candidate(h[k]);
      for (std::size_t k = 0; k < m; ++k) {
        // The full lookup (its home bucket and first candidate are in the cache by now).
        out[base + k] = find_with_hash(keys[base + k], h[k], now);
      }
    }
  }

  /// Whether a flow holds `k` as a tuple, ignoring deadlines; no counters, no removal (e.g. "is this public tuple taken").
  [[nodiscard]] flow_match peek(const flow_key& k) const noexcept {
    if (!valid()) return {};
    const std::uint32_t ref = locate(detail::key_words(k), hash(k));
    if (ref == npos) return {};
    return {ref >> 1, static_cast<direction>(ref & 1)};
  }

  /// Moves the deadline of flow `i` to now + timeout.
  void refresh(std::uint32_t i, time_s now, std::uint32_t timeout) noexcept {
    flows_[i].deadline_ = make_deadline(now, timeout);
  }

  /// Removes flow `i` (hook, reason erased). False when the slot is not in use.
  bool erase(std::uint32_t i) noexcept {
    if (!valid() || i >= capacity_ || !flows_[i].in_use()) return false;
    ++counters_.erased;
    remove(i, erase_reason::erased);
    return true;
  }

  /**
   * Visits at most `budget` flow slots from where the previous call stopped
   * (wrapping around) and removes the expired flows among them (hook, reason
   * swept). Returns how many were removed. capacity() slots is one full pass.
   */
  std::uint32_t sweep(time_s now, std::uint32_t budget) noexcept {
    if (!valid()) return 0;
    std::uint32_t removed = 0;
    for (std::uint32_t n = 0; n < budget; ++n) {
      const std::uint32_t i = sweep_cursor_;
      sweep_cursor_ = sweep_cursor_ + 1 == capacity_ ? 0 : sweep_cursor_ + 1;
      if (flows_[i].in_use() && flows_[i].expired(now)) {
        ++counters_.expired;
        remove(i, erase_reason::swept);
        ++removed;
      }
    }
    return removed;
  }

  /// Calls `f(index, const flow&)` for every flow in use (expired or not), in slot order.
  template <class F>
  void for_each(F&& f) const {
    for (std::uint32_t i = 0; i < capacity_ && valid(); ++i)
      if (flows_[i].in_use()) f(i, static_cast<const flow&>(flows_[i]));
  }

  /**
   * Removes every flow for which `pred(index, const flow&)` is true (hook,
   * reason flushed); O(capacity). E.g. after the public address changed:
   * `erase_if([&](auto, const flow& f) { return f.reply().dst_addr == old_public; })`.
   */
  template <class Pred>
  std::uint32_t erase_if(Pred&& pred) {
    std::uint32_t removed = 0;
    for (std::uint32_t i = 0; i < capacity_ && valid(); ++i) {
      if (flows_[i].in_use() && pred(i, static_cast<const flow&>(flows_[i]))) {
        ++counters_.erased;
        remove(i, erase_reason::flushed);
        ++removed;
      }
    }
    return removed;
  }

  /// Removes every flow without calling the hook.
  void clear() noexcept {
    if (!valid()) return;
    index_.clear();
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      flows_[i] = flow{};
      flows_[i].helper_ = i + 1 < capacity_ ? i + 1 : npos;
    }
    free_head_ = 0, size_ = 0, sweep_cursor_ = 0;
  }

  /// The most index buckets past its home a lookup may scan (diagnostics and tests; O(index_slots)).
  [[nodiscard]] std::uint32_t max_probe_distance() const noexcept { return index_.max_probe_distance(); }

 private:
  void prefetch_flow(std::uint32_t i) const noexcept {
    prefetch_line(flows_ + i);
  }
  // Whether the tuple of direction (ref & 1) of flow (ref >> 1) equals the key with words `kw`
  // (detail::key_words), without a branch on the direction (mixed traffic would mispredict it): the
  // 12 address/port bytes come from original_ (offset 0) or reply_ (offset 16); the last 4 bytes of
  // both tuples are original_'s proto and zeros, so they are compared against original_ bytes 12..15
  // either way. All reads are inside the flow. The key is compared as words built from its fields,
  // not reloaded as bytes (see key_words: a wide load of a just-built key stalls store forwarding).
  [[nodiscard]] SIPALG_ALWAYS_INLINE bool tuple_equals(std::uint32_t ref, const std::array<std::uint64_t, 2>& kw) const noexcept {
    static_assert(offsetof(flow, original_) == 0 && offsetof(flow, reply_) == 16 && sizeof(flow::reply_addrs) == 12);
    const flow& fl = flows_[ref >> 1];
    const auto* f = reinterpret_cast<const unsigned char*>(&fl);
    const unsigned char* t = f + (ref & 1u) * 16u;  // original_ and reply_ start with the same 12-byte layout
    if constexpr (std::endian::native == std::endian::little) {
      std::uint64_t a0 = 0;  // src_addr | dst_addr << 32
      std::uint32_t a1 = 0, a2 = 0;  // src_port | dst_port << 16; proto and the zero bytes
      std::memcpy(&a0, t, 8), std::memcpy(&a1, t + 8, 4), std::memcpy(&a2, f + 12, 4);
      return ((a0 ^ kw[0]) | ((std::uint64_t{a1} | std::uint64_t{a2} << 32) ^ kw[1])) == 0;
    } else {
      flow::reply_addrs r;
      std::memcpy(&r, t, sizeof r);
      const flow_key& o = fl.original_;
      return detail::key_words(flow_key{r.src_addr, r.dst_addr, r.src_port, r.dst_port, o.proto,
                                        {o.reserved[0], o.reserved[1], o.reserved[2]}}) == kw;
    }
  }
  // The reference (flow index * 2 + direction) of the entry whose flow tuple has the words kw, or npos.
  [[nodiscard]] SIPALG_ALWAYS_INLINE std::uint32_t locate(const std::array<std::uint64_t, 2>& kw,
                                                          std::uint64_t h) const noexcept {
    return index_.find_ref(h, [&](std::uint32_t ref) { return tuple_equals(ref, kw); });
  }
  // Inlined into find(): the hit path is a handful of predictable branches; expiry is out of line.
  [[nodiscard]] SIPALG_ALWAYS_INLINE flow_match live_lookup(const std::array<std::uint64_t, 2>& kw, std::uint64_t h,
                                                            time_s now) noexcept {
    if (!valid()) return {};
    const std::uint32_t ref = locate(kw, h);
    if (ref == npos) return {};
    const std::uint32_t i = ref >> 1;
    if (SIPALG_UNLIKELY(flows_[i].expired(now))) {
      expire(i);
      return {};
    }
    return {i, static_cast<direction>(ref & 1)};
  }
#if defined(__GNUC__) || defined(__clang__)
  __attribute__((noinline, cold))
#endif
  void expire(std::uint32_t i) noexcept {
    ++counters_.expired;
    remove(i, erase_reason::expired);
  }
  void remove(std::uint32_t i, erase_reason why) noexcept {
    flow& f = flows_[i];
    if (hook_) hook_(hook_context_, i, f, why);
    index_.erase(hash(f.original_), i * 2);
    index_.erase(hash(f.reply()), i * 2 + 1);
    f = flow{};
    f.helper_ = free_head_;
    free_head_ = i;
    --size_;
  }

  // Uses `given` (size `given_size`) when `caller_memory`, else allocates.
  void allocate(const conntrack_params& p, std::byte* given, std::size_t given_size, bool caller_memory) noexcept {
    seed_ = p.hash_seed;
    const std::size_t bytes = memory_required(p);
    if (bytes == 0) return;
    const std::uint32_t slots = index_slots_for(p);
    const std::size_t flow_bytes = std::size_t{p.capacity} * sizeof(flow);
    std::byte* base = given;
    if (caller_memory) {
      if (check_memory(p, std::span<const std::byte>(given, given_size)) != errc::ok) return;
      owns_ = false;
    } else {
      base = static_cast<std::byte*>(::operator new(bytes, std::align_val_t{alignof(flow)}, std::nothrow));
      if (base == nullptr) return;
      owns_ = true;
    }
    for (std::uint32_t i = 0; i < p.capacity; ++i) new (base + std::size_t{i} * sizeof(flow)) flow{};
    flows_ = std::launder(reinterpret_cast<flow*>(base));
    const std::uint32_t buckets = slots / index_bucket_slots;
    for (std::uint32_t i = 0; i < buckets; ++i)
      new (base + flow_bytes + std::size_t{i} * index_bucket_bytes) detail::bucket_index::bucket{};
    index_.attach(std::launder(reinterpret_cast<detail::bucket_index::bucket*>(base + flow_bytes)), buckets);
    capacity_ = p.capacity;
    bytes_ = bytes;
    clear();
  }
  void release() noexcept {
    if (flows_ != nullptr && owns_) ::operator delete(static_cast<void*>(flows_), std::align_val_t{alignof(flow)});
    flows_ = nullptr;
  }
  void steal(conntrack_table& o) noexcept {
    flows_ = std::exchange(o.flows_, nullptr);
    index_ = o.index_;
    capacity_ = std::exchange(o.capacity_, 0);
    size_ = std::exchange(o.size_, 0);
    free_head_ = o.free_head_, sweep_cursor_ = o.sweep_cursor_, bytes_ = o.bytes_, seed_ = o.seed_;
    counters_ = o.counters_, hook_ = o.hook_, hook_context_ = o.hook_context_, owns_ = o.owns_;
  }

  flow* flows_ = nullptr;
  detail::bucket_index index_;
  std::uint32_t capacity_ = 0;
  std::uint32_t size_ = 0;
  std::uint32_t free_head_ = npos;
  std::uint32_t sweep_cursor_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t seed_ = 0;
  conntrack_counters counters_;
  erase_hook hook_ = nullptr;
  void* hook_context_ = nullptr;
  bool owns_ = false;  // the memory came from our allocation
};

}  // namespace sipalg::nat
