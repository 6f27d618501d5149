/**
 * @file detail/value_scan.hpp
 * Internal helpers of the SIP header-value parsers (host.hpp, uri.hpp, params.hpp, via.hpp,
 * name_addr.hpp, call_id.hpp): one 256-entry character-class table, so each scanning loop
 * tests one bit per byte, and bounded 16-byte searches for the longer scans.
 *
 * Bounds: every 16-byte load reads [q, q + 16) with q + 16 <= s.size() (the tail of a view is
 * read as the LAST 16 bytes of the view, overlapping bytes already seen, whose bits are shifted
 * out), so nothing outside the view is ever read; views shorter than 16 bytes are scanned byte
 * by byte. Constant evaluation always takes the byte loops.
 */
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/config.hpp"
#include "sipalg/sip/detail/scan.hpp"

namespace sipalg::sip::detail {

/// Character-class bits of the header-value parsers (vc_ = value class).
enum : std::uint16_t {
  vc_host = 1u << 0,         ///< hostname / IPv4 characters: alnum - . _
  vc_not_v4 = 1u << 1,       ///< host characters that cannot appear in a dotted quad (all but digits and '.')
  vc_token = 1u << 2,        ///< RFC 3261 token (ascii::is_token)
  vc_lws = 1u << 3,          ///< SP HTAB CR LF (is_lws)
  vc_uri_bad = 1u << 4,      ///< cannot appear in a URI: <= 0x20, 0x7F, '<', '>', '"'
  vc_uri_stop = 1u << 5,     ///< vc_uri_bad or one of '@' ':' '?' (what the URI pass records)
  vc_ipv6 = 1u << 6,         ///< inside [ ]: hex digits, ':', '.', '%'
  vc_display = 1u << 7,      ///< unquoted display name: token, LWS or >= 0x80
  vc_digit = 1u << 8,        ///< '0'..'9'
  vc_pname_stop = 1u << 9,   ///< ends a parameter name in param_list iteration: ';' '=' LWS
  vc_pvalue_stop = 1u << 10, ///< ends an unquoted parameter value in iteration: ';' LWS
  vc_addr_stop = 1u << 11,   ///< ends a bare addr-spec: ';' ',' LWS
  vc_pskip = 1u << 12,       ///< skipped between parameters in iteration: ';' LWS
  vc_pvalue = 1u << 13,      ///< strict parameter value character: token [ ] : / & $
  vc_scheme = 1u << 14,      ///< scheme characters after the first: alnum + - .
};

constexpr std::array<std::uint16_t, 256> make_value_classes() {
  std::array<std::uint16_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool lws = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    std::uint16_t v = 0;
    if (ascii::is_alnum(ch) || ch == '-' || ch == '.' || ch == '_') {
      v |= vc_host;
      if (!ascii::is_digit(ch) && ch != '.') v |= vc_not_v4;
    }
    if (ascii::is_token(ch)) v |= vc_token;
    if (lws) v |= vc_lws;
    if (c <= 0x20 || c == 0x7F || ch == '<' || ch == '>' || ch == '"') v |= vc_uri_bad | vc_uri_stop;
    if (ch == '@' || ch == ':' || ch == '?') v |= vc_uri_stop;
    if (ascii::is_hex(ch) || ch == ':' || ch == '.' || ch == '%') v |= vc_ipv6;
    if (ascii::is_token(ch) || lws || c >= 0x80) v |= vc_display;
    if (ascii::is_digit(ch)) v |= vc_digit;
    if (ch == ';' || ch == '=' || lws) v |= vc_pname_stop;
    if (ch == ';' || lws) v |= vc_pvalue_stop | vc_pskip;
    if (ch == ';' || ch == ',' || lws) v |= vc_addr_stop;
    if (ascii::is_token(ch) || ch == '[' || ch == ']' || ch == ':' || ch == '/' || ch == '&' || ch == '$')
      v |= vc_pvalue;
    if (ascii::is_alnum(ch) || ch == '+' || ch == '-' || ch == '.') v |= vc_scheme;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}
inline constexpr std::array<std::uint16_t, 256> value_classes = make_value_classes();

/// The class bits of `c`.
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::uint16_t vclass(char c) noexcept {
  return value_classes[static_cast<unsigned char>(c)];
}
/// True when `c` has any of the bits `cls`.
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr bool has_vc(char c, std::uint16_t cls) noexcept {
  return (vclass(c) & cls) != 0;
}
/// First index >= i whose byte has none of the bits `cls` (s.size() when none).
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::size_t skip_vc(std::string_view s, std::size_t i,
                                                                 std::uint16_t cls) noexcept {
  while (i < s.size() && has_vc(s[i], cls)) ++i;
  return i;
}
/// First index >= i whose byte has one of the bits `cls` (s.size() when none).
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::size_t find_vc(std::string_view s, std::size_t i,
                                                                 std::uint16_t cls) noexcept {
  while (i < s.size() && !has_vc(s[i], cls)) ++i;
  return i;
}
/// Index of the first non-LWS byte at or after i (same as skip_lws, one table test per byte).
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::size_t skip_lws_vc(std::string_view s, std::size_t i) noexcept {
  return skip_vc(s, i, vc_lws);
}

#ifdef SIPALG_SIP_SIMD16
namespace value_simd {
using simd::i8x16;
using simd::u8x16;
SIPALG_ALWAYS_INLINE u8x16 load(const char* p) noexcept {
  u8x16 v;
  __builtin_memcpy(&v, p, 16);
  return v;
}
template <class M>
SIPALG_ALWAYS_INLINE unsigned bits(M m) noexcept {
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<i8x16>(m)));
}
}  // namespace value_simd
#endif

/**
 * First index >= i (i <= s.size()) where `vec(p)` (a 16-bit mask of p[0..16)) or, byte by byte,
 * `byte(c)` is true; s.size() when none. `vec` and `byte` must select the same bytes.
 */
template <class Vec, class Byte>
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::size_t find_first(std::string_view s, std::size_t i, Vec vec,
                                                                    Byte byte) noexcept {
  const std::size_t n = s.size();
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated()) {
    const char* p = s.data();
    while (n - i >= 16) {
      if (const unsigned m = vec(p + i); m != 0) return i + static_cast<unsigned>(std::countr_zero(m));
      i += 16;
    }
    if (i < n && n >= 16) {
      // The last 16 bytes of the view: [n - 16, n); drop the bits of the bytes before i.
      const unsigned m = vec(p + n - 16) >> (16 - (n - i));
      return m != 0 ? i + static_cast<unsigned>(std::countr_zero(m)) : n;
    }
  }
#else
  (void)vec;
#endif
  while (i < n && !byte(s[i])) ++i;
  return i;
}

/// First index >= i of the byte `c`, or s.size().
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::size_t find_byte(std::string_view s, std::size_t i, char c) noexcept {
  return find_first(
      s, i,
      [c](const char* p) {
#ifdef SIPALG_SIP_SIMD16
        return value_simd::bits(value_simd::load(p) == static_cast<unsigned char>(c));
#else
        (void)p;
        (void)c;  // used only by the vector path
        return 0u;
#endif
      },
      [c](char x) { return x == c; });
}

/// skip_quoted() (same result): given s[i] == '"', one past the closing quote, or npos.
[[nodiscard]] constexpr std::size_t skip_quoted_fast(std::string_view s, std::size_t i) noexcept {
  ++i;
  for (;;) {
    i = find_first(
        s, i,
        [](const char* p) {
#ifdef SIPALG_SIP_SIMD16
          const auto v = value_simd::load(p);
          return value_simd::bits((v == '"') | (v == '\\'));
#else
          (void)p;
          return 0u;
#endif
        },
        [](char x) { return x == '"' || x == '\\'; });
    if (i >= s.size()) return npos;
    if (s[i] == '"') return i + 1;
    if (i + 1 >= s.size()) return npos;  // a lone backslash at the end
    i += 2;
  }
}

/// find_top_level(s, i, ',') (same result), skipping the bytes that are none of ',' '"' '<' 16 at a time.
[[nodiscard]] constexpr std::size_t find_top_level_comma(std::string_view s, std::size_t i) noexcept {
  i = find_first(
      s, i,
      [](const char* p) {
#ifdef SIPALG_SIP_SIMD16
        const auto v = value_simd::load(p);
        return value_simd::bits((v == ',') | (v == '"') | (v == '<'));
#else
        (void)p;
        return 0u;
#endif
      },
      [](char x) { return x == ',' || x == '"' || x == '<'; });
  if (i >= s.size() || s[i] == ',') return i;
  return find_top_level(s, i, ',');  // a quoted string or <...> before any ','
}

/// First byte at or after i that is <= 0x20 or 0x7F (a control, SP or DEL), or s.size().
[[nodiscard]] constexpr std::size_t find_ctl_or_sp(std::string_view s, std::size_t i) noexcept {
  return find_first(
      s, i,
      [](const char* p) {
#ifdef SIPALG_SIP_SIMD16
        const auto v = value_simd::load(p);
        return value_simd::bits((v <= 0x20) | (v == 0x7F));
#else
        (void)p;
        return 0u;
#endif
      },
      [](char x) {
        const auto c = static_cast<unsigned char>(x);
        return c <= 0x20 || c == 0x7F;
      });
}

/// True when all `n` bytes at p (digits and '.' only) form a dotted quad ip_address::parse_v4 accepts:
/// four 1-3 digit parts <= 255 without leading zeros. Straight-line code per part.
[[nodiscard]] constexpr bool is_dotted_quad(const char* p, std::size_t n) noexcept {
  if (n < 7 || n > 15) return false;
  const char* const e = p + n;
  for (int part = 0; part < 4; ++part) {
    if (p == e || *p == '.') return false;  // empty part
    unsigned v = static_cast<unsigned>(*p++ - '0');
    if (p != e && *p != '.') {
      if (v == 0) return false;  // leading zero
      v = v * 10 + static_cast<unsigned>(*p++ - '0');
      if (p != e && *p != '.') {
        v = v * 10 + static_cast<unsigned>(*p++ - '0');
        if (v > 255) return false;
        if (p != e && *p != '.') return false;  // four digits
      }
    }
    if (part == 3) return p == e;
    if (p == e) return false;
    ++p;  // the '.'
  }
  return false;
}

/// A hostname / IPv4 run: `end` is the first index >= i without vc_host; `ipv4` is true when
/// the run is a dotted quad (is_dotted_quad()).
struct host_run {
  std::size_t end;
  bool ipv4;
};

#ifdef SIPALG_SIP_SIMD16
/**
 * is_dotted_quad() of a run of `len` (7..15) digits and dots: byte j of the run is lane j of `v`
 * after its masks are shifted right by `shift`, and `dots` is the run's '.' mask (bits >= len
 * clear). Bit arithmetic on lane masks, no branch per byte; the digit values are compared only
 * for parts of three digits that do not start with '1'.
 */
SIPALG_ALWAYS_INLINE bool is_dotted_quad_lanes(value_simd::u8x16 v, unsigned shift, unsigned len,
                                               unsigned dots) noexcept {
  // Exactly three dots: clearing the lowest two leaves one bit.
  const unsigned two_cleared = dots & (dots - 1u) & ((dots & (dots - 1u)) - 1u);
  if (two_cleared == 0 || (two_cleared & (two_cleared - 1u)) != 0) return false;
  // Parts of 1 to 3 digits: no part starts on a boundary (a dot, or the end: an empty part), and
  // one of the three bytes after each part start is a boundary.
  const unsigned bounds = dots | (1u << len);
  const unsigned starts = (dots << 1) | 1u;  // first byte of each part
  if ((starts & bounds) != 0 || (starts & ~((bounds >> 1) | (bounds >> 2) | (bounds >> 3))) != 0) return false;
  const unsigned digits = ((1u << len) - 1u) & ~dots;
  const unsigned zero = value_simd::bits(v == '0') >> shift;
  if ((zero & starts & (digits >> 1)) != 0) return false;  // a leading zero
  const unsigned three = starts & (digits >> 1) & (digits >> 2);  // parts of three digits
  if (three == 0) return true;
  const unsigned ge2 = value_simd::bits(v > '1') >> shift;
  if ((three & ge2) == 0) return true;  // 1xx <= 199
  // abc > 255 <=> a > 2, or a == 2 and (b > 5, or b == 5 and c > 5).
  const unsigned gt2 = value_simd::bits(v > '2') >> shift;
  const unsigned eq2 = ge2 & ~gt2;
  const unsigned gt5 = value_simd::bits(v > '5') >> shift;
  const unsigned eq5 = value_simd::bits(v == '5') >> shift;
  return (three & (gt2 | (eq2 & ((gt5 >> 1) | ((eq5 >> 1) & (gt5 >> 2)))))) == 0;
}
#endif

[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr host_run scan_host_run(std::string_view s, std::size_t i) noexcept {
  const std::size_t n = s.size();
  if (i >= n) return {i, false};
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated() && n >= 16) {
    // 16 bytes per step; the last step reads the view's last 16 bytes and shifts out the bytes
    // before k, so the shifted-in zero bits (= "not a host byte") sit exactly at the view's end.
    const char* p = s.data();
    for (std::size_t k = i;; k += 16) {
      if (k >= n) return {n, false};  // (k > i here: a run of 16+ bytes is no dotted quad)
      const bool whole = n - k >= 16;
      const unsigned shift = whole ? 0u : static_cast<unsigned>(16 - (n - k));
      const auto v = value_simd::load(whole ? p + k : p + n - 16);
      const auto lower = v | 0x20;
      const auto alpha = static_cast<value_simd::u8x16>(lower - 'a') <= 25;
      const auto digit = static_cast<value_simd::u8x16>(v - '0') <= 9;
      const auto other = (v == '-') | (v == '_');
      const unsigned host = value_simd::bits(alpha | digit | other | (v == '.')) >> shift;
      const unsigned stop = ~host & 0xFFFFu;
      if (stop == 0) continue;
      const unsigned len = static_cast<unsigned>(std::countr_zero(stop));  // <= 15
      if (k != i || len < 7) return {k + len, false};
      const unsigned not_v4 = (value_simd::bits(alpha | other) >> shift) & ((1u << len) - 1u);
      const unsigned dots = (value_simd::bits(v == '.') >> shift) & ((1u << len) - 1u);
      return {k + len, not_v4 == 0 && is_dotted_quad_lanes(v, shift, len, dots)};
    }
  }
#endif
  std::uint16_t seen = 0;
  const std::size_t b = i;
  while (i < n) {
    const std::uint16_t c = vclass(s[i]);
    if ((c & vc_host) == 0) break;
    seen |= c;
    ++i;
  }
  return {i, (seen & vc_not_v4) == 0 && is_dotted_quad(s.data() + b, i - b)};
}

/// True when s[i..i+8) is exactly "SIP/2.0/".
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr bool is_sip20_slash(std::string_view s, std::size_t i) noexcept {
  if (s.size() - i < 8) return false;
  constexpr std::string_view want = "SIP/2.0/";
  if (!std::is_constant_evaluated()) {
    std::uint64_t a = 0, b = 0;
    std::memcpy(&a, s.data() + i, 8);
    std::memcpy(&b, want.data(), 8);
    return a == b;
  }
  for (std::size_t k = 0; k < 8; ++k)
    if (s[i + k] != want[k]) return false;
  return true;
}

}  // namespace sipalg::sip::detail
