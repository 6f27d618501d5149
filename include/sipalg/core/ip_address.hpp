/**
 * @file ip_address.hpp
 * IPv4 and IPv6 addresses: strict parsing of the RFC 4291 text forms (and
 * dotted-quad IPv4 without leading zeros), RFC 5952 canonical formatting.
 * No allocation, no exceptions, no locale.
 */
#pragma once

#include <array>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/fixed_string.hpp"

namespace sipalg {

enum class ip_family : std::uint8_t { v4 = 4, v6 = 6 };

/// An IPv4 or IPv6 address, stored in network byte order.
class ip_address {
 public:
  /// Longest canonical text: an IPv4-mapped IPv6 address in mixed notation is
  /// shorter than 8 full groups (39 chars); 45 covers any RFC 4291 form we print.
  static constexpr std::size_t max_text_size = 45;
  using text = fixed_string<max_text_size>;

  /// 0.0.0.0
  constexpr ip_address() noexcept = default;

  [[nodiscard]] static constexpr ip_address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c,
                                               std::uint8_t d) noexcept {
    ip_address r;
    r.bytes_[0] = a, r.bytes_[1] = b, r.bytes_[2] = c, r.bytes_[3] = d;
    return r;
  }
  /// From a host-order 32-bit value (0xC0A80001 is 192.168.0.1).
  [[nodiscard]] static constexpr ip_address from_v4_uint(std::uint32_t host_order) noexcept {
    return v4(static_cast<std::uint8_t>(host_order >> 24), static_cast<std::uint8_t>(host_order >> 16),
              static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order));
  }
  /// From 16 network-order bytes.
  [[nodiscard]] static constexpr ip_address v6(const std::array<std::uint8_t, 16>& b) noexcept {
    ip_address r;
    r.family_ = ip_family::v6;
    r.bytes_ = b;
    return r;
  }

  [[nodiscard]] constexpr ip_family family() const noexcept { return family_; }
  [[nodiscard]] constexpr bool is_v4() const noexcept { return family_ == ip_family::v4; }
  [[nodiscard]] constexpr bool is_v6() const noexcept { return family_ == ip_family::v6; }
  /// Network-order bytes; 4 significant for IPv4, 16 for IPv6.
  [[nodiscard]] constexpr const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
  /// Host-order value of an IPv4 address (0 for IPv6).
  [[nodiscard]] constexpr std::uint32_t v4_uint() const noexcept {
    if (!is_v4()) return 0;
    return (std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) | (std::uint32_t{bytes_[2]} << 8) |
           std::uint32_t{bytes_[3]};
  }
  /// 0.0.0.0 or :: (the SDP "hold" address of RFC 2543).
  [[nodiscard]] constexpr bool is_unspecified() const noexcept {
    const std::size_t n = is_v4() ? 4 : 16;
    for (std::size_t i = 0; i < n; ++i)
      if (bytes_[i] != 0) return false;
    return true;
  }
  /// ::ffff:a.b.c.d
  [[nodiscard]] constexpr bool is_v4_mapped() const noexcept {
    if (!is_v6()) return false;
    for (std::size_t i = 0; i < 10; ++i)
      if (bytes_[i] != 0) return false;
    return bytes_[10] == 0xff && bytes_[11] == 0xff;
  }
  /// RFC 1918, RFC 6598 (CGNAT) and IPv6 unique-local (fc00::/7) addresses.
  [[nodiscard]] constexpr bool is_private() const noexcept {
    if (is_v6()) return (bytes_[0] & 0xfe) == 0xfc;
    return bytes_[0] == 10 || (bytes_[0] == 172 && (bytes_[1] & 0xf0) == 16) ||
           (bytes_[0] == 192 && bytes_[1] == 168) || (bytes_[0] == 100 && (bytes_[1] & 0xc0) == 64);
  }

  /// Parses an IPv4 dotted quad (exactly four decimal octets, no leading zeros)
  /// or an RFC 4291 IPv6 text form (with at most one "::", optionally ending in
  /// a dotted quad). No brackets, no zone id, no surrounding whitespace.
  [[nodiscard]] static constexpr std::optional<ip_address> parse(std::string_view s) noexcept {
    if (s.find(':') != std::string_view::npos) return parse_v6(s);
    return parse_v4(s);
  }
  [[nodiscard]] static constexpr std::optional<ip_address> parse_v4(std::string_view s) noexcept {
    ip_address r;
    if (!parse_quad(s, r.bytes_.data())) return std::nullopt;
    return r;
  }
  [[nodiscard]] static constexpr std::optional<ip_address> parse_v6(std::string_view s) noexcept;

  /// Writes the canonical text (RFC 5952 for IPv6) to [first, last).
  /// Returns {end, errc{}} or {last, errc::value_too_large} when it does not fit.
  constexpr std::to_chars_result to_chars(char* first, char* last) const noexcept;
  /// The canonical text in an inline buffer.
  [[nodiscard]] constexpr text to_text() const noexcept {
    text t;
    auto r = to_chars(t.data(), t.data() + max_text_size);
    t.resize(static_cast<std::size_t>(r.ptr - t.data()));
    return t;
  }

  friend constexpr bool operator==(const ip_address& a, const ip_address& b) noexcept {
    if (a.family_ != b.family_) return false;
    // Bytes past an IPv4 address are always zero (every constructor keeps them so),
    // so comparing all 16 is exact for both families: two 8-byte words.
    const auto x = std::bit_cast<std::array<std::uint64_t, 2>>(a.bytes_);
    const auto y = std::bit_cast<std::array<std::uint64_t, 2>>(b.bytes_);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
  }

 private:
  // Parses "a.b.c.d" into out[0..3].
  static constexpr bool parse_quad(std::string_view s, std::uint8_t* out) noexcept {
    int part = 0;
    std::size_t i = 0;
    while (part < 4) {
      const std::size_t start = i;
      unsigned v = 0;
      while (i < s.size() && ascii::is_digit(s[i]) && i - start < 3) v = v * 10 + static_cast<unsigned>(s[i++] - '0');
      const std::size_t len = i - start;
      if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
      if (i < s.size() && ascii::is_digit(s[i])) return false;  // 4+ digits
      out[part++] = static_cast<std::uint8_t>(v);
      if (part < 4) {
        if (i >= s.size() || s[i] != '.') return false;
        ++i;
      }
    }
    return i == s.size();
  }

  ip_family family_ = ip_family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

constexpr std::optional<ip_address> ip_address::parse_v6(std::string_view s) noexcept {
  std::uint16_t head[8]{}, tail[8]{};
  int nhead = 0, ntail = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.size() < 2) return std::nullopt;
  if (s[0] == ':') {
    if (s[1] != ':') return std::nullopt;  // a lone leading ':'
    compressed = true;
    i = 2;
    if (i == s.size()) return ip_address::v6({});
  }
  std::uint8_t quad[4]{};
  bool has_quad = false;
  while (i < s.size()) {
    // A group: 1..4 hex digits, or a trailing dotted quad.
    const std::size_t start = i;
    unsigned v = 0;
    for (; i < s.size() && i - start < 5; ++i) {
      const unsigned d = ascii::hex_digit(s[i]);
      if (d > 15) break;
      v = v * 16 + d;
    }
    if (i < s.size() && s[i] == '.') {
      if (!parse_quad(s.substr(start), quad)) return std::nullopt;
      has_quad = true;
      i = s.size();
      break;
    }
    const std::size_t len = i - start;
    if (len == 0 || len > 4) return std::nullopt;
    if (nhead + ntail >= 8) return std::nullopt;
    (compressed ? tail[ntail++] : head[nhead++]) = static_cast<std::uint16_t>(v);
    if (i == s.size()) break;
    if (s[i] != ':') return std::nullopt;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return std::nullopt;  // a second "::"
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return std::nullopt;  // trailing single ':'
    }
  }
  const int groups = nhead + ntail + (has_quad ? 2 : 0);
  if (compressed ? groups > 7 : groups != 8) return std::nullopt;
  std::array<std::uint8_t, 16> b{};
  for (int g = 0; g < nhead; ++g) {
    b[static_cast<std::size_t>(2 * g)] = static_cast<std::uint8_t>(head[g] >> 8);
    b[static_cast<std::size_t>(2 * g + 1)] = static_cast<std::uint8_t>(head[g]);
  }
  const int tail_start = 8 - ntail - (has_quad ? 2 : 0);
  for (int g = 0; g < ntail; ++g) {
    b[static_cast<std::size_t>(2 * (tail_start + g))] = static_cast<std::uint8_t>(tail[g] >> 8);
    b[static_cast<std::size_t>(2 * (tail_start + g) + 1)] = static_cast<std::uint8_t>(tail[g]);
  }
  if (has_quad)
    for (std::size_t k = 0; k < 4; ++k) b[12 + k] = quad[k];
  return ip_address::v6(b);
}

constexpr std::to_chars_result ip_address::to_chars(char* first, char* last) const noexcept {
  if (is_v4() && last - first >= 15) {  // the hot path (a NAT formats its public IPv4 per message): no staging copy
    char* p = first;
    for (int k = 0; k < 4; ++k) {
      if (k) *p++ = '.';
      unsigned v = bytes_[static_cast<std::size_t>(k)];
      if (v >= 100) {
        const unsigned h = v / 100;
        *p++ = static_cast<char>('0' + h);
        v -= h * 100;
        *p++ = static_cast<char>('0' + v / 10);
      } else if (v >= 10) {
        *p++ = static_cast<char>('0' + v / 10);
      }
      *p++ = static_cast<char>('0' + v % 10);
    }
    return {p, std::errc{}};
  }
  char buf[max_text_size];
  std::size_t n = 0;
  auto put_dec = [&](unsigned v) {
    if (v >= 100) buf[n++] = static_cast<char>('0' + v / 100);
    if (v >= 10) buf[n++] = static_cast<char>('0' + v / 10 % 10);
    buf[n++] = static_cast<char>('0' + v % 10);
  };
  auto put_quad = [&](const std::uint8_t* q) {
    for (int k = 0; k < 4; ++k) {
      if (k) buf[n++] = '.';
      put_dec(q[k]);
    }
  };
  if (is_v4()) {
    put_quad(bytes_.data());
  } else {
    std::uint16_t g[8];
    for (std::size_t k = 0; k < 8; ++k) g[k] = static_cast<std::uint16_t>((bytes_[2 * k] << 8) | bytes_[2 * k + 1]);
    // RFC 5952 4.2: compress the longest run (first on a tie) of at least two zero groups.
    int best = -1, best_len = 0;
    for (int k = 0; k < 8;) {
      if (g[k] != 0) { ++k; continue; }
      int e = k;
      while (e < 8 && g[e] == 0) ++e;
      if (e - k > best_len && e - k >= 2) best = k, best_len = e - k;
      k = e;
    }
    const bool mapped = is_v4_mapped();  // RFC 5952 5: ::ffff:192.0.2.1
    const int ngroups = mapped ? 6 : 8;
    if (mapped) best = 0, best_len = 5;
    constexpr char hex[] = "0123456789abcdef";
    for (int k = 0; k < ngroups;) {
      if (k == best) {
        buf[n++] = ':';
        buf[n++] = ':';
        k += best_len;
        continue;
      }
      if (k != 0 && k != best + best_len) buf[n++] = ':';
      bool started = false;
      for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned d = (g[k] >> shift) & 0xf;
        if (d || started || shift == 0) buf[n++] = hex[d], started = true;
      }
      ++k;
    }
    if (mapped) {
      buf[n++] = ':';
      put_quad(bytes_.data() + 12);
    }
  }
  if (static_cast<std::size_t>(last - first) < n) return {last, std::errc::value_too_large};
  std::char_traits<char>::copy(first, buf, n);
  return {first + n, std::errc{}};
}

}  // namespace sipalg
