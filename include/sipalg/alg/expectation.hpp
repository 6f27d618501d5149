/**
 * @file expectation.hpp
 * Expectation descriptors: the return flows the host NAT must let in (media
 * pinholes, the REGISTER signalling pinhole), or stop letting in.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/fixed_vector.hpp"

namespace sipalg::alg {

enum class expectation_kind : std::uint8_t {
  rtp,         ///< a media stream's RTP port
  rtcp,        ///< its RTCP port (RTP + 1, or a=rtcp, RFC 3605)
  signalling,  ///< incoming SIP to a registered phone (REGISTER pinhole)
};

enum class expectation_action : std::uint8_t {
  add,     ///< open (or refresh) the pinhole
  remove,  ///< close it; with `scope == call`, every media pinhole of `call_id`
};

/// What a remove applies to.
enum class expectation_scope : std::uint8_t {
  endpoint,  ///< the one pinhole at `outside`
  call,      ///< every media expectation (rtp and rtcp) of the call `call_id`
};

[[nodiscard]] constexpr std::string_view to_string(expectation_kind k) noexcept {
  switch (k) {
    case expectation_kind::rtp: return "rtp";
    case expectation_kind::rtcp: return "rtcp";
    case expectation_kind::signalling: return "signalling";
  }
  return "unknown";
}
[[nodiscard]] constexpr std::string_view to_string(expectation_action a) noexcept {
  return a == expectation_action::add ? "add" : "remove";
}

/**
 * One pinhole to open or close. `call_id` is a view into the SIP message the
 * rewriter was given: copy (or hash) it before that buffer goes away.
 */
struct expectation {
  expectation_kind kind = expectation_kind::rtp;
  expectation_action action = expectation_action::add;
  expectation_scope scope = expectation_scope::endpoint;
  sipalg::transport transport = sipalg::transport::udp;
  endpoint outside;                   ///< public ip:port the flow arrives at (unset for a call-wide remove)
  endpoint inside;                    ///< where the NAT forwards it (the phone)
  std::optional<ip_address> remote;   ///< the only remote allowed; nullopt = any address
  std::uint32_t timeout = 0;          ///< seconds the pinhole waits for (or keeps) its flow
  std::string_view call_id;           ///< the call (Call-ID) it belongs to
};

/// The expectations of one message. Capacity: 2 per media section plus signalling.
inline constexpr std::size_t max_expectations = 40;
using expectation_list = fixed_vector<expectation, max_expectations>;

}  // namespace sipalg::alg
