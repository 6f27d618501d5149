// A frozen copy of sdp::parse_sdp as of commit 804193e (before the instruction-count
// work of issue 9), kept as the reference the differential test compares the
// optimised parser with: same verdict, same errc, same offset, and on success
// the same views (pointer and length), numbers and flags. Test-only code; do not
// "fix" it: it defines the behaviour the fast parser must keep.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <type_traits>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sdp/errc.hpp"
#include "sipalg/sdp/session.hpp"

namespace sipalg::sdp_reference {

using namespace sipalg::sdp;  // the session types, errc and parse_result are shared

namespace detail {

/// Removes and returns the first SP/HTAB-separated field of `s` (empty when none is left).
constexpr std::string_view take_field(std::string_view& s) noexcept {
  const char* p = s.data();
  const char* const e = p + s.size();
  while (p != e && (*p == ' ' || *p == '\t')) ++p;
  const char* const f = p;
  while (p != e && *p != ' ' && *p != '\t') ++p;
  s = std::string_view(p, static_cast<std::size_t>(e - p));
  return std::string_view(f, static_cast<std::size_t>(p - f));
}

/// Removes and returns the last SP/HTAB-separated field of `s` (empty when none is left).
constexpr std::string_view take_last_field(std::string_view& s) noexcept {
  const char* const b = s.data();
  const char* p = b + s.size();
  while (p != b && (p[-1] == ' ' || p[-1] == '\t')) --p;
  const char* const e = p;
  while (p != b && p[-1] != ' ' && p[-1] != '\t') --p;
  s = std::string_view(b, static_cast<std::size_t>(p - b));
  return std::string_view(p, static_cast<std::size_t>(e - p));
}

/// True for the bytes that end a line's content: LF, CR, NUL.
constexpr bool is_line_stop(char c) noexcept { return c == '\n' || c == '\r' || c == '\0'; }

/**
 * Index of the first LF, CR or NUL in `p[i, n)`, or `n`. Reads only inside
 * `[i, n)`: on little-endian targets eight bytes at a time (exact 8-byte
 * loads) while at least eight remain, then byte by byte.
 */
constexpr std::size_t find_line_stop(const char* p, std::size_t i, std::size_t n) noexcept {
  if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    // The lowest set bit of zero_bytes(v) marks the first zero byte of v exactly
    // (borrows only produce false marks above a true one).
    const auto zero_bytes = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    while (n - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (((w - ones * 0x0E) & ~w & highs) != 0) {  // some byte below 0x0E (a stop, or HTAB ...)
        const std::uint64_t m = zero_bytes(w) | zero_bytes(w ^ (ones * '\n')) | zero_bytes(w ^ (ones * '\r'));
        if (m != 0) return i + static_cast<std::size_t>(std::countr_zero(m) / 8);
      }
      i += 8;
    }
  }
  for (; i < n; ++i)
    if (is_line_stop(p[i])) return i;
  return n;
}

/// Host name characters we accept for an FQDN (RFC 8866 `FQDN`, plus "_" seen in the wild).
constexpr bool is_host_char(char c) noexcept { return ascii::is_alnum(c) || c == '-' || c == '.' || c == '_'; }

/// True when `s` is made only of digits and dots (a would-be IPv4 literal).
constexpr bool is_digits_and_dots(std::string_view s) noexcept {
  for (char c : s)
    if (!ascii::is_digit(c) && c != '.') return false;
  return true;
}

/// True when every character of `s` is an RFC 3261 token character or '/' (a proto).
constexpr bool is_proto(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!ascii::is_token(c) && c != '/') return false;
  return true;
}

/**
 * Sets nettype/addrtype/type of `out` from the two fields. Returns nullptr on
 * success or the field that is wrong.
 */
constexpr const char* parse_types(std::string_view nettype, std::string_view addrtype, net_address& out) noexcept {
  if (!ascii::iequals(nettype, "IN")) return nettype.data();
  if (ascii::iequals(addrtype, "IP4")) {
    out.type = address_type::ip4;
  } else if (ascii::iequals(addrtype, "IP6")) {
    out.type = address_type::ip6;
  } else {
    return addrtype.data();
  }
  out.nettype = nettype;
  out.addrtype = addrtype;
  return nullptr;
}

/// Validates `host` (no suffix) for `out.type` and stores it in `out`. True on success.
constexpr bool parse_host(std::string_view host, net_address& out) noexcept {
  if (host.empty()) return false;
  out.address = host;
  out.ip.reset();
  if (out.type == address_type::ip4) {
    if (auto a = ip_address::parse_v4(host)) {
      out.ip = *a;
      return true;
    }
    if (is_digits_and_dots(host)) return false;  // a broken IPv4 literal, not a name
    // An IPv6 literal under IP4 fails the host name check below (':').
  } else {
    const bool has_colon = host.find(':') != std::string_view::npos;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      // "[2001:db8::1]": not RFC 8866, but some phones write it; the view excludes the brackets.
      if (!has_colon) return false;
      host = host.substr(1, host.size() - 2);
      out.address = host;
    }
    if (has_colon) {
      if (auto a = ip_address::parse_v6(host)) {
        out.ip = *a;
        return true;
      }
      return false;
    }
    if (is_digits_and_dots(host)) return false;  // an IPv4 literal under IP6
  }
  for (char c : host)
    if (!is_host_char(c)) return false;
  return true;
}

/**
 * Parses a `connection-address` (RFC 8866 5.7): the host, then for IP4 an
 * optional "/ttl[/count]", for IP6 an optional "/count". Returns nullptr on
 * success or the position of the bad part.
 */
constexpr const char* parse_connection_address(std::string_view text, net_address& out,
                                               std::optional<std::uint8_t>& ttl,
                                               std::optional<std::uint32_t>& count) noexcept {
  const std::size_t slash = text.find('/');
  if (!parse_host(text.substr(0, slash), out)) return text.data();
  if (slash == std::string_view::npos) return nullptr;
  std::string_view rest = text.substr(slash + 1);
  const std::size_t slash2 = rest.find('/');
  const std::string_view first = rest.substr(0, slash2);
  if (out.type == address_type::ip4) {
    auto t = parse_decimal<std::uint8_t>(first);
    if (!t) return first.data();
    ttl = *t;
    if (slash2 == std::string_view::npos) return nullptr;
    const std::string_view second = rest.substr(slash2 + 1);
    auto n = parse_decimal<std::uint32_t>(second);
    if (!n || *n == 0) return second.data();
    count = *n;
    return nullptr;
  }
  if (slash2 != std::string_view::npos) return rest.data() + slash2;  // IP6 has no TTL: one suffix only
  auto n = parse_decimal<std::uint32_t>(first);
  if (!n || *n == 0) return first.data();
  count = *n;
  return nullptr;
}

/// o= value. Returns nullptr or the failing position (`value.data()` when fields are missing).
constexpr const char* parse_origin(std::string_view value, origin_field& o) noexcept {
  // The common case, exactly six fields, in one forward pass; a username with
  // spaces (or missing fields) takes the last five fields from the end instead.
  std::string_view fwd = value;
  std::string_view user = take_field(fwd);
  std::string_view id = take_field(fwd);
  std::string_view version = take_field(fwd);
  std::string_view nettype = take_field(fwd);
  std::string_view addrtype = take_field(fwd);
  std::string_view address = take_field(fwd);
  if (address.empty() || !take_field(fwd).empty()) {
    std::string_view rest = value;
    address = take_last_field(rest);
    addrtype = take_last_field(rest);
    nettype = take_last_field(rest);
    version = take_last_field(rest);
    id = take_last_field(rest);
    user = ascii::trim_wsp(rest);
  }
  if (user.empty() || id.empty()) return value.data();
  if (const char* bad = parse_types(nettype, addrtype, o)) return bad;
  if (!parse_host(address, o)) return address.data();
  o.username = user;
  o.sess_id = id;
  o.sess_version = version;
  return nullptr;
}

/// c= value. Returns nullptr or the failing position.
constexpr const char* parse_connection(std::string_view value, connection_field& c) noexcept {
  std::string_view rest = value;
  const std::string_view nettype = take_field(rest);
  const std::string_view addrtype = take_field(rest);
  const std::string_view address = take_field(rest);
  if (address.empty()) return value.data();
  if (!ascii::trim_wsp(rest).empty()) return ascii::trim_wsp(rest).data();
  if (const char* bad = parse_types(nettype, addrtype, c)) return bad;
  return parse_connection_address(address, c, c.ttl, c.count);
}

/// True when `c` is an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast literal.
constexpr bool is_multicast(const net_address& c) noexcept {
  if (!c.ip) return false;
  return c.ip->is_v4() ? (c.ip->bytes()[0] & 0xF0) == 0xE0 : c.ip->bytes()[0] == 0xFF;
}

/// m= value. Returns {ok} or the error and its position.
struct field_error {
  errc ec = errc::ok;
  const char* at = nullptr;
};

constexpr field_error parse_media(std::string_view value, media_description& m) noexcept {
  std::string_view rest = value;
  const std::string_view media = take_field(rest);
  const std::string_view port_field = take_field(rest);
  const std::string_view proto = take_field(rest);
  if (proto.empty()) return {errc::bad_media, value.data()};
  if (!ascii::is_token(media)) return {errc::bad_media, media.data()};
  const std::size_t slash = port_field.find('/');
  const std::string_view port_text = port_field.substr(0, slash);
  const auto port = parse_port(port_text);
  if (!port) return {errc::bad_port, port_field.data()};
  if (slash != std::string_view::npos) {
    const std::string_view count_text = port_field.substr(slash + 1);
    const auto count = parse_decimal<std::uint16_t>(count_text);
    if (!count || *count == 0) return {errc::bad_media, count_text.data()};
    m.port_count_text = count_text;
    m.port_count = *count;
  }
  if (!is_proto(proto)) return {errc::bad_media, proto.data()};
  m.media = media;
  m.port_text = port_text;
  m.port = *port;
  m.proto = proto;
  m.formats = ascii::trim_wsp(rest);
  if (m.formats.empty()) m.formats = std::string_view(proto.data() + proto.size(), 0);
  return {};
}

/// a=rtcp value (after "rtcp:"). Returns {ok} or the error and its position.
constexpr field_error parse_rtcp(std::string_view value, const char* line, rtcp_attribute& r) noexcept {
  std::string_view rest = value;
  const std::string_view port_text = take_field(rest);
  if (port_text.empty()) return {errc::bad_rtcp, line};
  const auto port = parse_port(port_text);
  if (!port) return {errc::bad_port, port_text.data()};
  r.port_text = port_text;
  r.port = *port;
  if (ascii::trim_wsp(rest).empty()) return {};
  const std::string_view nettype = take_field(rest);
  const std::string_view addrtype = take_field(rest);
  const std::string_view address = take_field(rest);
  if (address.empty()) return {errc::bad_rtcp, nettype.data()};
  if (!ascii::trim_wsp(rest).empty()) return {errc::bad_rtcp, ascii::trim_wsp(rest).data()};
  if (const char* bad = parse_types(nettype, addrtype, r)) return {errc::bad_rtcp, bad};
  std::optional<std::uint8_t> ttl;
  std::optional<std::uint32_t> count;
  if (const char* bad = parse_connection_address(address, r, ttl, count)) return {errc::bad_rtcp, bad};
  return {};
}

/// Recognises an a= name.
constexpr attribute_kind classify_attribute(std::string_view name, std::optional<media_direction>& dir) noexcept {
  switch (name.size()) {
    case 4:
      if (ascii::iequals(name, "rtcp")) return attribute_kind::rtcp;
      break;
    case 8: {
      constexpr std::string_view names[] = {"sendrecv", "sendonly", "recvonly", "inactive"};
      for (std::size_t k = 0; k < 4; ++k) {
        if (ascii::iequals(name, names[k])) {
          dir = static_cast<media_direction>(k);
          return attribute_kind::direction;
        }
      }
      if (ascii::iequals(name, "rtcp-mux")) return attribute_kind::rtcp_mux;
      break;
    }
    case 9:
      if (ascii::iequals(name, "candidate")) return attribute_kind::candidate;
      break;
    case 17:
      if (ascii::iequals(name, "remote-candidates")) return attribute_kind::remote_candidates;
      break;
    default:
      break;
  }
  return attribute_kind::other;
}

}  // namespace detail

/**
 * Parses the SDP `body` into `out`.
 *
 * @param body the SDP body exactly as received (for a SIP message, the bytes
 *             after the blank line, Content-Length long; for multipart, the
 *             range multipart.hpp found). Not modified; need not be
 *             NUL-terminated or padded: nothing past `body.size()` is read.
 * @param out  reset and filled; every view in it points into `body`, so
 *             `body`'s buffer must outlive its use. Unspecified on failure.
 * @return `{errc::ok, 0}`, or the error and the byte offset in `body` of the
 *         offending line or field (see the file comment for what is
 *         tolerated and what is rejected).
 *
 * Never allocates and never throws; runs in time linear in `body.size()`.
 */
template <std::size_t MaxMedia, std::size_t MaxAttrs>
[[nodiscard]] constexpr parse_result parse_sdp(std::string_view body,
                                               basic_session_description<MaxMedia, MaxAttrs>& out) noexcept {
  out.body = body;
  out.version = {};
  out.origin = {};
  out.session_name = {};
  out.connection = {};
  out.direction.reset();
  out.session_attr_end = 0;
  out.media.clear();
  out.attributes.clear();

  const auto at = [&](const char* p) { return static_cast<std::uint32_t>(p - body.data()); };
  const auto fail = [](errc e, std::size_t off) { return parse_result{e, static_cast<std::uint32_t>(off)}; };

  if (body.size() >= 0xFFFFFFFFu) return fail(errc::too_large, 0);

  const std::size_t n = body.size();
  std::size_t pos = 0;
  std::size_t after_version = 0;  // where o= should have been
  bool seen_version = false, seen_origin = false;
  media_description* cur = nullptr;

  while (pos < n) {
    // One line: [start, end) is its content, pos moves past its line end.
    const std::size_t start = pos;
    const std::size_t i = detail::find_line_stop(body.data(), pos, n);
    const std::size_t end = i;
    if (i == n) {
      pos = n;
    } else if (body[i] == '\n') {
      pos = i + 1;
    } else if (body[i] == '\r' && (i + 1 == n || body[i + 1] == '\n')) {
      pos = i + 1 == n ? n : i + 2;
    } else {
      return fail(errc::bad_character, i);  // NUL, or CR inside a line
    }

    std::size_t len = end - start;
    while (len > 0 && ascii::is_wsp(body[start + len - 1])) --len;
    if (len == 0) continue;  // blank line
    const std::string_view line(body.data() + start, len);  // in bounds: start + len <= end <= n
    if (len < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') return fail(errc::bad_line, start);
    const std::string_view value(line.data() + 2, len - 2);

    if (!seen_version) {
      if (line[0] != 'v') return fail(errc::missing_version, start);
      if (value != "0") return fail(errc::bad_version, start + 2);
      out.version = value;
      seen_version = true;
      after_version = pos;
      continue;
    }

    switch (line[0]) {
      case 'v':
        return fail(errc::duplicate_line, start);
      case 'o': {
        if (cur != nullptr) return fail(errc::misplaced_line, start);
        if (seen_origin) return fail(errc::duplicate_line, start);
        if (const char* bad = detail::parse_origin(value, out.origin)) return fail(errc::bad_origin, at(bad));
        out.origin.line = line;
        seen_origin = true;
        break;
      }
      case 's':
        if (cur == nullptr && out.session_name.data() == nullptr) out.session_name = value;
        break;
      case 'c': {
        connection_field& c = cur != nullptr ? cur->connection : out.connection;
        if (c.present()) {
          // Only layered multicast may repeat c=, and only in a media section.
          connection_field extra;
          if (const char* bad = detail::parse_connection(value, extra)) return fail(errc::bad_connection, at(bad));
          if (cur == nullptr || !detail::is_multicast(c) || !detail::is_multicast(extra) ||
              cur->extra_connections == 0xFF)
            return fail(errc::duplicate_connection, start);
          ++cur->extra_connections;
          break;
        }
        if (const char* bad = detail::parse_connection(value, c)) return fail(errc::bad_connection, at(bad));
        c.line = line;
        break;
      }
      case 'm': {
        media_description* m = out.media.emplace_back();
        if (m == nullptr) return fail(errc::too_many_media, start);
        const auto r = detail::parse_media(value, *m);
        if (r.ec != errc::ok) return fail(r.ec, at(r.at));
        m->line = line;
        m->attr_begin = m->attr_end = static_cast<std::uint16_t>(out.attributes.size());
        cur = m;
        break;
      }
      case 'a': {
        attribute* a = out.attributes.emplace_back();
        if (a == nullptr) return fail(errc::too_many_attributes, start);
        std::size_t colon = 0;  // a byte loop: names are short, cheaper than a memchr call
        while (colon < value.size() && value[colon] != ':') ++colon;
        a->line = line;
        a->name = std::string_view(value.data(), colon);
        if (colon != value.size()) {
          a->value = std::string_view(value.data() + colon + 1, value.size() - colon - 1);
          a->has_value = true;
        }
        if (a->name.empty()) return fail(errc::bad_line, start + 2);
        std::optional<media_direction> dir;
        a->kind = detail::classify_attribute(a->name, dir);
        if (a->kind == attribute_kind::rtcp) {
          rtcp_attribute scratch;
          rtcp_attribute& r = cur != nullptr ? cur->rtcp : scratch;  // session level: validated only
          if (r.has_rtcp()) return fail(errc::duplicate_rtcp, start);
          const auto e = detail::parse_rtcp(a->value, line.data(), r);
          if (e.ec != errc::ok) return fail(e.ec, at(e.at));
          r.line = line;
        } else if (dir) {
          (cur != nullptr ? cur->direction : out.direction) = dir;  // the last one wins
        }
        if (cur != nullptr) {
          cur->attr_end = static_cast<std::uint16_t>(out.attributes.size());
        } else {
          out.session_attr_end = static_cast<std::uint16_t>(out.attributes.size());
        }
        break;
      }
      default:
        // i u e p b t r z k (not needed for NAT traversal) and lowercase
        // letters RFC 8866 does not define: accepted, not indexed.
        break;
    }
  }

  if (!seen_version) return fail(errc::empty, 0);
  if (!seen_origin) return fail(errc::missing_origin, after_version);
  return {};
}

}  // namespace sipalg::sdp_reference
