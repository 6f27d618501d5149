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
[[nodiscard]] constexpr bool is_display_char(char c) noexcept {
  return ascii::is_token(c) || is_lws(c) || static_cast<unsigned char>(c) >= 0x80;
}

/**
 * Parses one element starting at s[i]. With `stop_at_comma` the element ends at
 * a top-level ',' (list headers such as Contact); on success `i` is the index of
 * that ',' or s.size(). Offsets in the result are relative to `s`.
 */
[[nodiscard]] constexpr parse_result parse_name_addr_at(std::string_view s, std::size_t& i, name_addr& out,
                                                        bool stop_at_comma) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  out = name_addr{};
  std::size_t p = skip_lws(s, i);
  const std::size_t start = p;
  if (p >= s.size() || (stop_at_comma && s[p] == ',')) return fail(errc::bad_name_addr, p);
  std::size_t k = 0;  // one past the URI part
  bool bracket = false;
  std::size_t lt = npos;
  if (s[p] == '"') {
    const std::size_t e = skip_quoted(s, p);
    if (e == npos) return fail(errc::bad_quoted_string, p);
    out.display_name = s.substr(p, e - p);
    out.quoted_display_name = true;
    lt = skip_lws(s, e);
    if (lt >= s.size() || s[lt] != '<') return fail(errc::bad_name_addr, lt);
    bracket = true;
  } else {
    std::size_t j = p;
    while (j < s.size() && is_display_char(s[j])) ++j;
    if (j < s.size() && s[j] == '<') {
      out.display_name = trim_lws(s.substr(p, j - p));
      lt = j;
      bracket = true;
    }
  }
  if (bracket) {
    const std::size_t gt = s.find('>', lt + 1);
    if (gt == npos) return fail(errc::bad_name_addr, lt);
    out.uri = trim_lws(s.substr(lt + 1, gt - lt - 1));
    out.angle_brackets = true;
    k = gt + 1;
  } else {
    // addr-spec: the URI ends at ';', ',' or LWS (RFC 3261 20.10).
    std::size_t j = p;
    while (j < s.size() && s[j] != ';' && s[j] != ',' && !is_lws(s[j])) ++j;
    out.uri = s.substr(p, j - p);
    // Must at least look like scheme ":" ...
    std::size_t c = 0;
    if (out.uri.empty() || !ascii::is_alpha(out.uri[0])) return fail(errc::bad_name_addr, p);
    while (c < out.uri.size() && has_class(out.uri[c], cc_scheme)) ++c;
    if (c >= out.uri.size() || out.uri[c] != ':') return fail(errc::bad_name_addr, p + c);
    k = j;
  }
  std::size_t end = k;
  std::size_t q = skip_lws(s, k);
  if (q < s.size() && s[q] == ';') {
    const std::size_t pe = stop_at_comma ? find_top_level(s, q, ',') : s.size();
    out.params = trim_lws(s.substr(q, pe - q));
    end = static_cast<std::size_t>(out.params.data() + out.params.size() - s.data());
    q = skip_lws(s, pe);
  }
  if (q < s.size() && !(stop_at_comma && s[q] == ',')) return fail(errc::bad_name_addr, q);
  out.text = s.substr(start, end - start);
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
