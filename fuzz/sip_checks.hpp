// Invariant checks for the SIP sub-parsers' results, shared by the sip_*
// and rewrite fuzz targets. Each check aborts (SIPALG_FUZZ_CHECK) when a
// parsed view leaves its input or contradicts the others.
#pragma once

#include <cstddef>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sipalg/core/ascii.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sip/contact.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/host.hpp"
#include "sipalg/sip/name_addr.hpp"
#include "sipalg/sip/params.hpp"
#include "sipalg/sip/uri.hpp"
#include "sipalg/sip/via.hpp"

namespace sipalg::fuzz {

/// `a` ends at or before `b` starts (both views of one buffer; empty views with no data are ignored).
[[nodiscard]] inline bool before(std::string_view a, std::string_view b) noexcept {
  if (a.data() == nullptr || b.data() == nullptr) return true;
  return a.data() + a.size() <= b.data();
}

/// No LWS at either end.
[[nodiscard]] inline bool trimmed(std::string_view s) noexcept {
  return s.empty() || (!sip::detail::is_lws(s.front()) && !sip::detail::is_lws(s.back()));
}

inline void check_params(std::string_view params, std::string_view whole) {
  SIPALG_FUZZ_CHECK(within(params, whole));
  const sip::param_list list(params);
  std::size_t count = 0;
  std::string_view prev;
  for (const sip::param& p : list) {
    SIPALG_FUZZ_CHECK(++count <= params.size());
    SIPALG_FUZZ_CHECK(within(p.text, params) && within(p.name, p.text) && within(p.value, p.text));
    SIPALG_FUZZ_CHECK(p.text.data() == p.name.data());
    SIPALG_FUZZ_CHECK(!p.text.empty());
    SIPALG_FUZZ_CHECK(before(prev, p.text));
    SIPALG_FUZZ_CHECK(within(p.unquoted_value(), p.value));
    if (!p.has_value) SIPALG_FUZZ_CHECK(p.value.empty() && p.text == p.name);
    if (p.has_value) SIPALG_FUZZ_CHECK(p.text.find('=') != std::string_view::npos);
    if (count <= 16) {  // find() is linear: check the first parameters only
      const auto found = list.find(p.name);
      SIPALG_FUZZ_CHECK(found.has_value() && ascii::iequals(found->name, p.name) && !before(p.text, found->text));
    }
    prev = p.text;
  }
  SIPALG_FUZZ_CHECK(list.empty() == (count == 0));
  if (list.validate().ok()) {
    for (const sip::param& p : list) SIPALG_FUZZ_CHECK(ascii::is_token(p.name));
  } else {
    SIPALG_FUZZ_CHECK(list.validate().offset <= params.size());
  }
}

inline void check_host_port(const sip::host_port& h, std::string_view whole) {
  SIPALG_FUZZ_CHECK(within(h.text, whole) && within(h.host, h.text) && within(h.address, h.host));
  SIPALG_FUZZ_CHECK(within(h.port_text, h.text));
  SIPALG_FUZZ_CHECK(!h.host.empty() && h.text.data() == h.host.data());
  SIPALG_FUZZ_CHECK(h.has_port == !h.port_text.empty());
  if (h.has_port) {
    const auto p = parse_port(h.port_text);
    SIPALG_FUZZ_CHECK(p.has_value() && *p == h.port);
    SIPALG_FUZZ_CHECK(h.port_text.data() + h.port_text.size() == h.text.data() + h.text.size());
    SIPALG_FUZZ_CHECK(before(h.host, h.port_text));
  } else {
    SIPALG_FUZZ_CHECK(h.port == 0 && h.text == h.host);
  }
  switch (h.kind) {
    case sip::host_kind::ipv4:
      SIPALG_FUZZ_CHECK(h.ip().has_value() && h.ip()->is_v4() && h.address == h.host);
      SIPALG_FUZZ_CHECK(h.ip()->to_text() == h.address);
      break;
    case sip::host_kind::ipv6:
      SIPALG_FUZZ_CHECK(h.host.size() == h.address.size() + 2 && h.host.front() == '[' && h.host.back() == ']');
      if (h.ip()) SIPALG_FUZZ_CHECK(h.ip()->is_v6());
      break;
    case sip::host_kind::domain:
      SIPALG_FUZZ_CHECK(h.address == h.host && !h.ip().has_value());
      break;
    case sip::host_kind::none:
      SIPALG_FUZZ_CHECK(false && "a parsed host has a kind");
      break;
  }
  // Without LWS around the colon, the stand-alone parser agrees.
  sip::host_port again;
  if (sip::parse_host_port(h.text, again).ok()) {
    SIPALG_FUZZ_CHECK(again.kind == h.kind && again.port == h.port && again.has_port == h.has_port);
    SIPALG_FUZZ_CHECK(again.host == h.host && again.port_text == h.port_text);
  } else {
    bool lws = false;
    for (char c : h.text) lws = lws || sip::detail::is_lws(c);
    SIPALG_FUZZ_CHECK(lws);  // only a Via sent-by (LWS around ':') may fail the strict form
  }
}

inline void check_uri(const sip::uri& u, std::string_view whole) {
  SIPALG_FUZZ_CHECK(within(u.text, whole) && within(u.scheme, u.text) && within(u.opaque_part, u.text));
  SIPALG_FUZZ_CHECK(!u.scheme.empty() && u.text.data() == u.scheme.data() && u.text[u.scheme.size()] == ':');
  SIPALG_FUZZ_CHECK(u.opaque_part.data() == u.scheme.data() + u.scheme.size() + 1);
  SIPALG_FUZZ_CHECK(u.opaque_part.data() + u.opaque_part.size() == u.text.data() + u.text.size());
  for (char c : u.opaque_part) {
    const auto b = static_cast<unsigned char>(c);
    SIPALG_FUZZ_CHECK(b > 0x20 && b != 0x7F && c != '<' && c != '>' && c != '"');
  }
  if (u.opaque) {
    SIPALG_FUZZ_CHECK(u.scheme_id == sip::uri_scheme::other || u.scheme_id == sip::uri_scheme::tel);
    SIPALG_FUZZ_CHECK(u.host.host.empty() && u.params.empty() && !u.has_userinfo);
    return;
  }
  SIPALG_FUZZ_CHECK(u.scheme_id == sip::uri_scheme::sip || u.scheme_id == sip::uri_scheme::sips);
  SIPALG_FUZZ_CHECK(u.default_port() == (u.scheme_id == sip::uri_scheme::sips ? 5061 : 5060));
  check_host_port(u.host, u.text);
  SIPALG_FUZZ_CHECK(within(u.userinfo, u.text) && within(u.user, u.userinfo) && within(u.password, u.userinfo));
  if (!u.has_userinfo) SIPALG_FUZZ_CHECK(u.userinfo.empty() && u.user.empty() && !u.has_password);
  check_params(u.params, u.text);
  if (!u.params.empty()) SIPALG_FUZZ_CHECK(u.params.front() == ';');
  // The parts put back together are the URI.
  std::string rebuilt(u.scheme);
  rebuilt += ':';
  if (u.has_userinfo) {
    rebuilt += u.user;
    if (u.has_password) rebuilt.append(":").append(u.password);
    rebuilt += '@';
  }
  rebuilt += u.host.text;
  rebuilt += u.params;
  if (u.has_headers) rebuilt.append("?").append(u.headers);
  SIPALG_FUZZ_CHECK(rebuilt == u.text);
}

inline void check_name_addr(const sip::name_addr& na, std::string_view whole) {
  SIPALG_FUZZ_CHECK(within(na.text, whole) && within(na.display_name, na.text) && within(na.uri, na.text));
  SIPALG_FUZZ_CHECK(within(na.params, na.text));
  SIPALG_FUZZ_CHECK(!na.text.empty() && trimmed(na.text));
  SIPALG_FUZZ_CHECK(!na.uri.empty() || na.angle_brackets);  // only `<>` may hold an empty URI
  SIPALG_FUZZ_CHECK(before(na.display_name, na.uri) && before(na.uri, na.params));
  SIPALG_FUZZ_CHECK(within(na.unquoted_display_name(), na.display_name));
  if (na.quoted_display_name) SIPALG_FUZZ_CHECK(na.display_name.front() == '"' && na.display_name.back() == '"');
  if (!na.display_name.empty() || na.quoted_display_name) SIPALG_FUZZ_CHECK(na.angle_brackets);
  if (na.angle_brackets) {
    SIPALG_FUZZ_CHECK(na.text.find('<') != std::string_view::npos && na.text.find('>') != std::string_view::npos);
  } else {
    SIPALG_FUZZ_CHECK(na.text.data() == na.uri.data());
    for (char c : na.uri) SIPALG_FUZZ_CHECK(c != ';' && c != ',' && !sip::detail::is_lws(c));
  }
  if (!na.params.empty()) {
    SIPALG_FUZZ_CHECK(na.params.front() == ';' && trimmed(na.params));
    SIPALG_FUZZ_CHECK(na.params.data() + na.params.size() == na.text.data() + na.text.size());
  }
  check_params(na.params, na.text);
  sip::uri u;
  if (na.parse_uri(u).ok()) check_uri(u, na.uri);
}

inline void check_via(const sip::via& v, std::string_view whole) {
  SIPALG_FUZZ_CHECK(within(v.text, whole) && trimmed(v.text) && !v.text.empty());
  for (std::string_view part : {v.protocol_name, v.protocol_version, v.transport})
    SIPALG_FUZZ_CHECK(within(part, v.text) && ascii::is_token(part));
  SIPALG_FUZZ_CHECK(v.text.data() == v.protocol_name.data());
  SIPALG_FUZZ_CHECK(before(v.protocol_name, v.protocol_version) && before(v.protocol_version, v.transport));
  SIPALG_FUZZ_CHECK(before(v.transport, v.sent_by.text) && before(v.sent_by.text, v.params));
  check_host_port(v.sent_by, v.text);
  check_params(v.params, v.text);
  const std::string_view last = v.params.empty() ? v.sent_by.text : v.params;
  SIPALG_FUZZ_CHECK(last.data() + last.size() == v.text.data() + v.text.size());
  if (!v.params.empty()) SIPALG_FUZZ_CHECK(v.params.front() == ';' && trimmed(v.params));
  SIPALG_FUZZ_CHECK(v.transport_is(v.transport));
  for (const auto& p : {v.branch(), v.received(), v.rport(), v.maddr(), v.ttl()})
    if (p) SIPALG_FUZZ_CHECK(within(p->text, v.params));
}

inline void check_contact(const sip::contact& c, std::string_view whole) {
  if (c.wildcard) {
    SIPALG_FUZZ_CHECK(c.text() == "*" && within(c.text(), whole) && c.uri().empty());
    return;
  }
  check_name_addr(c.address, whole);
  if (const auto e = c.expires()) {
    const auto p = c.find_param("expires");
    SIPALG_FUZZ_CHECK(p && p->has_value && parse_decimal<std::uint32_t>(p->unquoted_value()) == e);
  }
  SIPALG_FUZZ_CHECK(within(c.q(), c.address.params));
}

}  // namespace sipalg::fuzz
