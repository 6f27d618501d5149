/**
 * @file tcp.hpp
 * `tcp_view`: a view over a TCP segment (RFC 9293) in the caller's buffer,
 * with setters for ports, sequence and acknowledgement numbers that keep the
 * checksum right incrementally.
 *
 * @code
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |      Source Port (0)          |    Destination Port (2)       |
 *  |                     Sequence Number (4)                       |
 *  |                  Acknowledgment Number (8)                    |
 *  | Off(12)| Rsv  |   Flags (13)  |        Window (14)            |
 *  |        Checksum (16)          |     Urgent Pointer (18)       |
 *  |                    Options (Off > 5) ...                      |
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

/// TCP flag bits (byte 13 of the header).
namespace tcp_flags {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
}  // namespace tcp_flags

/**
 * A view over a TCP header + payload. The segment size is not in the TCP
 * header, so the view remembers it (packet_view re-creates the view after a
 * resize). Fields are read from the buffer on each access; the view must not
 * outlive the buffer.
 */
class tcp_view {
 public:
  static constexpr std::uint32_t min_header_size = 20;
  static constexpr std::size_t checksum_offset = 16;

  constexpr tcp_view() noexcept = default;

  /**
   * Validates the TCP header of `segment` (the whole IP payload): at least 20
   * bytes (truncated), data offset >= 5 and within the segment
   * (bad_tcp_offset at offset 12). Offsets are relative to the segment. The
   * checksum is not verified here.
   */
  [[nodiscard]] static constexpr result parse(std::span<std::uint8_t> segment, tcp_view& out) noexcept {
    if (segment.size() < min_header_size) return {errc::truncated, static_cast<std::uint32_t>(segment.size())};
    const std::uint32_t off = (segment[12] >> 4) * 4u;
    if (off < min_header_size || off > segment.size()) return {errc::bad_tcp_offset, 12};
    out.data_ = segment.data();
    out.size_ = static_cast<std::uint32_t>(segment.size());
    return {};
  }

  /// A view over `size` bytes at `p` without validation (packet_view uses it on a segment it validated).
  [[nodiscard]] static constexpr tcp_view at(std::uint8_t* p, std::uint32_t size) noexcept {
    tcp_view v;
    v.data_ = p, v.size_ = size;
    return v;
  }

  [[nodiscard]] constexpr bool valid() const noexcept { return data_ != nullptr; }
  [[nodiscard]] constexpr std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] constexpr std::uint16_t src_port() const noexcept { return detail::load_be16(data_); }
  [[nodiscard]] constexpr std::uint16_t dst_port() const noexcept { return detail::load_be16(data_ + 2); }
  [[nodiscard]] constexpr std::uint32_t seq() const noexcept { return detail::load_be32(data_ + 4); }
  [[nodiscard]] constexpr std::uint32_t ack() const noexcept { return detail::load_be32(data_ + 8); }
  /// Data offset * 4: header size with options, 20..60.
  [[nodiscard]] constexpr std::uint32_t header_size() const noexcept { return (data_[12] >> 4) * 4u; }
  /// Flag bits (tcp_flags::*).
  [[nodiscard]] constexpr std::uint8_t flags() const noexcept { return data_[13]; }
  [[nodiscard]] constexpr bool has(std::uint8_t flag_bits) const noexcept { return (data_[13] & flag_bits) != 0; }
  [[nodiscard]] constexpr std::uint16_t window() const noexcept { return detail::load_be16(data_ + 14); }
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept { return detail::load_be16(data_ + 16); }
  [[nodiscard]] constexpr std::uint16_t urgent_pointer() const noexcept { return detail::load_be16(data_ + 18); }
  /// Header + payload.
  [[nodiscard]] constexpr std::span<std::uint8_t> segment() const noexcept { return {data_, size_}; }
  [[nodiscard]] constexpr std::span<std::uint8_t> payload() const noexcept {
    return {data_ + header_size(), size_ - header_size()};
  }
  /// Payload bytes: the amount of sequence space the data takes (SYN/FIN not counted).
  [[nodiscard]] constexpr std::uint32_t payload_size() const noexcept { return size_ - header_size(); }

  constexpr void set_src_port(std::uint16_t p) noexcept { set16(0, p); }
  constexpr void set_dst_port(std::uint16_t p) noexcept { set16(2, p); }
  constexpr void set_seq(std::uint32_t v) noexcept { set32(4, v); }
  constexpr void set_ack(std::uint32_t v) noexcept { set32(8, v); }
  constexpr void set_checksum(std::uint16_t c) noexcept { detail::store_be16(data_ + 16, c); }
  /// Folds a change of a 16-bit value covered by the checksum but stored elsewhere (pseudo header) into it.
  constexpr void checksum_replace16(std::uint16_t old_value, std::uint16_t new_value) noexcept {
    set_checksum(checksum_update16(checksum(), old_value, new_value));
  }
  /// Folds a change of a 32-bit value stored elsewhere (an IPv4 address of the pseudo header) into the checksum.
  constexpr void checksum_replace32(std::uint32_t old_value, std::uint32_t new_value) noexcept {
    set_checksum(checksum_update32(checksum(), old_value, new_value));
  }

 private:
  constexpr void set16(std::size_t off, std::uint16_t v) noexcept {
    const std::uint16_t old = detail::load_be16(data_ + off);
    detail::store_be16(data_ + off, v);
    checksum_replace16(old, v);
  }
  constexpr void set32(std::size_t off, std::uint32_t v) noexcept {
    const std::uint32_t old = detail::load_be32(data_ + off);
    detail::store_be32(data_ + off, v);
    checksum_replace32(old, v);
  }

  std::uint8_t* data_ = nullptr;
  std::uint32_t size_ = 0;
};

}  // namespace sipalg::nat
