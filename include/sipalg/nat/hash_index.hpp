/**
 * @file hash_index.hpp
 * The open-addressing indexes under the NAT tables. `detail::bucket_index`
 * (the conntrack table's) is described with the class below.
 *
 * `detail::hash_index`: the index under the expectation table. An array of 8-byte slots {32-bit hash tag, 32-bit
 * reference}, linear probing, backward-shift deletion (no tombstones: probe
 * chains stay intact and short after any number of deletions).
 *
 * The tag is the high 32 bits of the key's 64-bit hash and also decides the
 * home slot (fastrange: tag * size >> 32), so a slot's home is known without
 * touching the record it refers to; the slot array can have any size. Lookups
 * compare tags first and look at a record only on a tag match. The index does
 * not own memory: the table hands it a slot array from its single allocation.
 * Equal tags (and equal keys, in a multi-index) may appear any number of times.
 */
#pragma once

#include <bit>
#include <cstdint>

#include "sipalg/core/config.hpp"

namespace sipalg::nat::detail {

class hash_index {
 public:
  struct slot {
    std::uint32_t tag;
    std::uint32_t ref;  ///< empty_ref when the slot is free
  };
  static constexpr std::uint32_t empty_ref = 0xFFFFFFFFu;
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  /// The tag of a 64-bit hash.
  [[nodiscard]] static constexpr std::uint32_t tag_of(std::uint64_t h) noexcept {
    return static_cast<std::uint32_t>(h >> 32);
  }

  constexpr hash_index() noexcept = default;
  /// Uses `size` slots at `slots` (size >= 1) and marks them all free.
  void attach(slot* slots, std::uint32_t size) noexcept {
    slots_ = slots, size_ = size, count_ = 0;
    clear();
  }
  void clear() noexcept {
    for (std::uint32_t i = 0; i < size_; ++i) slots_[i] = slot{0, empty_ref};
    count_ = 0;
  }

  [[nodiscard]] constexpr std::uint32_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr std::uint32_t count() const noexcept { return count_; }
  [[nodiscard]] constexpr const slot& at(std::uint32_t i) const noexcept { return slots_[i]; }
  [[nodiscard]] constexpr std::uint32_t home(std::uint32_t tag) const noexcept {
    return static_cast<std::uint32_t>((std::uint64_t{tag} * size_) >> 32);
  }
  [[nodiscard]] constexpr std::uint32_t next(std::uint32_t i) const noexcept { return i + 1 == size_ ? 0 : i + 1; }

  /// Hints the CPU to load the home slot of `tag`.
  void prefetch(std::uint32_t tag) const noexcept {
    prefetch_line(slots_ + home(tag));
  }

  /**
   * The position of the first slot with this tag whose reference `accept(ref)`
   * approves, or npos. Probes from the home slot to the first free slot.
   */
  template <class Accept>
  [[nodiscard]] std::uint32_t find(std::uint32_t tag, Accept&& accept) const noexcept {
    for (std::uint32_t i = home(tag);; i = next(i)) {
      const slot s = slots_[i];
      if (s.ref == empty_ref) return npos;
      if (s.tag == tag && accept(s.ref)) return i;
    }
  }

  /// Adds {tag, ref}. Precondition: count() < size() (the tables size the index so it never fills).
  void insert(std::uint32_t tag, std::uint32_t ref) noexcept {
    std::uint32_t i = home(tag);
    while (slots_[i].ref != empty_ref) i = next(i);
    slots_[i] = slot{tag, ref};
    ++count_;
  }

  /// Removes the entry {tag, ref}; false when absent.
  bool erase(std::uint32_t tag, std::uint32_t ref) noexcept {
    const std::uint32_t pos = find(tag, [ref](std::uint32_t r) { return r == ref; });
    if (pos == npos) return false;
    erase_at(pos);
    return true;
  }

  /**
   * Frees slot `pos` and shifts later entries of the cluster back so that
   * every entry stays reachable from its home without tombstones. Only slots
   * at `pos` and after it (cyclically, up to the next free slot) change.
   */
  void erase_at(std::uint32_t pos) noexcept {
    std::uint32_t hole = pos;
    for (std::uint32_t j = next(pos);; j = next(j)) {
      const slot s = slots_[j];
      if (s.ref == empty_ref) break;
      const std::uint32_t h = home(s.tag);
      // The entry at j may move to the hole unless its home lies cyclically in (hole, j].
      const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (stays) continue;
      slots_[hole] = s;
      hole = j;
    }
    slots_[hole] = slot{0, empty_ref};
    --count_;
  }

  /**
   * Visits every slot with this tag and calls `visit(ref)`; when it returns
   * true the slot is erased (and the visitor may already have dropped the
   * record). Returns how many were erased.
   */
  template <class Visit>
  std::uint32_t erase_matching(std::uint32_t tag, Visit&& visit) noexcept {
    std::uint32_t erased = 0;
    std::uint32_t i = home(tag);
    while (slots_[i].ref != empty_ref) {
      if (slots_[i].tag == tag && visit(slots_[i].ref)) {
        erase_at(i);  // a later entry may have moved into i: look at i again
        ++erased;
        continue;
      }
      i = next(i);
    }
    return erased;
  }

  /// Longest distance of an entry from its home slot (for tests and diagnostics; O(size)).
  [[nodiscard]] std::uint32_t max_probe_distance() const noexcept {
    std::uint32_t best = 0;
    for (std::uint32_t i = 0; i < size_; ++i) {
      if (slots_[i].ref == empty_ref) continue;
      const std::uint32_t h = home(slots_[i].tag);
      const std::uint32_t d = i >= h ? i - h : i + size_ - h;
      if (d > best) best = d;
    }
    return best;
  }

 private:
  slot* slots_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint32_t count_ = 0;
};

/**
 * `detail::bucket_index`: the conntrack table's index. 64-byte buckets (one
 * cache line each) of 12 entries {8-bit tag, 32-bit reference}: 5.33 bytes
 * per entry. A key's home bucket is the high 32 bits of its 64-bit hash
 * (fastrange, any bucket count), its tag 8 lower bits, never 0 (0 marks a free
 * entry). A lookup compares the 12 tags of the home bucket at once (SSE2, or
 * a SWAR fallback), so a hit normally costs one index line and branches that
 * go the same way for every hit: nothing serialises independent lookups, and
 * an out-of-order CPU overlaps their cache misses. A tag match is only a
 * candidate (1 in 255 per foreign entry); the table confirms it on the record.
 *
 * A full bucket overflows into the next one (cyclically). Each bucket counts
 * the entries whose probe passed over it (`overflow`, saturating at 255 and
 * then never decremented); a lookup moves on to the next bucket only while
 * that count is non-zero (the scheme of folly's F14 tables). Erase frees the
 * entry in place and decrements the counts it had raised: no tombstones, no
 * entry ever moves, so a position stays valid until that entry is erased.
 * The index does not own memory and never fills: the table sizes it above
 * the most entries it can hold.
 */
class bucket_index {
 public:
  static constexpr std::uint32_t bucket_slots = 12;
  struct alignas(64) bucket {
    std::uint8_t tag[bucket_slots];    ///< 0: free entry
    std::uint8_t overflow;             ///< entries stored past this bucket whose probe passed over it (255: stuck)
    std::uint8_t spare[3];
    std::uint32_t ref[bucket_slots];   ///< meaningful where tag != 0
  };
  static_assert(sizeof(bucket) == 64, "a bucket is one cache line");
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  /// Most buckets an index can have (positions bucket * 12 + entry fit in 32 bits, below npos).
  static constexpr std::uint32_t max_buckets = 0xFFFFFFFEu / bucket_slots;

  /// The tag of a 64-bit hash: bits 24..31, 0 mapped to 1 (independent of the home bits 32..63).
  [[nodiscard]] static constexpr std::uint8_t tag_of(std::uint64_t h) noexcept {
    const auto t = static_cast<std::uint8_t>(h >> 24);
    return static_cast<std::uint8_t>(t | (t == 0));
  }

  /**
   * Bit i set when entry i of `b` has tag `t` (i < 12). With t == 0 it gives
   * the free entries. Reads exactly the 12 tag bytes plus the 4 bytes after
   * them in the same bucket (masked off), never past the bucket.
   */
  [[nodiscard]] static SIPALG_ALWAYS_INLINE std::uint32_t match(const bucket& b, std::uint8_t t) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__SSE2__) && !defined(SIPALG_NO_SIMD)
    typedef unsigned char u8x16 __attribute__((vector_size(16)));
    typedef char i8x16 __attribute__((vector_size(16)));
    u8x16 v;
    __builtin_memcpy(&v, b.tag, 16);  // tag[12] + overflow + spare[3]: the first 16 bytes of the bucket
    const auto m = (v == t);
    return static_cast<std::uint32_t>(__builtin_ia32_pmovmskb128(reinterpret_cast<i8x16>(m))) & 0xFFFu;
#else
    return match_swar(b, t);
#endif
  }
  /// match() without SIMD: two little-endian words, exact zero-byte detection, bits packed by multiply.
  [[nodiscard]] static constexpr std::uint32_t match_swar(const bucket& b, std::uint8_t t) noexcept {
    std::uint64_t w0 = 0, w1 = 0;
    for (unsigned i = 0; i < 8; ++i) w0 |= std::uint64_t{b.tag[i]} << (8 * i);
    for (unsigned i = 0; i < 4; ++i) w1 |= std::uint64_t{b.tag[8 + i]} << (8 * i);
    const std::uint64_t rep = std::uint64_t{t} * 0x0101010101010101ULL;
    // 0x80 in every byte of x that is zero, and only there ((x & 0x7F) + 0x7F never carries out of a byte).
    constexpr std::uint64_t lo7 = 0x7F7F7F7F7F7F7F7FULL;
    auto zero_bytes = [](std::uint64_t x) { return ~(((x & lo7) + lo7) | x | lo7); };
    const std::uint64_t m0 = zero_bytes(w0 ^ rep), m1 = zero_bytes(w1 ^ rep) & 0x80808080u;
    // Bit 8k+7 -> bit k: the multiply gathers byte flags into the top byte without carries.
    constexpr std::uint64_t gather = 0x0102040810204080ULL;
    const auto p0 = static_cast<std::uint32_t>(((m0 >> 7) * gather) >> 56);
    const auto p1 = static_cast<std::uint32_t>(((m1 >> 7) * gather) >> 56);
    return p0 | (p1 << 8);
  }

  constexpr bucket_index() noexcept = default;
  /// Uses `count` buckets at `buckets` (1 <= count <= max_buckets) and frees every entry.
  void attach(bucket* buckets, std::uint32_t count) noexcept {
    buckets_ = buckets, nbuckets_ = count;
    clear();
  }
  void clear() noexcept {
    for (std::uint32_t i = 0; i < nbuckets_; ++i) buckets_[i] = bucket{};
    count_ = 0;
  }

  [[nodiscard]] constexpr std::uint32_t buckets() const noexcept { return nbuckets_; }
  /// Entries the index has room for (buckets() * 12).
  [[nodiscard]] constexpr std::uint32_t size() const noexcept { return nbuckets_ * bucket_slots; }
  /// Entries in use.
  [[nodiscard]] constexpr std::uint32_t count() const noexcept { return count_; }
  /// The reference at a position from find().
  [[nodiscard]] constexpr std::uint32_t ref_at(std::uint32_t pos) const noexcept {
    return buckets_[pos / bucket_slots].ref[pos % bucket_slots];
  }
  [[nodiscard]] constexpr std::uint32_t home(std::uint64_t h) const noexcept {
    return static_cast<std::uint32_t>((std::uint64_t{static_cast<std::uint32_t>(h >> 32)} * nbuckets_) >> 32);
  }
  [[nodiscard]] constexpr std::uint32_t next(std::uint32_t b) const noexcept { return b + 1 == nbuckets_ ? 0 : b + 1; }
  [[nodiscard]] constexpr const bucket& at(std::uint32_t b) const noexcept { return buckets_[b]; }

  /// Hints the CPU to load the home bucket of hash `h`.
  void prefetch(std::uint64_t h) const noexcept {
    prefetch_line(buckets_ + home(h));
  }

  /**
   * The position (bucket * 12 + entry) of the first entry with the tag of `h`
   * whose reference `accept(ref)` approves, or npos. Scans the home bucket,
   * then the next ones while their overflow count says an entry passed them.
   */
  template <class Accept>
  [[nodiscard]] SIPALG_ALWAYS_INLINE std::uint32_t find(std::uint64_t h, Accept&& accept) const noexcept {
    const std::uint8_t t = tag_of(h);
    for (std::uint32_t b = home(h);; b = next(b)) {
      const bucket& bk = buckets_[b];
      for (std::uint32_t m = match(bk, t); m != 0; m &= m - 1) {
        const auto e = static_cast<std::uint32_t>(std::countr_zero(m));
        if (SIPALG_LIKELY(accept(bk.ref[e]))) return b * bucket_slots + e;
      }
      if (SIPALG_LIKELY(bk.overflow == 0)) return npos;
    }
  }

  /**
   * find(), returning the accepted entry's reference instead of its position
   * (npos: none; references are below npos). The common case, the first tag
   * match of the home bucket accepted, is straight-line code inlined into
   * the caller; everything else (more candidates, a miss, overflow buckets)
   * is out of line, which keeps the caller's loop small enough for the CPU
   * to hold several lookups in flight.
   */
  template <class Accept>
  [[nodiscard]] SIPALG_ALWAYS_INLINE std::uint32_t find_ref(std::uint64_t h, Accept&& accept) const noexcept {
    const std::uint8_t t = tag_of(h);
    const std::uint32_t b = home(h);
    const bucket& bk = buckets_[b];
    const std::uint32_t m = match(bk, t);
    if (SIPALG_LIKELY(m != 0)) {
      const std::uint32_t ref = bk.ref[std::countr_zero(m)];
      if (SIPALG_LIKELY(accept(ref))) return ref;
    }
    return find_ref_rest(b, t, m & (m - 1), accept);
  }

  /// The reference of the first entry of the home bucket with the tag of `h` (a candidate to prefetch), or npos.
  [[nodiscard]] std::uint32_t first_candidate(std::uint64_t h) const noexcept {
    const bucket& bk = buckets_[home(h)];
    const std::uint32_t m = match(bk, tag_of(h));
    return m == 0 ? npos : bk.ref[std::countr_zero(m)];
  }

  // find_ref() after the first candidate: `m` holds the home bucket's remaining candidates.
  template <class Accept>
  SIPALG_NOINLINE
  std::uint32_t find_ref_rest(std::uint32_t b, std::uint8_t t, std::uint32_t m, Accept& accept) const noexcept {
    for (;;) {
      const bucket& bk = buckets_[b];
      for (; m != 0; m &= m - 1) {
        const std::uint32_t ref = bk.ref[std::countr_zero(m)];
        if (accept(ref)) return ref;
      }
      if (bk.overflow == 0) return npos;
      b = next(b);
      m = match(buckets_[b], t);
    }
  }

  /// Adds {h, ref}. Precondition: count() < size() (the table sizes the index so it never fills).
  void insert(std::uint64_t h, std::uint32_t ref) noexcept {
    for (std::uint32_t b = home(h);; b = next(b)) {
      bucket& bk = buckets_[b];
      const std::uint32_t free = match(bk, 0);
      if (free != 0) {
        const auto e = static_cast<std::uint32_t>(std::countr_zero(free));
        bk.tag[e] = tag_of(h);
        bk.ref[e] = ref;
        ++count_;
        return;
      }
      if (bk.overflow != 255) ++bk.overflow;  // saturated: stays 255 for good (lookups just go on)
    }
  }

  /// Removes the entry {h, ref}; false when absent.
  bool erase(std::uint64_t h, std::uint32_t ref) noexcept {
    const std::uint32_t pos = find(h, [ref](std::uint32_t r) { return r == ref; });
    if (pos == npos) return false;
    const std::uint32_t target = pos / bucket_slots;
    // Undo the counts its insert raised on the buckets between its home and where it lies.
    for (std::uint32_t b = home(h); b != target; b = next(b))
      if (buckets_[b].overflow != 255) --buckets_[b].overflow;
    buckets_[target].tag[pos % bucket_slots] = 0;
    --count_;
    return true;
  }

  /**
   * The most buckets past its home a lookup may have to scan: the longest
   * cyclic run of buckets with a non-zero overflow count (diagnostics and
   * tests; O(buckets)).
   */
  [[nodiscard]] std::uint32_t max_probe_distance() const noexcept {
    std::uint32_t best = 0, run = 0, first_run = 0;
    bool leading = true;
    for (std::uint32_t b = 0; b < nbuckets_; ++b) {
      if (buckets_[b].overflow != 0) {
        ++run;
        if (leading) first_run = run;
      } else {
        leading = false;
        if (run > best) best = run;
        run = 0;
      }
    }
    if (leading) return nbuckets_;  // every bucket overflowed
    if (run + first_run > best) best = run + first_run;  // the run that wraps around the end
    return best;
  }

 private:
  bucket* buckets_ = nullptr;
  std::uint32_t nbuckets_ = 0;
  std::uint32_t count_ = 0;
};

}  // namespace sipalg::nat::detail
