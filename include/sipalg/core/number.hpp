/**
 * @file number.hpp
 * Strict decimal number parsing: digits only (no sign, no whitespace, no
 * hex), at least one digit, overflow is an error. Used for ports,
 * Content-Length, CSeq, Expires, SDP ports.
 */
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"

namespace sipalg {

/// Parses all of `s` as an unsigned decimal no larger than `max`; nullopt on
/// an empty string, a non-digit, or a value above `max` (leading zeros allowed).
template <std::unsigned_integral T>
[[nodiscard]] constexpr std::optional<T> parse_decimal(std::string_view s,
                                                       T max = std::numeric_limits<T>::max()) noexcept {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!ascii::is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    // v * 10 + digit > max, tested before the multiplication can wrap (T = uint64_t).
    if (digit > max || v > (static_cast<std::uint64_t>(max) - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return static_cast<T>(v);
}

/// A TCP/UDP port, 0..65535.
[[nodiscard]] constexpr std::optional<std::uint16_t> parse_port(std::string_view s) noexcept {
  return parse_decimal<std::uint16_t>(s);
}

/// Longest decimal text of a 64-bit unsigned value.
inline constexpr std::size_t max_decimal_digits = 20;

/// "00" "01" ... "99": two digits per table entry, so format_decimal writes two digits at a time.
/// (In namespace sipalg itself: a sipalg::detail would make `detail::` ambiguous in code that
/// uses both namespace sipalg and one of its layers.)
inline constexpr char decimal_digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/// Writes `v` in decimal to `out` (room for max_decimal_digits) and returns the
/// number of chars written. constexpr, unlike std::to_chars before C++23.
constexpr std::size_t format_decimal(std::uint64_t v, char* out) noexcept {
  // Count the digits first, then write them backwards in place, two per step
  // (ports and lengths have 1-5 digits: one compare per digit, at most three steps).
  std::size_t n = 1;
  for (std::uint64_t p = 10; n < max_decimal_digits && v >= p; p *= 10) ++n;
  std::size_t i = n;
  while (v >= 100) {
    const auto r = static_cast<std::size_t>(v % 100) * 2;
    v /= 100;
    out[--i] = decimal_digit_pairs[r + 1];
    out[--i] = decimal_digit_pairs[r];
  }
  if (v >= 10) {
    out[1] = decimal_digit_pairs[v * 2 + 1];
    out[0] = decimal_digit_pairs[v * 2];
  } else {
    out[0] = static_cast<char>('0' + v);
  }
  return n;
}

}  // namespace sipalg
