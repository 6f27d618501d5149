/**
 * @file hash_index.hpp
 * `detail::hash_index`: the open-addressing index under the conntrack and
 * expectation tables. An array of 8-byte slots {32-bit hash tag, 32-bit
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

#include <cstdint>

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
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(slots_ + home(tag));
#else
    (void)tag;
#endif
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

}  // namespace sipalg::nat::detail
