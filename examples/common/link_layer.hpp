// Finding the IPv4 packet inside a captured frame (the link types operators'
// captures come in). Pure functions over the frame bytes: no libpcap needed,
// so the fuzzers can drive them directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sipalg::tools {

/// libpcap LINKTYPE_/DLT_ values we understand.
enum class link_type : std::uint32_t {
  null = 0,           ///< BSD loopback: 4-byte address family in host order
  ethernet = 1,       ///< Ethernet II, with any number of 802.1Q / 802.1ad tags
  raw = 101,          ///< LINKTYPE_RAW: the frame is the IP packet (libpcap may report DLT_RAW 12 or 14)
  linux_sll = 113,    ///< Linux cooked capture v1 (16-byte header)
  ipv4 = 228,         ///< LINKTYPE_IPV4
  linux_sll2 = 276,   ///< Linux cooked capture v2 (20-byte header)
};

/// Maps pcap_datalink()'s value to a link_type; false when unsupported.
inline bool link_type_from_dlt(int dlt, link_type& out) {
  switch (dlt) {
    case 0: out = link_type::null; return true;
    case 1: out = link_type::ethernet; return true;
    case 12: case 14: case 101: out = link_type::raw; return true;  // DLT_RAW differs between platforms
    case 113: out = link_type::linux_sll; return true;
    case 228: out = link_type::ipv4; return true;
    case 276: out = link_type::linux_sll2; return true;
    default: return false;
  }
}

enum class frame_status : std::uint8_t {
  ipv4,       ///< `ip_offset` is where the IPv4 header starts
  not_ipv4,   ///< another network protocol (ARP, IPv6, LLDP, ...)
  truncated,  ///< the frame ends inside the link header
};

[[nodiscard]] inline std::string_view to_string(frame_status s) {
  switch (s) {
    case frame_status::ipv4: return "ipv4";
    case frame_status::not_ipv4: return "not_ipv4";
    case frame_status::truncated: return "truncated";
  }
  return "unknown";
}

struct frame_info {
  frame_status status = frame_status::truncated;
  std::size_t ip_offset = 0;  ///< valid for status ipv4
};

/// Locates the IPv4 header in `frame` (caplen bytes) of the given link type.
[[nodiscard]] inline frame_info locate_ipv4(link_type type, std::span<const std::uint8_t> frame) {
  auto be16 = [&](std::size_t at) { return static_cast<std::uint16_t>((frame[at] << 8) | frame[at + 1]); };
  auto is_v4 = [&](std::size_t at) { return at < frame.size() && (frame[at] >> 4) == 4; };
  switch (type) {
    case link_type::raw:
    case link_type::ipv4:
      if (frame.empty()) return {frame_status::truncated, 0};
      return is_v4(0) ? frame_info{frame_status::ipv4, 0} : frame_info{frame_status::not_ipv4, 0};
    case link_type::null: {
      if (frame.size() < 4) return {frame_status::truncated, 0};
      // AF_INET is 2 on every platform; the family is in the capturing host's byte order.
      const bool inet = (frame[0] == 2 && frame[1] == 0 && frame[2] == 0 && frame[3] == 0) ||
                        (frame[0] == 0 && frame[1] == 0 && frame[2] == 0 && frame[3] == 2);
      return inet && is_v4(4) ? frame_info{frame_status::ipv4, 4} : frame_info{frame_status::not_ipv4, 4};
    }
    case link_type::ethernet: {
      std::size_t at = 12;
      for (;;) {
        if (frame.size() < at + 2) return {frame_status::truncated, 0};
        const std::uint16_t ethertype = be16(at);
        if (ethertype == 0x8100 || ethertype == 0x88A8 || ethertype == 0x9100) {  // VLAN tags (QinQ too)
          at += 4;
          continue;
        }
        if (ethertype != 0x0800) return {frame_status::not_ipv4, at + 2};
        if (frame.size() <= at + 2) return {frame_status::truncated, 0};
        return is_v4(at + 2) ? frame_info{frame_status::ipv4, at + 2} : frame_info{frame_status::not_ipv4, at + 2};
      }
    }
    case link_type::linux_sll:
      if (frame.size() < 16) return {frame_status::truncated, 0};
      return be16(14) == 0x0800 && is_v4(16) ? frame_info{frame_status::ipv4, 16}
                                             : frame_info{frame_status::not_ipv4, 16};
    case link_type::linux_sll2:
      if (frame.size() < 20) return {frame_status::truncated, 0};
      return be16(0) == 0x0800 && is_v4(20) ? frame_info{frame_status::ipv4, 20}
                                            : frame_info{frame_status::not_ipv4, 20};
  }
  return {frame_status::not_ipv4, 0};
}

}  // namespace sipalg::tools
