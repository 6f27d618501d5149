/**
 * @file uri.hpp
 * `uri`: SIP and SIPS URIs (RFC 3261 19.1, IPv6 references per RFC 5118)
 * parsed into views; other schemes (tel:, urn:, http:, ...) are accepted as
 * opaque URIs rather than rejected.
 *
 * @code
 *   sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi
 *   ^scheme ^user ^password ^host^^^^^^ ^port ^params^^^^^^^^^ ^headers
 * @endcode
 */
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <type_traits>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/detail/value_scan.hpp"
#include "sipalg/sip/errc.hpp"
#include "sipalg/sip/host.hpp"
#include "sipalg/sip/params.hpp"

namespace sipalg::sip {

/// URI scheme.
enum class uri_scheme : std::uint8_t {
  other = 0,  ///< any other scheme (opaque)
  sip,        ///< sip:
  sips,       ///< sips:
  tel,        ///< tel: (RFC 3966; opaque here)
};

/**
 * A parsed URI. Every view points into the text given to parse_uri().
 * For opaque URIs (`opaque == true`) only `scheme` and `opaque_part` are set.
 */
struct uri {
  std::string_view text;         ///< the whole URI
  std::string_view scheme;       ///< scheme as written, without ':'
  uri_scheme scheme_id = uri_scheme::other;
  bool opaque = false;           ///< not a SIP/SIPS URI; only scheme and opaque_part are parsed
  std::string_view opaque_part;  ///< everything after "scheme:"
  std::string_view userinfo;     ///< `user[:password]` without the '@'; empty when absent
  bool has_userinfo = false;     ///< an '@' was present
  std::string_view user;         ///< user part, escapes not decoded (may contain ';', RFC 4475 3.1.1.9)
  std::string_view password;     ///< password, empty when absent
  bool has_password = false;     ///< a ':' was present in the userinfo
  host_port host;                ///< host, address (without brackets), kind, port
  std::string_view params;       ///< uri-parameters INCLUDING the leading ';', empty when none
  std::string_view headers;      ///< headers after '?', without the '?'; empty when none
  bool has_headers = false;      ///< a '?' was present

  /// True for sip: and sips:.
  [[nodiscard]] constexpr bool is_sip() const noexcept { return !opaque; }
  /// The uri-parameters as an iterable list.
  [[nodiscard]] constexpr sip::param_list parameters() const noexcept { return sip::param_list(params); }
  /// First uri-parameter named `name` (case-insensitive), or nullopt.
  [[nodiscard]] constexpr std::optional<param> find_param(std::string_view name) const noexcept {
    return sip::param_list(params).find(name);
  }
  /// The default port of the scheme: 5061 for sips, else 5060 (RFC 3263).
  [[nodiscard]] constexpr std::uint16_t default_port() const noexcept {
    return scheme_id == uri_scheme::sips ? 5061 : 5060;
  }
  /// The written port or the scheme's default.
  [[nodiscard]] constexpr std::uint16_t port_or_default() const noexcept { return host.port_or(default_port()); }
};

namespace detail {

/// What one pass over the part after "scheme:" records (npos when absent).
struct uri_marks {
  std::size_t bad = npos;         ///< first byte that cannot appear in a URI (vc_uri_bad)
  std::size_t at = npos;          ///< first '@'
  std::size_t colon = npos;       ///< first ':'
  std::size_t question = npos;    ///< first '?'
  std::size_t question_after_at = npos;  ///< first '?' after the first '@'
};

/// Records one of '@' ':' '?' or a bad byte at index k (scalar path). False at a bad byte.
SIPALG_ALWAYS_INLINE constexpr bool mark_uri_byte(uri_marks& m, char c, std::size_t k) noexcept {
  if (has_vc(c, vc_uri_bad)) {
    m.bad = k;
    return false;
  }
  if (c == '@') {
    if (m.at == npos) m.at = k;
  } else if (c == ':') {
    if (m.colon == npos) m.colon = k;
  } else {  // '?'
    if (m.question == npos) m.question = k;
    if (m.at != npos && m.question_after_at == npos) m.question_after_at = k;
  }
  return true;
}

#ifdef SIPALG_SIP_SIMD16
/// Records the 16-bit masks of one block whose bit 0 is byte `base`. False at a bad byte.
SIPALG_ALWAYS_INLINE bool mark_uri_block(uri_marks& m, std::size_t base, unsigned bad, unsigned at, unsigned colon,
                                         unsigned question) noexcept {
  if (bad != 0) {
    m.bad = base + static_cast<unsigned>(std::countr_zero(bad));
    return false;
  }
  if (m.at == npos) {
    if (at != 0) {
      const unsigned a = static_cast<unsigned>(std::countr_zero(at));
      m.at = base + a;
      const unsigned later = question & ~((2u << a) - 1u);  // the '?' after that '@' (a <= 15)
      if (later != 0) m.question_after_at = base + static_cast<unsigned>(std::countr_zero(later));
    }
  } else if (m.question_after_at == npos && question != 0) {
    m.question_after_at = base + static_cast<unsigned>(std::countr_zero(question));
  }
  if (m.colon == npos && colon != 0) m.colon = base + static_cast<unsigned>(std::countr_zero(colon));
  if (m.question == npos && question != 0) m.question = base + static_cast<unsigned>(std::countr_zero(question));
  return true;
}
#endif

/**
 * Scans text[from, size): stops at the first byte that cannot appear in a URI, records the first
 * '@', ':' and '?' and the first '?' after the '@'. 16 bytes per step when the view is at least
 * 16 bytes long (the tail block is the view's last 16 bytes, already-seen bits shifted out).
 */
[[nodiscard]] constexpr uri_marks scan_uri_rest(std::string_view text, std::size_t from) noexcept {
  uri_marks m;
  const std::size_t n = text.size();
  std::size_t k = from;
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated() && n >= 16) {
    const char* p = text.data();
    auto block = [&](const char* q, unsigned shift, std::size_t base) {
      const auto v = value_simd::load(q);
      const unsigned bad = value_simd::bits((v <= 0x20) | (v == 0x7F) | (v == '<') | (v == '>') | (v == '"'));
      return mark_uri_block(m, base, bad >> shift, value_simd::bits(v == '@') >> shift,
                            value_simd::bits(v == ':') >> shift, value_simd::bits(v == '?') >> shift);
    };
    for (; n - k >= 16; k += 16)
      if (!block(p + k, 0, k)) return m;
    if (k < n) block(p + n - 16, static_cast<unsigned>(16 - (n - k)), k);
    return m;
  }
#endif
  for (; k < n; ++k)
    if (has_vc(text[k], vc_uri_stop) && !mark_uri_byte(m, text[k], k)) return m;
  return m;
}

#ifdef SIPALG_SIP_SIMD16
/// Where the bad bytes (vc_uri_bad), '@', ':' and '?' of a whole view are: bit j is byte j.
struct uri_bits {
  std::uint64_t bad = 0, at = 0, colon = 0, question = 0;
};

/**
 * uri_bits of a view of 16 to 64 bytes, 16 bytes per load. The blocks are read at 0, 16, ... while a
 * whole block fits, then once at n - 16: that last load overlaps bytes already classified, whose
 * bits it sets again at the same positions (each mask is shifted left by the load's offset), so
 * nothing is read outside [0, n) and no bit is above n - 1.
 */
SIPALG_ALWAYS_INLINE uri_bits uri_bits_of(const char* p, std::size_t n) noexcept {
  uri_bits r;
  auto block = [&](std::size_t k) {
    const auto v = value_simd::load(p + k);
    // (v | 2) == '>' holds exactly for '<' (0x3C) and '>' (0x3E).
    const auto bad = (v <= 0x20) | (v == 0x7F) | ((v | 2) == '>') | (v == '"');
    r.bad |= static_cast<std::uint64_t>(value_simd::bits(bad)) << k;
    r.at |= static_cast<std::uint64_t>(value_simd::bits(v == '@')) << k;
    r.colon |= static_cast<std::uint64_t>(value_simd::bits(v == ':')) << k;
    r.question |= static_cast<std::uint64_t>(value_simd::bits(v == '?')) << k;
  };
  std::size_t k = 0;
  for (; n - k >= 16; k += 16) block(k);
  if (k < n) block(n - 16);
  return r;
}

/**
 * parse_uri() of a sip: or sips: URI of 16 to 64 bytes that parses without error and whose host
 * and port parse_host_port_fast() takes: the same result from bit masks of the whole text
 * instead of a walk. False for anything else (nothing is decided then: the caller runs the
 * general code, which starts by resetting `out`).
 */
SIPALG_ALWAYS_INLINE bool parse_uri_fast(std::string_view text, uri& out) noexcept {
  const char* p = text.data();
  const std::size_t n = text.size();
  if (n < 16 || n > 64) return false;
  // "sip:" / "sips:" in any case: (c | 0x20) == 's' only for 'S' and 's' (little-endian words:
  // x86-64 is the only SIMD16 target).
  std::uint32_t w = 0;
  std::memcpy(&w, p, 4);
  std::size_t rs = 0;
  uri_scheme id = uri_scheme::sip;
  if ((w | 0x00202020u) == 0x3A706973u) {  // "sip:"
    rs = 4;
  } else if ((w | 0x20202020u) == 0x73706973u && p[4] == ':') {  // "sips" ':'
    rs = 5;
    id = uri_scheme::sips;
  } else {
    return false;
  }
  const uri_bits b = uri_bits_of(p, n);
  const std::uint64_t rest = ~std::uint64_t{0} << rs;
  if ((b.bad & rest) != 0) return false;
  std::uint64_t question = b.question & rest;
  std::size_t hs = rs;
  if (const std::uint64_t at = b.at & rest; at != 0) {
    const unsigned a = static_cast<unsigned>(std::countr_zero(at));  // a <= 63
    question &= ~((std::uint64_t{2} << a) - 1u);                    // the first '?' after the '@'
    out.userinfo = std::string_view(p + rs, a - rs);
    out.has_userinfo = true;
    if (const std::uint64_t colon = b.colon & rest & ((std::uint64_t{1} << a) - 1u); colon != 0) {
      const unsigned c = static_cast<unsigned>(std::countr_zero(colon));
      out.user = std::string_view(p + rs, c - rs);
      out.password = std::string_view(p + c + 1, a - c - 1);
      out.has_password = true;
    } else {
      out.user = out.userinfo;
      out.password = {};
      out.has_password = false;
    }
    hs = a + 1;
  } else {
    out.userinfo = out.user = out.password = {};
    out.has_userinfo = out.has_password = false;
  }
  std::size_t k = hs;
  if (!parse_host_port_fast(text, k, out.host, false)) return false;
  if (k < n && p[k] != ';' && p[k] != '?') return false;  // bad_uri: the general code reports it
  // The host and port hold no '?', so the first '?' counted above lies at or after k.
  if (question == 0) {
    out.params = std::string_view(p + k, n - k);
    out.headers = {};
    out.has_headers = false;
  } else {
    const std::size_t q = static_cast<std::size_t>(std::countr_zero(question));
    out.params = std::string_view(p + k, q - k);
    out.headers = std::string_view(p + q + 1, n - q - 1);
    out.has_headers = true;
  }
  out.text = text;
  out.scheme = std::string_view(p, rs - 1);
  out.scheme_id = id;
  out.opaque = false;
  out.opaque_part = std::string_view(p + rs, n - rs);
  return true;
}
#endif

}  // namespace detail

namespace detail {

/// parse_uri() without the fast path (out of line: parse_uri() stays small).
[[nodiscard]] SIPALG_NOINLINE constexpr parse_result parse_uri_general(std::string_view text, uri& out) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  using detail::npos;
  out = uri{};
  out.text = text;
  const char* p = text.data();
  const std::size_t n = text.size();
  if (n == 0 || !ascii::is_alpha(p[0])) return fail(errc::bad_uri, 0);
  // Scheme: "sip:" and "sips:" (any case) directly; anything else by the general scan.
  // (c | 0x20) == 's' holds exactly for 'S' and 's', so the fast paths match what iequals would.
  std::size_t i = 0;
  uri_scheme id = uri_scheme::other;
  if (n >= 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' && p[3] == ':') {
    i = 3;
    id = uri_scheme::sip;
  } else if (n >= 5 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' &&
             (p[3] | 0x20) == 's' && p[4] == ':') {
    i = 4;
    id = uri_scheme::sips;
  } else {
    i = 1;
    while (i < n && detail::has_vc(p[i], detail::vc_scheme)) ++i;
    if (i >= n || p[i] != ':') return fail(errc::bad_uri, i);
    const std::string_view scheme(p, i);
    id = ascii::iequals(scheme, "sip")    ? uri_scheme::sip
         : ascii::iequals(scheme, "sips") ? uri_scheme::sips
         : ascii::iequals(scheme, "tel")  ? uri_scheme::tel
                                          : uri_scheme::other;
  }
  out.scheme = std::string_view(p, i);
  const std::size_t rs = i + 1;
  out.opaque_part = std::string_view(p + rs, n - rs);
  // One pass over the rest: no LWS/control/<>" anywhere, and where '@', ':' and '?' are.
  const detail::uri_marks m = detail::scan_uri_rest(text, rs);
  if (m.bad != npos) return fail(errc::bad_uri, m.bad);
  out.scheme_id = id;
  if (id != uri_scheme::sip && id != uri_scheme::sips) {
    out.opaque = true;
    return {errc::ok, static_cast<std::uint32_t>(n)};
  }
  // userinfo: up to the first '@' (user-unreserved allows ';', '?', '/' and ',' in the user part).
  std::size_t hs = rs;
  if (m.at != npos) {
    out.has_userinfo = true;
    out.userinfo = std::string_view(p + rs, m.at - rs);
    if (m.colon < m.at) {  // the first ':' of the rest lies in the userinfo
      out.user = std::string_view(p + rs, m.colon - rs);
      out.password = std::string_view(p + m.colon + 1, m.at - m.colon - 1);
      out.has_password = true;
    } else {
      out.user = out.userinfo;
    }
    hs = m.at + 1;
  }
  std::size_t k = hs;
  if (parse_result r = detail::parse_host_port_at(text, k, out.host, false); !r) return r;
  if (k < n && p[k] != ';' && p[k] != '?') return fail(errc::bad_uri, k);
  // The host and port hold no '?', so the first '?' at or after k is the first one after the
  // userinfo's '@' (or the first one at all without userinfo).
  const std::size_t q = (m.at != npos) ? m.question_after_at : m.question;
  if (q == npos) {
    out.params = std::string_view(p + k, n - k);
  } else {
    out.params = std::string_view(p + k, q - k);
    out.headers = std::string_view(p + q + 1, n - q - 1);
    out.has_headers = true;
  }
  return {errc::ok, static_cast<std::uint32_t>(n)};
}

}  // namespace detail

/**
 * Parses `text` (no surrounding LWS) as a URI.
 *
 * @return errc::ok; errc::bad_uri (no `scheme:`, junk after the host, LWS or
 *         control characters, an empty SIP URI); errc::bad_host; errc::bad_port.
 *         `offset` is relative to `text`. On error `out` is partially filled.
 */
[[nodiscard]] constexpr parse_result parse_uri(std::string_view text, uri& out) noexcept {
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated() && detail::parse_uri_fast(text, out))
    return {errc::ok, static_cast<std::uint32_t>(text.size())};
#endif
  return detail::parse_uri_general(text, out);
}

}  // namespace sipalg::sip
