/**
 * @file expires.hpp
 * Expires and Min-Expires header values and the `expires` contact parameter
 * (RFC 3261 20.19, 20.23, 10.2.1.1): delta-seconds.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/errc.hpp"

namespace sipalg::sip {

/**
 * Parses delta-seconds (`1*DIGIT`, surrounding LWS allowed, leading zeros allowed).
 *
 * RFC 3261 allows 0..2^32-1. Larger values and anything that is not a number
 * (e.g. an RFC 2543 SIP-date) are errors; the caller decides what a malformed
 * Expires means (RFC 3261 10.3 suggests treating it as 3600).
 *
 * @return errc::ok, or errc::bad_value with the offset in `value`.
 */
[[nodiscard]] constexpr parse_result parse_expires(std::string_view value, std::uint32_t& out) noexcept {
  std::size_t i = detail::skip_lws(value, 0);
  std::size_t end = value.size();
  while (end > i && detail::is_lws(value[end - 1])) --end;
  if (i == end) return {errc::bad_value, static_cast<std::uint32_t>(i)};
  std::uint64_t v = 0;
  for (std::size_t k = i; k < end; ++k) {
    if (!ascii::is_digit(value[k])) return {errc::bad_value, static_cast<std::uint32_t>(k)};
    v = v * 10 + static_cast<std::uint64_t>(value[k] - '0');
    if (v > 0xFFFFFFFFull) return {errc::bad_value, static_cast<std::uint32_t>(k)};
  }
  out = static_cast<std::uint32_t>(v);
  return {errc::ok, static_cast<std::uint32_t>(value.size())};
}

}  // namespace sipalg::sip
