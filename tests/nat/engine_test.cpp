// Packet-level scenarios of the reference NAT engine with the ALG, built from
// the golden messages in real UDP/TCP IPv4 packets (issue 6).
#include "sipalg/nat/engine.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "nat/packet_builder.hpp"
#include "support.hpp"

using namespace sipalg;
using namespace sipalg::nat;
using sipalg::nat::test::build;
using sipalg::nat::test::get16;
using sipalg::nat::test::get32;
using sipalg::nat::test::packet_spec;

namespace {

std::uint32_t ip4(const char* s) { return ip_address::parse_v4(s)->v4_uint(); }

std::string golden(const std::string& name, const char* file) {
  auto t = sipalg::test::read_file(sipalg::test::data_dir() / "golden" / name / file);
  REQUIRE(t);
  return *t;
}

/// A packet as it left the engine.
struct sent {
  verdict action = verdict::drop;
  std::vector<std::uint8_t> bytes;

  std::uint32_t src() const { return get32(bytes.data() + 12); }
  std::uint32_t dst() const { return get32(bytes.data() + 16); }
  std::size_t hl() const { return (bytes[0] & 0x0F) * 4u; }
  std::uint16_t sport() const { return get16(bytes.data() + hl()); }
  std::uint16_t dport() const { return get16(bytes.data() + hl() + 2); }
  std::size_t l4h() const { return bytes[9] == 17 ? 8 : (bytes[hl() + 12] >> 4) * 4u; }
  std::string payload() const {
    return std::string(reinterpret_cast<const char*>(bytes.data()) + hl() + l4h(), bytes.size() - hl() - l4h());
  }
  std::uint32_t seq() const { return get32(bytes.data() + hl() + 4); }
  std::uint32_t ack() const { return get32(bytes.data() + hl() + 8); }
  /// IP header checksum, UDP/TCP checksum and lengths are all consistent.
  bool consistent() const {
    if (get16(bytes.data() + 2) != bytes.size()) return false;
    if (sipalg::nat::test::ref_ip_checksum(bytes.data(), hl()) != get16(bytes.data() + 10)) return false;
    if (bytes[9] == 17 && get16(bytes.data() + hl() + 4) != bytes.size() - hl()) return false;
    const std::size_t at = hl() + (bytes[9] == 17 ? 6 : 16);
    if (bytes[9] == 17 && get16(bytes.data() + at) == 0) return true;
    return sipalg::nat::test::ref_l4_checksum(bytes.data()) == get16(bytes.data() + at);
  }
};

struct router {
  engine nat;
  time_s now = 1000;

  explicit router(const engine_config& c) : nat(c) { REQUIRE(nat.valid()); }

  sent send(side from, packet_spec s) {
    s.tailroom = 512;
    std::vector<std::uint8_t> buf = build(s);
    const std::size_t len = buf.size() - s.tailroom;
    const process_result r = nat.process(buf, len, from, now);
    sent out;
    out.action = r.action;
    if (r.action == verdict::forward) out.bytes.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.length));
    return out;
  }
  sent udp(side from, const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
           const std::string& payload) {
    packet_spec s;
    s.proto = 17, s.src = ip4(src), s.dst = ip4(dst), s.sport = sport, s.dport = dport, s.payload = payload;
    return send(from, s);
  }
};

engine_config config(const char* pub, const char* lan) {
  engine_config c;
  c.public_address = *ip_address::parse(pub);
  c.lan = *ipv4_prefix::parse(lan);
  c.max_flows = 1024;
  c.max_expectations = 256;
  return c;
}

}  // namespace

TEST_CASE("engine: a phone registers, the 200 OK comes back restored, an incoming INVITE reaches it", "[engine]") {
  router r(config("212.19.6.166", "192.168.0.0/24"));

  const sent reg = r.udp(side::lan, "192.168.0.31", 5010, "193.233.5.201", 5060, golden("seed-fanvil-register", "before.sip"));
  REQUIRE(reg.action == verdict::forward);
  CHECK(reg.src() == ip4("212.19.6.166"));
  CHECK(reg.sport() == 5010);  // port preserved
  CHECK(reg.dst() == ip4("193.233.5.201"));
  CHECK(reg.payload() == golden("seed-fanvil-register", "after.sip"));
  CHECK(reg.consistent());
  CHECK(r.nat.counters().registrations == 1);
  CHECK(r.nat.expectations().size() == 1);

  const sent ok = r.udp(side::wan, "193.233.5.201", 5060, "212.19.6.166", 5010, golden("seed-fanvil-register-200", "before.sip"));
  REQUIRE(ok.action == verdict::forward);
  CHECK(ok.dst() == ip4("192.168.0.31"));
  CHECK(ok.dport() == 5010);
  CHECK(ok.payload() == golden("seed-fanvil-register-200", "after.sip"));
  CHECK(ok.consistent());

  // Half an hour later (well past the plain UDP timeout, within sip_timeout) the server calls.
  r.now += 1800;
  const sent inv = r.udp(side::wan, "193.233.5.201", 5060, "212.19.6.166", 5010,
                         golden("seed-fanvil-incoming-invite", "before.sip"));
  REQUIRE(inv.action == verdict::forward);
  CHECK(inv.dst() == ip4("192.168.0.31"));
  CHECK(inv.dport() == 5010);
  CHECK(inv.payload() == golden("seed-fanvil-incoming-invite", "after.sip"));
  CHECK(inv.consistent());

  // The registrar calling from another source port uses the REGISTER pinhole (remote = registrar only).
  const sent inv2 = r.udp(side::wan, "193.233.5.201", 5070, "212.19.6.166", 5010,
                          golden("seed-fanvil-incoming-invite", "before.sip"));
  REQUIRE(inv2.action == verdict::forward);
  CHECK(inv2.dst() == ip4("192.168.0.31"));
  CHECK(inv2.payload() == golden("seed-fanvil-incoming-invite", "after.sip"));
  CHECK(r.nat.counters().flows_from_expectation == 1);
  // Anyone else is not let in.
  const sent stranger = r.udp(side::wan, "198.51.100.9", 5060, "212.19.6.166", 5010, "OPTIONS x");
  CHECK(stranger.action == verdict::drop);
}

TEST_CASE("engine: with the ALG off, the same REGISTER leaves with the private Contact", "[engine]") {
  engine_config c = config("212.19.6.166", "192.168.0.0/24");
  c.alg_enabled = false;
  router r(c);
  const std::string before = golden("seed-fanvil-register", "before.sip");
  const sent reg = r.udp(side::lan, "192.168.0.31", 5010, "193.233.5.201", 5060, before);
  REQUIRE(reg.action == verdict::forward);
  CHECK(reg.src() == ip4("212.19.6.166"));
  CHECK(reg.payload() == before);
  CHECK(r.nat.expectations().size() == 0);
}

TEST_CASE("engine: an outgoing call's RTP flows both ways through the public media port", "[engine]") {
  router r(config("2.2.2.2", "192.168.2.0/24"));
  const std::string invite = golden("seed-routeros-invite", "before.sip");
  const sent inv = r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, invite);
  REQUIRE(inv.action == verdict::forward);
  CHECK(inv.sport() == 5060);
  const std::string out = inv.payload();
  CHECK(out.find("Via: SIP/2.0/UDP 2.2.2.2:5060;") != std::string::npos);
  CHECK(out.find("Contact: <sip:200@2.2.2.2:5060>") != std::string::npos);
  CHECK(out.find("m=audio 10036 RTP/AVP") != std::string::npos);  // port was free: kept
  CHECK(out.find("c=IN IP4 2.2.2.2\r\n") != std::string::npos);
  CHECK(out.find("Content-Length: 312\r\n") != std::string::npos);
  CHECK(out.find("Call-ID: 2885320736167-282092668217063@192.168.2.100") != std::string::npos);
  CHECK(inv.consistent());
  CHECK(r.nat.expectations().size() == 2);

  // The server's media arrives first, from its media address: it reaches the phone.
  const sent rtp_in = r.udp(side::wan, "1.1.1.2", 30000, "2.2.2.2", 10036, std::string(172, 'r'));
  REQUIRE(rtp_in.action == verdict::forward);
  CHECK(rtp_in.dst() == ip4("192.168.2.100"));
  CHECK(rtp_in.dport() == 10036);
  CHECK(rtp_in.consistent());
  // The phone's RTP leaves with the public source.
  const sent rtp_out = r.udp(side::lan, "192.168.2.100", 10036, "1.1.1.2", 30000, std::string(172, 'p'));
  REQUIRE(rtp_out.action == verdict::forward);
  CHECK(rtp_out.src() == ip4("2.2.2.2"));
  CHECK(rtp_out.sport() == 10036);
  // Direct media: another address (an SBC or the far phone) may send to the pinhole too.
  const sent direct = r.udp(side::wan, "5.5.5.5", 40000, "2.2.2.2", 10036, std::string(172, 'd'));
  REQUIRE(direct.action == verdict::forward);
  CHECK(direct.dst() == ip4("192.168.2.100"));
  // RTCP on the next port.
  const sent rtcp = r.udp(side::wan, "1.1.1.2", 30001, "2.2.2.2", 10037, std::string(40, 'c'));
  REQUIRE(rtcp.action == verdict::forward);
  CHECK(rtcp.dport() == 10037);

  // BYE removes the call's expectations (established flows live on until they time out).
  std::string bye = "BYE sip:89052073578@1.1.1.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK2\r\n"
                    "From: <sip:200@1.1.1.2>;tag=1\r\nTo: <sip:89052073578@1.1.1.2>;tag=2\r\n"
                    "Call-ID: 2885320736167-282092668217063@192.168.2.100\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
  const sent b = r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, bye);
  REQUIRE(b.action == verdict::forward);
  CHECK(r.nat.expectations().size() == 0);
  const sent late = r.udp(side::wan, "6.6.6.6", 40000, "2.2.2.2", 10036, "x");
  CHECK(late.action == verdict::drop);
}

TEST_CASE("engine: media pinholes accept only the signalling peer without direct media", "[engine]") {
  engine_config c = config("2.2.2.2", "192.168.2.0/24");
  c.policy.direct_media = false;
  router r(c);
  REQUIRE(r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, golden("seed-routeros-invite", "before.sip")).action ==
          verdict::forward);
  CHECK(r.udp(side::wan, "5.5.5.5", 40000, "2.2.2.2", 10036, "x").action == verdict::drop);
  CHECK(r.udp(side::wan, "1.1.1.2", 40000, "2.2.2.2", 10036, "x").action == verdict::forward);
}

TEST_CASE("engine: two phones on local port 5060 get their own public ports, each written in its own messages",
          "[engine]") {
  router r(config("2.2.2.2", "192.168.2.0/24"));
  const std::string invite = golden("seed-routeros-invite", "before.sip");
  std::string invite_b = invite;
  for (std::size_t p; (p = invite_b.find("192.168.2.100")) != std::string::npos;) invite_b.replace(p, 13, "192.168.2.101");
  const sent a = r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, invite);
  const sent b = r.udp(side::lan, "192.168.2.101", 5060, "1.1.1.2", 5060, invite_b);
  REQUIRE(a.action == verdict::forward);
  REQUIRE(b.action == verdict::forward);
  CHECK(a.sport() == 5060);
  CHECK(b.sport() != 5060);
  const std::string b_port = std::to_string(b.sport());
  CHECK(b.payload().find("Via: SIP/2.0/UDP 2.2.2.2:" + b_port + ";") != std::string::npos);
  CHECK(b.payload().find("Contact: <sip:200@2.2.2.2:" + b_port + ">") != std::string::npos);
  CHECK(a.payload().find("Contact: <sip:200@2.2.2.2:5060>") != std::string::npos);
  // Both offered RTP port 10036: the second is moved to another public port instead of dropped.
  const auto media_port = [](const std::string& m) {
    const auto at = m.find("m=audio ") + 8;
    return std::stoi(m.substr(at, m.find(' ', at) - at));
  };
  CHECK(media_port(a.payload()) == 10036);
  const int moved = media_port(b.payload());
  CHECK(moved != 10036);
  CHECK(moved % 2 == 0);
  CHECK(a.consistent());
  CHECK(b.consistent());
  // Each phone's media reaches that phone.
  const sent to_b = r.udp(side::wan, "1.1.1.2", 30000, "2.2.2.2", static_cast<std::uint16_t>(moved), "m");
  REQUIRE(to_b.action == verdict::forward);
  CHECK(to_b.dst() == ip4("192.168.2.101"));
  CHECK(to_b.dport() == 10036);
  const sent to_a = r.udp(side::wan, "1.1.1.2", 30000, "2.2.2.2", 10036, "m");
  REQUIRE(to_a.action == verdict::forward);
  CHECK(to_a.dst() == ip4("192.168.2.100"));
  // And the server's responses reach the right phone, restored.
  std::string ok_b = "SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP 2.2.2.2:" + b_port +
                     ";branch=z9hG4bK88046350326731848;received=2.2.2.2;rport=" + b_port +
                     "\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  const sent tb = r.udp(side::wan, "1.1.1.2", 5060, "2.2.2.2", b.sport(), ok_b);
  REQUIRE(tb.action == verdict::forward);
  CHECK(tb.dst() == ip4("192.168.2.101"));
  CHECK(tb.payload().find("Via: SIP/2.0/UDP 192.168.2.101:5060;branch=z9hG4bK88046350326731848;received=192.168.2.101;rport=5060\r\n") !=
        std::string::npos);
}

TEST_CASE("engine: a public address change flushes the bindings on the old address", "[engine]") {
  router r(config("2.2.2.2", "192.168.2.0/24"));
  const std::string reg = golden("seed-spa-register", "before.sip");
  REQUIRE(r.udp(side::lan, "192.168.20.100", 5060, "207.252.1.148", 5060, reg).action == verdict::forward);
  // (192.168.20.100 is outside this LAN prefix: not NATed, so use an inside phone for the binding)
  const sent a = r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, golden("seed-routeros-invite", "before.sip"));
  REQUIRE(a.action == verdict::forward);
  REQUIRE(r.nat.flows().size() >= 1);
  r.nat.set_public_address(*ip_address::parse("3.3.3.3"));
  CHECK(r.nat.counters().flushed_on_address_change >= 1);
  CHECK(r.nat.expectations().size() == 0);
  // The old mapping is gone: the server's answer to the old address no longer reaches the phone.
  const sent stale = r.udp(side::wan, "1.1.1.2", 5060, "2.2.2.2", 5060, "SIP/2.0 200 OK\r\n\r\n");
  CHECK((stale.action == verdict::drop || stale.dst() == ip4("2.2.2.2")));
  CHECK(r.udp(side::wan, "1.1.1.2", 5060, "3.3.3.3", 5060, "SIP/2.0 200 OK\r\n\r\n").action == verdict::drop);
  // The phone's next message leaves with the new address, rewritten for it.
  const sent again = r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, golden("seed-routeros-invite", "before.sip"));
  REQUIRE(again.action == verdict::forward);
  CHECK(again.src() == ip4("3.3.3.3"));
  CHECK(again.payload().find("Contact: <sip:200@3.3.3.3:5060>") != std::string::npos);
}

TEST_CASE("engine: flows that are not NATed are never touched by the ALG", "[engine]") {
  engine_config c = config("2.2.2.2", "192.168.2.0/24");
  (void)c.no_nat.push_back(*ipv4_prefix::parse("10.8.0.0/24"));  // a VPN route
  router r(c);
  const std::string invite = golden("seed-routeros-invite", "before.sip");
  packet_spec s;
  s.proto = 17, s.src = ip4("192.168.2.100"), s.dst = ip4("10.8.0.1"), s.sport = 5060, s.dport = 5060, s.payload = invite;
  std::vector<std::uint8_t> want = build(s);
  const sent v = r.send(side::lan, s);
  REQUIRE(v.action == verdict::forward);
  CHECK(v.bytes == want);
  // A source outside the LAN prefix (routed, not masqueraded) is left alone too.
  s.src = ip4("172.16.5.5");
  want = build(s);
  CHECK(r.send(side::lan, s).bytes == want);
  CHECK(r.nat.counters().not_natted == 2);
  CHECK(r.nat.flows().size() == 0);
}

TEST_CASE("engine: TCP with a length change keeps sequence numbers consistent for both sides", "[engine]") {
  router r(config("2.2.2.2", "192.168.2.0/24"));
  packet_spec syn;
  syn.proto = 6, syn.src = ip4("192.168.2.100"), syn.dst = ip4("1.1.1.2"), syn.sport = 40000, syn.dport = 5060;
  syn.payload = "", syn.tcp_flags = 0x02, syn.seq = 1000, syn.ack = 0;
  REQUIRE(r.send(side::lan, syn).action == verdict::forward);
  packet_spec synack;
  synack.proto = 6, synack.src = ip4("1.1.1.2"), synack.dst = ip4("2.2.2.2"), synack.sport = 5060, synack.dport = 40000;
  synack.payload = "", synack.tcp_flags = 0x12, synack.seq = 5000, synack.ack = 1001;
  const sent sa = r.send(side::wan, synack);
  REQUIRE(sa.action == verdict::forward);
  CHECK(sa.ack() == 1001);

  // Two messages in one segment: the INVITE shrinks by 12 + 12 bytes (Via/Contact port 40000 kept, SDP -12).
  std::string invite = golden("seed-routeros-invite", "before.sip");
  for (std::size_t p; (p = invite.find("192.168.2.100:5060")) != std::string::npos;) invite.replace(p, 18, "192.168.2.100:40000");
  const std::string ping = "\r\n\r\n";
  packet_spec seg = syn;
  seg.tcp_flags = 0x18, seg.seq = 1001, seg.ack = 5001, seg.payload = invite + ping + invite;
  const sent out = r.send(side::lan, seg);
  REQUIRE(out.action == verdict::forward);
  CHECK(out.consistent());
  CHECK(out.seq() == 1001);
  const std::string p = out.payload();
  const std::int64_t delta = static_cast<std::int64_t>(p.size()) - static_cast<std::int64_t>(seg.payload.size());
  CHECK(delta < 0);
  // Only the two Call-IDs still carry the private address.
  std::size_t private_count = 0;
  for (std::size_t at = 0; (at = p.find("192.168.2.100", at)) != std::string::npos; ++at) ++private_count;
  CHECK(private_count == 2);
  CHECK(p.find("Contact: <sip:200@2.2.2.2:40000>") != std::string::npos);
  CHECK(p.rfind("Contact: <sip:200@2.2.2.2:40000>") != p.find("Contact: <sip:200@2.2.2.2:40000>"));
  CHECK(r.nat.counters().tcp_seq_changes == 1);

  // The server acknowledges what it received; the phone must see its own numbering.
  packet_spec ack = synack;
  ack.tcp_flags = 0x10, ack.seq = 5001, ack.ack = static_cast<std::uint32_t>(1001 + p.size());
  const sent back = r.send(side::wan, ack);
  REQUIRE(back.action == verdict::forward);
  CHECK(back.ack() == 1001 + seg.payload.size());
  CHECK(back.consistent());
  // The phone's next segment is moved by the same delta.
  packet_spec next = seg;
  next.seq = static_cast<std::uint32_t>(1001 + seg.payload.size()), next.payload = ping;
  const sent n = r.send(side::lan, next);
  REQUIRE(n.action == verdict::forward);
  CHECK(n.seq() == 1001 + p.size());
  CHECK(n.consistent());
}

TEST_CASE("engine: malformed SIP is passed unchanged (NATed) by default and dropped when the policy says so",
          "[engine]") {
  const std::string bad =
      "INVITE sip:x@1.1.1.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.2.100:5060\r\nContent-Length: 10\r\nContent-Length: 12\r\n\r\n0123456789";
  {
    router r(config("2.2.2.2", "192.168.2.0/24"));
    const sent s = r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, bad);
    REQUIRE(s.action == verdict::forward);
    CHECK(s.payload() == bad);
    CHECK(s.src() == ip4("2.2.2.2"));
    CHECK(r.nat.counters().sip_malformed == 1);
  }
  {
    engine_config c = config("2.2.2.2", "192.168.2.0/24");
    c.policy.on_malformed = alg::failure_action::drop;
    router r(c);
    CHECK(r.udp(side::lan, "192.168.2.100", 5060, "1.1.1.2", 5060, bad).action == verdict::drop);
    CHECK(r.nat.counters().dropped_by_policy == 1);
  }
}

TEST_CASE("engine: a rewrite that does not fit the tailroom leaves the packet unchanged", "[engine]") {
  router r(config("222.222.222.222", "10.0.0.0/8"));
  std::string reg = golden("seed-fanvil-register", "before.sip");
  for (std::size_t p; (p = reg.find("192.168.0.31")) != std::string::npos;) reg.replace(p, 12, "10.0.0.3");
  packet_spec s;
  s.proto = 17, s.src = ip4("10.0.0.3"), s.dst = ip4("193.233.5.201"), s.sport = 5010, s.dport = 5060, s.payload = reg;
  std::vector<std::uint8_t> buf = build(s);  // no tailroom at all; the rewrite grows by 2 x 7 bytes
  const process_result res = r.nat.process(buf, buf.size(), side::lan, r.now);
  REQUIRE(res.action == verdict::forward);
  sent out;
  out.bytes.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(res.length));
  CHECK(out.payload() == reg);
  CHECK(out.consistent());
  CHECK(r.nat.counters().sip_no_room == 1);
}

TEST_CASE("engine: UDP fragments are translated by their first fragment's flow", "[engine]") {
  router r(config("2.2.2.2", "192.168.2.0/24"));
  packet_spec first;
  first.proto = 17, first.src = ip4("192.168.2.100"), first.dst = ip4("1.1.1.2"), first.sport = 7000, first.dport = 7000;
  first.payload = std::string(64, 'a'), first.frag = 0x2000, first.id = 77, first.udp_checksum = false;
  const sent f1 = r.send(side::lan, first);
  REQUIRE(f1.action == verdict::forward);
  CHECK(f1.src() == ip4("2.2.2.2"));
  packet_spec second = first;
  second.frag = 9;  // offset 72 bytes, last fragment: the bytes after the IP header are plain data
  const sent f2 = r.send(side::lan, second);
  REQUIRE(f2.action == verdict::forward);
  CHECK(f2.src() == ip4("2.2.2.2"));
  // A later fragment without its first one is dropped.
  second.id = 78;
  CHECK(r.send(side::lan, second).action == verdict::drop);
  CHECK(r.nat.counters().fragments_translated == 2);
}

TEST_CASE("engine: REGISTER with Expires 0 removes the signalling pinhole", "[engine]") {
  router r(config("212.19.6.166", "192.168.0.0/24"));
  std::string reg = golden("seed-fanvil-register", "before.sip");
  REQUIRE(r.udp(side::lan, "192.168.0.31", 5010, "193.233.5.201", 5060, reg).action == verdict::forward);
  CHECK(r.nat.expectations().size() == 1);
  reg.replace(reg.find("Expires: 3600"), 13, "Expires: 0");
  REQUIRE(r.udp(side::lan, "192.168.0.31", 5010, "193.233.5.201", 5060, reg).action == verdict::forward);
  CHECK(r.nat.expectations().size() == 0);
  CHECK(r.nat.counters().unregistrations == 1);
}

TEST_CASE("engine: garbage and truncated packets are dropped, never read out of bounds", "[engine]") {
  router r(config("2.2.2.2", "192.168.2.0/24"));
  packet_spec s;
  s.proto = 17, s.src = ip4("192.168.2.100"), s.dst = ip4("1.1.1.2"), s.payload = "REGISTER sip:x SIP/2.0\r\n\r\n";
  const std::vector<std::uint8_t> full = build(s);
  for (std::size_t n = 0; n < full.size(); ++n) {
    sipalg::nat::test::exact_copy c(full, n);
    const process_result res = r.nat.process(c.span(), n, side::lan, r.now);
    CHECK(res.action == verdict::drop);
  }
  std::vector<std::uint8_t> junk(64, 0xFF);
  CHECK(r.nat.process(junk, junk.size(), side::wan, r.now).action == verdict::drop);
  CHECK(r.nat.process(junk, junk.size() + 1, side::wan, r.now).action == verdict::drop);  // length > capacity
}

TEST_CASE("engine: the ALG observer sees every SIP message with its edits before they are applied", "[engine]") {
  router r(config("212.19.6.166", "192.168.0.0/24"));
  struct seen {
    int messages = 0;
    std::vector<std::string> olds, news;
    std::size_t expectations = 0;
  } s;
  r.nat.set_alg_observer(
      [](void* ctx, const alg_event& e) {
        auto* me = static_cast<seen*>(ctx);
        ++me->messages;
        for (const auto& ed : e.edits) {
          me->olds.emplace_back(e.message.substr(ed.offset, ed.old_len));
          me->news.emplace_back(e.edits.replacement(ed));
        }
        me->expectations += e.expectations.size();
      },
      &s);
  REQUIRE(r.udp(side::lan, "192.168.0.31", 5010, "193.233.5.201", 5060, golden("seed-fanvil-register", "before.sip"))
              .action == verdict::forward);
  CHECK(s.messages == 1);
  REQUIRE(s.olds.size() == 2);
  CHECK(s.olds[0] == "192.168.0.31:5010");
  CHECK(s.news[0] == "212.19.6.166:5010");
  CHECK(s.expectations == 1);
  // The public endpoint behind a LAN-side view of a reply.
  const flow_key lan_form{ip4("193.233.5.201"), ip4("192.168.0.31"), 5060, 5010, 17};
  const auto pub = r.nat.public_endpoint_of(lan_form, r.now);
  REQUIRE(pub);
  CHECK(pub->to_text().view() == "212.19.6.166:5010");
  const flow_key unknown{ip4("193.233.5.201"), ip4("192.168.0.99"), 5060, 5010, 17};
  CHECK(!r.nat.public_endpoint_of(unknown, r.now));
}
