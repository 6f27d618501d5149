/**
 * @file binding.hpp
 * `binding`: the NAT flow a SIP message crosses, as the host NAT knows it.
 */
#pragma once

#include <cstdint>

#include "sipalg/core/endpoint.hpp"

namespace sipalg::alg {

/// Which way the message crosses the NAT.
enum class direction : std::uint8_t {
  outbound,  ///< inside to outside: what the phone sends (its addresses become public)
  inbound,   ///< outside to inside: what the server sends back (public addresses are restored)
};

[[nodiscard]] constexpr std::string_view to_string(direction d) noexcept {
  return d == direction::outbound ? "outbound" : "inbound";
}

/**
 * The flow: the phone's private endpoint, the public endpoint the NAT mapped
 * it to, and the signalling peer (server). All three carry a port.
 * Only the binding's own addresses are rewritten (exact match); another
 * private address (another phone, a VPN address) is left alone.
 */
struct binding {
  endpoint inside;   ///< phone's private ip:port, e.g. 192.168.2.100:5060
  endpoint outside;  ///< public ip:port the NAT chose, e.g. 2.2.2.2:5061
  endpoint peer;     ///< the signalling peer (registrar, proxy), e.g. 1.1.1.2:5060
  sipalg::transport transport = sipalg::transport::udp;
  alg::direction dir = alg::direction::outbound;
};

}  // namespace sipalg::alg
