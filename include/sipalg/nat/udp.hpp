/**
 * @file udp.hpp
 * `udp_view`: a view over a UDP datagram (RFC 768) in the caller's buffer,
 * with port setters that keep the checksum right incrementally.
 *
 * @code
 *  0      7 8     15 16    23 24    31
 *  +--------+--------+--------+--------+
 *  |  Source Port(0) | Dest. Port (2)  |
 *  +--------+--------+--------+--------+
 *  |   Length (4)    |  Checksum (6)   |
 *  +--------+--------+--------+--------+
 * @endcode
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "sipalg/nat/bytes.hpp"
#include "sipalg/nat/checksum.hpp"
#include "sipalg/nat/errc.hpp"

namespace sipalg::nat {

/**
 * A view over a UDP header + payload. Fields are read from the buffer on each
 * access; the view must not outlive the buffer. The length field decides the
 * payload size. A checksum of 0 means "none" (IPv4) and is never changed by
 * the setters here.
 */
class udp_view {
 public:
  static constexpr std::uint32_t header_size = 8;
  static constexpr std::size_t checksum_offset = 6;

  constexpr udp_view() noexcept = default;

  /**
   * Validates the UDP header of `segment` (the whole IP payload): at least 8
   * bytes (truncated), and a length field equal to the segment size
   * (bad_udp_length at offset 4: shorter, longer, or below 8). Offsets are
   * relative to the segment. The checksum is not verified here (see
   * l4_checksum_ok in checksum.hpp or packet_view::l4_checksum_ok).
   */
  [[nodiscard]] static constexpr result parse(std::span<std::uint8_t> segment, udp_view& out) noexcept {
    if (segment.size() < header_size) return {errc::truncated, static_cast<std::uint32_t>(segment.size())};
    const std::uint32_t len = detail::load_be16(segment.data() + 4);
    if (len < header_size || len != segment.size()) return {errc::bad_udp_length, 4};
    out.data_ = segment.data();
    return {};
  }

  /// A view at `p` without validation (packet_view uses it on a segment it validated).
  [[nodiscard]] static constexpr udp_view at(std::uint8_t* p) noexcept {
    udp_view v;
    v.data_ = p;
    return v;
  }

  [[nodiscard]] constexpr bool valid() const noexcept { return data_ != nullptr; }
  [[nodiscard]] constexpr std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] constexpr std::uint16_t src_port() const noexcept { return detail::load_be16(data_); }
  [[nodiscard]] constexpr std::uint16_t dst_port() const noexcept { return detail::load_be16(data_ + 2); }
  /// Length field: header + payload.
  [[nodiscard]] constexpr std::uint16_t length() const noexcept { return detail::load_be16(data_ + 4); }
  /// Checksum field; 0 means none.
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept { return detail::load_be16(data_ + 6); }
  [[nodiscard]] constexpr bool has_checksum() const noexcept { return checksum() != 0; }
  /// Header + payload, as the length field says.
  [[nodiscard]] constexpr std::span<std::uint8_t> segment() const noexcept { return {data_, length()}; }
  [[nodiscard]] constexpr std::span<std::uint8_t> payload() const noexcept {
    return {data_ + header_size, length() - header_size};
  }

  /// Sets the source port; the checksum follows incrementally (0 stays 0).
  constexpr void set_src_port(std::uint16_t p) noexcept { set16(0, p); }
  constexpr void set_dst_port(std::uint16_t p) noexcept { set16(2, p); }
  /// Writes the length field as is (no checksum change): for resizes that recompute the checksum afterwards.
  constexpr void set_length_raw(std::uint16_t n) noexcept { detail::store_be16(data_ + 4, n); }
  constexpr void set_checksum(std::uint16_t c) noexcept { detail::store_be16(data_ + 6, c); }
  /// Folds a change of a 16-bit value covered by the checksum but stored elsewhere (pseudo header) into it.
  constexpr void checksum_replace16(std::uint16_t old_value, std::uint16_t new_value) noexcept {
    set_checksum(udp_checksum_update16(checksum(), old_value, new_value));
  }
  /// Folds a change of a 32-bit value stored elsewhere (an IPv4 address of the pseudo header) into the checksum.
  constexpr void checksum_replace32(std::uint32_t old_value, std::uint32_t new_value) noexcept {
    set_checksum(udp_checksum_update32(checksum(), old_value, new_value));
  }

 private:
  constexpr void set16(std::size_t off, std::uint16_t v) noexcept {
    const std::uint16_t old = detail::load_be16(data_ + off);
    detail::store_be16(data_ + off, v);
    checksum_replace16(old, v);
  }

  std::uint8_t* data_ = nullptr;
};

}  // namespace sipalg::nat
