/**
 * @file session.hpp
 * `basic_session_description`: the zero-copy index of one SDP body
 * (RFC 8866) that `parse_sdp` (parser.hpp) fills.
 *
 * Every `std::string_view` in these structs points into the body the caller
 * passed to `parse_sdp`; they stay valid exactly as long as that buffer, and
 * `basic_session_description::offset_of()` turns any of them into the byte
 * offset a rewrite edit needs. A view that names an absent field is empty
 * with a null `data()`. Line views (`line`) span from the type letter to the
 * last non-blank byte of the line: no line end, no trailing whitespace.
 *
 * @code
 *   body:  v=0\r\n
 *          o=- 1 1 IN IP4 192.168.1.2\r\n          origin: username "-", sess_id "1", sess_version "1",
 *          s=-\r\n                                         nettype "IN", addrtype "IP4", address "192.168.1.2"
 *          c=IN IP4 192.168.1.2\r\n                connection (session level)
 *          t=0 0\r\n
 *          m=audio 49170 RTP/AVP 0 8\r\n           media[0]: media "audio", port_text "49170", proto "RTP/AVP",
 *          a=rtcp:49171 IN IP4 192.168.1.2\r\n               formats "0 8", rtcp {port 49171, address ...}
 *          a=sendonly\r\n                                    direction sendonly
 * @endcode
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/config.hpp"
#include "sipalg/core/fixed_vector.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/text_range.hpp"

namespace sipalg::sdp {

/// The `<addrtype>` of o=, c= and a=rtcp (RFC 8866 5.7). Only IN IP4 / IN IP6 are accepted by the parser.
enum class address_type : std::uint8_t {
  ip4 = 4,  ///< "IP4"
  ip6 = 6,  ///< "IP6"
};

/// `<nettype> <addrtype> <address>` as written in o=, c= and a=rtcp.
struct net_address {
  std::string_view nettype;   ///< "IN" (as written; matched case-insensitively)
  std::string_view addrtype;  ///< "IP4" or "IP6" (as written)
  /// The address text alone: an IPv4/IPv6 literal or an FQDN, without any
  /// multicast "/ttl" or "/count" suffix. This is the span a rewrite replaces.
  std::string_view address;
  address_type type = address_type::ip4;  ///< parsed `addrtype`
  /// The parsed literal; nullopt when `address` is a host name (FQDN), which
  /// the parser keeps as a view and does not resolve.
  std::optional<ip_address> ip;

  /// True when the address was written (the field exists).
  [[nodiscard]] constexpr bool present() const noexcept { return address.data() != nullptr; }
  /// True when `address` is an IP literal (see `ip`).
  [[nodiscard]] constexpr bool is_ip() const noexcept { return ip.has_value(); }
  /// True when `address` is a host name rather than a literal.
  [[nodiscard]] constexpr bool is_fqdn() const noexcept { return present() && !ip.has_value(); }
  /// 0.0.0.0 or :: : the RFC 2543 / RFC 3264 8.4 "hold" address.
  [[nodiscard]] constexpr bool is_hold() const noexcept { return ip.has_value() && ip->is_unspecified(); }
};

/**
 * o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
 * (RFC 8866 5.2). Always present after a successful parse.
 *
 * Lenient: fields may be separated by runs of SP/HTAB, and a username that
 * contains spaces (some phones write one) is accepted because the last five
 * fields cannot contain spaces: everything before them is the username.
 * sess-id and sess-version are kept as text (not all phones write digits).
 */
struct origin_field : net_address {
  std::string_view line;          ///< the whole "o=..." line
  std::string_view username;      ///< "-" when the user has no name
  std::string_view sess_id;       ///< session id text
  std::string_view sess_version;  ///< session version text
};

/**
 * c=<nettype> <addrtype> <connection-address> (RFC 8866 5.7), at session or
 * media level. `address` excludes the multicast suffix: IPv4 "/ttl[/count]",
 * IPv6 "/count". Absent (present() false) when the level has no c= line.
 */
struct connection_field : net_address {
  std::string_view line;                ///< the whole "c=..." line; empty when absent
  std::optional<std::uint8_t> ttl;      ///< IPv4 multicast TTL ("/127"), 0..255
  std::optional<std::uint32_t> count;   ///< number of addresses ("/3"), at least 1
};

/**
 * a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605 2.1),
 * the explicit RTCP port (and optionally address) of a media section.
 */
struct rtcp_attribute : net_address {
  std::string_view line;       ///< the whole "a=rtcp:..." line; empty when absent
  std::string_view port_text;  ///< the port digits, the span a rewrite replaces
  std::uint16_t port = 0;      ///< the parsed port

  /// True when the media section has an a=rtcp line.
  [[nodiscard]] constexpr bool has_rtcp() const noexcept { return line.data() != nullptr; }
  /// True when the a=rtcp line names an address too (`net_address` fields set).
  [[nodiscard]] constexpr bool has_address() const noexcept { return present(); }
};

/// Media direction attributes (RFC 8866 6.7, RFC 3264 5.1).
enum class media_direction : std::uint8_t {
  sendrecv = 0,  ///< a=sendrecv, the default when none is given
  sendonly,      ///< a=sendonly
  recvonly,      ///< a=recvonly
  inactive,      ///< a=inactive
};

/// Name of a direction as written in SDP ("sendrecv", ...).
[[nodiscard]] constexpr std::string_view to_string(media_direction d) noexcept {
  switch (d) {
    case media_direction::sendrecv: return "sendrecv";
    case media_direction::sendonly: return "sendonly";
    case media_direction::recvonly: return "recvonly";
    case media_direction::inactive: return "inactive";
  }
  return "sendrecv";
}

/// What an attribute's name was recognised as. Recognition never changes the raw views.
enum class attribute_kind : std::uint8_t {
  other = 0,          ///< anything else (rtpmap, fmtp, ptime, ...)
  rtcp,               ///< a=rtcp (interpreted into media_description::rtcp)
  direction,          ///< a=sendrecv / sendonly / recvonly / inactive
  rtcp_mux,           ///< a=rtcp-mux (RFC 5761)
  candidate,          ///< a=candidate (RFC 8839), recognised, not interpreted
  remote_candidates,  ///< a=remote-candidates (RFC 8839), recognised, not interpreted
};

/// One a= line: `a=<name>` or `a=<name>:<value>`, raw.
struct attribute {
  std::string_view line;   ///< the whole "a=..." line
  std::string_view name;   ///< text before the first ':' (or the whole value)
  std::string_view value;  ///< text after the first ':', empty when there is none
  bool has_value = false;  ///< true when the line has a ':' (value may still be empty)
  attribute_kind kind = attribute_kind::other;  ///< recognised name
};

/**
 * One media section: the m= line (RFC 8866 5.14) and what follows it up to
 * the next m= line.
 */
struct media_description {
  std::string_view line;             ///< the whole "m=..." line
  std::string_view media;            ///< "audio", "video", "image", "application", ...
  std::string_view port_text;        ///< the port digits, the span a rewrite replaces
  std::uint16_t port = 0;            ///< the parsed port; 0 means disabled (RFC 3264 6)
  std::string_view port_count_text;  ///< the digits of "/<number of ports>", empty when absent
  std::uint16_t port_count = 1;      ///< number of ports (1 when absent)
  std::string_view proto;            ///< "RTP/AVP", "udptl", "UDP/TLS/RTP/SAVPF", ...
  std::string_view formats;          ///< the format list as written ("0 8 101"); may be empty
  connection_field connection;       ///< media-level c=, present() false when absent
  rtcp_attribute rtcp;               ///< a=rtcp, has_rtcp() false when absent
  std::optional<media_direction> direction;  ///< media-level direction attribute, if any
  /// Further media-level c= lines after `connection`; only layered multicast
  /// (RFC 8866 5.7) may repeat c=, so these are multicast and never rewritten.
  std::uint8_t extra_connections = 0;
  std::uint16_t attr_begin = 0;      ///< index of this section's first a= in the attribute list
  std::uint16_t attr_end = 0;        ///< one past its last

  /// Port 0: the stream is disabled/rejected (RFC 3264 6, 8.2).
  [[nodiscard]] constexpr bool disabled() const noexcept { return port == 0; }
};

/**
 * The index of one SDP body. `MaxMedia` bounds the m= sections and
 * `MaxAttrs` the a= lines of the whole body (session and media levels
 * together); exceeding either is an error (too_many_media /
 * too_many_attributes), never a truncation. No member allocates.
 *
 * Filled by `parse_sdp`; every view points into the body given to it
 * (`body`). The contents are unspecified after a failed parse.
 */
template <std::size_t MaxMedia = 16, std::size_t MaxAttrs = 64>
struct basic_session_description {
  static_assert(MaxMedia >= 1 && MaxAttrs >= 1, "capacities must be at least 1");
  static_assert(MaxAttrs <= 0xFFFF, "attribute indices are 16-bit");

  static constexpr std::size_t max_media = MaxMedia;       ///< capacity for m= sections
  static constexpr std::size_t max_attributes = MaxAttrs;  ///< capacity for a= lines

  std::string_view body;          ///< the input of the last parse_sdp
  std::string_view version;       ///< v= value ("0")
  origin_field origin;            ///< o=
  std::string_view session_name;  ///< s= value; empty data() when absent (tolerated)
  connection_field connection;    ///< session-level c=, present() false when absent
  std::optional<media_direction> direction;  ///< session-level direction attribute, if any
  std::uint16_t session_attr_end = 0;        ///< attributes[0, session_attr_end) are session-level
  fixed_vector<media_description, MaxMedia> media;  ///< m= sections, in order
  fixed_vector<attribute, MaxAttrs> attributes;     ///< every a= line, in order

  /// Session-level a= lines.
  [[nodiscard]] constexpr std::span<const attribute> session_attributes() const noexcept SIPALG_LIFETIMEBOUND {
    return {attributes.data(), session_attr_end};
  }
  /// The a= lines of media section `m` (an element of `media`).
  [[nodiscard]] constexpr std::span<const attribute> attributes_of(const media_description& m) const noexcept
      SIPALG_LIFETIMEBOUND {
    return {attributes.data() + m.attr_begin, static_cast<std::size_t>(m.attr_end - m.attr_begin)};
  }

  /// The c= that applies to `m`: its own when present, else the session-level
  /// one (RFC 8866 5.7). May be absent (present() false) when neither exists.
  [[nodiscard]] constexpr const connection_field& effective_connection(const media_description& m) const noexcept
      SIPALG_LIFETIMEBOUND {
    return m.connection.present() ? m.connection : connection;
  }
  /// The direction that applies to `m`: media level, else session level, else sendrecv (RFC 3264 5.1).
  [[nodiscard]] constexpr media_direction effective_direction(const media_description& m) const noexcept {
    if (m.direction) return *m.direction;
    if (direction) return *direction;
    return media_direction::sendrecv;
  }
  /// True when the effective c= of `m` is 0.0.0.0 or :: (hold, left alone by the ALG).
  [[nodiscard]] constexpr bool is_hold(const media_description& m) const noexcept {
    return effective_connection(m).is_hold();
  }

  /// Byte offset of `part` (a view into `body`) from the start of `body`.
  [[nodiscard]] constexpr std::uint32_t offset_of(std::string_view part) const noexcept {
    return static_cast<std::uint32_t>(part.data() - body.data());
  }
  /// `part` (a view into `body`, possibly empty) as a text_range of `body`;
  /// absent when `part` has a null data().
  [[nodiscard]] constexpr text_range range_of(std::string_view part) const noexcept {
    if (part.data() == nullptr) return {};
    return text_range::of(body, part);
  }
};

/// The default capacities: 16 media sections, 64 attribute lines.
using session_description = basic_session_description<>;

/// The first attribute named `name` (case-insensitive) in `attrs`, or nullptr.
[[nodiscard]] constexpr const attribute* find_attribute(std::span<const attribute> attrs,
                                                        std::string_view name) noexcept {
  for (const attribute& a : attrs)
    if (ascii::iequals(a.name, name)) return &a;
  return nullptr;
}

}  // namespace sipalg::sdp
