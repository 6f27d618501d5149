/**
 * @file ascii.hpp
 * ASCII helpers: character classes of RFC 3261 (25.1), case-insensitive
 * comparison and hashing. Locale-free and constexpr.
 */
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sipalg::ascii {

[[nodiscard]] constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}
[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
[[nodiscard]] constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
[[nodiscard]] constexpr bool is_alnum(char c) noexcept { return is_digit(c) || is_alpha(c); }
[[nodiscard]] constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
namespace detail {
/// 0-15 for a hex digit (either case), 0xFF for any other byte.
inline constexpr auto hex_digit_table = [] {
  struct table {
    std::uint8_t v[256];
  } t{};
  for (unsigned c = 0; c < 256; ++c)
    t.v[c] = c >= '0' && c <= '9'   ? static_cast<std::uint8_t>(c - '0')
             : c >= 'a' && c <= 'f' ? static_cast<std::uint8_t>(c - 'a' + 10)
             : c >= 'A' && c <= 'F' ? static_cast<std::uint8_t>(c - 'A' + 10)
                                    : std::uint8_t{0xFF};
  return t;
}();
}  // namespace detail
/// The value of a hex digit (0-15), or a value above 15 for any other byte: one table load.
[[nodiscard]] constexpr unsigned hex_digit(char c) noexcept {
  return detail::hex_digit_table.v[static_cast<unsigned char>(c)];
}
/// Value of a hex digit, or -1.
[[nodiscard]] constexpr int hex_value(char c) noexcept {
  const unsigned d = hex_digit(c);
  return d > 15 ? -1 : static_cast<int>(d);
}
/// SP or HTAB (RFC 3261 WSP).
[[nodiscard]] constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

namespace detail {
constexpr std::array<bool, 256> make_token_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = is_alnum(static_cast<char>(c));
  for (char c : std::string_view("-.!%*_+`'~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
inline constexpr std::array<bool, 256> token_table = make_token_table();
}  // namespace detail

/// RFC 3261 `token` character: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~".
[[nodiscard]] constexpr bool is_token(char c) noexcept {
  return detail::token_table[static_cast<unsigned char>(c)];
}
/// True when `s` is a non-empty RFC 3261 token.
[[nodiscard]] constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token(c)) return false;
  return true;
}

/// Case-insensitive ASCII equality.
[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a == b) return true;  // the common case (same spelling) at memcmp speed
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}
/// Case-insensitive prefix test.
[[nodiscard]] constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}
/// Case-insensitive three-way comparison (like strcasecmp), usable for ordering.
[[nodiscard]] constexpr int icompare(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char x = to_lower(a[i]), y = to_lower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}
/// Case-insensitive FNV-1a hash: `ihash(a) == ihash(b)` whenever `iequals(a, b)`.
[[nodiscard]] constexpr std::uint32_t ihash(std::string_view s) noexcept {
  std::uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<unsigned char>(to_lower(c));
    h *= 16777619u;
  }
  return h;
}

/// `s` without leading and trailing SP/HTAB.
[[nodiscard]] constexpr std::string_view trim_wsp(std::string_view s) noexcept {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}
/// `s` without leading and trailing LWS (SP, HTAB, CR, LF), as left by folded lines.
[[nodiscard]] constexpr std::string_view trim_lws(std::string_view s) noexcept {
  auto lws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && lws(s.front())) s.remove_prefix(1);
  while (!s.empty() && lws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace sipalg::ascii
