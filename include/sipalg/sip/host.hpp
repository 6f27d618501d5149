/**
 * @file host.hpp
 * `host_port`: the `host [":" port]` part of SIP URIs and Via sent-by
 * (RFC 3261 25.1, IPv6 references per RFC 5118), as views into the input.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/detail/value_scan.hpp"
#include "sipalg/sip/errc.hpp"

namespace sipalg::sip {

/// What a host is written as.
enum class host_kind : std::uint8_t {
  none = 0,  ///< no host (opaque URI)
  ipv4,      ///< dotted quad that parses as an IPv4 address
  ipv6,      ///< `[...]` IPv6 reference (contents hex, ':' and '.'; may not parse, e.g. RFC 5118 4.10)
  domain,    ///< anything else made of alphanumerics, '-', '.', '_'
};

/// Name of a host kind ("ipv4", "ipv6", "domain", "none").
[[nodiscard]] constexpr std::string_view to_string(host_kind k) noexcept {
  switch (k) {
    case host_kind::none: return "none";
    case host_kind::ipv4: return "ipv4";
    case host_kind::ipv6: return "ipv6";
    case host_kind::domain: return "domain";
  }
  return "none";
}

/**
 * A parsed `host [":" port]`. All views point into the parsed input.
 *
 * @code
 *   [2001:db8::1]:5070
 *   ^host^^^^^^^^ ^port_text
 *    ^address^^^
 * @endcode
 */
struct host_port {
  std::string_view text;       ///< the whole `host[:port]` as written (may contain LWS around ':' in Via)
  std::string_view host;       ///< host as written; an IPv6 reference INCLUDES its brackets
  std::string_view address;    ///< host without brackets (same as `host` for ipv4/domain)
  host_kind kind = host_kind::none;
  std::string_view port_text;  ///< port digits, empty when no port is written
  std::uint16_t port = 0;      ///< port value, 0 when absent
  bool has_port = false;       ///< a port is written

  /// The written port, or `default_port` (5060 for sip, 5061 for sips) when none is written.
  [[nodiscard]] constexpr std::uint16_t port_or(std::uint16_t default_port) const noexcept {
    return has_port ? port : default_port;
  }
  /// The host as an IP address (nullopt for domains and unparsable IPv6 references).
  [[nodiscard]] constexpr std::optional<ip_address> ip() const noexcept {
    if (kind == host_kind::ipv4) return ip_address::parse_v4(address);
    if (kind == host_kind::ipv6) return ip_address::parse_v6(address);
    return std::nullopt;
  }
};

namespace detail {

/**
 * Parses `host [":" port]` starting at s[i]; on success `i` is one past it.
 * With `lws_around_colon` (Via sent-by: COLON = SWS ":" SWS) LWS may surround the colon.
 * Stops at the first byte that cannot continue the host or port; the caller checks what follows.
 */
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr parse_result parse_host_port_at(std::string_view s, std::size_t& i,
                                                                             host_port& out,
                                                                             bool lws_around_colon) noexcept {
  // One forward pass: the host run is found 16 bytes at a time and recognised as a dotted quad
  // from the same lane masks (scan_host_run), the port is accumulated while its digits are
  // scanned. Views are built with the unchecked constructor: every index is <= s.size().
  const char* p = s.data();
  const std::size_t n = s.size();
  const std::size_t start = i;
  out = host_port{};
  if (i < n && p[i] == '[') {
    std::size_t k = i + 1;
    std::uint16_t seen = 0;
    while (k < n && has_vc(p[k], vc_ipv6)) seen |= static_cast<std::uint16_t>(p[k++] == ':');
    if (k >= n || p[k] != ']' || k == i + 1) return {errc::bad_host, static_cast<std::uint32_t>(k)};
    out.host = std::string_view(p + i, k + 1 - i);
    out.address = std::string_view(p + i + 1, k - i - 1);
    if (seen == 0) return {errc::bad_host, static_cast<std::uint32_t>(i)};  // no ':' inside the brackets
    out.kind = host_kind::ipv6;
    i = k + 1;
  } else {
    const host_run run = scan_host_run(s, i);
    const std::size_t k = run.end;
    if (k == i) return {errc::bad_host, static_cast<std::uint32_t>(i)};
    out.host = out.address = std::string_view(p + i, k - i);
    out.kind = run.ipv4 ? host_kind::ipv4 : host_kind::domain;
    i = k;
  }
  std::size_t k = i;
  if (lws_around_colon) k = skip_lws_vc(s, k);
  if (k < n && p[k] == ':') {
    ++k;
    if (lws_around_colon) k = skip_lws_vc(s, k);
    const std::size_t ps = k;
    std::uint32_t v = 0;  // saturates above 65535 (stays > 65535 once there, never wraps)
    while (k < n && ascii::is_digit(p[k])) {
      if (v <= 65535) v = v * 10 + static_cast<std::uint32_t>(p[k] - '0');
      ++k;
    }
    if (k == ps || v > 65535) return {errc::bad_port, static_cast<std::uint32_t>(ps)};
    out.port_text = std::string_view(p + ps, k - ps);
    out.port = static_cast<std::uint16_t>(v);
    out.has_port = true;
    i = k;
  }
  out.text = std::string_view(p + start, i - start);
  return {errc::ok, static_cast<std::uint32_t>(i)};
}

}  // namespace detail

/**
 * Parses all of `text` as `host [":" port]` (no surrounding LWS).
 * @return errc::ok, errc::bad_host (empty host, bad characters, unterminated `[`),
 *         errc::bad_port (empty, non-decimal or > 65535); offset relative to `text`.
 */
[[nodiscard]] constexpr parse_result parse_host_port(std::string_view text, host_port& out) noexcept {
  std::size_t i = 0;
  if (parse_result r = detail::parse_host_port_at(text, i, out, false); !r) return r;
  if (i != text.size()) return {errc::bad_host, static_cast<std::uint32_t>(i)};
  return {errc::ok, static_cast<std::uint32_t>(i)};
}

}  // namespace sipalg::sip
