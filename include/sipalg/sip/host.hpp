/**
 * @file host.hpp
 * `host_port`: the `host [":" port]` part of SIP URIs and Via sent-by
 * (RFC 3261 25.1, IPv6 references per RFC 5118), as views into the input.
 */
#pragma once

#include <cstddef>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <type_traits>
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

#ifdef SIPALG_SIP_SIMD16
/**
 * parse_host_port_at() for the usual shapes, from one 16-byte load: a host of 1 to 15 host
 * characters (alnum - . _), optionally followed by ':' and 1 to 5 digits whose value is <= 65535
 * and which are not followed by another digit. With `lws_around_colon`, neither the host nor the
 * colon may be followed by LWS. For these inputs the general code gives exactly this result (the
 * host run and dotted-quad test are the ones scan_host_run() makes from the same lane masks).
 *
 * Returns false, with `out` and `i` untouched, for anything else (IPv6 references, hosts of 16+
 * bytes, LWS around the colon, long or bad ports, views under 16 bytes): the caller then runs the
 * general code. Every field of `out` is written on success, so it is not zeroed first.
 *
 * Bounds: the load reads [i, i + 16) when that fits, else the view's last 16 bytes with the bytes
 * before i shifted out (zero bits = "not a host byte" past the view's end); the port digits are
 * read byte by byte below s.size().
 */
SIPALG_ALWAYS_INLINE bool parse_host_port_fast(std::string_view s, std::size_t& i, host_port& out,
                                               bool lws_around_colon) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  const std::size_t b = i;
  if (n < 16 || b >= n) return false;
  const bool whole = n - b >= 16;
  const unsigned shift = whole ? 0u : static_cast<unsigned>(16 - (n - b));
  const auto v = value_simd::load(whole ? p + b : p + n - 16);
  const auto lower = v | 0x20;
  const auto alpha = static_cast<value_simd::u8x16>(lower - 'a') <= 25;
  const auto digit = static_cast<value_simd::u8x16>(v - '0') <= 9;
  const auto other = (v == '-') | (v == '_');
  const auto dot = v == '.';
  const unsigned digits = value_simd::bits(digit) >> shift;
  const unsigned dots = value_simd::bits(dot) >> shift;
  const unsigned host = (value_simd::bits(alpha | other) >> shift) | digits | dots;
  const unsigned stop = ~host & 0xFFFFu;
  if (stop == 0) return false;  // 16+ host bytes: a long domain, the general scan continues
  const unsigned len = static_cast<unsigned>(std::countr_zero(stop));
  if (len == 0) return false;  // '[' (IPv6) or an error
  const unsigned run = (1u << len) - 1u;
  const bool ipv4 = len >= 7 && (host & ~(digits | dots) & run) == 0 && is_dotted_quad_lanes(v, shift, len, dots & run);
  std::size_t k = b + len;
  std::string_view port_text;
  std::uint32_t port = 0;
  bool has_port = false;
  if (k < n) {
    if (p[k] == ':') {
      const std::size_t ps = k + 1;
      if (ps >= n) return false;
      // The port as one little-endian 8-byte word from ps: [ps, ps + 8) when that fits, else the
      // view's last 8 bytes (n >= 16) shifted down so that byte ps is the lowest; the zero bytes
      // shifted in are no digits.
      std::uint64_t w = 0;
      if (n - ps >= 8) {
        std::memcpy(&w, p + ps, 8);
      } else {
        std::memcpy(&w, p + n - 8, 8);
        w >>= 8 * (8 - (n - ps));  // n - ps in [1, 7]
      }
      // t = each byte minus '0'. Below the first non-digit byte every byte is a digit (>= '0'),
      // so no borrow reaches a digit byte or the first non-digit one: their t bytes are exact.
      // A t byte is a digit value when <= 9: t + 0x76 keeps bit 7 clear (no carry out of the
      // byte) only for those; a t byte >= 0x80 has bit 7 set itself. Bytes above the first
      // non-digit may be garbage (borrows, carries): only the lowest flagged byte counts.
      const std::uint64_t t = w - 0x3030303030303030u;
      const std::uint64_t not_digit = (t | (t + 0x7676767676767676u)) & 0x8080808080808080u;
      if (not_digit == 0) return false;  // 8+ digits
      const unsigned count = static_cast<unsigned>(std::countr_zero(not_digit)) / 8;
      if (count == 0 || count > 5) return false;  // no digit, or 6+ (leading zeros, bad_port)
      // The digit values moved to the top bytes (the zero bytes below act as leading zeros, the
      // bytes from the first non-digit on are shifted out), then combined pairwise:
      // 8 one-digit lanes -> 4 two-digit -> 2 four-digit -> the value.
      std::uint64_t d = t << (8 * (8 - count));
      d = (d * 10 + (d >> 8)) & 0x00FF00FF00FF00FFu;
      d = (d * 100 + (d >> 16)) & 0x0000FFFF0000FFFFu;
      port = static_cast<std::uint32_t>((d * 10000 + (d >> 32)) & 0xFFFFFFFFu);
      if (port > 65535) return false;
      const std::size_t e = ps + count;
      port_text = std::string_view(p + ps, e - ps);
      has_port = true;
      k = e;
    } else if (lws_around_colon && is_lws(p[k])) {
      return false;  // "host :port" is possible: the general code looks past the LWS
    }
  }
  out.text = std::string_view(p + b, k - b);
  out.host = out.address = std::string_view(p + b, len);
  out.kind = ipv4 ? host_kind::ipv4 : host_kind::domain;
  out.port_text = port_text;
  out.port = static_cast<std::uint16_t>(port);
  out.has_port = has_port;
  i = k;
  return true;
}
#endif

/**
 * Parses `host [":" port]` starting at s[i]; on success `i` is one past it.
 * With `lws_around_colon` (Via sent-by: COLON = SWS ":" SWS) LWS may surround the colon.
 * Stops at the first byte that cannot continue the host or port; the caller checks what follows.
 */
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr parse_result parse_host_port_at(std::string_view s, std::size_t& i,
                                                                             host_port& out,
                                                                             bool lws_around_colon) noexcept {
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated() && parse_host_port_fast(s, i, out, lws_around_colon))
    return {errc::ok, static_cast<std::uint32_t>(i)};
#endif
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
