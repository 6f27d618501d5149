// engine::process_burst() against engine::process() one packet at a time: on the
// same random traffic two engines must agree on every verdict, every output byte,
// and every counter of the engine, its conntrack table and its expectation table.
// The traffic makes a burst's own packets change the tables under its prefetches:
// phones send INVITEs and REGISTERs (expectations open, flows appear), servers and
// media answer through them, unknown hosts knock on the public address, a BYE
// closes a call, TCP connections open and reset, a small flow table fills up and
// flows expire between bursts; malformed, truncated and fragmented packets and a
// length beyond the buffer are mixed in.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "nat/packet_builder.hpp"
#include "sipalg/nat/engine.hpp"
#include "support.hpp"

using namespace sipalg;
using namespace sipalg::nat;
using sipalg::nat::test::build;
using sipalg::nat::test::packet_spec;
using sipalg::nat::test::prng;

namespace {

std::uint32_t ip4(const char* s) { return ip_address::parse_v4(s)->v4_uint(); }

std::string golden(const std::string& name) {
  auto t = sipalg::test::read_file(sipalg::test::data_dir() / "golden" / name / "before.sip");
  REQUIRE(t);
  return *t;
}

struct input {
  std::vector<std::uint8_t> bytes;  // the buffer: packet + tailroom
  std::size_t length = 0;
  side from = side::lan;
};

engine_config small_config() {
  engine_config c;
  c.public_address = *ip_address::parse("75.142.151.49");
  c.lan = *ipv4_prefix::parse("192.168.20.0/24");
  c.max_flows = 96;  // fills up: table_full drops and refusals happen inside bursts
  c.max_expectations = 32;
  return c;
}

/// One random packet of the traffic described at the top.
input random_packet(prng& rng, const std::vector<std::string>& sip) {
  packet_spec s;
  s.tailroom = 512;
  input in;
  const std::uint32_t kind = rng.below(100);
  const std::uint32_t phone = ip4("192.168.20.100") + rng.below(4);
  const std::uint32_t server = ip4("207.252.1.148") + rng.below(3);
  if (kind < 20) {  // a SIP message from a phone (INVITE, REGISTER, or a BYE that ends a call)
    s.src = phone, s.dst = server, s.sport = 5060, s.dport = 5060;
    s.payload = sip[rng.below(static_cast<std::uint32_t>(sip.size()))];
    in.from = side::lan;
  } else if (kind < 45) {  // plain UDP out, few distinct flows so they repeat
    s.src = phone, s.dst = server, s.sport = static_cast<std::uint16_t>(40000 + rng.below(40));
    s.dport = static_cast<std::uint16_t>(53 + rng.below(3)), s.payload = std::string(rng.below(200), 'q');
    in.from = side::lan;
  } else if (kind < 70) {  // the WAN answering: replies, media through expectations, strangers
    s.src = rng.below(2) ? server : ip4("198.51.100.9"), s.dst = ip4("75.142.151.49");
    s.sport = static_cast<std::uint16_t>(rng.below(2) ? 5060 : 53 + rng.below(3));
    s.dport = static_cast<std::uint16_t>(rng.below(3) == 0 ? 5060 : rng.below(2) ? 40000 + rng.below(40) : 14254 + rng.below(4));
    s.payload = std::string(rng.below(180), 'r');
    in.from = side::wan;
  } else if (kind < 82) {  // TCP: SYN, data, RST
    s.proto = 6, s.src = phone, s.dst = server, s.sport = static_cast<std::uint16_t>(50000 + rng.below(8)), s.dport = 443;
    const std::uint8_t flags[] = {0x02, 0x18, 0x10, 0x04, 0x11};
    s.tcp_flags = flags[rng.below(5)];
    s.payload = s.tcp_flags == 0x18 ? std::string(rng.below(100), 't') : std::string();
    in.from = rng.below(4) == 0 ? side::wan : side::lan;
    if (in.from == side::wan) std::swap(s.src, s.dst), std::swap(s.sport, s.dport), s.dst = ip4("75.142.151.49");
  } else if (kind < 88) {  // a fragment
    s.src = phone, s.dst = server, s.sport = 5060, s.dport = 5060, s.payload = std::string(64, 'f');
    s.frag = static_cast<std::uint16_t>(rng.below(2) ? 0x2000 : 0x0008);
    in.from = side::lan;
  } else if (kind < 92) {  // ICMP-like: no ports
    s.proto = 1, s.src = phone, s.dst = server, s.payload = "ping";
    in.from = side::lan;
  }
  in.bytes = build(s);
  in.length = in.bytes.size() - s.tailroom;
  if (kind >= 92 && kind < 97) {  // truncated or corrupted
    in.length = rng.below(static_cast<std::uint32_t>(in.length));
    if (rng.below(2) && in.length > 0) in.bytes[rng.below(static_cast<std::uint32_t>(in.length))] ^= 0xFF;
  } else if (kind >= 97) {  // a length past the buffer
    in.length = in.bytes.size() + 1;
  }
  return in;
}

template <class T>
bool same_bytes(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

}  // namespace

TEST_CASE("engine::process_burst gives exactly the results of process() packet by packet", "[engine][burst]") {
  const std::vector<std::string> sip = {golden("seed-spa-invite"), golden("seed-spa-register"),
                                        golden("seed-routeros-invite"),
                                        "BYE sip:*98@207.252.1.148 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.20.100:5060;branch=z9hG4bK-1\r\n"
                                        "From: <sip:525@207.252.1.148>;tag=a\r\nTo: <sip:*98@207.252.1.148>;tag=b\r\n"
                                        "Call-ID: 9c8a315e-419d32d1@192.168.20.100\r\nCSeq: 102 BYE\r\nContent-Length: 0\r\n\r\n"};
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    engine one(small_config()), burst(small_config());
    REQUIRE(one.valid());
    REQUIRE(burst.valid());
    prng rng(seed);
    time_s now = 1000;
    std::size_t packets = 0, forwarded = 0;
    while (packets < 4000) {
      const std::size_t n = rng.below(3) == 0 ? 1 + rng.below(3) : 1 + rng.below(48);  // tiny and long bursts
      std::vector<input> a, b;
      for (std::size_t k = 0; k < n; ++k) a.push_back(random_packet(rng, sip));
      b = a;
      std::vector<process_result> expected;
      for (input& in : a) expected.push_back(one.process(in.bytes, in.length, in.from, now));
      std::vector<burst_packet> bp;
      for (input& in : b) bp.push_back(burst_packet{in.bytes, in.length, in.from, {}});
      burst.process_burst(bp, now);
      for (std::size_t k = 0; k < n; ++k) {
        CAPTURE(packets + k);
        REQUIRE(bp[k].result.action == expected[k].action);
        REQUIRE(bp[k].result.length == expected[k].length);
        REQUIRE(b[k].bytes == a[k].bytes);  // the whole buffer: rewritten packet and tailroom
        forwarded += expected[k].action == verdict::forward;
      }
      packets += n;
      now += rng.below(4) == 0 ? 40 : 1;  // flows and expectations expire between some bursts
      if (rng.below(8) == 0) {
        one.sweep(now, 64);
        burst.sweep(now, 64);
      }
    }
    REQUIRE(same_bytes(one.counters(), burst.counters()));
    REQUIRE(same_bytes(one.flows().counters(), burst.flows().counters()));
    REQUIRE(same_bytes(one.expectations().counters(), burst.expectations().counters()));
    // The traffic did what it was built for (so the comparison above is not vacuous).
    const engine_counters& c = one.counters();
    CHECK(forwarded > 1000);
    CHECK(c.sip_rewritten > 50);
    CHECK(c.flows_from_expectation > 0);
    CHECK(c.expectations_removed > 0);
    CHECK(c.dropped_table_full > 0);
    CHECK(c.dropped_malformed > 0);
    CHECK(c.dropped_no_flow > 0);
    CHECK(c.fragments_translated + c.fragments_dropped > 0);
    CHECK(one.flows().counters().expired > 0);
  }
}

TEST_CASE("engine::process_burst: an empty burst and a burst of one", "[engine][burst]") {
  engine e(small_config());
  REQUIRE(e.valid());
  e.process_burst({}, 1000);
  CHECK(e.counters().packets == 0);
  packet_spec s;
  s.src = ip4("192.168.20.100"), s.dst = ip4("207.252.1.148"), s.sport = 40000, s.dport = 53, s.tailroom = 64;
  std::vector<std::uint8_t> buf = build(s);
  burst_packet one{buf, buf.size() - 64, side::lan, {}};
  e.process_burst({&one, 1}, 1000);
  CHECK(one.result.action == verdict::forward);
  CHECK(one.result.length == buf.size() - 64);
  CHECK(sipalg::nat::test::get32(buf.data() + 12) == ip4("75.142.151.49"));
  CHECK(e.counters().packets == 1);
}
