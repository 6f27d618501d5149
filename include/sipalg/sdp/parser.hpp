/**
 * @file parser.hpp
 * `parse_sdp`: a zero-copy, allocation-free SDP parser (RFC 8866, which
 * obsoletes RFC 4566) that fills a `basic_session_description`
 * (session.hpp) with views into the caller's body.
 *
 * Grammar: one `<type>=<value>` line per field. The session section starts
 * with v= and runs up to the first m=; each m= line starts a media section
 * that runs up to the next m= line (RFC 8866 5).
 *
 * Lenient where real devices deviate and a rewrite stays safe:
 * - line ends: CRLF, LF alone, and no line end after the last line;
 * - trailing SP/HTAB on a line, blank (or whitespace-only) lines anywhere;
 * - runs of SP/HTAB between the fields of o=, c=, m= and a=rtcp, and before
 *   the first field;
 * - line order inside a section is not enforced (RFC 8866 lists v o s i u e
 *   p c b t r z k a, then m sections with i c b k a; phones put a= before t=
 *   or b= before c=, and t=, r=, z= in a media section are ignored). Only v=
 *   must come first, and o= must be in the session section;
 * - s= and t= may be missing; c= may be missing (the effective connection is
 *   then absent); a second s= is ignored;
 * - an o= username that contains spaces (the last five o= fields are fixed);
 * - lowercase type letters RFC 8866 does not define are skipped, not
 *   rejected (RFC 8866 5 allows either; GB/T 28181 cameras send y= and f=).
 *
 * Strict where a rewrite would be unsafe (each is an error with the offset of
 * the line or field):
 * - NUL bytes and a CR that is not followed by LF (`bad_character`); a
 *   non-blank line that is not `<lowercase letter>=` (`bad_line`);
 * - v= missing or not first, or not "0"; a second v= or o=; o= in a media
 *   section; no o= at all;
 * - o=, c=, m= and a=rtcp that do not have exactly their fields; nettype
 *   other than IN; addrtype other than IP4/IP6; an address that is neither
 *   an IP literal of that family nor a host name (digits-and-dots that are not
 *   a valid IPv4 address, an IPv6 literal under IP4 or the reverse, zone ids;
 *   a bracketed IPv6 literal "[2001:db8::1]" is tolerated under IP6, and
 *   `address` then excludes the brackets);
 *   a malformed multicast /ttl or /count; a /suffix on the o= address;
 * - a port (m=, a=rtcp) that is not a decimal 0..65535; a /count of ports of 0;
 * - a second c= at one level, except multicast c= lines in a media section
 *   (RFC 8866 5.7 layered encoding: the first is indexed, the others are
 *   validated and counted in `extra_connections`; multicast is never NATed),
 *   and a second a=rtcp in one media section;
 * - more m= sections or a= lines than the description can hold.
 *
 * Implementation (issue 9, instruction counts): lines are found with 16-byte
 * vector compares (SSE2 through GCC/Clang vector extensions; SWAR or bytes
 * elsewhere and near the end of the body, never a load past it); the fields of
 * o=, c= and m= come from one 64-bit mask of their blanks; IPv4 literals, the
 * nettype/addrtype pair, ports and the attribute names the parser interprets
 * have inline fast paths, and anything unusual (IPv6, names, multicast
 * suffixes, long lines, every error) takes the general code, so verdicts,
 * error codes and offsets are those of the straightforward parser
 * (tests/sdp/differential_test.cpp compares the two).
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
#include "sipalg/core/config.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sdp/errc.hpp"
#include "sipalg/sdp/session.hpp"

namespace sipalg::sdp {

namespace detail {

/// Removes and returns the first SP/HTAB-separated field of `s` (empty when none is left).
constexpr std::string_view take_field(std::string_view& s) noexcept {
  const char* p = s.data();
  const char* const e = p + s.size();
  while (p != e && (*p == ' ' || *p == '\t')) ++p;
  const char* const f = p;
  // Most field bytes are printable (above ' '): one compare for them.
  while (p != e && (static_cast<unsigned char>(*p) > ' ' || (*p != ' ' && *p != '\t'))) ++p;
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

#if (defined(__GNUC__) || defined(__clang__)) && defined(__SSE2__) && !defined(SIPALG_NO_SIMD)
#define SIPALG_SDP_SIMD16 1
/// 16-byte vectors (GCC/Clang vector extensions: SSE2 on x86-64, no intrinsics header needed).
typedef unsigned char sdp_u8x16 __attribute__((vector_size(16)));
typedef char sdp_i8x16 __attribute__((vector_size(16)));
/// The lane mask of a vector compare as 16 bits.
SIPALG_ALWAYS_INLINE unsigned mask16(sdp_u8x16 c) noexcept {
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(c)));
}
/// Bit k set when p[k] is below 0x0E (NUL, LF, CR, HTAB ...). Reads exactly p[0, 16): the caller checks that they are
/// in bounds.
SIPALG_ALWAYS_INLINE unsigned control_mask16(const char* p) noexcept {
  sdp_u8x16 v;
  __builtin_memcpy(&v, p, 16);
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(v < 0x0E)));
}
/// Bit k set when p[k] is SP or HTAB. Reads exactly p[0, 16): the caller checks that they are in bounds.
SIPALG_ALWAYS_INLINE unsigned wsp_mask16(const char* p) noexcept {
  sdp_u8x16 v;
  __builtin_memcpy(&v, p, 16);
  const auto m = (v == ' ') | (v == '\t');
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(m)));
}
/// Bit k set when p[k] is ':'. Reads exactly p[0, 16): the caller checks that they are in bounds.
SIPALG_ALWAYS_INLINE unsigned colon_mask16(const char* p) noexcept {
  sdp_u8x16 v;
  __builtin_memcpy(&v, p, 16);
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(v == ':')));
}
#endif

/**
 * The first byte below 0x0E (NUL, HTAB, LF, CR and other controls) in
 * [p, e), or `e`. Reads only inside [p, e): with SSE2 16 bytes at a time
 * (exact 16-byte loads while at least 16 remain), else on little-endian
 * targets eight at a time (exact 8-byte loads), then byte by byte.
 */
constexpr const char* find_control(const char* p, const char* const e) noexcept {
  if (!std::is_constant_evaluated()) {
#ifdef SIPALG_SDP_SIMD16
    while (e - p >= 16) {
      if (const unsigned m = control_mask16(p)) return p + __builtin_ctz(m);
      p += 16;
    }
#endif
    if constexpr (std::endian::native == std::endian::little) {
      constexpr std::uint64_t ones = 0x0101010101010101ull;
      constexpr std::uint64_t highs = 0x8080808080808080ull;
      while (e - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        // The lowest set bit marks the first byte below 0x0E exactly (borrows
        // only produce false marks above a true one).
        if (const std::uint64_t m = (w - ones * 0x0E) & ~w & highs) return p + std::countr_zero(m) / 8;
        p += 8;
      }
    }
  }
  for (; p != e; ++p)
    if (static_cast<unsigned char>(*p) < 0x0E) return p;
  return e;
}

/**
 * find_control(p, e) for a body that starts at `begin` (<= p): with SSE2 the
 * last bytes, fewer than 16, come from the body's last 16-byte block
 * [e - 16, e) (the mask shifted past the bytes before p) instead of SWAR and
 * byte steps, when the body has 16 bytes. Reads only inside [begin, e).
 */
constexpr const char* find_control_in(const char* p, const char* const e, const char* begin) noexcept {
#ifdef SIPALG_SDP_SIMD16
  if (!std::is_constant_evaluated()) {
    for (;;) {
      if (e - p >= 16) {
        if (const unsigned m = control_mask16(p)) return p + __builtin_ctz(m);
        p += 16;
        continue;
      }
      if (e - begin < 16) break;  // a body under 16 bytes: find_control below
      // 1 to 15 bytes left (or none): the block ending at e, without the lanes before p.
      const unsigned m = control_mask16(e - 16) >> (16 - (e - p));
      return m != 0 ? p + __builtin_ctz(m) : e;
    }
  }
#else
  (void)begin;
#endif
  return find_control(p, e);
}

/// True when p[0], p[1] (both readable) are CR LF: one 16-bit compare outside constant evaluation.
constexpr bool is_crlf(const char* p) noexcept {
  if (std::is_constant_evaluated() || std::endian::native != std::endian::little) return p[0] == '\r' && p[1] == '\n';
  std::uint16_t w;
  std::memcpy(&w, p, 2);
  return w == 0x0A0D;
}

/// The first LF, CR or NUL in [p, e), or `e` (find_control, stepping over HTAB and the other controls).
constexpr const char* find_stop(const char* p, const char* const e) noexcept {
  for (;; ++p) {
    p = find_control(p, e);
    if (p == e || is_line_stop(*p)) return p;
  }
}

/// Index of the first LF, CR or NUL in `p[i, n)`, or `n` (find_stop by index).
constexpr std::size_t find_line_stop(const char* p, std::size_t i, std::size_t n) noexcept {
  return static_cast<std::size_t>(find_stop(p + i, p + n) - p);
}

/**
 * The SP/HTAB-separated fields of a line value of at most 64 bytes, as two
 * bit masks: bit k of `ws` is set when byte k is SP or HTAB, bit k of `rest`
 * when byte k belongs to a field not taken yet. `next()` takes the fields in
 * order like take_field, from registers.
 */
struct field_masks {
  const char* p = nullptr;  ///< the value
  std::size_t len = 0;      ///< its length, <= 64
  std::uint64_t ws = 0;     ///< SP/HTAB bytes
  std::uint64_t rest = 0;   ///< bytes of the fields not taken yet
  std::size_t end = 0;      ///< one past the last field taken (0 before the first)

  /**
   * Builds the masks of [p, e); false when the value is longer than 64 bytes.
   * `limit` (>= e) is the end of the body: with SSE2 the value's 16-byte
   * blocks are compared at once when they all lie inside the body (bytes past
   * e are read and masked off), otherwise byte by byte.
   */
  constexpr bool init(const char* b, const char* e, const char* limit) noexcept {
    p = b;
    len = static_cast<std::size_t>(e - b);
    if (len > 64) return false;
    const std::uint64_t valid = len == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << len) - 1;
    ws = 0;
#ifdef SIPALG_SDP_SIMD16
    if (!std::is_constant_evaluated() && static_cast<std::size_t>(limit - b) >= ((len + 15) & ~std::size_t{15})) {
      for (std::size_t j = 0; j < len; j += 16) ws |= std::uint64_t{wsp_mask16(b + j)} << j;
      ws &= valid;
    } else
#else
    (void)limit;
#endif
    {
      for (std::size_t k = 0; k < len; ++k)
        if (b[k] == ' ' || b[k] == '\t') ws |= std::uint64_t{1} << k;
    }
    rest = ~ws & valid;
    end = 0;
    return true;
  }

  /// The next field; empty (at the value's end) when none is left.
  constexpr std::string_view next() noexcept {
    if (rest == 0) return std::string_view(p + len, 0);
    const auto b = static_cast<std::size_t>(std::countr_zero(rest));
    const std::uint64_t t = ws >> b;
    end = t != 0 ? b + static_cast<std::size_t>(std::countr_zero(t)) : len;
    rest = end >= 64 ? 0 : rest & (~std::uint64_t{0} << end);
    return std::string_view(p + b, end - b);
  }
  /// True when a further field follows the ones taken.
  [[nodiscard]] constexpr bool more() const noexcept { return rest != 0; }
  /// Where the next field starts (only when more()).
  [[nodiscard]] constexpr const char* next_start() const noexcept { return p + std::countr_zero(rest); }
};

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
  // Case-insensitive "IN" and "IP4"/"IP6" without iequals: (c | 0x20) == 'i' holds
  // exactly for 'i' and 'I' (likewise for 'n', 'p'); the digits compare exactly.
  const auto lower_is = [](char c, char l) {
    return (static_cast<unsigned char>(c) | 0x20u) == static_cast<unsigned char>(l);
  };
  if (nettype.size() != 2 || !lower_is(nettype[0], 'i') || !lower_is(nettype[1], 'n')) return nettype.data();
  if (addrtype.size() != 3 || !lower_is(addrtype[0], 'i') || !lower_is(addrtype[1], 'p')) return addrtype.data();
  if (addrtype[2] == '4') {
    out.type = address_type::ip4;
  } else if (addrtype[2] == '6') {
    out.type = address_type::ip6;
  } else {
    return addrtype.data();
  }
  out.nettype = nettype;
  out.addrtype = addrtype;
  return nullptr;
}

/**
 * Parses a dotted-quad IPv4 literal at the start of [p, e): exactly the
 * language of `ip_address::parse_v4` (four decimal octets 0..255, 1-3 digits,
 * no leading zero), ending at `e` or at a byte that is neither a digit nor a
 * dot. Returns one past the quad, or nullptr when [p, e) does not start with
 * one (or a fifth digit / dot follows it: the caller then sees that the
 * literal does not end where it should). Reads only inside [p, e).
 */
constexpr const char* parse_quad_prefix(const char* p, const char* e, std::uint8_t (&out)[4]) noexcept {
  const auto digit = [](char c) { return static_cast<unsigned>(static_cast<unsigned char>(c)) - '0'; };
  for (int k = 0; k < 4; ++k) {
    if (p == e) return nullptr;
    unsigned v = digit(*p);
    if (v > 9) return nullptr;
    ++p;
    unsigned d;
    if (p != e && (d = digit(*p)) <= 9) {
      if (v == 0) return nullptr;  // a leading zero
      v = v * 10 + d;
      ++p;
      if (p != e && (d = digit(*p)) <= 9) {
        v = v * 10 + d;
        ++p;
        if (v > 255 || (p != e && digit(*p) <= 9)) return nullptr;  // too large, or a fourth digit
      }
    }
    out[k] = static_cast<std::uint8_t>(v);
    if (k < 3) {
      if (p == e || *p != '.') return nullptr;
      ++p;
    }
  }
  return p;
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

#ifdef SIPALG_SDP_SIMD16
/**
 * `parse_quad_prefix` for a whole string of at most 15 bytes whose 16-byte
 * block lies inside the body (the byte past it is read and masked off): the
 * digits and dots are found with one vector compare each, then the four
 * octets are read at the dot positions. True, with `out` set, when `s` is
 * exactly a dotted quad of the `ip_address::parse_v4` grammar.
 */
SIPALG_ALWAYS_INLINE bool parse_quad16(const char* p, std::size_t len, std::uint8_t (&out)[4]) noexcept {
  sdp_u8x16 v;
  __builtin_memcpy(&v, p, 16);
  const sdp_u8x16 d = v - static_cast<unsigned char>('0');
  const unsigned valid = (1u << len) - 1;
  const unsigned digits =
      static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(d <= 9))) & valid;
  const unsigned dots =
      static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(v == '.'))) & valid;
  if ((digits | dots) != valid) return false;  // some other byte
  // Exactly three dots.
  const unsigned dots2 = dots & (dots - 1), dots3 = dots2 & (dots2 - 1);
  if (dots3 == 0 || (dots3 & (dots3 - 1)) != 0) return false;
  const auto octet = [p](std::size_t b, std::size_t e, std::uint8_t& o) {
    const std::size_t n = e - b;  // wraps to huge when e < b (cannot happen: dots ascend)
    if (n - 1 > 2) return false;  // 1 to 3 digits
    unsigned x = static_cast<unsigned char>(p[b]) - '0';
    if (n > 1) {
      if (x == 0) return false;  // a leading zero
      x = x * 10 + (static_cast<unsigned char>(p[b + 1]) - '0');
      if (n == 3) x = x * 10 + (static_cast<unsigned char>(p[b + 2]) - '0');
      if (x > 255) return false;
    }
    o = static_cast<std::uint8_t>(x);
    return true;
  };
  const auto a = static_cast<std::size_t>(std::countr_zero(dots));
  const auto b = static_cast<std::size_t>(std::countr_zero(dots2));
  const auto c = static_cast<std::size_t>(std::countr_zero(dots3));
  return octet(0, a, out[0]) && octet(a + 1, b, out[1]) && octet(b + 1, c, out[2]) && octet(c + 1, len, out[3]);
}
#endif

/// True, with `out` set, when `s` is exactly an IPv4 dotted quad (`ip_address::parse_v4`). `limit`: the body end.
constexpr bool parse_quad(std::string_view s, const char* limit, std::uint8_t (&out)[4]) noexcept {
#ifdef SIPALG_SDP_SIMD16
  if (!std::is_constant_evaluated() && s.size() <= 15 && limit - s.data() >= 16)
    return parse_quad16(s.data(), s.size(), out);
#else
  (void)limit;
#endif
  return !s.empty() && parse_quad_prefix(s.data(), s.data() + s.size(), out) == s.data() + s.size();
}

/// `parse_host` with the common case (an IPv4 literal under IP4) inline first; same result. `limit`: the body end.
constexpr bool parse_host_fast(std::string_view host, net_address& out, const char* limit) noexcept {
  std::uint8_t q[4];
  if (out.type == address_type::ip4 && parse_quad(host, limit, q)) {
    out.address = host;
    out.ip = ip_address::v4(q[0], q[1], q[2], q[3]);
    return true;
  }
  return parse_host(host, out);  // IPv6, names, and every error
}

/**
 * Parses a `connection-address` (RFC 8866 5.7): the host, then for IP4 an
 * optional "/ttl[/count]", for IP6 an optional "/count". Returns nullptr on
 * success or the position of the bad part. `limit` is the end of the body.
 */
constexpr const char* parse_connection_address(std::string_view text, net_address& out,
                                               std::optional<std::uint8_t>& ttl, std::optional<std::uint32_t>& count,
                                               const char* limit) noexcept {
  // The common case: an IPv4 literal without a multicast suffix. Anything
  // else (a suffix, a name, an error) takes the general path below.
  std::uint8_t q[4];
  if (out.type == address_type::ip4 && parse_quad(text, limit, q)) {
    out.address = text;
    out.ip = ip_address::v4(q[0], q[1], q[2], q[3]);
    return nullptr;
  }
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
/// `limit` is the end of the body (see field_masks).
constexpr const char* parse_origin(std::string_view value, origin_field& o, const char* limit) noexcept {
  // The common case, exactly six fields, in one forward pass; a username with
  // spaces (or missing fields) takes the last five fields from the end instead.
  field_masks f;
  std::string_view user, id, version, nettype, addrtype, address;
  bool forward = false;
  if (f.init(value.data(), value.data() + value.size(), limit)) {
    user = f.next(), id = f.next(), version = f.next(), nettype = f.next(), addrtype = f.next(), address = f.next();
    forward = !address.empty() && !f.more();
  }
  if (!forward) {
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
  if (!parse_host_fast(address, o, limit)) return address.data();
  o.username = user;
  o.sess_id = id;
  o.sess_version = version;
  return nullptr;
}

/// c= value. Returns nullptr or the failing position. `limit` is the end of the body (see field_masks).
constexpr const char* parse_connection(std::string_view value, connection_field& c, const char* limit) noexcept {
  std::string_view nettype, addrtype, address;
  field_masks f;
  if (f.init(value.data(), value.data() + value.size(), limit)) {
    nettype = f.next(), addrtype = f.next(), address = f.next();
    if (address.empty()) return value.data();
    if (f.more()) return f.next_start();  // a fourth field
  } else {
    std::string_view rest = value;
    nettype = take_field(rest), addrtype = take_field(rest), address = take_field(rest);
    if (address.empty()) return value.data();
    if (!ascii::trim_wsp(rest).empty()) return ascii::trim_wsp(rest).data();
  }
  if (const char* bad = parse_types(nettype, addrtype, c)) return bad;
  return parse_connection_address(address, c, c.ttl, c.count, limit);
}

#ifdef SIPALG_SDP_SIMD16
/**
 * The IPv4 dotted quad that is exactly the `len` (7..15) bytes before `end`,
 * from one 16-byte load of [end - 16, end): the caller guarantees that these
 * 16 bytes lie inside the body and that the byte before the literal is not a
 * digit (it is a blank for both callers; the bytes before the literal are
 * otherwise ignored). Same language as `ip_address::parse_v4` (four octets
 * 0..255 of 1 to 3 digits, no leading zero). The lane masks give the dots and
 * check all four octets at once (lengths, leading zeros); the octet values are
 * computed in every lane at once (units + 10 tens + 100 hundreds, range
 * checked) and read at the four last-digit lanes.
 */
SIPALG_ALWAYS_INLINE bool parse_quad_ending(const char* end, unsigned len, std::uint8_t (&out)[4]) noexcept {
  sdp_u8x16 v;
  __builtin_memcpy(&v, end - 16, 16);
  // Lanes [16 - len, 16) hold the literal; the masks keep lane numbers (bit k: lane k).
  const unsigned first = 1u << (16 - len);  // the literal's first lane
  const unsigned all = 0x10000u - first;    // its lanes
  const sdp_u8x16 d = v - static_cast<unsigned char>('0');
  const auto mask = [](auto m) {
    return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(m)));
  };
  const unsigned digits = mask(d <= 9) & all, dots = mask(v == '.') & all, zeros = mask(v == '0');
  if ((digits | dots) != all) return false;  // some other byte
  const unsigned dots2 = dots & (dots - 1), dots3 = dots2 & (dots2 - 1);
  if (dots3 == 0 || (dots3 & (dots3 - 1)) != 0) return false;  // not exactly three dots
  const auto a = static_cast<unsigned>(__builtin_ctz(dots));
  const auto b = static_cast<unsigned>(__builtin_ctz(dots2));
  const auto c = static_cast<unsigned>(__builtin_ctz(dots3));
  // Octet lengths 1 to 3: no dot first, last or next to another dot, no four digits in a row; and no '0'
  // that starts an octet and is followed by a digit.
  const unsigned empty = dots & ((dots >> 1) | first | 0x8000u);
  const unsigned four = digits & (digits >> 1) & (digits >> 2) & (digits >> 3);
  const unsigned lead0 = ((dots << 1) | first) & zeros & (digits >> 1);
  if ((empty | four | lead0) != 0) return false;
  // Each octet's value, at its last digit's lane k, from the digit values (0 for other bytes): units
  // dz[k], tens dz[k - 1] (0 when that is a dot), hundreds dz[k - 2] when lane k - 1 is a digit too.
  // The byte before the literal is not a digit for the callers (a blank), and lanes shift in zeros.
  const sdp_u8x16 isd = d <= 9;
  const sdp_u8x16 dz = d & isd;
  const sdp_u8x16 zero{};
  const sdp_u8x16 dz1 = __builtin_shufflevector(dz, zero, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
  const sdp_u8x16 dz2 = __builtin_shufflevector(dz, zero, 16, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
  const sdp_u8x16 isd1 = __builtin_shufflevector(isd, zero, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
  const sdp_u8x16 t2 = dz1 + dz1, t8 = (t2 + t2) + (t2 + t2);
  const sdp_u8x16 lo = dz + t8 + t2;  // units + 10 * tens, <= 99
  const sdp_u8x16 hi = dz2 & isd1;    // hundreds, <= 9
  // An octet is at most 255: hundreds below 2, or 2 with lo <= 55 (values are small: signed compares).
  const auto shi = reinterpret_cast<sdp_i8x16>(hi), slo = reinterpret_cast<sdp_i8x16>(lo);
  const unsigned big = mask((shi > 2) | ((shi == 2) & (slo > 55)));
  const unsigned ends = (dots >> 1) | 0x8000u;  // the lanes of the octets' last digits
  if ((big & ends) != 0) return false;
  // hundreds * 100 + lo, modulo 256 per lane (exact: at most 255 now); 100 = 64 + 32 + 4.
  const sdp_u8x16 h4 = (hi + hi) + (hi + hi), h8 = h4 + h4, h32 = (h8 + h8) + (h8 + h8);
  const sdp_u8x16 val = lo + h4 + h32 + (h32 + h32);
  alignas(16) unsigned char t[16];
  __builtin_memcpy(t, &val, 16);
  out[0] = t[a - 1];
  out[1] = t[b - 1];
  out[2] = t[c - 1];
  out[3] = t[15];
  return true;
}

/**
 * The address type when the 8 bytes at `q` (all readable) start with "IN IP4 "
 * or "IN IP6 " (letters in either case, single SP separators), else 0. One
 * word compare: (c | 0x20) == 'i' holds exactly for 'i' and 'I' (likewise for
 * 'n', 'p'), and (c | 0x20) == ' ' for SP and NUL, which never occurs inside
 * a line (it is an error); the digit byte and the byte after the second SP are
 * not or-ed.
 */
SIPALG_ALWAYS_INLINE unsigned in_ip_word(const char* q) noexcept {
  std::uint64_t w;
  __builtin_memcpy(&w, q, 8);
  w = (w | 0x0020002020202020ull) & 0x00FFFFFFFFFFFFFFull;
  constexpr auto word = [](char t) {
    const char s[8] = {'i', 'n', ' ', 'i', 'p', t, ' ', 0};
    std::uint64_t r = 0;
    for (int k = 7; k >= 0; --k) r = (r << 8) | static_cast<unsigned char>(s[k]);
    return r;
  };
  if (w == word('4')) return 4;
  if (w == word('6')) return 6;
  return 0;
}

/// Bit k set when v[k] is SP or HTAB, for k < len <= 64; [v, v + len rounded up to 16) must lie inside the body.
SIPALG_ALWAYS_INLINE std::uint64_t wsp_mask64(const char* v, std::size_t len) noexcept {
  std::uint64_t ws = 0;
  for (std::size_t j = 0; j < len; j += 16) ws |= std::uint64_t{wsp_mask16(v + j)} << j;
  return len == 64 ? ws : ws & ((std::uint64_t{1} << len) - 1);
}

/**
 * o= fast path: `<user> <id> <version> IN IP4 <dotted quad>` with single SP
 * or HTAB between the first four fields and single SP in "IN IP4 ", a value
 * of at most 64 bytes whose 16-byte blocks lie inside the body (`limit`).
 * Fills `o` exactly as parse_origin would and returns true; false (with `o`
 * possibly half-written, parse_origin then rewrites it) for anything else.
 */
SIPALG_NOINLINE inline bool parse_origin_fast(const char* v, std::size_t len, origin_field& o,
                                                const char* limit) noexcept {
  if (len > 64 || static_cast<std::size_t>(limit - v) < ((len + 15) & ~std::size_t{15})) return false;
  const std::uint64_t ws = wsp_mask64(v, len);
  if ((ws & ((ws << 1) | 1)) != 0) return false;  // a leading blank or a run of blanks
  std::uint64_t w = ws;
  const auto b1 = static_cast<std::size_t>(std::countr_zero(w));
  w &= w - 1;
  const auto b2 = static_cast<std::size_t>(std::countr_zero(w));
  w &= w - 1;
  const auto b3 = static_cast<std::size_t>(std::countr_zero(w));  // 64 when there are fewer blanks
  w &= w - 1;
  // The address after "IN IP4 " must be 7 to 15 bytes; then b3 + 7 < 63 and the 8-byte word is in the value.
  const std::size_t alen = len - b3 - 8;  // wraps to huge when b3 + 8 > len
  if (alen - 7 > 8) return false;
  // Exactly two more blanks: the ones of "IN IP4 ".
  if (w != ((std::uint64_t{1} << (b3 + 3)) | (std::uint64_t{1} << (b3 + 7)))) return false;
  if (in_ip_word(v + b3 + 1) != 4) return false;
  std::uint8_t q[4];
  // [v + len - 16, v + len) starts at or after v: len >= b3 + 15 >= 17.
  if (!parse_quad_ending(v + len, static_cast<unsigned>(alen), q)) return false;
  o.username = std::string_view(v, b1);
  o.sess_id = std::string_view(v + b1 + 1, b2 - b1 - 1);
  o.sess_version = std::string_view(v + b2 + 1, b3 - b2 - 1);
  o.nettype = std::string_view(v + b3 + 1, 2);
  o.addrtype = std::string_view(v + b3 + 4, 3);
  o.type = address_type::ip4;
  o.address = std::string_view(v + b3 + 8, alen);
  o.ip = ip_address::v4(q[0], q[1], q[2], q[3]);
  return true;
}

/**
 * c= fast path: "IN IP4 <dotted quad>" (single SP, see in_ip_word) on a
 * connection field that has not been filled yet (ttl and count unset). `v`
 * is the value, which follows "c=" in the body. Fills `c` exactly as
 * parse_connection would and returns true; false (nothing written) for
 * anything else.
 */
SIPALG_ALWAYS_INLINE bool parse_connection_fast(const char* v, std::size_t len, net_address& c,
                                                const net_address* seen) noexcept {
  const std::size_t alen = len - 7;  // wraps to huge when len < 7
  if (alen - 7 > 8) return false;    // a 7 to 15 byte address (len >= 14: the 8-byte word is in the value)
  if (in_ip_word(v) != 4) return false;
  const char* const a = v + 7;
  // The same text as the last IPv4 literal parsed in this body (`seen`, null when none: the o= or an
  // earlier c= address, which phones nearly always repeat) has the same value: compared as two
  // overlapping words (8 bytes, or 4 for a 7-byte text), all inside both texts.
  const auto same_text = [a, alen](const char* b) {
    if (alen >= 8) {
      std::uint64_t x0, x1, y0, y1;
      __builtin_memcpy(&x0, a, 8), __builtin_memcpy(&x1, a + alen - 8, 8);
      __builtin_memcpy(&y0, b, 8), __builtin_memcpy(&y1, b + alen - 8, 8);
      return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    std::uint32_t x0, x1, y0, y1;
    __builtin_memcpy(&x0, a, 4), __builtin_memcpy(&x1, a + 3, 4);
    __builtin_memcpy(&y0, b, 4), __builtin_memcpy(&y1, b + 3, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  };
  if (seen != nullptr && seen->address.size() == alen && same_text(seen->address.data())) {
    c.ip = seen->ip;
  } else {
    std::uint8_t q[4];
    // [v + len - 16, v + len) starts at or after v - 2 (the 'c' of "c="): len >= 14.
    if (!parse_quad_ending(v + len, static_cast<unsigned>(alen), q)) return false;
    c.ip = ip_address::v4(q[0], q[1], q[2], q[3]);
  }
  c.nettype = std::string_view(v, 2);
  c.addrtype = std::string_view(v + 3, 3);
  c.type = address_type::ip4;
  c.address = std::string_view(a, alen);
  return true;
}
#endif

/// True when `c` is an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast literal.
constexpr bool is_multicast(const net_address& c) noexcept {
  if (!c.ip) return false;
  return c.ip->is_v4() ? (c.ip->bytes()[0] & 0xF0) == 0xE0 : c.ip->bytes()[0] == 0xFF;
}

/// `parse_port` with the common case (1 to 5 digits) inline; same result.
constexpr std::optional<std::uint16_t> parse_port_fast(std::string_view s) noexcept {
  if (s.empty() || s.size() > 5) return parse_port(s);  // leading zeros may make a longer port valid
  std::uint32_t v = 0;
  for (char c : s) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(c)) - '0';
    if (d > 9) return std::nullopt;
    v = v * 10 + d;
  }
  if (v > 0xFFFF) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

/// m= value. Returns {ok} or the error and its position.
struct field_error {
  errc ec = errc::ok;
  const char* at = nullptr;
};

/// `limit` is the end of the body (see field_masks).
constexpr field_error parse_media(std::string_view value, media_description& m, const char* limit) noexcept {
  std::string_view media, port_field, proto, rest;
  field_masks f;
  if (f.init(value.data(), value.data() + value.size(), limit)) {
    media = f.next(), port_field = f.next(), proto = f.next();
    rest = std::string_view(f.p + f.end, f.len - f.end);
  } else {
    rest = value;  // a long format list
    media = take_field(rest), port_field = take_field(rest), proto = take_field(rest);
  }
  if (proto.empty()) return {errc::bad_media, value.data()};
  if (!ascii::is_token(media)) return {errc::bad_media, media.data()};
  // The first '/' of the port field (a byte loop: the field is a few digits).
  const char* const pf = port_field.data();
  const char* const pe = pf + port_field.size();
  const char* slash = pf;
  while (slash != pe && *slash != '/') ++slash;
  const std::string_view port_text(pf, static_cast<std::size_t>(slash - pf));
  const auto port = parse_port_fast(port_text);
  if (!port) return {errc::bad_port, port_field.data()};
  if (slash != pe) {
    const std::string_view count_text(slash + 1, static_cast<std::size_t>(pe - slash - 1));
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

#ifdef SIPALG_SDP_SIMD16
/**
 * m= fast path: `<media> <port> <proto>[ <formats>]` with single SP/HTAB
 * after media and port, where media is letters and digits, the port 1 to 5
 * digits (no /count), proto letters, digits and '/', and the three fields lie
 * in the value's first 32 bytes, which must lie inside the body (`limit`):
 * two 16-byte loads give the blank and class masks. Fills `m` (a fresh
 * element: port_count unset) exactly as parse_media would and returns true;
 * false (nothing written) for anything else, which parse_media then handles.
 */
SIPALG_NOINLINE inline bool parse_media_fast(const char* v, std::size_t len, media_description& m,
                                               const char* limit) noexcept {
  if (limit - v < 32) return false;
  const auto classes = [](const char* b, unsigned& ws, unsigned& alnum, unsigned& digit, unsigned& slash) {
    sdp_u8x16 x;
    __builtin_memcpy(&x, b, 16);
    const auto mask = [](auto c) {
      return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<sdp_i8x16>(c)));
    };
    ws = mask((x == ' ') | (x == '\t'));
    // (c | 0x20) is a lowercase letter exactly for the ASCII letters.
    const unsigned alpha = mask(static_cast<sdp_u8x16>((x | 0x20) - 'a') <= 25);
    digit = mask(static_cast<sdp_u8x16>(x - '0') <= 9);
    alnum = alpha | digit;
    slash = mask(x == '/');
  };
  unsigned ws0, an0, dg0, sl0, ws1, an1, dg1, sl1;
  classes(v, ws0, an0, dg0, sl0);
  classes(v + 16, ws1, an1, dg1, sl1);
  // Bits for the value's first 32 bytes (bytes past the value are line ends or the next lines: masked off).
  const std::uint32_t valid = len >= 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << len) - 1;
  const std::uint32_t ws = (ws0 | (ws1 << 16)) & valid;
  // The class masks are only looked at inside the fields, which end at b3 <= len: no masking.
  const std::uint32_t alnum = an0 | (an1 << 16);
  const std::uint32_t digit = dg0 | (dg1 << 16);
  const std::uint32_t slash = sl0 | (sl1 << 16);
  if ((ws & 1) != 0) return false;                              // a leading blank
  const auto b1 = static_cast<unsigned>(std::countr_zero(ws));  // after media (32: none)
  const std::uint32_t w2 = ws & (ws - 1);
  const auto b2 = static_cast<unsigned>(std::countr_zero(w2));  // after the port
  if (b2 >= 32 || b2 - b1 - 2 > 4) return false;                // no port field in reach, or not 1 to 5 bytes
  const std::uint32_t w3 = w2 & (w2 - 1);
  // After proto: the next blank, else the value's end when it lies within the 32 bytes.
  const auto b3 = static_cast<unsigned>(std::countr_zero(w3 | (len < 32 ? std::uint32_t{1} << len : 0)));
  if (b3 >= 32 || b3 == b2 + 1) return false;  // proto runs past the 32 bytes, or a run of blanks
  const auto field = [](unsigned b, unsigned e) { return ((std::uint32_t{1} << (e - b)) - 1) << b; };
  const std::uint32_t media_bits = field(0, b1), port_bits = field(b1 + 1, b2), proto_bits = field(b2 + 1, b3);
  if ((media_bits & ~alnum) | (port_bits & ~digit) | (proto_bits & ~(alnum | slash))) return false;
  // The formats start at the first non-blank after proto (the value ends in a non-blank: trimmed).
  std::size_t fs = b3;
  if (b3 != len) {
    const std::uint32_t nb = ~ws & ~std::uint32_t{0} << b3;
    if (nb == 0) return false;  // blanks up to byte 32
    fs = static_cast<std::size_t>(__builtin_ctz(nb));
  }
  // The port: its 1 to 5 digits moved to the top of a word of digit values (zeros below), then
  // combined pairwise (SWAR). The 8 bytes read at the port must lie in the first 32 bytes (the only
  // ones known to be inside the body): b1 + 1 + 8 <= 32, else (a media name over 23 bytes) parse_media.
  if (b1 > 23) return false;
  const unsigned pn = b2 - b1 - 1;
  std::uint64_t x;
  __builtin_memcpy(&x, v + b1 + 1, 8);
  x = (x - 0x3030303030303030ull) << (8 * (8 - pn));
  x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFull;
  x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFull;
  x = (x * 10000 + (x >> 32)) & 0xFFFFFFFFull;
  if (x > 0xFFFF) return false;  // parse_port rejects it too: parse_media reports it
  m.media = std::string_view(v, b1);
  m.port_text = std::string_view(v + b1 + 1, pn);
  m.port = static_cast<std::uint16_t>(x);
  m.proto = std::string_view(v + b2 + 1, b3 - b2 - 1);
  m.formats = std::string_view(v + fs, len - fs);
  return true;
}
#endif

/// Resets the fields of `c` (as `c = {}` does, without a temporary).
constexpr void reset_connection(connection_field& c) noexcept {
  c.nettype = {};
  c.addrtype = {};
  c.address = {};
  c.type = address_type::ip4;
  c.ip.reset();
  c.line = {};
  c.ttl.reset();
  c.count.reset();
}

#ifdef SIPALG_SDP_SIMD16
/**
 * a=rtcp fast path: "<1 to 5 digits> IN IP4 <dotted quad>" (single SP) on a
 * fresh rtcp_attribute, the address as in parse_connection_fast (`seen`).
 * Fills `r` exactly as parse_rtcp would (port and address) and returns true;
 * false (nothing written) for anything else, which parse_rtcp then handles.
 */
SIPALG_NOINLINE inline bool parse_rtcp_fast(const char* v, std::size_t len, rtcp_attribute& r,
                                              const net_address* seen) noexcept {
  std::size_t k = 0;
  std::uint32_t port = 0;
  while (k < len && k < 6) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(v[k])) - '0';
    if (d > 9) break;
    port = port * 10 + d;
    ++k;
  }
  if (k == 0 || k > 5 || k >= len || v[k] != ' ' || port > 0xFFFF) return false;
  // The rest, "IN IP4 <quad>", is at least 14 bytes, so the 16 bytes before the value end start at or
  // after v (k >= 1): parse_connection_fast's loads stay inside the body.
  if (!parse_connection_fast(v + k + 1, len - k - 1, r, seen)) return false;
  r.port_text = std::string_view(v, k);
  r.port = static_cast<std::uint16_t>(port);
  return true;
}
#endif

/// a=rtcp value (after "rtcp:"). Returns {ok} or the error and its position. `limit`: the body end.
constexpr field_error parse_rtcp(std::string_view value, const char* line, rtcp_attribute& r,
                                 const char* limit) noexcept {
  std::string_view rest = value;
  const std::string_view port_text = take_field(rest);
  if (port_text.empty()) return {errc::bad_rtcp, line};
  const auto port = parse_port_fast(port_text);
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
  if (const char* bad = parse_connection_address(address, r, ttl, count, limit)) return {errc::bad_rtcp, bad};
  return {};
}

/// Case-insensitive ASCII equality of `s` with the lowercase literal `lit` (same as ascii::iequals there).
template <std::size_t N>
constexpr bool equals_lower(std::string_view s, const char (&lit)[N]) noexcept {
  if (s.size() != N - 1) return false;
  for (std::size_t k = 0; k + 1 < N; ++k)
    if (ascii::to_lower(s[k]) != lit[k]) return false;
  return true;
}

/**
 * Case-insensitive equality of `s` (N - 1 bytes, all readable) with the
 * lowercase literal `lit` made of letters and '-' only, by whole words:
 * (c | 0x20) == l holds exactly for c == l and its uppercase letter, and for
 * '-' (0x2D) also for CR (0x0D), which never occurs inside a line (it ends
 * one or is an error). So this equals ascii::iequals(s, lit) on line text.
 */
template <std::size_t N>
constexpr bool name_is(std::string_view s, const char (&lit)[N]) noexcept {
  static_assert(N - 1 == 4 || N - 1 == 8, "4- or 8-byte names");
  if (std::is_constant_evaluated()) return equals_lower(s, lit);
  using word = std::conditional_t<N - 1 == 4, std::uint32_t, std::uint64_t>;
  word w, l;
  std::memcpy(&w, s.data(), N - 1);
  std::memcpy(&l, lit, N - 1);
  return (w | static_cast<word>(0x2020202020202020ull)) == l;
}

/**
 * Recognises an a= name. Only the names the parser interprets are compared,
 * and only after their length (and for the long ones their first letter)
 * match, so the common names (rtpmap, fmtp, ptime ...) cost a switch and a
 * compare or two.
 */
constexpr attribute_kind classify_attribute(std::string_view name, std::optional<media_direction>& dir) noexcept {
  switch (name.size()) {
    case 4:
      if (name_is(name, "rtcp")) return attribute_kind::rtcp;
      break;
    case 8:
      if (name_is(name, "sendrecv")) {
        dir = media_direction::sendrecv;
      } else if (name_is(name, "sendonly")) {
        dir = media_direction::sendonly;
      } else if (name_is(name, "recvonly")) {
        dir = media_direction::recvonly;
      } else if (name_is(name, "inactive")) {
        dir = media_direction::inactive;
      } else if (name_is(name, "rtcp-mux")) {
        return attribute_kind::rtcp_mux;
      } else {
        break;
      }
      return attribute_kind::direction;
    case 9:
      if (ascii::to_lower(name[0]) == 'c' && equals_lower(name, "candidate")) return attribute_kind::candidate;
      break;
    case 17:
      if (ascii::to_lower(name[0]) == 'r' && equals_lower(name, "remote-candidates"))
        return attribute_kind::remote_candidates;
      break;
    default:
      break;
  }
  return attribute_kind::other;
}

/**
 * The first ':' in [p, e), or `e`. `limit` (>= e) is the end of the body,
 * `begin` its start: with SSE2 the first 16 bytes are tested at once when
 * [p, p + 16) lies inside the body (bytes past `e` but before `limit` are
 * read and ignored), or else the body's last 16 bytes when it has 16.
 */
constexpr const char* find_colon(const char* p, const char* e, const char* limit, const char* begin) noexcept {
#ifdef SIPALG_SDP_SIMD16
  if (!std::is_constant_evaluated()) {
    if (limit - p >= 16) {
      if (const unsigned m = colon_mask16(p)) {
        // The first ':' of the window; when it lies past e, the line has none
        // (one inside [p, e) would come before it).
        const char* const c = p + __builtin_ctz(m);
        return c < e ? c : e;
      }
      if (e - p <= 16) return e;
      p += 16;
    } else if (limit - begin >= 16) {
      // Fewer than 16 bytes left in the body: its last 16-byte block, without the lanes before p.
      const unsigned m = colon_mask16(limit - 16) >> (16 - (limit - p));
      const char* const c = m != 0 ? p + __builtin_ctz(m) : e;
      return c < e ? c : e;
    }
  }
#else
  (void)limit;
  (void)begin;
#endif
  while (p != e && *p != ':') ++p;
  return p;
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
  // out.origin is not reset: every field of it is set by the o= line, and a body without one is an error.
  out.session_name = {};
  detail::reset_connection(out.connection);  // field by field: `= {}` builds and copies a temporary
  out.direction.reset();
  out.session_attr_end = 0;
  out.media.clear();
  out.attributes.clear();

  const auto at = [&](const char* p) { return static_cast<std::uint32_t>(p - body.data()); };
  const auto fail = [](errc e, std::size_t off) { return parse_result{e, static_cast<std::uint32_t>(off)}; };

  if (body.size() >= 0xFFFFFFFFu) return fail(errc::too_large, 0);

  const char* p = body.data();
  const char* const limit = p + body.size();  // the body end: nothing at or past it is read
  const char* after_version = p;              // where o= should have been
  bool seen_origin = false;
  media_description* cur = nullptr;
  // The last o=/c= address of this body that is an IPv4 literal (null when none yet): a c= line with the
  // same text reuses its value (parse_connection_fast).
  [[maybe_unused]] const net_address* seen_v4 = nullptr;

  bool seen_version = false;
  while (p != limit) {
    // One line: [lp, lp + len) is its content without the line end and
    // trailing SP/HTAB; p moves past its line end.
    const char* const lp = p;
    // The first control byte (below 0x0E) ends the line when it is a line end;
    // HTAB and other controls inside the line are stepped over.
    const char* stop = detail::find_control_in(p, limit, body.data());
    // The common line end, CRLF, with one 2-byte compare; anything else below.
    if (limit - stop >= 2 && detail::is_crlf(stop)) {
      p = stop + 2;
    } else {
      for (;;) {
        if (stop == limit) {
          p = limit;
          break;
        }
        if (*stop == '\r') {
          if (stop + 1 == limit) {
            p = limit;
            break;
          }
          if (stop[1] != '\n') return fail(errc::bad_character, at(stop));  // a CR inside a line
          p = stop + 2;
          break;
        }
        if (*stop == '\n') {
          p = stop + 1;
          break;
        }
        if (*stop == '\0') return fail(errc::bad_character, at(stop));
        stop = detail::find_control_in(stop + 1, limit, body.data());
      }
    }
    const char* le = stop;
    // Trailing SP/HTAB: one compare for the common last byte (printable, above ' ').
    if (le != lp && static_cast<unsigned char>(le[-1]) <= ' ')
      while (le != lp && ascii::is_wsp(le[-1])) --le;
    if (le == lp) continue;  // blank line
    const auto len = static_cast<std::size_t>(le - lp);
    // `<lowercase letter>=`: as one 16-bit compare, (lp[0] | lp[1] << 8) - ('a' | '=' << 8) < 26 holds
    // exactly when lp[1] is '=' and lp[0] - 'a' < 26 (a byte below 'a' borrows from the high byte and
    // leaves a low byte of at least 0xE6).
    if (len < 2 || static_cast<std::uint16_t>((static_cast<unsigned char>(lp[0]) |
                                               static_cast<unsigned>(static_cast<unsigned char>(lp[1])) << 8) -
                                              ('a' | '=' << 8)) >= 26)
      return fail(errc::bad_line, at(lp));
    const std::string_view line(lp, len);  // in bounds: inside [body.data(), limit)
    const std::string_view value(lp + 2, len - 2);

    if (!seen_version) [[unlikely]] {  // v=0 first (RFC 8866 5.1)
      if (lp[0] != 'v') return fail(errc::missing_version, at(lp));
      if (value != "0") return fail(errc::bad_version, at(lp) + 2);
      out.version = value;
      seen_version = true;
      after_version = p;
      continue;
    }

    if (lp[0] == 'a') {  // the most frequent line: tested before the jump table of the others
      if (out.attributes.full()) return fail(errc::too_many_attributes, at(lp));
      const char* const ve = lp + len;
      const char* const colon = detail::find_colon(lp + 2, ve, limit, body.data());
      const std::string_view name(lp + 2, static_cast<std::size_t>(colon - (lp + 2)));
      if (name.empty()) return fail(errc::bad_line, at(lp) + 2);
      const bool has_value = colon != ve;
      const std::string_view avalue =
          has_value ? std::string_view(colon + 1, static_cast<std::size_t>(ve - colon - 1)) : std::string_view();
      // Only names of 4, 8, 9 or 17 bytes can be one the parser recognises (classify_attribute).
      std::optional<media_direction> dir;
      const attribute_kind kind = name.size() < 18 && ((0x20310u >> name.size()) & 1u) != 0
                                      ? detail::classify_attribute(name, dir)
                                      : attribute_kind::other;
      // Every field written in place (append_slot: no temporary); not full: checked above.
      attribute& a = *out.attributes.append_slot();
      a.line = line;
      a.name = name;
      a.value = avalue;
      a.has_value = has_value;
      a.kind = kind;
      if (kind == attribute_kind::other) continue;
      if (kind == attribute_kind::rtcp) {
        rtcp_attribute scratch;
        rtcp_attribute& r = cur != nullptr ? cur->rtcp : scratch;  // session level: validated only
        if (r.has_rtcp()) return fail(errc::duplicate_rtcp, at(lp));
#ifdef SIPALG_SDP_SIMD16
        if (std::is_constant_evaluated() || !detail::parse_rtcp_fast(avalue.data(), avalue.size(), r, seen_v4))
#endif
        {
          const auto e = detail::parse_rtcp(avalue, lp, r, limit);
          if (e.ec != errc::ok) return fail(e.ec, at(e.at));
        }
        r.line = line;
      } else if (dir) {
        (cur != nullptr ? cur->direction : out.direction) = dir;  // the last one wins
      }
      continue;
    }
    switch (lp[0]) {
      case 'v':
        return fail(errc::duplicate_line, at(lp));
      case 'o': {
        if (cur != nullptr) return fail(errc::misplaced_line, at(lp));
        if (seen_origin) return fail(errc::duplicate_line, at(lp));
#ifdef SIPALG_SDP_SIMD16
        if (std::is_constant_evaluated() || !detail::parse_origin_fast(value.data(), value.size(), out.origin, limit))
#endif
          if (const char* bad = detail::parse_origin(value, out.origin, limit)) return fail(errc::bad_origin, at(bad));
        out.origin.line = line;
        seen_origin = true;
        if (out.origin.ip && out.origin.ip->is_v4()) seen_v4 = &out.origin;
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
          if (const char* bad = detail::parse_connection(value, extra, limit))
            return fail(errc::bad_connection, at(bad));
          if (cur == nullptr || !detail::is_multicast(c) || !detail::is_multicast(extra) ||
              cur->extra_connections == 0xFF)
            return fail(errc::duplicate_connection, at(lp));
          ++cur->extra_connections;
          break;
        }
#ifdef SIPALG_SDP_SIMD16
        if (std::is_constant_evaluated() || !detail::parse_connection_fast(value.data(), value.size(), c, seen_v4))
#endif
          if (const char* bad = detail::parse_connection(value, c, limit)) return fail(errc::bad_connection, at(bad));
        c.line = line;
        if (c.ip && c.ip->is_v4()) seen_v4 = &c;
        break;
      }
      case 'm': {
        // The attribute ranges are closed here and at the end, not after every a= line.
        const auto na = static_cast<std::uint16_t>(out.attributes.size());
        (cur != nullptr ? cur->attr_end : out.session_attr_end) = na;
        media_description* m = out.media.emplace_back();
        if (m == nullptr) return fail(errc::too_many_media, at(lp));
#ifdef SIPALG_SDP_SIMD16
        if (std::is_constant_evaluated() || !detail::parse_media_fast(value.data(), value.size(), *m, limit))
#endif
        {
          const auto r = detail::parse_media(value, *m, limit);
          if (r.ec != errc::ok) return fail(r.ec, at(r.at));
        }
        m->line = line;
        m->attr_begin = m->attr_end = na;
        cur = m;
        break;
      }
      default:
        // i u e p b t r z k (not needed for NAT traversal) and lowercase
        // letters RFC 8866 does not define: accepted, not indexed.
        break;
    }
  }
  if (!seen_version) return fail(errc::empty, 0);
  (cur != nullptr ? cur->attr_end : out.session_attr_end) = static_cast<std::uint16_t>(out.attributes.size());

  if (!seen_origin) return fail(errc::missing_origin, at(after_version));
  return {};
}

}  // namespace sipalg::sdp
