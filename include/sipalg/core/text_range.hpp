/**
 * @file text_range.hpp
 * `text_range`: an (offset, length) pair into the caller's buffer.
 *
 * Parsed objects store offsets, not pointers, so that an index survives the
 * host moving its packet buffer (skb, mbuf) and maps one to one onto a mangle
 * edit `(offset, old_len, replacement)`.
 */
#pragma once

#include <cstdint>
#include <string_view>

#include "sipalg/core/config.hpp"

namespace sipalg {

/// A byte range [offset, offset + length) of a caller-owned buffer.
struct text_range {
  static constexpr std::uint32_t absent_offset = 0xFFFFFFFFu;  ///< "not present" sentinel

  std::uint32_t offset = absent_offset;  ///< first byte, or absent_offset
  std::uint32_t length = 0;              ///< number of bytes

  /// True when the range names something that was present in the input (possibly empty).
  [[nodiscard]] constexpr bool present() const noexcept { return offset != absent_offset; }
  [[nodiscard]] constexpr bool empty() const noexcept { return length == 0; }
  /// One past the last byte. Only meaningful when present().
  [[nodiscard]] constexpr std::uint32_t end() const noexcept { return offset + length; }

  /// The bytes this range names inside `buffer`; empty when absent or out of bounds.
  [[nodiscard]] constexpr std::string_view in(std::string_view buffer SIPALG_LIFETIMEBOUND) const noexcept {
    if (!present() || offset > buffer.size() || length > buffer.size() - offset) return {};
    return buffer.substr(offset, length);
  }

  /// The range of `part`, which must be a view into `buffer`.
  [[nodiscard]] static constexpr text_range of(std::string_view buffer, std::string_view part) noexcept {
    return {static_cast<std::uint32_t>(part.data() - buffer.data()), static_cast<std::uint32_t>(part.size())};
  }

  friend constexpr bool operator==(const text_range&, const text_range&) = default;
};

static_assert(sizeof(text_range) == 8);

}  // namespace sipalg
