/**
 * @file errc.hpp
 * Error codes of the reference NAT layer (packet validation, packet edits and
 * the fixed-capacity tables), and the `{errc, offset}` result of a check.
 */
#pragma once

#include <cstdint>
#include <string_view>

namespace sipalg::nat {

/// Why a packet was rejected or a table operation failed. `ok` is 0.
enum class errc : std::uint8_t {
  ok = 0,
  truncated,            ///< the buffer ends inside a header (offset: the buffer size)
  bad_version,          ///< IPv4 version field is not 4 (offset 0)
  bad_header_length,    ///< IPv4 IHL < 5 (offset 0)
  bad_total_length,     ///< IPv4 total length > buffer size or < IHL*4 (offset 2)
  bad_header_checksum,  ///< IPv4 header checksum does not verify (offset 10)
  fragment,             ///< MF set or fragment offset != 0: no complete UDP/TCP segment (offset 6)
  bad_udp_length,       ///< UDP length < 8 or != IP payload length (offset: the UDP length field)
  bad_tcp_offset,       ///< TCP data offset < 5 or past the segment (offset: the data offset byte)
  bad_l4_checksum,      ///< UDP/TCP checksum does not verify (only when verification was asked for)
  unsupported,          ///< not what the operation handles (an IPv6 address, a protocol other than UDP/TCP)
  no_room,              ///< a resize needs more than the buffer capacity or 65535 bytes
  bad_range,            ///< an edit range outside the payload
  table_full,           ///< a fixed-capacity table has no free slot
  exists,               ///< the key is already in the table
  conflict,             ///< the key is in the table with an incompatible value
  not_found,            ///< no such entry
};

/// The enumerator's name, e.g. "bad_total_length".
[[nodiscard]] constexpr std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::truncated: return "truncated";
    case errc::bad_version: return "bad_version";
    case errc::bad_header_length: return "bad_header_length";
    case errc::bad_total_length: return "bad_total_length";
    case errc::bad_header_checksum: return "bad_header_checksum";
    case errc::fragment: return "fragment";
    case errc::bad_udp_length: return "bad_udp_length";
    case errc::bad_tcp_offset: return "bad_tcp_offset";
    case errc::bad_l4_checksum: return "bad_l4_checksum";
    case errc::unsupported: return "unsupported";
    case errc::no_room: return "no_room";
    case errc::bad_range: return "bad_range";
    case errc::table_full: return "table_full";
    case errc::exists: return "exists";
    case errc::conflict: return "conflict";
    case errc::not_found: return "not_found";
  }
  return "unknown";
}

/// Outcome of a packet check or edit: a code and the byte offset (from the
/// start of the buffer that was examined) of the offending field.
struct [[nodiscard]] result {
  errc code = errc::ok;
  std::uint32_t offset = 0;

  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
  friend constexpr bool operator==(const result&, const result&) noexcept = default;
};

}  // namespace sipalg::nat
