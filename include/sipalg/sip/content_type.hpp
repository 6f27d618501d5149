/**
 * @file content_type.hpp
 * Content-Type header value (RFC 3261 20.15): `m-type SLASH m-subtype *(SEMI m-parameter)`,
 * e.g. `application/sdp` or `multipart/mixed;boundary=unique-boundary-1`.
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

namespace sipalg::sip {

/// A parsed media type. Views into the parsed value.
struct content_type {
  std::string_view text;     ///< the whole value without surrounding LWS
  std::string_view type;     ///< e.g. "application"
  std::string_view subtype;  ///< e.g. "sdp"
  std::string_view params;   ///< parameters INCLUDING the leading ';', empty when none

  /// True when the type is `t`/`st` (case-insensitive).
  [[nodiscard]] constexpr bool is(std::string_view t, std::string_view st) const noexcept {
    return ascii::iequals(type, t) && ascii::iequals(subtype, st);
  }
  /// application/sdp
  [[nodiscard]] constexpr bool is_sdp() const noexcept { return is("application", "sdp"); }
  /// multipart/ *
  [[nodiscard]] constexpr bool is_multipart() const noexcept { return ascii::iequals(type, "multipart"); }
  /// message/sipfrag
  [[nodiscard]] constexpr bool is_sipfrag() const noexcept { return is("message", "sipfrag"); }
  [[nodiscard]] constexpr param_list parameters() const noexcept { return param_list(params); }
  [[nodiscard]] constexpr std::optional<param> find_param(std::string_view name) const noexcept {
    return param_list(params).find(name);
  }
  /// The multipart boundary without quotes, or nullopt.
  [[nodiscard]] constexpr std::optional<std::string_view> boundary() const noexcept {
    const auto p = find_param("boundary");
    if (!p || !p->has_value) return std::nullopt;
    return p->unquoted_value();
  }
};

/**
 * Parses a Content-Type value (LWS allowed around '/' and ';').
 * @return errc::ok, or errc::bad_content_type (type or subtype missing or not a
 *         token, junk after the subtype); offset relative to `value`.
 *         Parameters are not validated (see param_list::validate()).
 */
[[nodiscard]] constexpr parse_result parse_content_type(std::string_view value, content_type& out) noexcept {
  auto fail = [](std::size_t at) { return parse_result{errc::bad_content_type, static_cast<std::uint32_t>(at)}; };
  out = content_type{};
  std::size_t i = detail::skip_lws(value, 0);
  const std::size_t start = i;
  std::size_t b = i;
  while (i < value.size() && ascii::is_token(value[i])) ++i;
  if (i == b) return fail(i);
  out.type = value.substr(b, i - b);
  i = detail::skip_lws(value, i);
  if (i >= value.size() || value[i] != '/') return fail(i);
  i = detail::skip_lws(value, i + 1);
  b = i;
  while (i < value.size() && ascii::is_token(value[i])) ++i;
  if (i == b) return fail(i);
  out.subtype = value.substr(b, i - b);
  std::size_t end = i;
  i = detail::skip_lws(value, i);
  if (i < value.size()) {
    if (value[i] != ';') return fail(i);
    out.params = detail::trim_lws(value.substr(i));
    end = static_cast<std::size_t>(out.params.data() + out.params.size() - value.data());
  }
  out.text = value.substr(start, end - start);
  return {errc::ok, static_cast<std::uint32_t>(value.size())};
}

}  // namespace sipalg::sip
