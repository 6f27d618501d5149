/**
 * @file content_length.hpp
 * Content-Length value (RFC 3261 20.14): `1*DIGIT`.
 */
#pragma once

#include <cstdint>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/errc.hpp"

namespace sipalg::sip {

/**
 * Parses a Content-Length value (surrounding LWS allowed, leading zeros allowed).
 *
 * @param value  the header value
 * @param out    receives the length on success
 * @return errc::ok (offset = value.size()); errc::negative_content_length for a
 *         leading '-'; errc::bad_content_length for an empty value, a non-digit,
 *         or a value above 2^32-1. `offset` is relative to `value`.
 */
[[nodiscard]] constexpr parse_result parse_content_length(std::string_view value, std::uint32_t& out) noexcept {
  std::size_t i = detail::skip_lws(value, 0);
  std::size_t end = value.size();
  while (end > i && detail::is_lws(value[end - 1])) --end;
  if (i == end) return {errc::bad_content_length, static_cast<std::uint32_t>(i)};
  if (value[i] == '-') return {errc::negative_content_length, static_cast<std::uint32_t>(i)};
  std::uint64_t v = 0;
  for (std::size_t k = i; k < end; ++k) {
    const char c = value[k];
    if (!ascii::is_digit(c)) return {errc::bad_content_length, static_cast<std::uint32_t>(k)};
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > 0xFFFFFFFFull) return {errc::bad_content_length, static_cast<std::uint32_t>(k)};
  }
  out = static_cast<std::uint32_t>(v);
  return {errc::ok, static_cast<std::uint32_t>(value.size())};
}

}  // namespace sipalg::sip
