/**
 * @file policy.hpp
 * `policy`: what the ALG does, as a plain struct with documented defaults.
 * The defaults are the RouterOS-style knobs operators know (`ports`,
 * `sip-timeout`, `sip-direct-media`) plus sipalg's own safety choices.
 */
#pragma once

#include <cstdint>
#include <string_view>

#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/fixed_vector.hpp"

namespace sipalg::alg {

/// Which transports a SIP port applies to.
enum class transport_mask : std::uint8_t { udp = 1, tcp = 2, both = 3 };

/// One configured SIP server port.
struct sip_port {
  std::uint16_t port = 5060;
  transport_mask transports = transport_mask::both;

  [[nodiscard]] constexpr bool matches(std::uint16_t p, transport t) const noexcept {
    return p == port && (static_cast<std::uint8_t>(transports) & (t == transport::udp ? 1 : 2)) != 0;
  }
};

/// Fields the rewriter may touch (bit flags). Call-ID, branch, tags, CSeq and
/// Authorization/Proxy-Authorization are never touched whatever is set here.
enum rewrite_field : std::uint32_t {
  rewrite_via = 1u << 0,          ///< top Via sent-by (and received=/rport= inbound)
  rewrite_contact = 1u << 1,      ///< every Contact URI
  rewrite_request_uri = 1u << 2,  ///< the Request-URI when it carries the binding's address
  rewrite_sdp = 1u << 3,          ///< SDP o=, c=, m= ports and a=rtcp
  rewrite_from_to = 1u << 4,      ///< From and To URIs (off by default: they are identities, not routes)
  rewrite_extra_headers = 1u << 5,  ///< the URIs of `policy::extra_headers`
  rewrite_default = rewrite_via | rewrite_contact | rewrite_request_uri | rewrite_sdp,
};

/// What to do with a message the ALG cannot handle safely.
enum class failure_action : std::uint8_t {
  pass,  ///< forward it unchanged (the default: never lose a message)
  drop,  ///< drop it
};

/// How a REGISTER whose Contact carries no expiry (neither an Expires header
/// nor a Contact `expires` parameter) is treated.
enum class absent_expires : std::uint8_t {
  registrar_default,  ///< RFC 3261 10.2.1.1: the registrar picks its default: keep the pinhole (default)
  unregister,         ///< treat it as Expires 0 and remove the pinhole (some ALGs do this)
};

struct policy {
  /// Maximum number of configured SIP ports (RouterOS allows 8).
  static constexpr std::size_t max_ports = 8;
  /// Maximum number of extra header names whose URIs are mapped.
  static constexpr std::size_t max_extra_headers = 8;

  /// SIP server ports the ALG runs on; default 5060 and 5061, UDP and TCP.
  fixed_vector<sip_port, max_ports> ports = default_ports();
  /// Timeout of the SIP signalling mapping (seconds); must outlive the phone's
  /// re-REGISTER/keep-alive interval. RouterOS `sip-timeout`, default 1 h.
  std::uint32_t sip_timeout = 3600;
  /// How long a media expectation waits for its first packet (seconds).
  std::uint32_t media_timeout = 180;
  /// true: media expectations accept any remote address (media may come from an
  /// SBC or the far phone, not the signalling peer). RouterOS `sip-direct-media`.
  bool direct_media = true;
  /// true: the REGISTER pinhole accepts incoming signalling from any address;
  /// false (default): only from the registrar (the binding's peer).
  bool direct_signalling = false;
  /// Bit set of rewrite_field.
  std::uint32_t fields = rewrite_default;
  /// Header names (e.g. "P-Preferred-Identity", "Refer-To") whose URIs are also
  /// mapped when `rewrite_extra_headers` is set. Views must outlive the policy.
  fixed_vector<std::string_view, max_extra_headers> extra_headers{};
  /// Malformed SIP/SDP (parse errors, conflicting Content-Length, ...).
  failure_action on_malformed = failure_action::pass;
  /// Messages that do not fit: too many headers or edits, no room to grow.
  failure_action on_no_fit = failure_action::pass;
  /// REGISTER without any expiry value.
  absent_expires register_without_expires = absent_expires::registrar_default;
  /// Largest SIP message (bytes) reassembled from a TCP stream before giving up.
  std::uint32_t tcp_max_message = 65535;

  [[nodiscard]] static constexpr fixed_vector<sip_port, max_ports> default_ports() noexcept {
    fixed_vector<sip_port, max_ports> v;
    (void)v.push_back({5060, transport_mask::both});
    (void)v.push_back({5061, transport_mask::both});
    return v;
  }
  /// True when `port`/`t` is one of the configured SIP ports.
  [[nodiscard]] constexpr bool is_sip_port(std::uint16_t port, transport t) const noexcept {
    for (const auto& p : ports)
      if (p.matches(port, t)) return true;
    return false;
  }
  [[nodiscard]] constexpr bool rewrites(rewrite_field f) const noexcept { return (fields & f) != 0; }
};

}  // namespace sipalg::alg
