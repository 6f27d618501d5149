#include "sipalg/nat/flow.hpp"

#include <catch2/catch.hpp>

#include "sipalg/nat/conntrack.hpp"

using namespace sipalg::nat;

namespace {
// A flow as the table makes it (the tuples are set by insert only).
struct one_flow {
  conntrack_table table{conntrack_params{4}};
  std::uint32_t i;
  explicit one_flow(std::uint8_t proto) {
    const flow_key o{0xC0A8010A, 0xC6336407, 5060, 5060, proto};
    const flow_key r{0xC6336407, 0xCB007105, 5060, 1024, proto};
    i = table.insert(o, r, 0, 100).flow;
  }
  flow& f() { return table[i]; }
};
}  // namespace

TEST_CASE("flow: one cache line", "[nat][flow]") {
  STATIC_REQUIRE(sizeof(flow) == 64);
  STATIC_REQUIRE(alignof(flow) == 64);
  STATIC_REQUIRE(sizeof(flow_key) == 16);
}

TEST_CASE("flow: tuples and translation", "[nat][flow]") {
  one_flow x(17);
  flow& f = x.f();
  CHECK(f.in_use());
  CHECK(f.proto() == 17);
  CHECK(f.original() == flow_key{0xC0A8010A, 0xC6336407, 5060, 5060, 17});
  CHECK(f.reply() == flow_key{0xC6336407, 0xCB007105, 5060, 1024, 17});
  CHECK(f.tuple(direction::reply) == f.reply());
  CHECK(f.is_translated());
  CHECK(f.has(flow_flag::nat_applied));
  // Original-direction packets leave with the public source; replies return to the phone.
  CHECK(f.translated(direction::original) == flow_key{0xCB007105, 0xC6336407, 1024, 5060, 17});
  CHECK(f.translated(direction::reply) == flow_key{0xC6336407, 0xC0A8010A, 5060, 5060, 17});
  CHECK(f.helper() == flow::none);
  CHECK(f.master() == flow::none);
  f.set(flow_flag::sip);
  f.set_flags(static_cast<std::uint8_t>(f.flags() | 0x80));
  CHECK(f.has(flow_flag::sip));
  f.clear(flow_flag::nat_applied);
  CHECK_FALSE(f.has(flow_flag::nat_applied));
  CHECK(f.flags() == (0x80 | 0x01));
  f.set_helper(7), f.set_master(3), f.set_user(9);
  CHECK(f.helper() == 7);
  CHECK(f.master() == 3);
  CHECK(f.user() == 9);
}

TEST_CASE("flow: UDP state tracking", "[nat][flow]") {
  one_flow x(17);
  flow& f = x.f();
  CHECK(f.state() == flow_state::udp_unreplied);
  CHECK(f.track(direction::original) == flow_state::udp_unreplied);
  CHECK(f.track(direction::reply) == flow_state::udp_replied);
  CHECK(f.track(direction::original) == flow_state::udp_assured);
  CHECK(f.track(direction::reply) == flow_state::udp_assured);
  flow_timeouts t;
  CHECK(t.for_state(flow_state::udp_unreplied) == 30);
  CHECK(t.for_state(flow_state::udp_assured) == 180);
  CHECK(t.for_state(flow_state::free) == 0);
}

TEST_CASE("flow: TCP state tracking", "[nat][flow]") {
  one_flow x(6);
  flow& f = x.f();
  using namespace tcp_flags;
  CHECK(f.state() == flow_state::tcp_syn_sent);
  CHECK(f.track(direction::original, syn) == flow_state::tcp_syn_sent);  // retransmitted SYN
  CHECK(f.track(direction::reply, syn | ack) == flow_state::tcp_established);
  CHECK(f.track(direction::original, ack | psh) == flow_state::tcp_established);
  CHECK(f.track(direction::original, fin | ack) == flow_state::tcp_fin_wait);
  CHECK(f.track(direction::original, fin | ack) == flow_state::tcp_fin_wait);  // same side again
  CHECK(f.track(direction::reply, ack) == flow_state::tcp_fin_wait);
  CHECK(f.track(direction::reply, fin | ack) == flow_state::tcp_closed);
  CHECK(f.track(direction::reply, syn) == flow_state::tcp_closed);  // not a reopen
  CHECK(f.track(direction::original, syn) == flow_state::tcp_syn_sent);  // port reuse
  CHECK(f.track(direction::reply, syn | ack) == flow_state::tcp_established);
  CHECK(f.track(direction::reply, fin | ack) == flow_state::tcp_fin_wait);  // FIN bits were reset
  CHECK(f.track(direction::original, rst) == flow_state::tcp_closed);
  f.set_state(flow_state::tcp_established);
  f.set_state(flow_state::free);  // refused
  CHECK(f.state() == flow_state::tcp_established);
  CHECK(f.track(direction::reply, rst | ack) == flow_state::tcp_closed);
}

TEST_CASE("flow: sequence adjustment after ALG length changes", "[nat][flow][seqadj]") {
  one_flow x(6);
  flow& f = x.f();
  const auto o = direction::original, r = direction::reply;
  CHECK_FALSE(f.has_seq_adjust(o));
  CHECK(f.adjust_seq(o, 1000) == 1000);
  CHECK(f.adjust_ack(r, 1000) == 1000);

  // The phone's segment [1000, 1100) grew by 10 bytes: it is sent as [1000, 1110).
  REQUIRE(f.record_seq_change(o, 1000, +10));
  CHECK(f.has_seq_adjust(o));
  CHECK_FALSE(f.has_seq_adjust(r));
  CHECK(f.adjust_seq(o, 1000) == 1000);  // the changed segment itself (and its retransmissions)
  CHECK(f.adjust_seq(o, 1100) == 1110);  // everything after it
  CHECK(f.adjust_seq(o, 999) == 999);
  CHECK(f.adjust_ack(r, 1110) == 1100);  // the server acknowledges the grown segment
  CHECK(f.adjust_ack(r, 1210) == 1200);
  CHECK(f.adjust_ack(r, 1000) == 1000);
  CHECK(f.adjust_ack(r, 1005) == 995);  // partial ack inside it: mapped conservatively (never acks unsent data)
  CHECK(f.adjust_seq(r, 5000) == 5000);  // the other direction is untouched
  CHECK(f.adjust_ack(o, 5000) == 5000);

  // A retransmission of the changed segment is rewritten again: recorded once.
  REQUIRE(f.record_seq_change(o, 1000, +10));
  CHECK(f.adjust_seq(o, 1100) == 1110);

  // The next segment [1100, 1200) shrank by 4: sent as [1110, 1206).
  REQUIRE(f.record_seq_change(o, 1100, -4));
  CHECK(f.adjust_seq(o, 1100) == 1110);
  CHECK(f.adjust_seq(o, 1200) == 1206);
  CHECK(f.adjust_ack(r, 1206) == 1200);
  CHECK(f.adjust_ack(r, 1110) == 1100);

  // The server's answers grow too, independently.
  REQUIRE(f.record_seq_change(r, 7000, +3));
  CHECK(f.adjust_seq(r, 7100) == 7103);
  CHECK(f.adjust_ack(o, 7103) == 7100);
  CHECK(f.adjust_seq(o, 1300) == 1306);

  // Too large for the record: refused, nothing changes.
  CHECK_FALSE(f.record_seq_change(o, 1300, 40000));
  CHECK_FALSE(f.record_seq_change(o, 1300, -32768));
  CHECK(f.adjust_seq(o, 1400) == 1406);
  CHECK(f.record_seq_change(o, 1300, 0));
  CHECK(f.adjust_seq(o, 1400) == 1406);
}

TEST_CASE("flow: sequence adjustment across the 2^32 wrap", "[nat][flow][seqadj]") {
  one_flow x(6);
  flow& f = x.f();
  const auto o = direction::original, r = direction::reply;
  REQUIRE(f.record_seq_change(o, 0xFFFFFFF0u, +32));
  CHECK(f.adjust_seq(o, 0xFFFFFFF0u) == 0xFFFFFFF0u);
  CHECK(f.adjust_seq(o, 0x00000010u) == 0x00000030u);
  CHECK(f.adjust_ack(r, 0x00000030u) == 0x00000010u);
  REQUIRE(f.record_seq_change(o, 0x00000010u, -40));
  CHECK(f.adjust_seq(o, 0x00000100u) == 0x00000100u - 8);
  CHECK(f.adjust_ack(r, 0x00000100u - 8) == 0x00000100u);
}
