/**
 * @file port_allocator.hpp
 * `port_allocator`: the public ports of one public address, per transport
 * (UDP and TCP). Keeps the port a host asked for when it is free (port
 * preservation), else allocates from a configurable range (default
 * 1024..65535) with a rotating cursor (a released port is not handed out
 * again at once); `allocate_pair()` gives an even port whose odd neighbour is
 * free too (RTP + RTCP, RFC 3550 section 11).
 *
 * A port is shared by reference count: allocate()/reserve() take the first
 * reference, retain() adds one (another flow or expectation using the same
 * mapping), release() drops one and frees the port at zero. Storage is
 * inline and fixed: per transport a 65536-bit free map (8 KiB) for the
 * search and 16-bit counts (128 KiB); sizeof is about 272 KiB, so embed it in
 * a longer-lived object, not on a small stack. No allocation, no exceptions.
 */
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <optional>

#include "sipalg/core/endpoint.hpp"

namespace sipalg::nat {

/// An inclusive port range; first <= last, first >= 1.
struct port_range {
  std::uint16_t first = 1024;
  std::uint16_t last = 65535;
  [[nodiscard]] constexpr bool contains(std::uint16_t p) const noexcept { return p >= first && p <= last; }
  [[nodiscard]] constexpr bool valid() const noexcept { return first >= 1 && first <= last; }
};

class port_allocator {
 public:
  /// Starts with every port free. An invalid range is replaced by the default.
  explicit port_allocator(port_range range = {}) noexcept { set_range(range); }

  [[nodiscard]] port_range range() const noexcept { return range_; }
  /// Changes the range for later allocations (ports in use stay in use). False for an invalid range.
  bool set_range(port_range r) noexcept {
    if (!r.valid()) {
      if (!range_.valid()) range_ = port_range{};
      return false;
    }
    range_ = r;
    for (auto& s : sides_) s.cursor = r.first;
    return true;
  }

  /**
   * One port with one reference: `wanted` when it is in the range and free,
   * else the next free port of the range after the cursor. nullopt when the
   * range is exhausted.
   */
  [[nodiscard]] std::optional<std::uint16_t> allocate(transport t, std::uint16_t wanted = 0) noexcept {
    side& s = side_of(t);
    if (wanted != 0 && range_.contains(wanted) && s.refs[wanted] == 0) return take(s, wanted);
    const std::optional<std::uint16_t> p = search(s, false);
    if (p) take(s, *p), s.cursor = next_cursor(*p, 1);
    return p;
  }

  /**
   * An even port p with p + 1 also free and both in the range, one reference
   * on each: `wanted` when it qualifies, else the next such pair after the
   * cursor. Returns p; nullopt when no pair is left.
   */
  [[nodiscard]] std::optional<std::uint16_t> allocate_pair(transport t, std::uint16_t wanted = 0) noexcept {
    side& s = side_of(t);
    if (wanted != 0 && (wanted & 1) == 0 && range_.contains(wanted) &&
        range_.contains(static_cast<std::uint16_t>(wanted + 1)) && s.refs[wanted] == 0 && s.refs[wanted + 1] == 0) {
      take(s, wanted), take(s, static_cast<std::uint16_t>(wanted + 1));
      return wanted;
    }
    const std::optional<std::uint16_t> p = search(s, true);
    if (p) take(s, *p), take(s, static_cast<std::uint16_t>(*p + 1)), s.cursor = next_cursor(*p, 2);
    return p;
  }

  /// Takes exactly `port` (any port 1..65535, in the range or not; e.g. a DNAT forward). False when in use.
  [[nodiscard]] bool reserve(transport t, std::uint16_t port) noexcept {
    side& s = side_of(t);
    if (port == 0 || s.refs[port] != 0) return false;
    take(s, port);
    return true;
  }
  /// Adds a reference to a port in use. False when it is free or the count is at 65535.
  [[nodiscard]] bool retain(transport t, std::uint16_t port) noexcept {
    side& s = side_of(t);
    if (s.refs[port] == 0 || s.refs[port] == 0xFFFF) return false;
    ++s.refs[port];
    return true;
  }
  /// Drops a reference; the port is free again when none is left. False when it was already free.
  bool release(transport t, std::uint16_t port) noexcept {
    side& s = side_of(t);
    if (s.refs[port] == 0) return false;
    if (--s.refs[port] == 0) {
      s.used[port >> 6] &= ~(std::uint64_t{1} << (port & 63));
      --s.in_use;
    }
    return true;
  }
  /// Releases p and p + 1 (from allocate_pair).
  void release_pair(transport t, std::uint16_t port) noexcept {
    release(t, port);
    if (port != 65535) release(t, static_cast<std::uint16_t>(port + 1));
  }

  [[nodiscard]] bool is_free(transport t, std::uint16_t port) const noexcept { return side_of(t).refs[port] == 0; }
  [[nodiscard]] std::uint16_t refcount(transport t, std::uint16_t port) const noexcept { return side_of(t).refs[port]; }
  /// Ports with at least one reference.
  [[nodiscard]] std::uint32_t in_use(transport t) const noexcept { return side_of(t).in_use; }

 private:
  struct side {
    std::array<std::uint64_t, 1024> used{};    // bit set = port has references
    std::array<std::uint16_t, 65536> refs{};  // reference counts
    std::uint32_t in_use = 0;
    std::uint16_t cursor = 1024;  // where the next search starts
  };

  side& side_of(transport t) noexcept { return sides_[t == transport::tcp ? 1 : 0]; }
  const side& side_of(transport t) const noexcept { return sides_[t == transport::tcp ? 1 : 0]; }

  static std::uint16_t take(side& s, std::uint16_t p) noexcept {
    if (s.refs[p]++ == 0) {
      s.used[p >> 6] |= std::uint64_t{1} << (p & 63);
      ++s.in_use;
    }
    return p;
  }
  std::uint16_t next_cursor(std::uint16_t p, unsigned step) const noexcept {
    const unsigned n = unsigned{p} + step;
    return n > range_.last ? range_.first : static_cast<std::uint16_t>(n);
  }

  // Free bits of word w limited to [lo, hi] (port numbers), as a mask of candidate ports.
  static std::uint64_t window(std::uint32_t w, std::uint32_t lo, std::uint32_t hi) noexcept {
    const std::uint32_t base = w * 64;
    std::uint64_t m = ~std::uint64_t{0};
    if (lo > base) m &= ~std::uint64_t{0} << (lo - base);
    if (hi < base + 63) m &= ~std::uint64_t{0} >> (63 - (hi - base));
    return m;
  }

  // First free port (or even port of a free pair) in [cursor, last], then [first, cursor).
  std::optional<std::uint16_t> search(const side& s, bool pair) const noexcept {
    const std::uint32_t first = range_.first, last = range_.last;
    std::uint32_t from = s.cursor < first || s.cursor > last ? first : s.cursor;
    const auto scan = [&](std::uint32_t lo, std::uint32_t hi) -> std::optional<std::uint16_t> {
      if (lo > hi) return std::nullopt;
      for (std::uint32_t w = lo >> 6; w <= (hi >> 6); ++w) {
        std::uint64_t free_bits = ~s.used[w] & window(w, lo, hi);
        // A pair: an even port (even bit) whose odd neighbour (the next bit, same word) is free and in range.
        if (pair) free_bits &= (free_bits >> 1) & 0x5555555555555555ULL;
        if (free_bits) return static_cast<std::uint16_t>(w * 64 + static_cast<std::uint32_t>(std::countr_zero(free_bits)));
      }
      return std::nullopt;
    };
    if (auto p = scan(from, last)) return p;
    // Wrap around: the part before the cursor; a pair may straddle the cursor, so include one extra port.
    return scan(first, from == first ? first - 1 : std::min<std::uint32_t>(from, last));
  }

  port_range range_{};
  std::array<side, 2> sides_{};
};

}  // namespace sipalg::nat
