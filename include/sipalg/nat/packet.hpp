/**
 * @file packet.hpp
 * `packet_view`: an IPv4 packet with its UDP or TCP segment, validated, in the
 * caller's mutable buffer. What a NAT does to a packet goes through it:
 * rewriting addresses and ports with incremental checksum updates (IP header
 * and the L4 pseudo header, RFC 1624), and growing or shrinking the L4
 * payload when the ALG edits a SIP message.
 *
 * Tailroom contract: the span given to parse() is the buffer's capacity; the
 * IP total length is the current packet size. A payload may grow into the
 * bytes after the packet, up to min(capacity, 65535) in total; bytes beyond
 * the packet are the caller's free room and may be overwritten by a resize.
 */
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "sipalg/nat/checksum.hpp"
#include "sipalg/nat/errc.hpp"
#include "sipalg/nat/flow_key.hpp"
#include "sipalg/nat/ipv4.hpp"
#include "sipalg/nat/tcp.hpp"
#include "sipalg/nat/udp.hpp"

namespace sipalg::nat {

/// What packet_view::parse checks beyond the structure.
struct parse_options {
  bool verify_ip_checksum = true;   ///< reject a bad IPv4 header checksum (bad_header_checksum)
  bool verify_l4_checksum = false;  ///< reject a bad UDP/TCP checksum (bad_l4_checksum); UDP 0 always passes
};

/**
 * A validated IPv4 + UDP/TCP packet in the caller's buffer. Other IP
 * protocols parse too (no ports, payload = IP payload) so a NAT can still
 * translate their addresses. Holds pointers into the buffer: valid until the
 * buffer is freed or changed by anything other than this view.
 */
class packet_view {
 public:
  constexpr packet_view() noexcept = default;

  /**
   * Validates `buffer` (its size is the capacity) as IPv4 (see
   * ipv4_view::parse) and, for UDP and TCP, the L4 header (udp_view::parse,
   * tcp_view::parse; their error offsets are made relative to `buffer`).
   * A fragment returns errc::fragment (offset 6): its L4 segment is not
   * complete here; reassemble it or translate it at the IP level through
   * ip(), which is valid in that case. On any other error `out` is empty.
   */
  [[nodiscard]] static constexpr result parse(std::span<std::uint8_t> buffer, packet_view& out,
                                              parse_options options = {}) noexcept {
    out = packet_view{};
    ipv4_view ip;
    if (const result r = ipv4_view::parse(buffer, ip, options.verify_ip_checksum); !r.ok()) return r;
    out.ip_ = ip;
    if (ip.is_fragment()) return {errc::fragment, 6};
    const std::uint32_t hl = ip.header_size();
    out.l4_offset_ = hl;
    const std::uint8_t proto = ip.protocol();
    if (proto == ip_proto_udp) {
      udp_view u;
      if (const result r = udp_view::parse(ip.payload(), u); !r.ok()) return fail(out, {r.code, r.offset + hl});
      out.l4_header_size_ = udp_view::header_size;
    } else if (proto == ip_proto_tcp) {
      tcp_view t;
      if (const result r = tcp_view::parse(ip.payload(), t); !r.ok()) return fail(out, {r.code, r.offset + hl});
      out.l4_header_size_ = t.header_size();
    } else {
      return {};
    }
    out.proto_ = proto;
    if (options.verify_l4_checksum && !out.l4_checksum_ok()) {
      return fail(out, {errc::bad_l4_checksum,
                        hl + static_cast<std::uint32_t>(proto == ip_proto_udp ? udp_view::checksum_offset
                                                                              : tcp_view::checksum_offset)});
    }
    return {};
  }

  [[nodiscard]] constexpr bool valid() const noexcept { return ip_.valid(); }
  [[nodiscard]] constexpr ipv4_view& ip() noexcept { return ip_; }
  [[nodiscard]] constexpr const ipv4_view& ip() const noexcept { return ip_; }
  /// IP protocol number.
  [[nodiscard]] constexpr std::uint8_t protocol() const noexcept { return ip_.protocol(); }
  [[nodiscard]] constexpr bool is_udp() const noexcept { return proto_ == ip_proto_udp; }
  [[nodiscard]] constexpr bool is_tcp() const noexcept { return proto_ == ip_proto_tcp; }
  /// UDP or TCP: has ports and an L4 checksum over the pseudo header.
  [[nodiscard]] constexpr bool has_ports() const noexcept { return proto_ != 0; }
  /// The UDP header. Precondition: is_udp().
  [[nodiscard]] constexpr udp_view udp() const noexcept { return udp_view::at(ip_.data() + l4_offset_); }
  /// The TCP header. Precondition: is_tcp().
  [[nodiscard]] constexpr tcp_view tcp() const noexcept {
    return tcp_view::at(ip_.data() + l4_offset_, ip_.total_length() - l4_offset_);
  }
  /// The L4 segment (header + payload) or, for other protocols, the IP payload.
  [[nodiscard]] constexpr std::span<std::uint8_t> segment() const noexcept {
    return {ip_.data() + l4_offset_, ip_.total_length() - l4_offset_};
  }
  [[nodiscard]] constexpr std::uint16_t src_port() const noexcept {
    return has_ports() ? detail::load_be16(ip_.data() + l4_offset_) : std::uint16_t{0};
  }
  [[nodiscard]] constexpr std::uint16_t dst_port() const noexcept {
    return has_ports() ? detail::load_be16(ip_.data() + l4_offset_ + 2) : std::uint16_t{0};
  }
  /// The packet's 5-tuple (ports 0 for protocols without ports).
  [[nodiscard]] constexpr flow_key key() const noexcept {
    return flow_key{ip_.src_uint(), ip_.dst_uint(), src_port(), dst_port(), ip_.protocol()};
  }

  /// Offset of the L4 payload from the start of the packet.
  [[nodiscard]] constexpr std::uint32_t payload_offset() const noexcept { return l4_offset_ + l4_header_size_; }
  [[nodiscard]] constexpr std::uint32_t payload_size() const noexcept {
    return ip_.total_length() - payload_offset();
  }
  /// The L4 payload (the SIP message for a SIP packet).
  [[nodiscard]] constexpr std::span<std::uint8_t> payload() const noexcept {
    return {ip_.data() + payload_offset(), payload_size()};
  }
  /// The largest payload the buffer and the 65535-byte IPv4 limit allow.
  [[nodiscard]] constexpr std::uint32_t max_payload_size() const noexcept {
    return std::min<std::uint32_t>(ip_.capacity(), ipv4_view::max_total_length) - payload_offset();
  }
  /// The payload followed by the free room it may grow into (max_payload_size() bytes).
  /// Write into it, then call set_payload_size() and update_l4_checksum().
  [[nodiscard]] constexpr std::span<std::uint8_t> payload_with_tailroom() const noexcept {
    return {ip_.data() + payload_offset(), max_payload_size()};
  }

  /// Rewrites the source address; IP header and UDP/TCP checksums follow incrementally (UDP 0 stays 0).
  constexpr void set_src_address(std::uint32_t a) noexcept {
    const std::uint32_t old = ip_.src_uint();
    ip_.set_src(a);
    l4_replace32(old, a);
  }
  constexpr void set_dst_address(std::uint32_t a) noexcept {
    const std::uint32_t old = ip_.dst_uint();
    ip_.set_dst(a);
    l4_replace32(old, a);
  }
  /// Rewrites the source port (UDP/TCP only; no-op otherwise), checksum incrementally.
  constexpr void set_src_port(std::uint16_t p) noexcept {
    if (is_udp()) udp().set_src_port(p);
    else if (is_tcp()) tcp().set_src_port(p);
  }
  constexpr void set_dst_port(std::uint16_t p) noexcept {
    if (is_udp()) udp().set_dst_port(p);
    else if (is_tcp()) tcp().set_dst_port(p);
  }
  /**
   * Makes the packet's tuple `to` (addresses and ports; the protocol is not
   * changed). For a conntrack flow, a packet of direction d is translated to
   * `tuple(opposite(d)).reversed()`.
   */
  constexpr void translate(const flow_key& to) noexcept {
    if (ip_.src_uint() != to.src_addr) set_src_address(to.src_addr);
    if (ip_.dst_uint() != to.dst_addr) set_dst_address(to.dst_addr);
    if (has_ports()) {
      if (src_port() != to.src_port) set_src_port(to.src_port);
      if (dst_port() != to.dst_port) set_dst_port(to.dst_port);
    }
  }

  /**
   * Sets the payload size to `n` bytes, the new bytes being whatever the
   * buffer holds there (write them through payload_with_tailroom()). Fixes
   * the IP total length (header checksum incrementally) and the UDP length.
   * The L4 checksum is left stale: call update_l4_checksum() after the last
   * payload change. Errors: no_room (offset: current total length) when the
   * packet would exceed min(capacity, 65535).
   */
  constexpr result set_payload_size(std::uint32_t n) noexcept {
    if (n > max_payload_size()) return {errc::no_room, ip_.total_length()};
    const std::uint32_t total = payload_offset() + n;
    ip_.set_total_length(static_cast<std::uint16_t>(total));
    if (is_udp()) udp().set_length_raw(static_cast<std::uint16_t>(total - l4_offset_));
    return {};
  }

  /**
   * Replaces payload bytes [offset, offset + old_size) with `replacement`,
   * moving the rest of the payload (the host mangle callback of the ALG for a
   * buffer with tailroom). `replacement` must not point into this packet's
   * buffer. Fixes lengths as set_payload_size() does and leaves the L4
   * checksum stale: call update_l4_checksum() after the last edit.
   * Errors (nothing changed): bad_range (offset: the edit offset) when the
   * range is not inside the payload, no_room when the packet would not fit.
   */
  result splice_payload(std::uint32_t offset, std::uint32_t old_size,
                        std::span<const std::uint8_t> replacement) noexcept {
    const std::uint32_t size = payload_size();
    if (offset > size || old_size > size - offset) return {errc::bad_range, offset};
    const std::uint64_t new_size = std::uint64_t{size} - old_size + replacement.size();
    if (new_size > max_payload_size()) return {errc::no_room, ip_.total_length()};
    std::uint8_t* p = ip_.data() + payload_offset();
    const std::size_t tail = size - offset - old_size;
    if (tail != 0 && replacement.size() != old_size) std::memmove(p + offset + replacement.size(), p + offset + old_size, tail);
    if (!replacement.empty()) std::memcpy(p + offset, replacement.data(), replacement.size());
    return set_payload_size(static_cast<std::uint32_t>(new_size));
  }

  /// Recomputes the UDP/TCP checksum over pseudo header + segment (UDP: a
  /// checksum of 0 stays 0, a computed 0 is written as 0xFFFF). No-op for other protocols.
  constexpr void update_l4_checksum() noexcept {
    if (is_udp()) {
      udp_view u = udp();
      if (u.has_checksum()) u.set_checksum(l4_checksum(ip_.src_uint(), ip_.dst_uint(), proto_, segment(), 6));
    } else if (is_tcp()) {
      tcp().set_checksum(l4_checksum(ip_.src_uint(), ip_.dst_uint(), proto_, segment(), 16));
    }
  }
  /// Whether the UDP/TCP checksum verifies (UDP 0 = none verifies; other protocols: true).
  [[nodiscard]] constexpr bool l4_checksum_ok() const noexcept {
    if (!has_ports()) return true;
    return nat::l4_checksum_ok(ip_.src_uint(), ip_.dst_uint(), proto_, segment());
  }

 private:
  static constexpr result fail(packet_view& out, result r) noexcept {
    out = packet_view{};
    return r;
  }
  constexpr void l4_replace32(std::uint32_t old_value, std::uint32_t new_value) noexcept {
    if (is_udp()) udp().checksum_replace32(old_value, new_value);
    else if (is_tcp()) tcp().checksum_replace32(old_value, new_value);
  }

  ipv4_view ip_;
  std::uint32_t l4_offset_ = 0;
  std::uint32_t l4_header_size_ = 0;
  std::uint8_t proto_ = 0;  // ip_proto_udp / ip_proto_tcp once the L4 header is validated, else 0
};

}  // namespace sipalg::nat
