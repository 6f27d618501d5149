// The `sdp` object of `sipalg parse` (issue 4): an SDP body as JSON.
//
//   "sdp": {
//     "origin": "192.168.20.100",                 o= address as written
//     "connection": "192.168.20.100" | null,      session-level c= address
//     "media": [
//       { "media": "audio", "port": 14254, "port_count": 1, "proto": "RTP/AVP",
//         "connection": "192.168.20.100" | null,  effective c= (media level, else session level)
//         "rtcp_port": 14255 | null,              a=rtcp (RFC 3605), null when absent
//         "rtcp_address": "192.168.20.100" | null,
//         "direction": "sendrecv" }               effective direction attribute
//     ]
//   }
//
// A malformed SDP gives {"error": "<sdp errc>", "offset": N} instead (N from the
// start of the body passed in: the SIP body for the two-argument form).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sipalg/sdp.hpp"

namespace sipalg::cli {

namespace detail {
inline nlohmann::ordered_json sdp_address_json(const sdp::net_address& a) {
  return a.present() ? nlohmann::ordered_json(std::string(a.address)) : nlohmann::ordered_json(nullptr);
}
inline nlohmann::ordered_json sdp_error_json(sdp::errc ec, std::uint32_t offset) {
  nlohmann::ordered_json e;
  e["error"] = std::string(sdp::to_string(ec));
  e["offset"] = offset;
  return e;
}
}  // namespace detail

/// The `sdp` object of an SDP body (application/sdp), or {"error", "offset"} when it is malformed.
inline nlohmann::ordered_json sdp_to_json(std::string_view body) {
  static sdp::session_description d;  // ~10 KB: not on the stack; the CLI is single-threaded
  const sdp::parse_result r = sdp::parse_sdp(body, d);
  if (!r.ok()) return detail::sdp_error_json(r.ec, r.offset);
  nlohmann::ordered_json out;
  out["origin"] = detail::sdp_address_json(d.origin);
  out["connection"] = detail::sdp_address_json(d.connection);
  nlohmann::ordered_json media = nlohmann::ordered_json::array();
  for (const sdp::media_description& m : d.media) {
    nlohmann::ordered_json j;
    j["media"] = std::string(m.media);
    j["port"] = m.port;
    j["port_count"] = m.port_count;
    j["proto"] = std::string(m.proto);
    j["connection"] = detail::sdp_address_json(d.effective_connection(m));
    j["rtcp_port"] = m.rtcp.has_rtcp() ? nlohmann::ordered_json(m.rtcp.port) : nlohmann::ordered_json(nullptr);
    j["rtcp_address"] = detail::sdp_address_json(m.rtcp);
    j["direction"] = std::string(sdp::to_string(d.effective_direction(m)));
    media.push_back(std::move(j));
  }
  out["media"] = std::move(media);
  return out;
}

/**
 * The `sdp` object of a SIP body given its Content-Type value: the whole body
 * for application/sdp, the application/sdp part of a multipart body. null when
 * the body holds no SDP (another Content-Type, or a multipart without an SDP
 * part); {"error", "offset"} (offset within the SIP body) when the multipart
 * structure or the SDP is malformed.
 */
inline nlohmann::ordered_json sdp_to_json(std::string_view content_type_value, std::string_view body) {
  const sdp::sdp_body located = sdp::find_sdp_body(content_type_value, body);
  if (located.ec == sdp::errc::not_sdp || located.ec == sdp::errc::no_sdp_part) return nullptr;
  if (!located.ok()) return detail::sdp_error_json(located.ec, located.offset);
  nlohmann::ordered_json j = sdp_to_json(located.sdp);
  if (j.contains("error")) j["offset"] = j["offset"].get<std::uint32_t>() + located.range.offset;
  return j;
}

}  // namespace sipalg::cli
