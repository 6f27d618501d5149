/**
 * @file name_addr.hpp
 * `name_addr`: the `( name-addr / addr-spec ) *( SEMI param )` value of From,
 * To, Contact, Route, Record-Route, Refer-To, P-Asserted-Identity, ...
 * (RFC 3261 20.10 and 25.1).
 *
 * In a name-addr the URI is inside `<>` and every `;param` after `>` belongs
 * to the header. In a bare addr-spec the URI ends at the first `;`, `,` or LWS,
 * so the parameters that follow are header parameters too (RFC 3261 20.10,
 * RFC 4475 3.3.12/3.3.13).
 *
 * @code
 *   "Alice \"A\"" <sip:alice@10.0.0.1:5060;transport=udp>;tag=1234;expires=60
 *   ^display_name^ ^uri^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^  ^params^^^^^^^^^^^^
 * @endcode
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/detail/value_scan.hpp"
#include "sipalg/sip/errc.hpp"
#include "sipalg/sip/params.hpp"
#include "sipalg/sip/uri.hpp"

namespace sipalg::sip {

/// A parsed name-addr or addr-spec with its header parameters. Views into the parsed text.
struct name_addr {
  std::string_view text;          ///< the whole element, without surrounding LWS
  std::string_view display_name;  ///< as written (a quoted one INCLUDES its quotes); empty when none
  bool quoted_display_name = false;
  bool angle_brackets = false;    ///< the URI was enclosed in `<>` (name-addr form)
  std::string_view uri;           ///< the URI text (inside `<>`, or the bare addr-spec)
  std::string_view params;        ///< header parameters INCLUDING the leading ';', empty when none

  /// Display name without its quotes (escapes left as written); token display names as written.
  [[nodiscard]] constexpr std::string_view unquoted_display_name() const noexcept {
    if (quoted_display_name && display_name.size() >= 2) return display_name.substr(1, display_name.size() - 2);
    return display_name;
  }
  /// The header parameters as an iterable list.
  [[nodiscard]] constexpr param_list parameters() const noexcept { return param_list(params); }
  /// First header parameter named `name` (case-insensitive), or nullopt.
  [[nodiscard]] constexpr std::optional<param> find_param(std::string_view name) const noexcept {
    return param_list(params).find(name);
  }
  /// Parses `uri` (see parse_uri()); the resulting views point into the same buffer.
  [[nodiscard]] constexpr parse_result parse_uri(sip::uri& out) const noexcept { return sip::parse_uri(uri, out); }
};

namespace detail {

/// Display names may be unquoted token sequences; bytes >= 0x80 (UTF-8) are tolerated there.
[[nodiscard]] constexpr bool is_display_char(char c) noexcept { return has_vc(c, vc_display); }

/// `s[b, e)` without leading and trailing LWS (the same view trim_lws() returns).
[[nodiscard]] SIPALG_ALWAYS_INLINE constexpr std::string_view trim_lws_at(std::string_view s, std::size_t b,
                                                                          std::size_t e) noexcept {
  while (b < e && has_vc(s[b], vc_lws)) ++b;
  while (e > b && has_vc(s[e - 1], vc_lws)) --e;
  return std::string_view(s.data() + b, e - b);
}

/**
 * Parses one element starting at s[i]. With `stop_at_comma` the element ends at
 * a top-level ',' (list headers such as Contact); on success `i` is the index of
 * that ',' or s.size(). Offsets in the result are relative to `s`.
 */
[[nodiscard]] constexpr parse_result parse_name_addr_at(std::string_view s, std::size_t& i, name_addr& out,
                                                        bool stop_at_comma) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  const char* p = s.data();
  const std::size_t n = s.size();
  out = name_addr{};
  std::size_t k = skip_lws_vc(s, i);
  const std::size_t start = k;
  if (k >= n || (stop_at_comma && p[k] == ',')) return fail(errc::bad_name_addr, k);
  bool bracket = false;
  std::size_t lt = npos;
  if (p[k] == '"') {
    const std::size_t e = skip_quoted_fast(s, k);
    if (e == npos) return fail(errc::bad_quoted_string, k);
    out.display_name = std::string_view(p + k, e - k);
    out.quoted_display_name = true;
    lt = skip_lws_vc(s, e);
    if (lt >= n || p[lt] != '<') return fail(errc::bad_name_addr, lt);
    bracket = true;
  } else {
    const std::size_t j = skip_vc(s, k, vc_display);
    if (j < n && p[j] == '<') {
      out.display_name = trim_lws_at(s, k, j);
      lt = j;
      bracket = true;
    }
  }
  std::size_t e = 0;  // one past the URI part
  if (bracket) {
    const std::size_t gt = find_byte(s, lt + 1, '>');
    if (gt >= n) return fail(errc::bad_name_addr, lt);
    out.uri = trim_lws_at(s, lt + 1, gt);
    out.angle_brackets = true;
    e = gt + 1;
  } else {
    // addr-spec: the URI ends at ';', ',' or LWS (RFC 3261 20.10).
    const std::size_t j = find_vc(s, k, vc_addr_stop);
    out.uri = std::string_view(p + k, j - k);
    // Must at least look like scheme ":" ...
    if (j == k || !ascii::is_alpha(p[k])) return fail(errc::bad_name_addr, k);
    std::size_t c = k + 1;
    while (c < j && has_vc(p[c], vc_scheme)) ++c;
    if (c >= j || p[c] != ':') return fail(errc::bad_name_addr, c);
    e = j;
  }
  std::size_t end = e;
  std::size_t q = skip_lws_vc(s, e);
  if (q < n && p[q] == ';') {
    const std::size_t pe = stop_at_comma ? find_top_level_comma(s, q) : n;
    out.params = trim_lws_at(s, q, pe);
    end = q + out.params.size();
    q = skip_lws_vc(s, pe);
  }
  if (q < n && !(stop_at_comma && p[q] == ',')) return fail(errc::bad_name_addr, q);
  out.text = std::string_view(p + start, end - start);
  i = q;
  return {errc::ok, static_cast<std::uint32_t>(q)};
}

}  // namespace detail

/**
 * Parses a whole single-valued header value (From, To, Refer-To, ...) as
 * `( name-addr / addr-spec ) *( SEMI param )`. Surrounding LWS is allowed.
 *
 * The URI is not parsed; call name_addr::parse_uri(). Header parameters are
 * not validated; call `parameters().validate()` for that.
 *
 * @return errc::ok; errc::bad_quoted_string (unterminated display name);
 *         errc::bad_name_addr (missing `>`, no URI, junk after the value).
 *         `offset` is relative to `value`.
 */
[[nodiscard]] constexpr parse_result parse_name_addr(std::string_view value, name_addr& out) noexcept {
  std::size_t i = 0;
  return detail::parse_name_addr_at(value, i, out, false);
}

}  // namespace sipalg::sip
