#include "sipalg/nat/expectation.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include "nat/packet_builder.hpp"

using namespace sipalg::nat;
using sipalg::endpoint;
using sipalg::ip_address;
using sipalg::transport;

namespace {
constexpr std::uint32_t pub = 0xCB007105, phone = 0xC0A8010A, server = 0xC6336407, other = 0x0A000001;
endpoint ep(std::uint32_t a, std::uint16_t p) { return endpoint{ip_address::from_v4_uint(a), p}; }

expectation_spec rtp(std::uint16_t outside_port, std::uint16_t inside_port, std::uint32_t owner, std::string_view call_id) {
  expectation_spec s;
  s.kind = expectation_kind::rtp;
  s.outside = ep(pub, outside_port);
  s.inside = ep(phone, inside_port);
  s.remote = ip_address::from_v4_uint(server);
  s.timeout = 60;
  s.owner = owner;
  s.call = call_key::of(call_id);
  return s;
}
flow_key from(std::uint32_t remote, std::uint16_t rport, std::uint16_t outside_port, std::uint8_t proto = 17) {
  return flow_key{remote, pub, rport, outside_port, proto};
}
struct hook_log {
  std::vector<std::pair<std::uint32_t, expectation_removal>> calls;
  static void record(void* ctx, std::uint32_t i, const expectation& e, expectation_removal why) {
    REQUIRE(e.in_use());
    static_cast<hook_log*>(ctx)->calls.emplace_back(i, why);
  }
};
}  // namespace

TEST_CASE("call_key: hash and length of the Call-ID bytes", "[nat][expectation]") {
  const call_key a = call_key::of("a84b4c76e66710@pc33.atlanta.com");
  CHECK(a.length == 31);
  CHECK(a == call_key::of("a84b4c76e66710@pc33.atlanta.com"));
  CHECK_FALSE(a == call_key::of("A84B4C76E66710@pc33.atlanta.com"));  // Call-ID is case-sensitive
  CHECK_FALSE(a == call_key::of("a84b4c76e66710@pc33.atlanta.co"));
  CHECK(call_key::of("").length == 0);
  CHECK(call_key::of("").hash == 0xcbf29ce484222325ULL);  // FNV-1a offset basis
  CHECK(call_key::of("a").hash == 0xaf63dc4c8601ec8cULL);  // FNV-1a 64 test vector
  CHECK(call_key::of(std::string(70000, 'x')).length == 0xFFFF);
}

TEST_CASE("expectation: match the signalling peer only", "[nat][expectation]") {
  expectation_table t(expectation_params{64});
  REQUIRE(t.valid());
  const auto r = t.insert(rtp(20000, 16384, 7, "call-1"), 100);
  REQUIRE(r.ok());
  CHECK_FALSE(r.refreshed);
  const expectation& e = t[r.index];
  CHECK(e.kind() == expectation_kind::rtp);
  CHECK(e.proto() == transport::udp);
  CHECK(e.outside() == ep(pub, 20000));
  CHECK(e.inside() == ep(phone, 16384));
  CHECK_FALSE(e.any_remote_address());
  CHECK(e.remote_addr() == server);
  CHECK(e.remote_port() == 0);
  CHECK(e.owner() == 7);
  CHECK(e.call() == call_key::of("call-1"));
  CHECK(e.incoming_key(server, 40000) == from(server, 40000, 20000));

  CHECK(t.match(from(server, 40000, 20000), 101) == r.index);
  CHECK(t.match(from(server, 1, 20000), 101) == r.index);  // any remote port
  CHECK(t.match(from(other, 40000, 20000), 101) == expectation_table::npos);  // another address
  CHECK(t.match(from(server, 40000, 20001), 101) == expectation_table::npos);  // another public port
  CHECK(t.match(from(server, 40000, 20000, 6), 101) == expectation_table::npos);  // TCP
  CHECK(t.match(flow_key{server, pub + 1, 40000, 20000, 17}, 101) == expectation_table::npos);
  CHECK(t.counters().matches == 2);
  CHECK(t.counters().misses == 4);
}

TEST_CASE("expectation: wildcard remote address and port; the most specific wins", "[nat][expectation]") {
  expectation_table t(expectation_params{64});
  auto any = rtp(20000, 16384, 1, "c");
  any.remote.reset();  // direct media: any address
  const auto a = t.insert(any, 0);
  REQUIRE(a.ok());
  CHECK(t[a.index].any_remote_address());
  CHECK(t.match(from(other, 5, 20000), 1) == a.index);
  CHECK(t.match(from(server, 5, 20000), 1) == a.index);

  auto exact = rtp(20000, 16384, 1, "c");
  exact.remote_port = 40000;
  const auto b = t.insert(exact, 0);
  REQUIRE(b.ok());
  CHECK(b.index != a.index);
  auto addr_only = rtp(20000, 16384, 1, "c");
  const auto c = t.insert(addr_only, 0);
  REQUIRE(c.ok());
  auto any_addr_port = rtp(20000, 16384, 1, "c");
  any_addr_port.remote.reset();
  any_addr_port.remote_port = 7078;
  const auto d = t.insert(any_addr_port, 0);
  REQUIRE(d.ok());
  CHECK(t.size() == 4);

  CHECK(t.match(from(server, 40000, 20000), 1) == b.index);  // address and port
  CHECK(t.match(from(server, 40001, 20000), 1) == c.index);  // address
  CHECK(t.match(from(other, 7078, 20000), 1) == d.index);    // port
  CHECK(t.match(from(other, 7079, 20000), 1) == a.index);    // anything
  CHECK(t.find_outside(transport::udp, pub, 20000, 1) != expectation_table::npos);
  CHECK(t.find_inside(transport::udp, phone, 16384, 1) != expectation_table::npos);
  CHECK(t.find_inside(transport::udp, phone, 16385, 1) == expectation_table::npos);
  CHECK(t.find_inside(transport::tcp, phone, 16384, 1) == expectation_table::npos);
}

TEST_CASE("expectation: identical inserts refresh, a second inside endpoint conflicts", "[nat][expectation]") {
  expectation_table t(expectation_params{8});
  const auto a = t.insert(rtp(20000, 16384, 3, "x"), 100);
  REQUIRE(a.ok());
  const auto again = t.insert(rtp(20000, 16384, 3, "x"), 150);  // retransmitted INVITE
  REQUIRE(again.ok());
  CHECK(again.refreshed);
  CHECK(again.index == a.index);
  CHECK(t.size() == 1);
  CHECK(t[a.index].deadline() == 210);
  CHECK(t.counters().refreshed == 1);

  auto clash = rtp(20000, 16390, 4, "y");  // same public port, another phone port
  CHECK(t.insert(clash, 150).code == errc::conflict);
  CHECK(t.counters().conflicts == 1);
  CHECK(t.insert(rtp(20000, 16384, 3, "z"), 150).ok());  // same mapping, another call: a second entry
  CHECK(t.size() == 2);

  auto v6 = rtp(20002, 16386, 3, "x");
  v6.inside = endpoint{*ip_address::parse("fd00::1"), 16386};
  CHECK(t.insert(v6, 150).code == errc::unsupported);
  v6 = rtp(20002, 16386, 3, "x");
  v6.remote = *ip_address::parse("2001:db8::1");
  CHECK(t.insert(v6, 150).code == errc::unsupported);
}

TEST_CASE("expectation: expiry is lazy on match and incremental by sweep", "[nat][expectation]") {
  expectation_table t(expectation_params{16});
  hook_log log;
  t.set_erase_hook(&hook_log::record, &log);
  const auto a = t.insert(rtp(20000, 16384, 1, "c"), 100);  // until 160
  REQUIRE(a.ok());
  CHECK(t.match(from(server, 1, 20000), 159) == a.index);
  t.refresh(a.index, 159, 10);  // until 169
  CHECK(t.match(from(server, 1, 20000), 168) == a.index);
  CHECK(t.match(from(server, 1, 20000), 169) == expectation_table::npos);
  REQUIRE(log.calls.size() == 1);
  CHECK(log.calls[0] == std::make_pair(a.index, expectation_removal::expired));
  CHECK(t.size() == 0);

  // A conflicting but expired entry does not block a new one.
  REQUIRE(t.insert(rtp(20002, 16386, 1, "c"), 200).ok());  // until 260
  CHECK(t.insert(rtp(20002, 17000, 2, "d"), 259).code == errc::conflict);
  CHECK(t.insert(rtp(20002, 17000, 2, "d"), 260).ok());

  for (std::uint16_t k = 0; k < 10; ++k) REQUIRE(t.insert(rtp(static_cast<std::uint16_t>(30000 + 2 * k), 16000, 5, "s"), 300).ok());
  CHECK(t.size() == 11);
  std::uint32_t removed = 0;
  for (int k = 0; k < 16; ++k) {
    const std::uint32_t n = t.sweep(400, 1);
    CHECK(n <= 1);
    removed += n;
  }
  CHECK(removed == 11);
  CHECK(t.size() == 0);
  CHECK(t.counters().expired == 1 + 1 + 11);
}

TEST_CASE("expectation: removal by call, by owner, by outside endpoint", "[nat][expectation]") {
  expectation_table t(expectation_params{64});
  hook_log log;
  t.set_erase_hook(&hook_log::record, &log);
  // Owner 1 has two calls (RTP+RTCP each), owner 2 has one call with the same Call-ID as owner 1's first.
  REQUIRE(t.insert(rtp(20000, 16384, 1, "A"), 0).ok());
  auto rtcp = rtp(20001, 16385, 1, "A");
  rtcp.kind = expectation_kind::rtcp;
  REQUIRE(t.insert(rtcp, 0).ok());
  REQUIRE(t.insert(rtp(20002, 16386, 1, "B"), 0).ok());
  REQUIRE(t.insert(rtp(20003, 16387, 1, "B"), 0).ok());
  REQUIRE(t.insert(rtp(20004, 16388, 2, "A"), 0).ok());
  auto sig = rtp(5060, 5060, 2, "");
  sig.kind = expectation_kind::signalling;
  sig.call = {};
  REQUIRE(t.insert(sig, 0).ok());
  CHECK(t.size() == 6);

  CHECK(t.remove_call(1, call_key::of("A")) == 2);  // BYE of call A on owner 1
  CHECK(t.size() == 4);
  CHECK(t.match(from(server, 1, 20000), 1) == expectation_table::npos);
  CHECK(t.match(from(server, 1, 20001), 1) == expectation_table::npos);
  CHECK(t.match(from(server, 1, 20004), 1) != expectation_table::npos);  // owner 2's call A stays
  CHECK(t.remove_call(1, call_key::of("A")) == 0);
  CHECK(t.remove_call(1, call_key::of("C")) == 0);

  CHECK(t.remove_outside(transport::udp, pub, 20002) == 1);
  CHECK(t.remove_outside(transport::tcp, pub, 20003) == 0);
  CHECK(t.remove_owner(1) == 1);  // 20003
  CHECK(t.size() == 2);
  CHECK(t.remove_owner(2) == 2);
  CHECK(t.size() == 0);
  CHECK(log.calls.size() == 6);
  for (const auto& c : log.calls) CHECK(c.second == expectation_removal::removed);
  CHECK(t.counters().removed == 6);
  CHECK(t.find_inside(transport::udp, phone, 16384, 1) == expectation_table::npos);
}

TEST_CASE("expectation: full table, erase, erase_if, clear", "[nat][expectation]") {
  expectation_table t(expectation_params{4});
  std::vector<std::uint32_t> ids;
  for (std::uint16_t k = 0; k < 4; ++k) {
    const auto r = t.insert(rtp(static_cast<std::uint16_t>(20000 + k), static_cast<std::uint16_t>(16000 + k), k, "c"), 0);
    REQUIRE(r.ok());
    ids.push_back(r.index);
  }
  CHECK(t.insert(rtp(21000, 17000, 9, "c"), 0).code == errc::table_full);
  CHECK(t.counters().full_drops == 1);
  CHECK(t.erase(ids[1]));
  CHECK_FALSE(t.erase(ids[1]));
  CHECK_FALSE(t.erase(1000));
  CHECK(t.insert(rtp(21000, 17000, 9, "c"), 0).ok());
  std::uint32_t n = 0;
  t.for_each([&](std::uint32_t, const expectation&) { ++n; });
  CHECK(n == 4);
  CHECK(t.erase_if([](std::uint32_t, const expectation& e) { return e.owner() >= 2; }) == 3);
  CHECK(t.size() == 1);
  CHECK(t.match(from(server, 1, 20000), 1) == ids[0]);
  t.clear();
  CHECK(t.size() == 0);
  CHECK(t.match(from(server, 1, 20000), 1) == expectation_table::npos);
  expectation_table bad(expectation_params{0});
  CHECK_FALSE(bad.valid());
  CHECK(bad.insert(rtp(1, 1, 1, "c"), 0).code == errc::table_full);
  CHECK(bad.match(from(server, 1, 1), 0) == expectation_table::npos);
  CHECK(bad.remove_owner(1) == 0);
  expectation_table moved(std::move(t));
  CHECK(moved.valid());
  CHECK(moved.capacity() == 4);
}

TEST_CASE("expectation: random operations against a model", "[nat][expectation]") {
  expectation_table t(expectation_params{200});
  sipalg::nat::test::prng rng(5);
  struct rec {
    std::uint16_t outside;
    std::uint32_t owner;
    std::uint32_t call;
    time_s deadline;
  };
  std::map<std::uint32_t, rec> model;
  time_s now = 0;
  const char* calls[] = {"c0", "c1", "c2"};
  auto live = [&](const rec& r) { return r.deadline > now; };
  for (int step = 0; step < 30000; ++step) {
    const std::uint32_t op = rng.below(8);
    if (op < 3) {
      // Each outside port has a fixed inside port, so no conflicts; owners and calls vary.
      const auto port = static_cast<std::uint16_t>(20000 + 2 * rng.below(150));
      const std::uint32_t owner = rng.below(6), call = rng.below(3);
      const auto r = t.insert(rtp(port, static_cast<std::uint16_t>(port - 4000), owner, calls[call]), now);
      // Identical live entry -> refresh; expired identical entries are removed first by insert.
      for (auto it = model.begin(); it != model.end();)
        it = (it->second.outside == port && !live(it->second)) ? model.erase(it) : std::next(it);
      std::uint32_t same = expectation_table::npos;
      for (const auto& [i, m] : model)
        if (m.outside == port && m.owner == owner && m.call == call) same = i;
      if (same != expectation_table::npos) {
        REQUIRE(r.ok());
        REQUIRE(r.refreshed);
        REQUIRE(r.index == same);
        model[same].deadline = now + 60;
      } else if (model.size() == 200) {
        REQUIRE(r.code == errc::table_full);
      } else {
        REQUIRE(r.ok());
        REQUIRE_FALSE(r.refreshed);
        model[r.index] = rec{port, owner, call, now + 60};
      }
    } else if (op == 3) {
      const std::uint32_t owner = rng.below(6), call = rng.below(3);
      std::uint32_t want = 0;
      for (auto it = model.begin(); it != model.end();) {
        // remove_call drops the owner's entries of that call, expired or not.
        if (it->second.owner == owner && it->second.call == call) ++want, it = model.erase(it);
        else ++it;
      }
      REQUIRE(t.remove_call(owner, call_key::of(calls[call])) == want);
    } else if (op == 4) {
      const std::uint32_t owner = rng.below(6);
      std::uint32_t want = 0;
      for (auto it = model.begin(); it != model.end();)
        it = it->second.owner == owner ? (++want, model.erase(it)) : std::next(it);
      REQUIRE(t.remove_owner(owner) == want);
    } else if (op == 5) {
      const auto port = static_cast<std::uint16_t>(20000 + 2 * rng.below(150));
      std::uint32_t best = expectation_table::npos;
      for (auto it = model.begin(); it != model.end();) {
        if (it->second.outside == port && !live(it->second)) { it = model.erase(it); continue; }
        if (it->second.outside == port && best == expectation_table::npos) best = it->first;
        ++it;
      }
      REQUIRE(t.match(from(server, 9, port), now) == best);
    } else if (op == 6) {
      now += rng.below(10);
    } else {
      t.sweep(now, 1 + rng.below(50));
      for (auto it = model.begin(); it != model.end();) it = t[it->first].in_use() ? std::next(it) : model.erase(it);
    }
    REQUIRE(t.size() == model.size());
  }
  CHECK(t.counters().expired > 100);
  CHECK(t.counters().refreshed > 20);
}
