// sipalg itself, in the adapter shape of peer_benchmarks.hpp, so it runs through exactly the same
// loops and cross-checks as osip2 and sofia-sip.
//
// What is timed: sip::parse_message (start line, every header framed, named and indexed, compact
// forms, Content-Length checked, body located) plus the Call-ID lookup; sdp::parse_sdp (every line:
// o=, c=, m= with ports, every a= with rtcp/direction interpreted, addresses parsed to
// ip_address). Header values other than Content-Length are parsed on demand by sipalg's
// sub-parsers, whereas osip2 and sofia-sip parse every header value they know up front; the
// parse + ALG rewrite benchmark (alg_bench.cpp, when the rewriter lands) is the end-to-end figure.
//
// The indexes are reused from one message to the next (parse_message/parse_sdp reset them), as a
// NAT does with a per-thread scratch index: no allocation, no construction per message.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bench_common.hpp"
#include "sipalg/sdp/parser.hpp"
#include "sipalg/sdp/session.hpp"
#include "sipalg/sip/call_id.hpp"
#include "sipalg/sip/contact.hpp"
#include "sipalg/sip/cseq.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/name_addr.hpp"
#include "sipalg/sip/parser.hpp"
#include "sipalg/sip/uri.hpp"
#include "sipalg/sip/via.hpp"

namespace sipalg::bench {

struct sipalg_adapter {
  static constexpr const char* name = "sipalg";

  static bool global_init() { return true; }

  static std::optional<std::string> check_sip(std::string_view msg) {
    if (!sip::parse_message(msg, msg_)) return std::nullopt;
    const sip::header* h = msg_.find(sip::header_id::call_id);
    if (!h) return std::nullopt;
    return std::string(h->value.in(msg));
  }

  static std::optional<sdp_facts> check_sdp(std::string_view body) {
    if (!sdp::parse_sdp(body, sdp_).ok() || sdp_.media.empty()) return std::nullopt;
    const sdp::connection_field& c = sdp_.effective_connection(sdp_.media[0]);
    if (!c.present()) return std::nullopt;
    return sdp_facts{std::string(c.address), std::string(sdp_.media[0].port_text)};
  }

  /// Timed: index the message and find its Call-ID.
  static bool parse_sip(std::string_view msg) {
    if (!sip::parse_message(msg, msg_)) return false;
    const sip::header* h = msg_.find(sip::header_id::call_id);
    benchmark::DoNotOptimize(h);
    return h != nullptr;
  }

  /// Timed: parse the SDP body.
  static bool parse_sdp(std::string_view body) {
    const bool ok = sdp::parse_sdp(body, sdp_).ok();
    benchmark::DoNotOptimize(sdp_);
    return ok;
  }

  /// Timed: the message, then its body (the Content-Length range parse_message found) as SDP.
  static bool parse_sip_sdp(std::string_view msg) {
    if (!sip::parse_message(msg, msg_)) return false;
    const sip::header* h = msg_.find(sip::header_id::call_id);
    benchmark::DoNotOptimize(h);
    const bool ok = h && sdp::parse_sdp(msg_.body.in(msg), sdp_).ok();
    benchmark::DoNotOptimize(sdp_);
    return ok;
  }

  /**
   * Timed ("sip_parse_full", sipalg only): the index plus the header values osip2 and sofia-sip
   * parse up front and an ALG reads: the Request-URI, every via-parm of every Via, every Contact
   * with its URI, From and To with their URIs, CSeq and Call-ID. The closest like-for-like
   * comparison with the peers' sip_parse.
   */
  static bool parse_sip_full(std::string_view msg) {
    if (!sip::parse_message(msg, msg_)) return false;
    sip::uri u;
    if (msg_.is_request() && !sip::parse_uri(msg_.request_uri.in(msg), u).ok()) return false;
    benchmark::DoNotOptimize(u);
    for (const sip::header& h : msg_.headers) {
      const std::string_view v = h.value.in(msg);
      switch (h.id) {
        case sip::header_id::via: {
          sip::via_reader r(v);
          sip::via via;
          while (r.next(via)) benchmark::DoNotOptimize(via);
          if (!r.status().ok()) return false;
          break;
        }
        case sip::header_id::contact: {
          sip::contact_reader r(v);
          sip::contact c;
          while (r.next(c)) {
            if (!c.wildcard && !c.address.parse_uri(u).ok()) return false;
            benchmark::DoNotOptimize(u);
          }
          if (!r.status().ok()) return false;
          break;
        }
        case sip::header_id::from:
        case sip::header_id::to: {
          sip::name_addr na;
          if (!sip::parse_name_addr(v, na).ok() || !na.parse_uri(u).ok()) return false;
          benchmark::DoNotOptimize(u);
          break;
        }
        case sip::header_id::cseq: {
          sip::cseq c;
          if (!sip::parse_cseq(v, c).ok()) return false;
          benchmark::DoNotOptimize(c);
          break;
        }
        case sip::header_id::call_id: {
          std::string_view id;
          if (!sip::parse_call_id(v, id).ok()) return false;
          benchmark::DoNotOptimize(id);
          break;
        }
        default:
          break;
      }
    }
    return true;
  }

 private:
  inline static sip::message msg_{};
  inline static sdp::session_description sdp_{};
};

}  // namespace sipalg::bench
