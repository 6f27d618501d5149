/**
 * @file parser.hpp
 * `parse_message`: single-pass, zero-copy, allocation-free SIP message parser
 * (RFC 3261 section 7) filling a `basic_message` index.
 *
 * Lenient where RFC 3261 allows it:
 * - any header order, case-insensitive names, compact forms (RFC 3261 7.3.3);
 * - LWS before and after the colon, folded (continuation) lines (7.3.1);
 * - LF-only line ends, and CRLF and LF mixed in one message;
 * - CRLFs before the start line are skipped (7.5);
 * - several SP between the Request-Line elements and trailing SP after the
 *   SIP-Version (RFC 4475 3.1.2.9/3.1.2.10: harmless for an ALG, which never
 *   re-serialises the line);
 * - a NUL byte directly after a backslash (a quoted-pair, RFC 4475 3.1.1.2).
 *
 * Strict where rewriting would be unsafe:
 * - several Content-Length headers with different values, a negative or
 *   non-numeric Content-Length, a body shorter than Content-Length;
 * - NUL (outside a quoted-pair) or a bare CR anywhere in the head;
 * - lines longer than parse_options::max_line_length, more headers than the
 *   index holds, messages larger than parse_options::max_message_size;
 * - a SIP-Version other than SIP/2.0, a status code outside 100..699.
 *
 * Header values are not validated beyond framing: the sub-parsers (uri.hpp,
 * via.hpp, contact.hpp, ...) validate the values an ALG actually reads.
 */
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/config.hpp"
#include "sipalg/core/text_range.hpp"
#include "sipalg/sip/content_length.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/errc.hpp"
#include "sipalg/sip/header_id.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/method.hpp"

namespace sipalg::sip {

/// Limits and leniency switches of the parser and framer.
struct parse_options {
  /// Longest start line or header field, counted from its first byte to the end of the line
  /// terminator of its last (folded) line. 8192 matches common HTTP/SIP stacks (Beast's header limit).
  std::uint32_t max_line_length = 8192;
  /// Largest message (head + body) and largest input accepted, in bytes. Default: the largest
  /// UDP payload. Offsets are 32-bit, so inputs of 4 GiB or more are always rejected.
  std::uint32_t max_message_size = 65535;
  /// Datagram rule (RFC 3261 18.3): without Content-Length the body is the rest of the input.
  /// Set to false for stream transports, where Content-Length is mandatory (missing_content_length).
  bool allow_missing_content_length = true;

  /// Defaults for UDP (Content-Length optional).
  [[nodiscard]] static constexpr parse_options datagram() noexcept { return parse_options{}; }
  /// Defaults for TCP/TLS/SCTP streams (Content-Length mandatory).
  [[nodiscard]] static constexpr parse_options stream() noexcept {
    parse_options o{};
    o.allow_missing_content_length = false;
    return o;
  }
};

namespace detail {

[[nodiscard]] constexpr parse_result fail(errc e, std::size_t at) noexcept {
  return {e, static_cast<std::uint32_t>(at)};
}

/// Error for input that ends inside the line starting at `line_start`.
[[nodiscard]] constexpr parse_result unterminated(std::size_t line_start, std::size_t n,
                                                  const parse_options& opt) noexcept {
  // n - line_start bytes and no terminator yet: the line will be at least one byte longer.
  if (n - line_start >= opt.max_line_length) return fail(errc::line_too_long, line_start);
  return fail(errc::unterminated_head, n);
}

/// True when p[0..n) is "SIP/2.0" ("SIP" in any case: ABNF literals are case-insensitive).
[[nodiscard]] constexpr bool is_sip20(const char* p, std::size_t n) noexcept {
  return n == 7 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' && p[3] == '/' &&
         p[4] == '2' && p[5] == '.' && p[6] == '0';
}

/// Parses the start line in [s, e) (e = first CR/LF/NUL). Offsets are absolute.
template <std::size_t N>
[[nodiscard]] constexpr parse_result parse_start_line(const char* b, std::size_t s, std::size_t e,
                                                      basic_message<N>& m) noexcept {
  using ascii::is_digit;
  auto is_sp = [](char c) { return c == ' ' || c == '\t'; };
  // Trailing WSP is tolerated (RFC 4475 3.1.2.10).
  std::size_t end = e;
  while (end > s && is_sp(b[end - 1])) --end;
  if (end - s >= 4 && (b[s] | 0x20) == 's' && (b[s + 1] | 0x20) == 'i' && (b[s + 2] | 0x20) == 'p' && b[s + 3] == '/') {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    m.kind = message_kind::response;
    std::size_t i = s + 7;
    // "SIP/2.0" then SP/HTAB or the end: the token the loop below would find (7 non-SP bytes).
    if (!(end - s >= 7 && is_sip20(b + s, 7) && (i == end || is_sp(b[i])))) {
      i = s;
      while (i < end && !is_sp(b[i])) ++i;
      if (!is_sip20(b + s, i - s)) return fail(errc::bad_version, s);
    }
    m.version = {static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(i - s)};
    while (i < end && is_sp(b[i])) ++i;
    if (end - i < 3 || !is_digit(b[i]) || !is_digit(b[i + 1]) || !is_digit(b[i + 2]) ||
        (end - i > 3 && !is_sp(b[i + 3])))
      return fail(errc::bad_status_code, i);
    const unsigned code = static_cast<unsigned>(b[i] - '0') * 100u + static_cast<unsigned>(b[i + 1] - '0') * 10u +
                          static_cast<unsigned>(b[i + 2] - '0');
    if (code < 100 || code > 699) return fail(errc::bad_status_code, i);
    m.status_code = static_cast<std::uint16_t>(code);
    i += 3;
    if (i < end) ++i;  // the SP before the reason (which may itself start with SP)
    m.reason = {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(end - i)};
    return {};
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  m.kind = message_kind::request;
  std::size_t i = s;
  while (i < end && ascii::is_token(b[i])) ++i;
  if (i == s || i == end) return fail(errc::bad_start_line, s);
  if (!is_sp(b[i])) return fail(errc::bad_method, i);
  m.method = {static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(i - s)};
  m.method_type = lookup_method(std::string_view(b + s, i - s));
  while (i < end && is_sp(b[i])) ++i;  // several SP tolerated (RFC 4475 3.1.2.9)
  // absoluteURI: scheme ":" ..., visible ASCII without < > " ` (RFC 3261 25.1, RFC 4475 3.1.2.7/3.1.2.8).
  const std::size_t us = i;
  if (!ascii::is_alpha(b[us])) return fail(errc::bad_request_uri, us);
  std::size_t k = us + 1;
  while (k < end && has_class(b[k], cc_scheme)) ++k;
  if (k == end || b[k] != ':') return fail(errc::bad_request_uri, k);
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated()) {
    while (end - k >= 16) {
      if (const unsigned stop = simd::uri_stop_mask(b + k); stop != 0) {
        k += static_cast<unsigned>(std::countr_zero(stop));
        break;
      }
      k += 16;
    }
  }
#endif
  while (k < end && has_class(b[k], cc_uri)) ++k;
  const std::size_t ue = k;
  if (k == end) return fail(errc::bad_version, end);  // no SP after the URI: version missing
  if (!is_sp(b[k])) return fail(errc::bad_request_uri, k);
  while (k < end && is_sp(b[k])) ++k;
  const std::size_t vs = k;
  if (!(end - vs == 7 && is_sip20(b + vs, 7))) {  // the common case: the loop below would reach end
    while (k < end && !is_sp(b[k])) ++k;
    if (k != end) return fail(errc::bad_request_uri, ue);  // LWS inside the Request-URI
    if (!is_sip20(b + vs, end - vs)) return fail(errc::bad_version, vs);
  }
  m.version = {static_cast<std::uint32_t>(vs), static_cast<std::uint32_t>(end - vs)};
  m.request_uri = {static_cast<std::uint32_t>(us), static_cast<std::uint32_t>(ue - us)};
  return {};
}

/// Records a Content-Length header (value [vs, ve), header line at `ns`, just pushed).
template <std::size_t N>
[[nodiscard]] constexpr parse_result record_content_length(const char* b, std::size_t ns, std::size_t vs,
                                                           std::size_t ve, basic_message<N>& m) noexcept {
  // Fast path for plain digits; parse_content_length() names the error otherwise.
  std::uint64_t v = 0;
  bool digits = ve > vs && ve - vs <= 10;
  for (std::size_t k = vs; digits && k < ve; ++k) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(b[k])) - '0';
    digits = d <= 9;
    v = v * 10 + d;
  }
  std::uint32_t len = static_cast<std::uint32_t>(v);
  if (!digits || v > 0xFFFFFFFFull) {
    const parse_result r = parse_content_length(std::string_view(b + vs, ve - vs), len);
    if (!r) return fail(r.ec, vs + r.offset);
  }
  if (m.content_length) {
    if (*m.content_length != len) return fail(errc::conflicting_content_length, ns);
  } else {
    m.content_length = len;
    m.content_length_header = static_cast<std::uint32_t>(m.headers.size() - 1);
  }
  return {};
}

#if defined(SIPALG_SIP_SIMD16)
#define SIPALG_SIP_FAST_LINES 1
/// Bit i set when byte i of `v` is a control byte below 0x0E (NUL, TAB, LF, CR, ...).
SIPALG_ALWAYS_INLINE unsigned control_mask(simd::u8x16 v) noexcept {
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<simd::i8x16>(v < 14)));
}

/// True for NUL, LF, CR, given a byte below 0x0E (one bit test).
SIPALG_ALWAYS_INLINE bool is_special_control(unsigned char c) noexcept { return ((0x2401u >> c) & 1u) != 0; }

/**
 * Offset of the first NUL, LF or CR in [q, n), or n. One compare per 16 bytes (bytes
 * below 0x0E), 32 bytes per step; the rare other control bytes (TAB, VT, FF, ...) are
 * looked at one by one. Reads only inside [q, n): whole blocks while they fit, then bytes.
 */
SIPALG_ALWAYS_INLINE std::size_t find_line_end(const char* b, std::size_t q, std::size_t n) noexcept {
  while (n - q >= 32) {
    simd::u8x16 v0, v1;
    __builtin_memcpy(&v0, b + q, 16);
    __builtin_memcpy(&v1, b + q + 16, 16);
    for (std::uint32_t m = control_mask(v0) | (control_mask(v1) << 16); m != 0; m &= m - 1) {
      const std::size_t j = q + static_cast<unsigned>(std::countr_zero(m));
      if (is_special_control(static_cast<unsigned char>(b[j]))) return j;
    }
    q += 32;
  }
  if (n - q >= 16) {
    simd::u8x16 v0;
    __builtin_memcpy(&v0, b + q, 16);
    for (unsigned m = control_mask(v0); m != 0; m &= m - 1) {
      const std::size_t j = q + static_cast<unsigned>(std::countr_zero(m));
      if (is_special_control(static_cast<unsigned char>(b[j]))) return j;
    }
    q += 16;
  }
  while (q < n && !is_head_special(b[q])) ++q;
  return q;
}

/**
 * Fast path for header lines: parses lines from `p` while they have the common shape
 * `Name: value CRLF` -- at least 16 bytes left at the line start, the colon within the
 * first 16 bytes with no control byte and no SP before it, a CRLF or LF line end, no
 * fold -- and stops at the first line that has another shape, leaving it (unchanged,
 * nothing recorded) to the general loop, which re-parses it from its start. So every
 * line gets exactly the general loop's result. Returns false with `r` set on an error
 * (the general loop's verdict for that line); otherwise true with `p` at the first line
 * not taken: a line of another shape, the empty line, or the end of the input.
 *
 * Bounds: one 16-byte load at a line start (n - ns >= 16 checked), find_line_end()
 * (bounded by n); every other byte read is at an offset below the line end q < n, or
 * checked against n.
 */
template <std::size_t N>
SIPALG_ALWAYS_INLINE bool parse_header_lines_fast(const char* b, std::size_t n, std::size_t& p,
                                                  const parse_options& opt, basic_message<N>& m,
                                                  parse_result& r) noexcept {
  const std::size_t max_line = opt.max_line_length;
  std::size_t ns = p;
  while (n - ns >= 16) {
    simd::u8x16 v;
    __builtin_memcpy(&v, b + ns, 16);
    const unsigned colons = static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<simd::i8x16>(v == ':')));
    const unsigned controls = control_mask(v);
    const unsigned first_colon = colons & (0u - colons);  // lowest set bit, 0 when none
    // A colon in this block, not at the line start, with no control byte before it: it is the
    // byte the general loop's find_colon_or_control() stops at, and the name is [ns, c).
    if (first_colon <= 1 || (controls & (first_colon - 1)) != 0) break;
    const std::size_t len = static_cast<unsigned>(std::countr_zero(colons));  // 1..15
    const std::size_t c = ns + len;
    if (b[c - 1] == ' ') break;  // SP before the colon: trimmed by the general loop
    // The name first: the general loop reports a bad name before anything about the value.
    const header_id id = lookup_header_colon(b + ns, len);
    if (id == header_id::unknown) {
      for (std::size_t k = ns; k < c; ++k)
        if (!ascii::is_token(b[k])) {
          r = fail(errc::bad_header_name, k);
          return false;
        }
    }
    // Line end: the first NUL/LF/CR after the colon (the value's leading SP/HTAB are none of
    // them, so it is the byte the general loop finds from the value start). This block's
    // control bytes after the colon are known already.
    std::size_t q;
    if (const unsigned after = controls >> (len + 1); after == 0) {  // len + 1 <= 16
      q = find_line_end(b, ns + 16, n);
    } else {
      q = c + 1 + static_cast<unsigned>(std::countr_zero(after));
      if (!is_special_control(static_cast<unsigned char>(b[q]))) q = find_line_end(b, q + 1, n);  // a TAB etc.
    }
    std::size_t next;
    if (q + 1 < n && b[q] == '\r' && b[q + 1] == '\n') {
      next = q + 2;
    } else if (q < n && b[q] == '\n') {
      next = q + 1;
    } else {
      break;  // unterminated, a NUL (maybe a quoted-pair) or a bare CR: the general loop decides
    }
    // One length check instead of the general loop's two: with a complete line terminator at q,
    // the general loop reports line_too_long at ns exactly when next - ns > max (q - ns >= max
    // implies it; a fold after a line already too long fails its in-loop check).
    if (next - ns > max_line) {
      r = fail(errc::line_too_long, ns);
      return false;
    }
    // The next line's first byte: SP/HTAB makes this line folded (the general loop's case);
    // CR, LF or another byte <= SP ends the fast run after this line.
    const bool more = next < n && static_cast<unsigned char>(b[next]) > ' ';
    if (!more && next < n && (b[next] == ' ' || b[next] == '\t')) break;
    // Value: skip SP/HTAB after the colon (q is neither, so this stops at q at the latest),
    // trim SP/HTAB before q (no CR/LF inside an unfolded line).
    std::size_t vs = c + 1;
    vs += b[vs] == ' ';
    if (static_cast<unsigned char>(b[vs]) <= ' ')
      while (vs < q && (b[vs] == ' ' || b[vs] == '\t')) ++vs;
    std::size_t ve = q;
    if (static_cast<unsigned char>(b[ve - 1]) <= ' ')
      while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) --ve;
    if (!m.headers.push_back(header{id,
                                    {static_cast<std::uint32_t>(ns), static_cast<std::uint32_t>(len)},
                                    {static_cast<std::uint32_t>(vs), static_cast<std::uint32_t>(ve - vs)},
                                    {static_cast<std::uint32_t>(ns), static_cast<std::uint32_t>(next - ns)}})) {
      r = fail(errc::too_many_headers, ns);
      return false;
    }
    if (id == header_id::content_length) {
      r = record_content_length(b, ns, vs, ve, m);
      if (!r) return false;
    }
    ns = next;
    if (!more) break;
  }
  p = ns;
  return true;
}
#endif

/**
 * The parser. With `head_only`, stops after the empty line (Content-Length is
 * parsed and checked, the body is not): used by the stream framer.
 */
template <std::size_t N>
[[nodiscard]] constexpr parse_result parse_message_impl(std::string_view buf, basic_message<N>& m,
                                                        const parse_options& opt, bool head_only) noexcept {
  const std::size_t n = buf.size();
  if (n > opt.max_message_size || n >= 0xFFFFFFFFull) return fail(errc::message_too_large, opt.max_message_size);
  const char* const b = buf.data();

  m.headers.clear();
  m.kind = message_kind::request;
  m.method_type = method_id::unknown;
  m.status_code = 0;
  m.method = m.request_uri = m.version = m.reason = m.body = text_range{};
  m.content_length.reset();
  m.content_length_header = basic_message<N>::npos;
  m.head_end = m.message_end = 0;

  std::size_t p = 0;
  while (p < n && (b[p] == '\r' || b[p] == '\n')) ++p;  // RFC 3261 7.5: ignore CRLFs before the start line
  if (p == n) return fail(errc::empty_input, n);

  // ---- start line
  std::size_t e = p + find_head_special(b + p, b + n);
  std::size_t next = 0;
  if (e == n) return unterminated(p, n, opt);
  // Too long whatever the byte at e is: the same verdict as with fewer bytes received (framing).
  if (e - p >= opt.max_line_length) return fail(errc::line_too_long, p);
  if (b[e] == '\0') return fail(errc::nul_in_head, e);
  if (b[e] == '\r') {
    // A CR as the last byte received: LF next ends the line (too long or not), anything else
    // is a bare CR. Only the next byte decides, so wait for it (framing must not report an
    // error that more bytes would turn into another one).
    if (e + 1 == n) return fail(errc::unterminated_head, n);
    if (b[e + 1] != '\n') return fail(errc::bare_cr, e);
    next = e + 2;
  } else {
    next = e + 1;
  }
  if (next - p > opt.max_line_length) return fail(errc::line_too_long, p);
  if (parse_result r = parse_start_line(b, p, e, m); !r) return r;
  m.start_line = {static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(next - p)};
  p = next;

  // ---- headers
  std::size_t head_end = 0;
  for (;;) {
    if (p >= n) return fail(errc::unterminated_head, n);
    const char c0 = b[p];
    if (c0 == '\n') {
      head_end = p + 1;
      break;
    }
    if (c0 == '\r') {
      if (p + 1 == n) return fail(errc::unterminated_head, n);
      if (b[p + 1] != '\n') return fail(errc::bare_cr, p);
      head_end = p + 2;
      break;
    }
    const std::size_t ns = p;
#ifdef SIPALG_SIP_FAST_LINES
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little && n - ns >= 16) {
      parse_result r{};
      if (!parse_header_lines_fast(b, n, p, opt, m, r)) return r;
      if (p != ns) continue;  // took some lines: the checks above for the line at p
    }
#endif
    std::size_t ne;
    header_id id;
    {
      std::size_t c = ns + (std::is_constant_evaluated() ? n - ns : find_colon_or_control(b + ns, b + n));
      if (!std::is_constant_evaluated() && c < n && b[c] == ':') {
        // Fast path: name is [ns, c) minus trailing WSP; confirmed by the table or validated below.
        ne = c;
        while (ne > ns && b[ne - 1] == ' ') --ne;
        if (ne == ns) return fail(errc::bad_header_name, ns);
        id = lookup_header_in(b + ns, ne - ns, b + n);
        if (id == header_id::unknown) {
          for (std::size_t k = ns; k < ne; ++k)
            if (!ascii::is_token(b[k])) return fail(errc::bad_header_name, k);
        }
        p = c;
      } else {
        // Slow path (TAB before the colon, or no colon / a control byte on the line).
        p = ns;
        while (p < n && ascii::is_token(b[p])) ++p;
        ne = p;
        for (;;) {  // WSP, and (leniently) a folded line, before the colon: "Call-ID\r\n : x"
          while (p < n && (b[p] == ' ' || b[p] == '\t')) ++p;
          const std::size_t f = (p < n && b[p] == '\n') ? p + 1 : (p + 1 < n && b[p] == '\r' && b[p + 1] == '\n') ? p + 2 : 0;
          if (f == 0 || f >= n || ne == ns || (b[f] != ' ' && b[f] != '\t')) break;
          p = f;
        }
        // The name runs to the end of what arrived: the next byte decides between a colon (the
        // line goes on) and a bad name / missing colon here, whatever the line's length: wait.
        if (p == n) return fail(errc::unterminated_head, n);
        if (ne == ns) return fail(errc::bad_header_name, ns);  // empty name, or a line starting with WSP
        if (b[p] != ':') {
          if (b[p] == '\0') return fail(errc::nul_in_head, p);
          // No colon on this line at all: missing_colon; a non-token byte before the colon: bad name.
          std::size_t k = p;
          while (k < n && b[k] != ':' && b[k] != '\n' && b[k] != '\r') ++k;
          // The colon may still come (bad name) or not (missing colon), however long the line
          // is by then: only a complete line decides (framing must not answer line_too_long first).
          if (k == n) return fail(errc::unterminated_head, n);
          return fail(b[k] == ':' ? errc::bad_header_name : errc::missing_colon, p);
        }
        id = lookup_header(b + ns, ne - ns);
      }
    }
    ++p;
    if (p < n && b[p] == ' ') ++p;  // the usual single SP
    while (p < n && (b[p] == ' ' || b[p] == '\t')) ++p;
    std::size_t vs = p;
    std::size_t q = p;
    std::size_t ve = 0;
    for (;;) {
      q += find_head_special(b + q, b + n);
      if (q == n) return unterminated(ns, n, opt);
      if (q - ns >= opt.max_line_length) return fail(errc::line_too_long, ns);  // as unterminated() would
      const char s = b[q];
      if (s == '\0') {
        if (q > vs && b[q - 1] == '\\') {  // quoted-pair "\" NUL (RFC 4475 3.1.1.2)
          ++q;
          continue;
        }
        return fail(errc::nul_in_head, q);
      }
      if (s == '\r') {
        if (q + 1 == n) return fail(errc::unterminated_head, n);  // as for the start line: the next byte decides
        if (b[q + 1] != '\n') return fail(errc::bare_cr, q);
        next = q + 2;
      } else {
        next = q + 1;
      }
      if (next < n && (b[next] == ' ' || b[next] == '\t')) {  // folded line (RFC 3261 7.3.1)
        q = next;
        continue;
      }
      ve = q;
      break;
    }
    if (next - ns > opt.max_line_length) return fail(errc::line_too_long, ns);
    if (vs < ve && (b[vs] == '\r' || b[vs] == '\n'))  // a value that starts on a continuation line
      while (vs < ve && detail::is_lws(b[vs])) ++vs;
    while (ve > vs && static_cast<unsigned char>(b[ve - 1]) <= ' ' && detail::is_lws(b[ve - 1])) --ve;  // trailing LWS
    if (!m.headers.push_back(header{id,
                                    {static_cast<std::uint32_t>(ns), static_cast<std::uint32_t>(ne - ns)},
                                    {static_cast<std::uint32_t>(vs), static_cast<std::uint32_t>(ve - vs)},
                                    {static_cast<std::uint32_t>(ns), static_cast<std::uint32_t>(next - ns)}}))
      return fail(errc::too_many_headers, ns);
    if (id == header_id::content_length)
      if (parse_result r = record_content_length(b, ns, vs, ve, m); !r) return r;
    p = next;
  }
  m.head_end = static_cast<std::uint32_t>(head_end);

  // ---- body
  if (m.content_length) {
    const std::uint64_t end = static_cast<std::uint64_t>(head_end) + *m.content_length;
    if (end > opt.max_message_size) return fail(errc::message_too_large, m.headers[m.content_length_header].value.offset);
    m.body = {static_cast<std::uint32_t>(head_end), *m.content_length};
    m.message_end = static_cast<std::uint32_t>(end);
    if (head_only) return {errc::ok, static_cast<std::uint32_t>(head_end)};
    if (end > n) return fail(errc::body_too_short, n);
  } else {
    if (!opt.allow_missing_content_length) return fail(errc::missing_content_length, head_end);
    if (head_only) return {errc::ok, static_cast<std::uint32_t>(head_end)};
    m.body = {static_cast<std::uint32_t>(head_end), static_cast<std::uint32_t>(n - head_end)};
    m.message_end = static_cast<std::uint32_t>(n);
  }
  return {errc::ok, m.message_end};
}

}  // namespace detail

/**
 * Parses one SIP message from `buf` into `out`.
 *
 * @param buf  the message: a whole UDP datagram, or one frame found by
 *             frame_message() on a stream. Not modified; must outlive every use of `out`'s ranges.
 * @param out  the index to fill (cleared first); its ranges are offsets into `buf`.
 * @param opt  limits; `opt.allow_missing_content_length` chooses datagram or stream rules.
 * @return on success errc::ok with `offset` = out.message_end (bytes after it, e.g. the
 *         trailing octets of RFC 4475 3.1.1.8, are ignored); otherwise the error and the
 *         byte offset in `buf` where it was found. errc::unterminated_head when `buf` ends
 *         before the empty line; errc::body_too_short when it ends inside the body.
 *
 * Never reads outside `buf`; never allocates; no exceptions.
 */
template <std::size_t N>
[[nodiscard]] constexpr parse_result parse_message(std::string_view buf, basic_message<N>& out,
                                                   const parse_options& opt = {}) noexcept {
  return detail::parse_message_impl(buf, out, opt, false);
}

}  // namespace sipalg::sip
