/**
 * @file via.hpp
 * Via header values (RFC 3261 20.42 and 25.1; RFC 3581 rport; RFC 5118 IPv6):
 * each Via header holds one or more comma-separated via-parms, and a message
 * may have several Via headers (the top one is the first via-parm of the first).
 *
 * @code
 *   SIP / 2.0 / UDP 192.0.2.1 : 5060 ;branch=z9hG4bK776;rport;received=10.0.0.1
 *   ^name ^ver  ^transport ^sent_by^^ ^params^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
 * @endcode
 * LWS is allowed around '/' and ':' (SLASH and COLON are SWS-delimited), and a
 * value may be folded over several lines (the views then contain CRLF + WSP).
 */
#pragma once

#include <cstddef>
#include <cstdint>
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

/// One via-parm. Views into the parsed header value.
struct via {
  std::string_view text;              ///< the whole via-parm, without surrounding LWS
  std::string_view protocol_name;     ///< "SIP"
  std::string_view protocol_version;  ///< "2.0"
  std::string_view transport;         ///< "UDP", "TCP", "TLS", "SCTP", "WS", or any other token
  host_port sent_by;                  ///< sent-by host (IPv6 with and without brackets) and port
  std::string_view params;            ///< via-params INCLUDING the leading ';', empty when none

  /// The via-params as an iterable list.
  [[nodiscard]] constexpr param_list parameters() const noexcept { return param_list(params); }
  /// First via-param named `name` (case-insensitive), or nullopt.
  [[nodiscard]] constexpr std::optional<param> find_param(std::string_view name) const noexcept {
    return param_list(params).find(name);
  }
  [[nodiscard]] constexpr std::optional<param> branch() const noexcept { return find_param("branch"); }
  /// `received` (RFC 3261 18.2.1); its value may be an IPv6 address with or without brackets (RFC 5118 4.5).
  [[nodiscard]] constexpr std::optional<param> received() const noexcept { return find_param("received"); }
  /// `rport` (RFC 3581): valueless in requests (`has_value == false`), with the port in responses.
  [[nodiscard]] constexpr std::optional<param> rport() const noexcept { return find_param("rport"); }
  [[nodiscard]] constexpr std::optional<param> maddr() const noexcept { return find_param("maddr"); }
  [[nodiscard]] constexpr std::optional<param> ttl() const noexcept { return find_param("ttl"); }
  /// True when the transport is `t` (case-insensitive).
  [[nodiscard]] constexpr bool transport_is(std::string_view t) const noexcept { return ascii::iequals(transport, t); }
};

namespace detail {

/// The via-params after a sent-by ending at s[k]: `end` one past the via-parm, `next` the index of
/// the following ',' or s.size(), `params` the via-params (empty view when none).
struct via_tail {
  std::size_t end;
  std::size_t next;
  std::string_view params;
};

/// Finds the via-params and the end of the via-parm after a sent-by ending at s[k]; the via-parm
/// is well-formed only when `next` is s.size() or a ','.
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr via_tail scan_via_tail(std::string_view s, std::size_t k) noexcept {
  const char* p = s.data();
  via_tail t{k, skip_lws_vc(s, k), {}};
  if (t.next < s.size() && p[t.next] == ';') {
    const std::size_t q = t.next;
    const std::size_t pe = find_top_level_comma(s, q);
    std::size_t pend = pe;  // params end, trailing LWS trimmed (p[q] == ';' is not LWS)
    while (pend > q && has_vc(p[pend - 1], vc_lws)) --pend;
    t.params = std::string_view(p + q, pend - q);
    t.end = pend;
    t.next = pe;
  }
  return t;
}

#ifdef SIPALG_SIP_SIMD16
/**
 * parse_via_at() of the usual via-parm, given k = its first non-LWS byte: "SIP/2.0/", a transport
 * of three token bytes, one SP, then a sent-by parse_host_port_fast() takes and a well-formed end.
 * Every field of `out` is written, so it is not zeroed first. False for anything else, with `i`
 * untouched (`out` may be partly written: the general code that runs then resets it first).
 */
SIPALG_ALWAYS_INLINE bool parse_via_fast(std::string_view s, std::size_t k, std::size_t& i, via& out) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  if (!is_sip20_slash(s, k)) return false;  // (also false when fewer than 8 bytes are left)
  const std::size_t t = k + 8;
  // "UDP " / "TCP " / "TLS " followed by a sent-by: the token run is exactly 3 bytes (SP is no
  // token byte) and the single SP is the whole LWS before the sent-by (a second LWS byte would
  // start the host: parse_host_port_fast() refuses it).
  if (n - t < 5 || !has_vc(p[t], vc_token) || !has_vc(p[t + 1], vc_token) || !has_vc(p[t + 2], vc_token) ||
      p[t + 3] != ' ')
    return false;
  std::size_t h = t + 4;
  if (!parse_host_port_fast(s, h, out.sent_by, true)) return false;
  const via_tail tail = scan_via_tail(s, h);
  if (tail.next < n && p[tail.next] != ',') return false;  // bad_via: the general code reports it
  out.text = std::string_view(p + k, tail.end - k);
  out.protocol_name = std::string_view(p + k, 3);
  out.protocol_version = std::string_view(p + k + 4, 3);
  out.transport = std::string_view(p + t, 3);
  out.params = tail.params;
  i = tail.next;
  return true;
}
#endif

/// parse_via_at() without the fast path, given k = the first non-LWS byte at or after s[i]
/// (kept out of line: the fast path's caller stays small).
[[nodiscard]] SIPALG_NOINLINE constexpr parse_result parse_via_at_general(std::string_view s, std::size_t& i,
                                                                         std::size_t k, via& out) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  const char* p = s.data();
  const std::size_t n = s.size();
  auto token = [&](std::size_t& k, std::string_view& t) {
    const std::size_t b = k;
    k = skip_vc(s, k, vc_token);
    t = std::string_view(p + b, k - b);
    return k > b;
  };
  out = via{};
  const std::size_t start = k;
  if (is_sip20_slash(s, k)) {
    // The usual "SIP/2.0/": the same views the general path below yields ('/' is not a token byte).
    out.protocol_name = std::string_view(p + k, 3);
    out.protocol_version = std::string_view(p + k + 4, 3);
    k = skip_lws_vc(s, k + 8);
  } else {
    if (!token(k, out.protocol_name)) return fail(errc::bad_via, k);
    k = skip_lws_vc(s, k);
    if (k >= n || p[k] != '/') return fail(errc::bad_via, k);
    k = skip_lws_vc(s, k + 1);
    if (!token(k, out.protocol_version)) return fail(errc::bad_via, k);
    k = skip_lws_vc(s, k);
    if (k >= n || p[k] != '/') return fail(errc::bad_via, k);
    k = skip_lws_vc(s, k + 1);
  }
  if (!token(k, out.transport)) return fail(errc::bad_via, k);
  const std::size_t te = k;
  k = skip_lws_vc(s, k);
  if (k == te) return fail(errc::bad_via, k);  // LWS required before sent-by
  if (parse_result r = parse_host_port_at(s, k, out.sent_by, true); !r) return r;
  const via_tail tail = scan_via_tail(s, k);
  out.params = tail.params;
  const std::size_t q = tail.next;
  if (q < n && p[q] != ',') return fail(errc::bad_via, q);
  out.text = std::string_view(p + start, tail.end - start);
  i = q;
  return {errc::ok, static_cast<std::uint32_t>(q)};
}

/// Parses one via-parm at s[i]; on success `i` is at the following top-level ',' or s.size().
[[nodiscard]] constexpr parse_result parse_via_at(std::string_view s, std::size_t& i, via& out) noexcept {
  const std::size_t k = skip_lws_vc(s, i);
#ifdef SIPALG_SIP_SIMD16
  if (!std::is_constant_evaluated() && parse_via_fast(s, k, i, out)) return {errc::ok, static_cast<std::uint32_t>(i)};
#endif
  return parse_via_at_general(s, i, k, out);
}

}  // namespace detail

/**
 * Reads the via-parms of one Via header value in order:
 * @code
 *   via_reader r(value);
 *   via v;
 *   while (r.next(v)) { ... }
 *   if (!r.status()) { ... malformed: r.status().offset is relative to value ... }
 * @endcode
 * An empty value or an empty list element (",,") is an error (errc::bad_via).
 */
class via_reader {
 public:
  /// Reads `value` (a Via header value, e.g. `header::value.in(buf)`).
  constexpr explicit via_reader(std::string_view value) noexcept : s_(value) {}

  /// Parses the next via-parm into `out`. False at the end of the list or on an error (see status()).
  constexpr bool next(via& out) noexcept {
    if (done_) return false;
    std::size_t k = detail::skip_lws_vc(s_, pos_);
    if (count_ > 0) {
      if (k >= s_.size()) return finish({});
      if (s_[k] != ',') return finish({errc::bad_via, static_cast<std::uint32_t>(k)});
      k = detail::skip_lws_vc(s_, k + 1);
    }
    if (k >= s_.size() || s_[k] == ',') return finish({errc::bad_via, static_cast<std::uint32_t>(k)});
    if (parse_result r = detail::parse_via_at(s_, k, out); !r) return finish(r);
    pos_ = k;
    ++count_;
    return true;
  }
  /// errc::ok while reading and after a clean end; the error once next() failed on one.
  [[nodiscard]] constexpr parse_result status() const noexcept { return status_; }
  /// Number of via-parms read so far.
  [[nodiscard]] constexpr std::size_t count() const noexcept { return count_; }

 private:
  constexpr bool finish(parse_result r) noexcept {
    done_ = true;
    status_ = r;
    return false;
  }
  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t count_ = 0;
  bool done_ = false;
  parse_result status_{};
};

/**
 * Parses the first via-parm of a Via value (the one an ALG rewrites).
 * @return errc::ok (offset = where the next via-parm's ',' is, or value.size()),
 *         errc::bad_via, errc::bad_host or errc::bad_port; offsets relative to `value`.
 */
[[nodiscard]] constexpr parse_result parse_via(std::string_view value, via& out) noexcept {
  // What the first via_reader::next() does (`out` is untouched when the value is empty or starts with ',').
  const std::size_t k = detail::skip_lws_vc(value, 0);
  if (k >= value.size() || value[k] == ',') return {errc::bad_via, static_cast<std::uint32_t>(k)};
  std::size_t i = k;
  if (parse_result r = detail::parse_via_at(value, i, out); !r) return r;
  return {errc::ok, static_cast<std::uint32_t>(out.text.data() + out.text.size() - value.data())};
}

}  // namespace sipalg::sip
