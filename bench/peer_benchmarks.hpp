// One template registers the same benchmarks, with the same loops and cross-checks, for every
// parser: sipalg and each competitor adapter (competitors/*.hpp, sipalg_adapter.hpp). An adapter is
// a struct with:
//   static constexpr const char* name;
//   static bool global_init();
//   static std::optional<std::string> check_sip(std::string_view msg);   // Call-ID, or nullopt
//   static std::optional<sdp_facts>  check_sdp(std::string_view body);  // c= address, m= port
//   static bool parse_sip(std::string_view msg);      // timed: the SIP message
//   static bool parse_sdp(std::string_view body);     // timed: an SDP body (NUL follows it)
//   static bool parse_sip_sdp(std::string_view msg);  // timed: the message, then its SDP body
#pragma once

#include <string>

#include "bench_common.hpp"

namespace sipalg::bench {

/// Adds the adapter to the corpus cross-check (main.cpp builds the common corpus subsets from it).
template <class A>
struct register_peer {
  register_peer() {
    parsers().push_back(parser_entry{A::name, [](std::string_view t) { return A::check_sip(t); },
                                     [](std::string_view b) { return A::check_sdp(b); }, &A::parse_sip,
                                     &A::parse_sip_sdp});
  }
};

/// Registers, for adapter A:
///   sip_parse/<A>/<message> and sip_parse/<A>/corpus
///   sdp_parse/<A>/<message with SDP> and sdp_parse/<A>/corpus
///   sip_sdp_parse/<A>/<message with SDP> and sip_sdp_parse/<A>/corpus
/// Each single-message benchmark first checks once that A returns the expected Call-ID (and the
/// expected first c= address and m= port), else it reports an error instead of a time.
template <class A>
void register_parse_benchmarks(const context& ctx) {
  if (!A::global_init()) return;
  const std::string peer = A::name;
  auto sip_ok = [](const message* m) {
    return [m](std::string_view t) {
      auto cid = A::check_sip(t);
      return cid && *cid == m->call_id;
    };
  };
  auto sdp_ok = [](sdp_facts ref) {
    return [ref](std::string_view body) {
      auto f = A::check_sdp(body);
      return f && *f == ref;
    };
  };
  auto text = [](const message& m) { return std::string_view(m.text); };
  auto body = [](const message& m) { return body_of(m.text); };

  for (const message* m : ctx.singles())
    add("sip_parse/" + peer + "/" + m->name,
        [=](benchmark::State& st) { run_one(st, m->text, sip_ok(m), A::parse_sip); });
  add("sip_parse/" + peer + "/corpus",
      [=, &ctx](benchmark::State& st) { run_set(st, ctx.corpus_ok, text, A::parse_sip); });

  for (const message* m : ctx.singles()) {
    auto ref = reference_sdp(body_of(m->text));
    if (!ref) continue;
    add("sdp_parse/" + peer + "/" + m->name,
        [=](benchmark::State& st) { run_one(st, body_of(m->text), sdp_ok(*ref), A::parse_sdp); });
  }
  add("sdp_parse/" + peer + "/corpus",
      [=, &ctx](benchmark::State& st) { run_set(st, ctx.sdp_ok, body, A::parse_sdp); });

  for (const message* m : ctx.singles()) {
    auto ref = reference_sdp(body_of(m->text));
    if (!ref) continue;
    add("sip_sdp_parse/" + peer + "/" + m->name, [=](benchmark::State& st) {
      auto check_sip = sip_ok(m);
      auto check_sdp = sdp_ok(*ref);
      run_one(
          st, m->text, [&](std::string_view t) { return check_sip(t) && check_sdp(body_of(t)); }, A::parse_sip_sdp);
    });
  }
  add("sip_sdp_parse/" + peer + "/corpus",
      [=, &ctx](benchmark::State& st) { run_set(st, ctx.sdp_ok, text, A::parse_sip_sdp); });
}

}  // namespace sipalg::bench
