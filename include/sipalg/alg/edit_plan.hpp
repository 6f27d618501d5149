/**
 * @file edit_plan.hpp
 * `edit_plan`: the rewrite as an ordered, non-overlapping list of edits
 * `(offset, old_len, replacement)` against the original message. The
 * rewriter only plans; the host applies the plan (see mangle.hpp), so bytes
 * outside the edits are never re-serialised.
 *
 *     original:  ...Via: SIP/2.0/UDP 192.168.2.100:5060;branch=...
 *                                    ^offset       ^offset+old_len
 *     replacement:                   "2.2.2.2:5061"
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <string_view>

#include "sipalg/core/fixed_vector.hpp"
#include "sipalg/core/text_range.hpp"

namespace sipalg::alg {

/// One edit of the original message.
struct edit {
  std::uint32_t offset = 0;   ///< first replaced byte, in the ORIGINAL message
  std::uint32_t old_len = 0;  ///< bytes replaced
  text_range replacement;     ///< new bytes, a range of the plan's arena
  text_range original;        ///< copy of the replaced bytes in the arena (for rollback)
};

/// Why an edit could not be added.
enum class plan_errc : std::uint8_t {
  ok = 0,
  too_many_edits,  ///< the edit list is full
  arena_full,      ///< no room left for replacement bytes
  overlap,         ///< the edit overlaps one already planned
  out_of_range,    ///< the edit reaches past the message
};

[[nodiscard]] constexpr std::string_view to_string(plan_errc e) noexcept {
  switch (e) {
    case plan_errc::ok: return "ok";
    case plan_errc::too_many_edits: return "too_many_edits";
    case plan_errc::arena_full: return "arena_full";
    case plan_errc::overlap: return "overlap";
    case plan_errc::out_of_range: return "out_of_range";
  }
  return "unknown";
}

/**
 * A fixed-capacity edit list with an inline arena for the replacement bytes.
 * Edits are kept sorted by offset. No allocation.
 * @tparam MaxEdits  capacity of the edit list
 * @tparam ArenaSize bytes for replacements plus copies of the replaced bytes
 */
template <std::size_t MaxEdits = 48, std::size_t ArenaSize = 2048>
class basic_edit_plan {
 public:
  /// Forgets all edits; `message` is the original the offsets refer to.
  constexpr void reset(std::string_view message) noexcept {
    message_ = message;
    edits_.clear();
    used_ = 0;
    error_ = plan_errc::ok;
  }

  /// Adds an edit replacing `old_len` bytes at `offset` with `replacement`.
  /// A no-op edit (same bytes) is not recorded. On failure the plan is
  /// unchanged and the error is remembered (see error()).
  constexpr plan_errc replace(std::uint32_t offset, std::uint32_t old_len, std::string_view replacement) noexcept {
    if (offset > message_.size() || old_len > message_.size() - offset) return fail(plan_errc::out_of_range);
    const std::string_view old(message_.data() + offset, old_len);
    if (old.size() == replacement.size() && same_bytes(old.data(), replacement.data(), old.size())) return plan_errc::ok;
    // Find the insertion point; reject any overlap (touching edits are fine, but
    // two insertions at one offset would be ambiguous). The rewriter mostly adds
    // edits in message order, so the search usually stops at once.
    std::size_t pos = edits_.size();
    while (pos > 0 && edits_[pos - 1].offset > offset) --pos;
    if (pos > 0) {
      const edit& prev = edits_[pos - 1];
      if (prev.offset + prev.old_len > offset || (prev.offset == offset)) return fail(plan_errc::overlap);
    }
    if (pos < edits_.size() && offset + old_len > edits_[pos].offset) return fail(plan_errc::overlap);
    if (edits_.full()) return fail(plan_errc::too_many_edits);
    if (replacement.size() + old.size() > ArenaSize - used_) return fail(plan_errc::arena_full);
    const edit e{offset, old_len, store(replacement), store(old)};
    if (pos == edits_.size()) {
      (void)edits_.push_back(e);  // not full: checked above
      return plan_errc::ok;
    }
    (void)edits_.push_back(edits_.back());
    for (std::size_t i = edits_.size() - 2; i > pos; --i) edits_[i] = edits_[i - 1];
    edits_[pos] = e;
    return plan_errc::ok;
  }
  /// Replaces the bytes of `part`, a view into the original message.
  constexpr plan_errc replace(std::string_view part, std::string_view replacement) noexcept {
    if (part.data() < message_.data() || part.data() > message_.data() + message_.size())
      return fail(plan_errc::out_of_range);
    return replace(static_cast<std::uint32_t>(part.data() - message_.data()),
                   static_cast<std::uint32_t>(part.size()), replacement);
  }

  [[nodiscard]] constexpr std::size_t size() const noexcept { return edits_.size(); }
  [[nodiscard]] constexpr bool empty() const noexcept { return edits_.empty(); }
  [[nodiscard]] constexpr const edit& operator[](std::size_t i) const noexcept { return edits_[i]; }
  [[nodiscard]] constexpr const edit* begin() const noexcept { return edits_.begin(); }
  [[nodiscard]] constexpr const edit* end() const noexcept { return edits_.end(); }
  /// The first error any replace() reported, or ok.
  [[nodiscard]] constexpr plan_errc error() const noexcept { return error_; }
  /// The original message the offsets refer to.
  [[nodiscard]] constexpr std::string_view message() const noexcept { return message_; }

  /// New bytes of edit `e` (a view into this plan: valid while it lives and is unchanged).
  [[nodiscard]] constexpr std::string_view replacement(const edit& e) const noexcept SIPALG_LIFETIMEBOUND {
    return {arena_ + e.replacement.offset, e.replacement.length};
  }
  /// The replaced bytes of edit `e`, as they were in the original.
  [[nodiscard]] constexpr std::string_view original(const edit& e) const noexcept SIPALG_LIFETIMEBOUND {
    return {arena_ + e.original.offset, e.original.length};
  }
  /// Size change of the whole message once the plan is applied.
  [[nodiscard]] constexpr std::int64_t delta() const noexcept {
    std::int64_t d = 0;
    for (const edit& e : edits_) d += static_cast<std::int64_t>(e.replacement.length) - e.old_len;
    return d;
  }
  /// Size change within [from, to) of the original (e.g. the body, for Content-Length).
  [[nodiscard]] constexpr std::int64_t delta_within(std::uint32_t from, std::uint32_t to) const noexcept {
    std::int64_t d = 0;
    for (const edit& e : edits_)
      if (e.offset >= from && e.offset + e.old_len <= to)
        d += static_cast<std::int64_t>(e.replacement.length) - e.old_len;
    return d;
  }
  /// Size of the message after the plan is applied.
  [[nodiscard]] constexpr std::size_t result_size() const noexcept {
    return static_cast<std::size_t>(static_cast<std::int64_t>(message_.size()) + delta());
  }

 private:
  constexpr plan_errc fail(plan_errc e) noexcept {
    if (error_ == plan_errc::ok) error_ = e;
    return e;
  }
  constexpr text_range store(std::string_view s) noexcept {
    text_range r{static_cast<std::uint32_t>(used_), static_cast<std::uint32_t>(s.size())};
    copy_bytes(arena_ + used_, s.data(), s.size());
    used_ += s.size();
    return r;
  }

  // Replacements and replaced fields are short (addresses, ports, lengths): up to 16
  // bytes they are moved with two overlapping fixed-size loads instead of a call to
  // memcpy/memcmp. Both loads lie inside [src, src + n), so nothing past it is read.
  static constexpr void copy_bytes(char* dst, const char* src, std::size_t n) noexcept {
    if (std::is_constant_evaluated() || n > 16) {
      std::char_traits<char>::copy(dst, src, n);
    } else if (n >= 8) {
      std::uint64_t a, b;
      std::memcpy(&a, src, 8);
      std::memcpy(&b, src + n - 8, 8);
      std::memcpy(dst, &a, 8);
      std::memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
      std::uint32_t a, b;
      std::memcpy(&a, src, 4);
      std::memcpy(&b, src + n - 4, 4);
      std::memcpy(dst, &a, 4);
      std::memcpy(dst + n - 4, &b, 4);
    } else {
      for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
    }
  }
  static constexpr bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    if (std::is_constant_evaluated() || n > 16) return std::char_traits<char>::compare(a, b, n) == 0;
    if (n >= 8) {
      std::uint64_t x0, x1, y0, y1;
      std::memcpy(&x0, a, 8);
      std::memcpy(&x1, a + n - 8, 8);
      std::memcpy(&y0, b, 8);
      std::memcpy(&y1, b + n - 8, 8);
      return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    for (std::size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

  std::string_view message_{};
  fixed_vector<edit, MaxEdits> edits_{};
  std::size_t used_ = 0;
  plan_errc error_ = plan_errc::ok;
  char arena_[ArenaSize]{};
};

using edit_plan = basic_edit_plan<>;

}  // namespace sipalg::alg
