// Invariant checks for sdp::parse_sdp results, shared by the sdp,
// sdp_multipart and rewrite fuzz targets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sip_checks.hpp"
#include "sipalg/core/ascii.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sdp/parser.hpp"
#include "sipalg/sdp/session.hpp"

namespace sipalg::fuzz {

/// A line view: starts with "<type>=", holds no CR/LF/NUL, no trailing SP/HTAB.
inline void check_line(std::string_view line, std::string_view body, char type) {
  SIPALG_FUZZ_CHECK(within(line, body) && line.size() >= 2 && line[0] == type && line[1] == '=');
  for (char c : line) SIPALG_FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0');
  SIPALG_FUZZ_CHECK(!ascii::is_wsp(line.back()));
  // A line starts the body or follows a line end.
  const std::size_t at = offset_in(line, body);
  SIPALG_FUZZ_CHECK(at == 0 || body[at - 1] == '\n');
}

inline void check_net_address(const sdp::net_address& a, std::string_view line) {
  if (!a.present()) return;
  SIPALG_FUZZ_CHECK(within(a.nettype, line) && within(a.addrtype, line) && within(a.address, line));
  SIPALG_FUZZ_CHECK(ascii::iequals(a.nettype, "IN"));
  SIPALG_FUZZ_CHECK(ascii::iequals(a.addrtype, a.type == sdp::address_type::ip4 ? "IP4" : "IP6"));
  SIPALG_FUZZ_CHECK(before(a.nettype, a.addrtype) && before(a.addrtype, a.address) && !a.address.empty());
  for (char c : a.address) SIPALG_FUZZ_CHECK(!ascii::is_wsp(c) && c != '/');
  const auto parsed = ip_address::parse(a.address);
  if (a.ip) {
    SIPALG_FUZZ_CHECK(parsed.has_value() && *parsed == *a.ip);
    SIPALG_FUZZ_CHECK(a.ip->is_v4() == (a.type == sdp::address_type::ip4));
  } else {
    SIPALG_FUZZ_CHECK(!parsed.has_value());  // a host name, never an unparsed literal
    SIPALG_FUZZ_CHECK(a.is_fqdn() && !a.is_hold());
  }
  SIPALG_FUZZ_CHECK(a.is_hold() == (a.ip && a.ip->is_unspecified()));
}

template <std::size_t M, std::size_t A>
void check_session(const sdp::basic_session_description<M, A>& s, std::string_view body) {
  SIPALG_FUZZ_CHECK(s.body.data() == body.data() && s.body.size() == body.size());
  SIPALG_FUZZ_CHECK(s.version == "0" && within(s.version, body));
  SIPALG_FUZZ_CHECK(s.media.size() <= M && s.attributes.size() <= A);
  // o= is mandatory.
  check_line(s.origin.line, body, 'o');
  SIPALG_FUZZ_CHECK(s.origin.present());
  check_net_address(s.origin, s.origin.line);
  for (std::string_view f : {s.origin.username, s.origin.sess_id, s.origin.sess_version})
    SIPALG_FUZZ_CHECK(within(f, s.origin.line) && !f.empty());
  SIPALG_FUZZ_CHECK(before(s.origin.username, s.origin.sess_id) && before(s.origin.sess_id, s.origin.sess_version));
  SIPALG_FUZZ_CHECK(before(s.origin.sess_version, s.origin.nettype));
  {  // The address ends the line (a tolerated "[IPv6]" keeps its closing bracket after it).
    const char* addr_end = s.origin.address.data() + s.origin.address.size();
    const char* line_end = s.origin.line.data() + s.origin.line.size();
    SIPALG_FUZZ_CHECK(addr_end == line_end || (addr_end + 1 == line_end && *addr_end == ']' &&
                                               s.origin.address.data()[-1] == '['));
  }
  if (s.session_name.data() != nullptr) SIPALG_FUZZ_CHECK(within(s.session_name, body));
  if (s.connection.present()) {
    check_line(s.connection.line, body, 'c');
    check_net_address(s.connection, s.connection.line);
  }
  if (s.connection.count) SIPALG_FUZZ_CHECK(*s.connection.count >= 1);
  // Attributes, in order; the sections' attribute ranges tile the list.
  std::string_view prev;
  for (const sdp::attribute& a : s.attributes) {
    check_line(a.line, body, 'a');
    SIPALG_FUZZ_CHECK(before(prev, a.line));
    SIPALG_FUZZ_CHECK(within(a.name, a.line) && within(a.value, a.line) && !a.name.empty());
    SIPALG_FUZZ_CHECK(a.name.data() == a.line.data() + 2);
    if (a.has_value) {
      SIPALG_FUZZ_CHECK(a.line.substr(2) == std::string(a.name) + ":" + std::string(a.value));
    } else {
      SIPALG_FUZZ_CHECK(a.line.substr(2) == a.name && a.value.empty());
    }
    prev = a.line;
  }
  SIPALG_FUZZ_CHECK(s.session_attr_end <= s.attributes.size());
  for (const sdp::attribute& a : s.session_attributes())
    if (!s.media.empty()) SIPALG_FUZZ_CHECK(before(a.line, s.media[0].line));
  std::size_t next_attr = s.session_attr_end;
  prev = {};
  for (std::size_t i = 0; i < s.media.size(); ++i) {
    const sdp::media_description& m = s.media[i];
    check_line(m.line, body, 'm');
    SIPALG_FUZZ_CHECK(before(prev, m.line));
    prev = m.line;
    SIPALG_FUZZ_CHECK(before(s.origin.line, m.line));
    for (std::string_view f : {m.media, m.port_text, m.port_count_text, m.proto, m.formats})
      SIPALG_FUZZ_CHECK(within(f, m.line));
    SIPALG_FUZZ_CHECK(!m.media.empty() && !m.port_text.empty() && !m.proto.empty());
    SIPALG_FUZZ_CHECK(before(m.media, m.port_text) && before(m.port_text, m.proto));
    SIPALG_FUZZ_CHECK(parse_port(m.port_text) == m.port && m.disabled() == (m.port == 0));
    if (m.port_count_text.empty()) {
      SIPALG_FUZZ_CHECK(m.port_count == 1);
    } else {
      SIPALG_FUZZ_CHECK(parse_decimal<std::uint16_t>(m.port_count_text) == m.port_count && m.port_count >= 1);
      SIPALG_FUZZ_CHECK(before(m.port_text, m.port_count_text) && before(m.port_count_text, m.proto));
    }
    SIPALG_FUZZ_CHECK(m.attr_begin == next_attr && m.attr_begin <= m.attr_end && m.attr_end <= s.attributes.size());
    next_attr = m.attr_end;
    const std::string_view next_line = i + 1 < s.media.size() ? s.media[i + 1].line : std::string_view{};
    for (const sdp::attribute& a : s.attributes_of(m)) {
      SIPALG_FUZZ_CHECK(before(m.line, a.line) && before(a.line, next_line));
    }
    if (m.connection.present()) {
      check_line(m.connection.line, body, 'c');
      check_net_address(m.connection, m.connection.line);
      SIPALG_FUZZ_CHECK(before(m.line, m.connection.line) && before(m.connection.line, next_line));
    }
    if (m.rtcp.has_rtcp()) {
      check_line(m.rtcp.line, body, 'a');
      SIPALG_FUZZ_CHECK(ascii::istarts_with(m.rtcp.line, "a=rtcp:"));
      SIPALG_FUZZ_CHECK(within(m.rtcp.port_text, m.rtcp.line) && parse_port(m.rtcp.port_text) == m.rtcp.port);
      SIPALG_FUZZ_CHECK(before(m.line, m.rtcp.line) && before(m.rtcp.line, next_line));
      check_net_address(m.rtcp, m.rtcp.line);
    } else {
      SIPALG_FUZZ_CHECK(!m.rtcp.has_address());
    }
    const sdp::connection_field& ec = s.effective_connection(m);
    SIPALG_FUZZ_CHECK(&ec == (m.connection.present() ? &m.connection : &s.connection));
    SIPALG_FUZZ_CHECK(s.is_hold(m) == ec.is_hold());
    SIPALG_FUZZ_CHECK(s.range_of(m.port_text).offset == s.offset_of(m.port_text));
  }
  SIPALG_FUZZ_CHECK(next_attr == s.attributes.size());
}

}  // namespace sipalg::fuzz
