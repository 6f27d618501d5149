// oSIP2 (libosip2, GNU oSIP) as a benchmark peer: the same calls a stack built on it makes for each
// received datagram. Built only when pkg-config finds libosip2 (SIPALG_BENCH_HAVE_OSIP2).
// Its sdp_message.h cannot share a translation unit with sofia-sip's sdp.h (both define
// sdp_media_t...), so each peer lives in its own *_bench.cpp.
#pragma once

// osip2/osip.h uses time_t and struct timeval without including their headers: these two first.
// clang-format off
#include <sys/time.h>
#include <time.h>
// clang-format on

#include <osip2/osip.h>
#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>
#include <osipparser2/sdp_message.h>

#include <cstdarg>
#include <optional>
#include <string>
#include <string_view>

#include "bench_common.hpp"

namespace sipalg::bench {

/// Adapter for the peer_benchmarks.hpp templates (the same shape for every parser).
struct osip2_adapter {
  static constexpr const char* name = "osip2";

  /// osip_init once per process (it runs parser_init, which builds the header-name tables), with
  /// its trace output off (Debian's build prints parse errors on stdout otherwise).
  static bool global_init() {
    static const bool ok = [] {
      osip_t* osip = nullptr;
      if (osip_init(&osip) != 0) return false;  // kept for the lifetime of the process
      osip_trace_initialize_func(OSIP_FATAL, &ignore_trace);
      for (int level = 0; level < END_TRACE_LEVEL; ++level)
        osip_trace_disable_level(static_cast<osip_trace_level_t>(level));
      return true;
    }();
    return ok;
  }

  /// Cross-check (not timed): parse and return the Call-ID, number[@host] as osip2 splits it.
  static std::optional<std::string> check_sip(std::string_view msg) {
    if (!global_init()) return std::nullopt;
    std::optional<std::string> r;
    osip_message_t* sip = nullptr;
    if (osip_message_init(&sip) != 0) return r;
    if (osip_message_parse(sip, msg.data(), msg.size()) == 0 && sip->call_id && sip->call_id->number) {
      r = std::string(sip->call_id->number);
      if (sip->call_id->host) (*r += '@') += sip->call_id->host;
    }
    osip_message_free(sip);
    return r;
  }

  /// Cross-check (not timed): the first connection address (session level, else the first media's)
  /// and the first m= port.
  static std::optional<sdp_facts> check_sdp(std::string_view body) {
    if (!global_init()) return std::nullopt;
    std::optional<sdp_facts> r;
    const std::string z(body);  // sdp_message_parse takes a NUL-terminated string
    sdp_message_t* sdp = nullptr;
    if (sdp_message_init(&sdp) != 0) return r;
    if (sdp_message_parse(sdp, z.c_str()) == 0) {
      const char* c = sdp_message_c_addr_get(sdp, -1, 0);
      if (!c) c = sdp_message_c_addr_get(sdp, 0, 0);
      const char* m = sdp_message_m_port_get(sdp, 0);
      if (c && m) r = sdp_facts{c, m};
    }
    sdp_message_free(sdp);
    return r;
  }

  /// Timed: init, parse (osip2 parses every known header into its structures), free.
  static bool parse_sip(std::string_view msg) {
    osip_message_t* sip = nullptr;
    if (osip_message_init(&sip) != 0) return false;
    const bool ok = osip_message_parse(sip, msg.data(), msg.size()) == 0 && sip->call_id != nullptr;
    osip_message_free(sip);
    return ok;
  }

  /// Timed: sdp_message_init/parse/free. `body` must be followed by a NUL (it is a suffix of a
  /// std::string in the benchmarks, exactly as osip_body_t::body is NUL-terminated).
  static bool parse_sdp(std::string_view body) { return parse_sdp_z(body.data()); }

  /// Timed: SIP then its first body through sdp_message_parse, as an osip2/eXosip2 user agent does.
  static bool parse_sip_sdp(std::string_view msg) {
    osip_message_t* sip = nullptr;
    if (osip_message_init(&sip) != 0) return false;
    bool ok = osip_message_parse(sip, msg.data(), msg.size()) == 0 && sip->call_id != nullptr;
    if (ok) {
      osip_body_t* body = nullptr;
      ok = osip_message_get_body(sip, 0, &body) >= 0 && body && body->body && parse_sdp_z(body->body);
    }
    osip_message_free(sip);
    return ok;
  }

 private:
  static void ignore_trace(const char*, int, osip_trace_level_t, const char*, va_list) {}
  static bool parse_sdp_z(const char* body_z) {
    sdp_message_t* sdp = nullptr;
    if (sdp_message_init(&sdp) != 0) return false;
    const bool ok = sdp_message_parse(sdp, body_z) == 0;
    sdp_message_free(sdp);
    return ok;
  }
};

}  // namespace sipalg::bench
