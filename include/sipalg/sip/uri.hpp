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

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/detail/scan.hpp"
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

/**
 * Parses `text` (no surrounding LWS) as a URI.
 *
 * @return errc::ok; errc::bad_uri (no `scheme:`, junk after the host, LWS or
 *         control characters, an empty SIP URI); errc::bad_host; errc::bad_port.
 *         `offset` is relative to `text`. On error `out` is partially filled.
 */
[[nodiscard]] constexpr parse_result parse_uri(std::string_view text, uri& out) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  out = uri{};
  out.text = text;
  if (text.empty() || !ascii::is_alpha(text[0])) return fail(errc::bad_uri, 0);
  std::size_t i = 1;
  while (i < text.size() && detail::has_class(text[i], detail::cc_scheme)) ++i;
  if (i >= text.size() || text[i] != ':') return fail(errc::bad_uri, i);
  out.scheme = text.substr(0, i);
  const std::size_t rs = i + 1;
  out.opaque_part = text.substr(rs);
  for (std::size_t k = rs; k < text.size(); ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"') return fail(errc::bad_uri, k);
  }
  if (ascii::iequals(out.scheme, "sip")) {
    out.scheme_id = uri_scheme::sip;
  } else if (ascii::iequals(out.scheme, "sips")) {
    out.scheme_id = uri_scheme::sips;
  } else {
    out.scheme_id = ascii::iequals(out.scheme, "tel") ? uri_scheme::tel : uri_scheme::other;
    out.opaque = true;
    return {errc::ok, static_cast<std::uint32_t>(text.size())};
  }
  // userinfo: up to the first '@' (user-unreserved allows ';', '?', '/' and ',' in the user part).
  std::size_t hs = rs;
  const std::size_t at = text.find('@', rs);
  if (at != std::string_view::npos) {
    out.has_userinfo = true;
    out.userinfo = text.substr(rs, at - rs);
    const std::size_t colon = out.userinfo.find(':');
    if (colon == std::string_view::npos) {
      out.user = out.userinfo;
    } else {
      out.user = out.userinfo.substr(0, colon);
      out.password = out.userinfo.substr(colon + 1);
      out.has_password = true;
    }
    hs = at + 1;
  }
  std::size_t k = hs;
  if (parse_result r = detail::parse_host_port_at(text, k, out.host, false); !r) return r;
  if (k < text.size() && text[k] != ';' && text[k] != '?') return fail(errc::bad_uri, k);
  const std::size_t q = text.find('?', k);
  if (q == std::string_view::npos) {
    out.params = text.substr(k);
  } else {
    out.params = text.substr(k, q - k);
    out.headers = text.substr(q + 1);
    out.has_headers = true;
  }
  return {errc::ok, static_cast<std::uint32_t>(text.size())};
}

}  // namespace sipalg::sip
