/**
 * @file detail/scan.hpp
 * Internal scanning helpers of the SIP layer: character classes, a word-at-a-time
 * scan for line-end/control bytes, LWS skipping, quoted strings and top-level
 * list splitting. Every function is bounds-checked against the view it gets.
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

namespace sipalg::sip::detail {

inline constexpr std::size_t npos = std::string_view::npos;

#if (defined(__GNUC__) || defined(__clang__)) && defined(__SSE2__) && !defined(SIPALG_NO_SIMD)
/// 16-byte scans with GCC/Clang vector extensions (SSE2 on x86-64: no intrinsics header needed).
#define SIPALG_SIP_SIMD16 1
namespace simd {
typedef unsigned char u8x16 __attribute__((vector_size(16)));
typedef char i8x16 __attribute__((vector_size(16)));
/// Bit i set when p[i] is NUL, LF or CR (reads p[0..16)).
SIPALG_ALWAYS_INLINE unsigned special_mask(const char* p) noexcept {
  u8x16 v;
  __builtin_memcpy(&v, p, 16);
  const auto m = (v == 0) | (v == '\n') | (v == '\r');
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<i8x16>(m)));
}
/// Bit i set when p[i] is ':' or below 0x0E (reads p[0..16)).
SIPALG_ALWAYS_INLINE unsigned colon_control_mask(const char* p) noexcept {
  u8x16 v;
  __builtin_memcpy(&v, p, 16);
  const auto m = (v == ':') | (v < 14);
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<i8x16>(m)));
}
/// Bit i set when p[i] cannot continue a Request-URI: <= 0x20, >= 0x7F, '<', '>', '"' or '`'.
SIPALG_ALWAYS_INLINE unsigned uri_stop_mask(const char* p) noexcept {
  u8x16 v;
  __builtin_memcpy(&v, p, 16);
  const auto m = (v <= 0x20) | (v >= 0x7F) | (v == '<') | (v == '>') | (v == '"') | (v == '`');
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<i8x16>(m)));
}
}  // namespace simd
#endif

/// LWS characters as they appear inside header values (folded lines keep CR/LF).
[[nodiscard]] constexpr bool is_lws(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Index of the first non-LWS character at or after `i` (or s.size()).
[[nodiscard]] constexpr std::size_t skip_lws(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && is_lws(s[i])) ++i;
  return i;
}

/// `s` without leading and trailing LWS.
[[nodiscard]] constexpr std::string_view trim_lws(std::string_view s) noexcept { return ascii::trim_lws(s); }

/// Given s[i] == '"', the index one past the closing quote (backslash escapes
/// honoured), or npos when the string is unterminated or ends in a lone backslash.
[[nodiscard]] constexpr std::size_t skip_quoted(std::string_view s, std::size_t i) noexcept {
  ++i;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\') {
      if (i + 1 >= s.size()) return npos;
      i += 2;
      continue;
    }
    ++i;
  }
  return npos;
}

/**
 * Index of the first `stop` character at or after `i` that is outside quoted
 * strings and `<...>`, or s.size(). An unterminated quote or `<` runs to the
 * end (the element parser then reports the error).
 */
[[nodiscard]] constexpr std::size_t find_top_level(std::string_view s, std::size_t i, char stop) noexcept {
  while (i < s.size()) {
    const char c = s[i];
    if (c == stop) return i;
    if (c == '"') {
      const std::size_t e = skip_quoted(s, i);
      if (e == npos) return s.size();
      i = e;
      continue;
    }
    if (c == '<') {
      // URIs inside <> contain no '>' or '"'; a quote inside would be malformed anyway.
      while (i < s.size() && s[i] != '>') ++i;
      if (i == s.size()) return i;
    }
    ++i;
  }
  return s.size();
}

/// Bytes the head scanner must stop at: NUL, LF, CR.
[[nodiscard]] constexpr bool is_head_special(char c) noexcept {
  return c == '\0' || c == '\n' || c == '\r';
}

/**
 * Offset of the first NUL, LF or CR in [p, end), or end - p.
 * Scans eight bytes per step (SWAR) when not constant-evaluated; only reads
 * bytes inside [p, end).
 */
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::size_t find_head_special(const char* p, const char* end) noexcept {
  const char* q = p;
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated()) {
    while (end - q >= 16) {
      if (const unsigned m = simd::special_mask(q); m != 0)
        return static_cast<std::size_t>(q - p) + static_cast<unsigned>(std::countr_zero(m));
      q += 16;
    }
  }
#endif
  if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    // High bit set in the lowest byte that is < 0x0E (exact for the lowest such byte).
    auto flags = [](std::uint64_t v) { return (v - ones * 0x0E) & ~v & highs; };
    // Some byte in [q, q + 8) is < 0x0E: find a NUL/LF/CR among them, or skip the harmless TAB etc.
    auto resolve = [&](const char* w, std::uint64_t m) -> const char* {
      for (unsigned j = static_cast<unsigned>(std::countr_zero(m)) >> 3; j < 8; ++j)
        if (is_head_special(w[j])) return w + j;
      return nullptr;
    };
    while (end - q >= 16) {
      std::uint64_t v0, v1;
      std::memcpy(&v0, q, 8);
      std::memcpy(&v1, q + 8, 8);
      const std::uint64_t m0 = flags(v0), m1 = flags(v1);
      if ((m0 | m1) != 0) {
        if (m0 != 0)
          if (const char* r = resolve(q, m0)) return static_cast<std::size_t>(r - p);
        if (m1 != 0)
          if (const char* r = resolve(q + 8, m1)) return static_cast<std::size_t>(r - p);
      }
      q += 16;
    }
    if (end - q >= 8) {
      std::uint64_t v;
      std::memcpy(&v, q, 8);
      if (const std::uint64_t m = flags(v); m != 0)
        if (const char* r = resolve(q, m)) return static_cast<std::size_t>(r - p);
      q += 8;
    }
  }
  while (q < end && !is_head_special(*q)) ++q;
  return static_cast<std::size_t>(q - p);
}

/**
 * Offset of the first ':' or control byte below 0x0E (NUL, TAB, LF, CR, ...) in
 * [p, end), or end - p. Used to find the end of a header name; reads only inside [p, end).
 */
[[nodiscard]] SIPALG_ALWAYS_INLINE std::size_t find_colon_or_control(const char* p, const char* end) noexcept {
  const char* q = p;
#ifdef SIPALG_SIP_SIMD16
  while (end - q >= 16) {
    if (const unsigned m = simd::colon_control_mask(q); m != 0)
      return static_cast<std::size_t>(q - p) + static_cast<unsigned>(std::countr_zero(m));
    q += 16;
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    while (end - q >= 8) {
      std::uint64_t v;
      std::memcpy(&v, q, 8);
      const std::uint64_t x = v ^ (ones * ':');
      // Each term's lowest flag is exact, so the lowest flag of the union is too.
      const std::uint64_t m = ((x - ones) & ~x & highs) | ((v - ones * 0x0E) & ~v & highs);
      if (m != 0) return static_cast<std::size_t>(q - p) + (static_cast<unsigned>(std::countr_zero(m)) >> 3);
      q += 8;
    }
  }
  while (q < end && *q != ':' && static_cast<unsigned char>(*q) >= 0x0E) ++q;
  return static_cast<std::size_t>(q - p);
}

/// Character class bits for the start line and URIs.
enum : std::uint8_t {
  cc_token = 1,       ///< RFC 3261 token
  cc_uri = 2,         ///< visible ASCII allowed in a Request-URI (0x21..0x7E except < > " and `)
  cc_host = 4,        ///< hostname / IPv4 characters (alnum - . _)
  cc_scheme = 8,      ///< scheme characters after the first (alnum + - .)
  cc_ipv6 = 16,       ///< characters inside [ ] of an IPv6 reference (hex : . and % for zones)
};

constexpr std::array<std::uint8_t, 256> make_char_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    std::uint8_t v = 0;
    if (ascii::is_token(ch)) v |= cc_token;
    if (c > 0x20 && c < 0x7F && ch != '<' && ch != '>' && ch != '"' && ch != '`') v |= cc_uri;
    if (ascii::is_alnum(ch) || ch == '-' || ch == '.' || ch == '_') v |= cc_host;
    if (ascii::is_alnum(ch) || ch == '+' || ch == '-' || ch == '.') v |= cc_scheme;
    if (ascii::is_hex(ch) || ch == ':' || ch == '.' || ch == '%') v |= cc_ipv6;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}
inline constexpr std::array<std::uint8_t, 256> char_classes = make_char_classes();

[[nodiscard]] constexpr bool has_class(char c, std::uint8_t cls) noexcept {
  return (char_classes[static_cast<unsigned char>(c)] & cls) != 0;
}

}  // namespace sipalg::sip::detail
