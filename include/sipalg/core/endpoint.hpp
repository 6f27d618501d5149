/**
 * @file endpoint.hpp
 * `endpoint`: an IP address with an optional port, as written in SIP
 * (`1.2.3.4:5060`, `[2001:db8::1]:5060`, or an address alone).
 */
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/fixed_string.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"

namespace sipalg {

/// Transport protocol of a flow or a SIP hop.
enum class transport : std::uint8_t { udp = 17, tcp = 6 };

[[nodiscard]] constexpr std::string_view to_string(transport t) noexcept {
  return t == transport::udp ? "udp" : "tcp";
}

struct endpoint {
  /// "[" + 45 + "]:" + 5
  static constexpr std::size_t max_text_size = ip_address::max_text_size + 8;
  using text = fixed_string<max_text_size>;

  ip_address address;
  std::uint16_t port = 0;
  bool has_port = false;  ///< false when the text named no port

  constexpr endpoint() noexcept = default;
  constexpr endpoint(ip_address a, std::uint16_t p) noexcept : address(a), port(p), has_port(true) {}

  /// The port, or `default_port` when none was written (5060 for sip, 5061 for sips).
  [[nodiscard]] constexpr std::uint16_t port_or(std::uint16_t default_port) const noexcept {
    return has_port ? port : default_port;
  }

  /// Parses `a.b.c.d[:port]`, `[v6][:port]`, or a bare IPv6 address (no port).
  /// A port must be 0..65535 in decimal; "1.2.3.4:" is an error.
  [[nodiscard]] static constexpr std::optional<endpoint> parse(std::string_view s) noexcept {
    endpoint e;
    std::string_view host = s, port;
    bool port_given = false;
    if (!s.empty() && s.front() == '[') {
      const auto close = s.find(']');
      if (close == std::string_view::npos) return std::nullopt;
      host = s.substr(1, close - 1);
      const auto rest = s.substr(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':') return std::nullopt;
        port = rest.substr(1), port_given = true;
      }
      auto a = ip_address::parse_v6(host);
      if (!a) return std::nullopt;
      e.address = *a;
    } else {
      const auto colon = s.find(':');
      if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos) {
        host = s.substr(0, colon), port = s.substr(colon + 1), port_given = true;
      }
      auto a = ip_address::parse(host);
      if (!a) return std::nullopt;
      if (port_given && a->is_v6()) return std::nullopt;
      e.address = *a;
    }
    if (port_given) {
      auto p = parse_port(port);
      if (!p) return std::nullopt;
      e.port = *p, e.has_port = true;
    }
    return e;
  }

  /// Writes `a.b.c.d:port` or `[v6]:port` (no `:port` when has_port is false).
  constexpr std::to_chars_result to_chars(char* first, char* last) const noexcept {
    text t = to_text();
    if (static_cast<std::size_t>(last - first) < t.size()) return {last, std::errc::value_too_large};
    for (char c : t.view()) *first++ = c;
    return {first, std::errc{}};
  }
  [[nodiscard]] constexpr text to_text() const noexcept {
    text t;
    if (address.is_v6()) t.push_back('[');
    t.append(address.to_text());
    if (address.is_v6()) t.push_back(']');
    if (has_port) {
      t.push_back(':');
      char digits[max_decimal_digits];
      t.append(std::string_view(digits, format_decimal(port, digits)));
    }
    return t;
  }

  friend constexpr bool operator==(const endpoint& a, const endpoint& b) noexcept {
    return a.address == b.address && a.has_port == b.has_port && (!a.has_port || a.port == b.port);
  }
};

}  // namespace sipalg
