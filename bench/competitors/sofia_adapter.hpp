// Sofia-SIP (libsofia-sip-ua) as a benchmark peer: msg_make() with the default SIP message class
// (allocate a msg_t, copy the datagram in, msg_extract() every header, what its transport layer does
// per datagram), and sdp_parse()/sdp_session() for the body. Built only when pkg-config finds
// sofia-sip-ua (SIPALG_BENCH_HAVE_SOFIA).
#pragma once

#include <sofia-sip/msg.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

#include <optional>
#include <string>
#include <string_view>

#include "bench_common.hpp"

namespace sipalg::bench {

/// Adapter for the peer_benchmarks.hpp templates (the same shape for every parser).
struct sofia_adapter {
  static constexpr const char* name = "sofia";

  static bool global_init() { return sip_default_mclass() != nullptr; }

  /// Cross-check (not timed): the Call-ID sofia-sip parsed, nullopt when it flagged an error.
  static std::optional<std::string> check_sip(std::string_view msg) {
    std::optional<std::string> r;
    msg_t* m = make(msg);
    sip_t* sip = m ? sip_object(m) : nullptr;
    if (good(m, sip)) r = std::string(sip->sip_call_id->i_id);
    if (m) msg_destroy(m);
    return r;
  }

  /// Cross-check (not timed): first connection address (session, else first media) and m= port.
  static std::optional<sdp_facts> check_sdp(std::string_view body) {
    std::optional<sdp_facts> r;
    sdp_parser_t* p = sdp_parse(nullptr, body.data(), static_cast<issize_t>(body.size()), 0);
    const sdp_session_t* s = p ? sdp_session(p) : nullptr;
    if (s && s->sdp_media) {
      const sdp_connection_t* c = s->sdp_connection ? s->sdp_connection : s->sdp_media->m_connections;
      if (c && c->c_address) r = sdp_facts{c->c_address, std::to_string(s->sdp_media->m_port)};
    }
    if (p) sdp_parser_free(p);
    return r;
  }

  /// Timed: msg_make (allocate, copy, extract every header), check, msg_destroy.
  static bool parse_sip(std::string_view msg) {
    msg_t* m = make(msg);
    if (!m) return false;
    const bool ok = good(m, sip_object(m));
    msg_destroy(m);
    return ok;
  }

  /// Timed: sdp_parse (its own home) + sdp_session + sdp_parser_free.
  static bool parse_sdp(std::string_view body) { return parse_sdp_n(body.data(), body.size()); }

  /// Timed: msg_make, then sdp_parse on the payload sofia-sip found (sip_payload), as nua/soa do.
  static bool parse_sip_sdp(std::string_view msg) {
    msg_t* m = make(msg);
    if (!m) return false;
    sip_t* sip = sip_object(m);
    const bool ok = good(m, sip) && sip->sip_payload && sip->sip_payload->pl_data &&
                    parse_sdp_n(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    msg_destroy(m);
    return ok;
  }

 private:
  static msg_t* make(std::string_view msg) {
    return msg_make(sip_default_mclass(), 0, msg.data(), static_cast<ssize_t>(msg.size()));
  }
  /// A parse that left no erroneous header and produced a start line and the mandatory Call-ID.
  static bool good(msg_t* msg, sip_t* sip) {
    return msg && sip && !msg_has_error(msg) && sip->sip_error == nullptr && sip->sip_call_id &&
           sip->sip_call_id->i_id && (sip->sip_request || sip->sip_status);
  }
  static bool parse_sdp_n(const char* body, std::size_t len) {
    sdp_parser_t* p = sdp_parse(nullptr, body, static_cast<issize_t>(len), 0);
    const bool ok = p && sdp_session(p) != nullptr;
    if (p) sdp_parser_free(p);
    return ok;
  }
};

}  // namespace sipalg::bench
