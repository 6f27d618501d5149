/**
 * @file ipv4.hpp
 * `ipv4_view`: a validated view over an IPv4 packet in the caller's mutable
 * buffer (RFC 791), with setters that keep the header checksum right
 * incrementally (RFC 1624).
 *
 * Tailroom contract: the buffer span handed to parse() is the capacity; the
 * IP total length is the current packet size. Bytes between the two are free
 * room a payload may grow into (see packet_view::set_payload_size).
 *
 * @code
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+-------+---------------+-------------------------------+
 *  |Version|  IHL  |     TOS       |     Total Length (2)          |
 *  +-------+-------+---------------+-----+-------------------------+
 *  |     Identification (4)        |Flags| Fragment Offset (6)     |
 *  +---------------+---------------+-----+-------------------------+
 *  |  TTL (8)      | Protocol (9)  |   Header Checksum (10)        |
 *  +---------------+---------------+-------------------------------+
 *  |                    Source Address (12)                        |
 *  |                 Destination Address (16)                      |
 *  |                 Options (IHL > 5) ...                         |
 * @endcode
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "sipalg/core/ip_address.hpp"
#include "sipalg/nat/bytes.hpp"
#include "sipalg/nat/checksum.hpp"
#include "sipalg/nat/errc.hpp"

namespace sipalg::nat {

/**
 * A view over an IPv4 header and its packet. It holds a pointer into the
 * caller's buffer and reads every field from the buffer on each access, so
 * it stays valid across edits made through it; it must not outlive the
 * buffer. A default-constructed view is empty (valid() is false).
 */
class ipv4_view {
 public:
  static constexpr std::uint32_t min_header_size = 20;
  static constexpr std::uint32_t max_total_length = 65535;

  constexpr ipv4_view() noexcept = default;

  /**
   * Validates the IPv4 header at the start of `buffer` (whose size is the
   * capacity) and points `out` at it. Checks, in order: at least 20 bytes
   * (truncated), version 4 (bad_version), IHL >= 5 (bad_header_length), the
   * header within the buffer (truncated), IHL*4 <= total length <= buffer size
   * (bad_total_length), the header checksum when `verify_checksum`
   * (bad_header_checksum). Fragments are valid packets: see is_fragment().
   * `out` is left unchanged on error.
   */
  [[nodiscard]] static constexpr result parse(std::span<std::uint8_t> buffer, ipv4_view& out,
                                              bool verify_checksum = true) noexcept {
    const std::size_t size = buffer.size();
    const auto size32 = static_cast<std::uint32_t>(size > 0xFFFFFFFFu ? 0xFFFFFFFFu : size);
    if (size < min_header_size) return {errc::truncated, size32};
    const std::uint8_t* p = buffer.data();
    if ((p[0] >> 4) != 4) return {errc::bad_version, 0};
    const std::uint32_t hl = (p[0] & 0x0Fu) * 4u;
    if (hl < min_header_size) return {errc::bad_header_length, 0};
    if (hl > size) return {errc::truncated, size32};
    const std::uint32_t tl = detail::load_be16(p + 2);
    if (tl > size || tl < hl) return {errc::bad_total_length, 2};
    if (verify_checksum && ones_sum(buffer.first(hl)) != 0xFFFF) return {errc::bad_header_checksum, 10};
    out.data_ = buffer.data();
    out.capacity_ = size32;
    return {};
  }

  [[nodiscard]] constexpr bool valid() const noexcept { return data_ != nullptr; }
  /// Start of the packet (the IPv4 header) in the caller's buffer.
  [[nodiscard]] constexpr std::uint8_t* data() const noexcept { return data_; }
  /// Size of the caller's buffer; the packet may grow up to min(capacity(), 65535).
  [[nodiscard]] constexpr std::uint32_t capacity() const noexcept { return capacity_; }
  /// IHL * 4: 20..60.
  [[nodiscard]] constexpr std::uint32_t header_size() const noexcept { return (data_[0] & 0x0Fu) * 4u; }
  /// Total length field: the current packet size.
  [[nodiscard]] constexpr std::uint32_t total_length() const noexcept { return detail::load_be16(data_ + 2); }
  /// Free bytes after the packet within the buffer (not capped at 65535).
  [[nodiscard]] constexpr std::uint32_t tailroom() const noexcept { return capacity_ - total_length(); }
  [[nodiscard]] constexpr std::uint8_t tos() const noexcept { return data_[1]; }
  [[nodiscard]] constexpr std::uint16_t identification() const noexcept { return detail::load_be16(data_ + 4); }
  /// DF flag.
  [[nodiscard]] constexpr bool dont_fragment() const noexcept { return (data_[6] & 0x40) != 0; }
  /// MF flag.
  [[nodiscard]] constexpr bool more_fragments() const noexcept { return (data_[6] & 0x20) != 0; }
  /// Fragment offset in bytes (the field times 8).
  [[nodiscard]] constexpr std::uint32_t fragment_offset() const noexcept {
    return (detail::load_be16(data_ + 6) & 0x1FFFu) * 8u;
  }
  /// True for any fragment (MF set or a non-zero offset): the UDP/TCP segment is not complete here.
  [[nodiscard]] constexpr bool is_fragment() const noexcept { return (detail::load_be16(data_ + 6) & 0x3FFFu) != 0; }
  /// The first fragment carries the UDP/TCP header; later ones do not.
  [[nodiscard]] constexpr bool is_first_fragment() const noexcept { return is_fragment() && fragment_offset() == 0; }
  [[nodiscard]] constexpr std::uint8_t ttl() const noexcept { return data_[8]; }
  [[nodiscard]] constexpr std::uint8_t protocol() const noexcept { return data_[9]; }
  [[nodiscard]] constexpr std::uint16_t header_checksum() const noexcept { return detail::load_be16(data_ + 10); }
  /// Source address, host order (0xC0A80001 is 192.168.0.1).
  [[nodiscard]] constexpr std::uint32_t src_uint() const noexcept { return detail::load_be32(data_ + 12); }
  /// Destination address, host order.
  [[nodiscard]] constexpr std::uint32_t dst_uint() const noexcept { return detail::load_be32(data_ + 16); }
  [[nodiscard]] constexpr ip_address src() const noexcept { return ip_address::from_v4_uint(src_uint()); }
  [[nodiscard]] constexpr ip_address dst() const noexcept { return ip_address::from_v4_uint(dst_uint()); }

  /// The header bytes (with options).
  [[nodiscard]] constexpr std::span<std::uint8_t> header() const noexcept { return {data_, header_size()}; }
  /// The IP payload: from the end of the header to the total length.
  [[nodiscard]] constexpr std::span<std::uint8_t> payload() const noexcept {
    return {data_ + header_size(), total_length() - header_size()};
  }
  /// The whole packet (total length bytes).
  [[nodiscard]] constexpr std::span<std::uint8_t> packet() const noexcept { return {data_, total_length()}; }

  /// Whether the stored header checksum verifies.
  [[nodiscard]] constexpr bool header_checksum_ok() const noexcept { return ones_sum(header()) == 0xFFFF; }

  /**
   * Sets the source address (host order) and updates the header checksum
   * incrementally. The UDP/TCP checksum (pseudo header) is not touched here:
   * packet_view::set_src_address does both.
   */
  constexpr void set_src(std::uint32_t a) noexcept { set32(12, a); }
  constexpr void set_dst(std::uint32_t a) noexcept { set32(16, a); }
  /// As set_src(uint32); false (nothing changed) for an IPv6 address.
  [[nodiscard]] constexpr bool set_src(const ip_address& a) noexcept {
    if (!a.is_v4()) return false;
    set_src(a.v4_uint());
    return true;
  }
  [[nodiscard]] constexpr bool set_dst(const ip_address& a) noexcept {
    if (!a.is_v4()) return false;
    set_dst(a.v4_uint());
    return true;
  }
  /// Sets the TTL, updating the header checksum.
  constexpr void set_ttl(std::uint8_t ttl) noexcept { set16(8, static_cast<std::uint16_t>((ttl << 8) | data_[9])); }
  /**
   * Sets the total length field (updating the header checksum) without moving
   * any byte. Precondition: header_size() <= n <= capacity() and n <= 65535;
   * packet_view::set_payload_size checks this and keeps UDP in step.
   */
  constexpr void set_total_length(std::uint16_t n) noexcept { set16(2, n); }
  /// Recomputes the header checksum from scratch (e.g. after writing fields directly).
  constexpr void update_header_checksum() noexcept {
    detail::store_be16(data_ + 10, 0);
    detail::store_be16(data_ + 10, internet_checksum(header()));
  }

 private:
  constexpr void set16(std::size_t off, std::uint16_t v) noexcept {
    const std::uint16_t old = detail::load_be16(data_ + off);
    detail::store_be16(data_ + off, v);
    detail::store_be16(data_ + 10, checksum_update16(header_checksum(), old, v));
  }
  constexpr void set32(std::size_t off, std::uint32_t v) noexcept {
    const std::uint32_t old = detail::load_be32(data_ + off);
    detail::store_be32(data_ + off, v);
    detail::store_be16(data_ + 10, checksum_update32(header_checksum(), old, v));
  }

  std::uint8_t* data_ = nullptr;
  std::uint32_t capacity_ = 0;
};

}  // namespace sipalg::nat
