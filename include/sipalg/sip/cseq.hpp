/**
 * @file cseq.hpp
 * CSeq header value (RFC 3261 20.16): `1*DIGIT LWS Method`, the number below 2^31.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/errc.hpp"
#include "sipalg/sip/method.hpp"

namespace sipalg::sip {

/// A parsed CSeq. Views into the parsed value.
struct cseq {
  std::uint32_t number = 0;            ///< sequence number, < 2^31 (RFC 3261 8.1.1.5)
  std::string_view number_text;        ///< digits as written (leading zeros kept)
  std::string_view method;             ///< method token as written
  method_id method_type = method_id::unknown;  ///< known method, or unknown
};

/**
 * Parses a CSeq value (surrounding LWS and folded LWS between the parts allowed).
 * @return errc::ok, or errc::bad_cseq (missing/overlong number, value >= 2^31,
 *         missing LWS, method not a token, trailing junk); offset relative to `value`.
 */
[[nodiscard]] constexpr parse_result parse_cseq(std::string_view value, cseq& out) noexcept {
  auto fail = [](std::size_t at) { return parse_result{errc::bad_cseq, static_cast<std::uint32_t>(at)}; };
  out = cseq{};
  std::size_t i = detail::skip_lws(value, 0);
  const std::size_t ns = i;
  std::uint64_t v = 0;
  while (i < value.size() && ascii::is_digit(value[i])) {
    v = v * 10 + static_cast<std::uint64_t>(value[i] - '0');
    if (v > 0x7FFFFFFFull) return fail(i);
    ++i;
  }
  if (i == ns) return fail(i);
  out.number = static_cast<std::uint32_t>(v);
  out.number_text = value.substr(ns, i - ns);
  const std::size_t ws = i;
  i = detail::skip_lws(value, i);
  if (i == ws) return fail(i);
  const std::size_t ms = i;
  while (i < value.size() && ascii::is_token(value[i])) ++i;
  if (i == ms) return fail(i);
  out.method = value.substr(ms, i - ms);
  out.method_type = lookup_method(out.method);
  i = detail::skip_lws(value, i);
  if (i != value.size()) return fail(i);
  return {errc::ok, static_cast<std::uint32_t>(value.size())};
}

}  // namespace sipalg::sip
