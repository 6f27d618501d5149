/**
 * @file call_id.hpp
 * Call-ID header value (RFC 3261 20.8): `word ["@" word]`, treated as an opaque
 * identifier. An ALG must never change it; it only keys call state on it.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/detail/value_scan.hpp"
#include "sipalg/sip/errc.hpp"

namespace sipalg::sip {

/**
 * Extracts the Call-ID from a header value: the value without surrounding LWS,
 * which must be non-empty and contain no LWS or control characters (bytes
 * >= 0x80 are tolerated). `out` views into `value`.
 * @return errc::ok, or errc::bad_value with the offset in `value`.
 */
[[nodiscard]] constexpr parse_result parse_call_id(std::string_view value, std::string_view& out) noexcept {
  const std::string_view v = detail::trim_lws(value);
  const auto base = static_cast<std::size_t>(v.data() - value.data());
  if (v.empty()) return {errc::bad_value, static_cast<std::uint32_t>(base)};
  if (const std::size_t i = detail::find_ctl_or_sp(v, 0); i < v.size())
    return {errc::bad_value, static_cast<std::uint32_t>(base + i)};
  out = v;
  return {errc::ok, static_cast<std::uint32_t>(value.size())};
}

}  // namespace sipalg::sip
