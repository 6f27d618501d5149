// The reference NAT engine per packet (nat/engine.hpp, ALG on): an established plain UDP flow, a SIP
// INVITE with SDP (parse, rewrite, Content-Length, checksum, media port allocation, expectations),
// and RTP through the flow an expectation created, both directions. Time per packet.
//
// process() rewrites the packet in place, so every iteration first copies the original packet into
// the working buffer (a memcpy of its length: ~60 to ~850 bytes); that copy is inside the time.
// Packets are built here byte by byte with from-scratch checksums, and the cross-check verifies the
// translated packet (addresses, ports, checksums, and for SIP that the phone's private address is
// left only in the Call-ID).
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_common.hpp"
#include "sipalg/nat/engine.hpp"

namespace sipalg::bench {
namespace {

using nat::side;

// ---- packets, independent of the engine's own code ----------------------------------------------

std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t s = 0) {
  for (std::size_t i = 0; i < n; i += 2) s += (std::uint32_t{p[i]} << 8) | (i + 1 < n ? p[i + 1] : 0u);
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return s;
}
std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t get32(const std::uint8_t* p) { return (std::uint32_t{get16(p)} << 16) | get16(p + 2); }
void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8), p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16)), put16(p + 2, static_cast<std::uint16_t>(v));
}

std::uint32_t ip4(std::string_view s) { return ip_address::parse_v4(s)->v4_uint(); }

/// IPv4 (20-byte header) + UDP with correct checksums.
std::vector<std::uint8_t> udp_packet(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
                                     std::string_view payload) {
  const std::size_t total = 28 + payload.size();
  std::vector<std::uint8_t> v(total, 0);
  v[0] = 0x45, v[8] = 64, v[9] = 17;
  put16(&v[2], static_cast<std::uint16_t>(total)), put16(&v[4], 0x1234), put16(&v[6], 0x4000);
  put32(&v[12], src), put32(&v[16], dst);
  put16(&v[10], static_cast<std::uint16_t>(~sum16(v.data(), 20)));
  put16(&v[20], sport), put16(&v[22], dport), put16(&v[24], static_cast<std::uint16_t>(8 + payload.size()));
  std::memcpy(&v[28], payload.data(), payload.size());
  std::uint8_t pseudo[12];
  std::memcpy(pseudo, &v[12], 8);
  pseudo[8] = 0, pseudo[9] = 17, put16(pseudo + 10, static_cast<std::uint16_t>(8 + payload.size()));
  std::uint16_t c = static_cast<std::uint16_t>(~sum16(&v[20], 8 + payload.size(), sum16(pseudo, 12)));
  put16(&v[26], c == 0 ? 0xFFFF : c);
  return v;
}

/// The translated packet as the cross-check sees it.
struct seen {
  std::uint32_t src = 0, dst = 0;
  std::uint16_t sport = 0, dport = 0;
  std::string payload;
  bool checksums_ok = false;
};

seen inspect(const std::uint8_t* p, std::size_t len) {
  seen s;
  if (len < 28 || get16(p + 2) != len || p[9] != 17) return s;
  s.src = get32(p + 12), s.dst = get32(p + 16), s.sport = get16(p + 20), s.dport = get16(p + 22);
  s.payload.assign(reinterpret_cast<const char*>(p + 28), len - 28);
  std::uint8_t pseudo[12];
  std::memcpy(pseudo, p + 12, 8);
  pseudo[8] = 0, pseudo[9] = 17, put16(pseudo + 10, static_cast<std::uint16_t>(len - 20));
  const bool ip_ok = sum16(p, 20) == 0xFFFF;
  const bool udp_ok = get16(p + 26) == 0 || sum16(p + 20, len - 20, sum16(pseudo, 12)) == 0xFFFF;
  s.checksums_ok = ip_ok && udp_ok && get16(p + 24) == len - 20;
  return s;
}

std::size_t count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// ---- the scenario: the golden Cisco SPA INVITE through a router 192.168.20.0/24 -> 75.142.151.49 --

constexpr std::string_view phone = "192.168.20.100";
constexpr std::string_view pub = "75.142.151.49";
constexpr std::string_view server = "207.252.1.148";
constexpr nat::time_s now = 1000;

struct scenario {
  std::unique_ptr<nat::engine> nat;
  std::vector<std::uint8_t> invite, plain, rtp_in, rtp_out;  // original packets
  std::uint16_t media_port = 0;                              // public RTP port from the INVITE's m=
  std::string error;                                         // empty: set up and cross-checked
};

/// Runs `pkt` through the engine in a copy with 512 bytes of tailroom.
std::optional<seen> run(nat::engine& e, const std::vector<std::uint8_t>& pkt, side from) {
  std::vector<std::uint8_t> buf(pkt.size() + 512);
  std::memcpy(buf.data(), pkt.data(), pkt.size());
  const nat::process_result r = e.process(buf, pkt.size(), from, now);
  if (r.action != nat::verdict::forward) return std::nullopt;
  return inspect(buf.data(), r.length);
}

void set_up(scenario& t) {
  nat::engine_config cfg;
  cfg.public_address = *ip_address::parse(pub);
  cfg.lan = *nat::ipv4_prefix::parse("192.168.20.0/24");
  t.nat = std::make_unique<nat::engine>(cfg);
  if (!t.nat->valid()) return void(t.error = "engine not valid");
  const auto& golden = embedded::golden_cases[0];  // seed-spa-invite
  t.invite = udp_packet(ip4(phone), 5060, ip4(server), 5060, golden.before);
  t.plain = udp_packet(ip4(phone), 40000, ip4("198.51.100.53"), 53, std::string(100, 'q'));

  // SIP INVITE: everything of the phone's becomes public, except the Call-ID.
  auto inv = run(*t.nat, t.invite, side::lan);
  if (!inv || !inv->checksums_ok || inv->src != ip4(pub) || inv->sport != 5060)
    return void(t.error = "INVITE not forwarded from the public address with valid checksums");
  if (count(inv->payload, phone) != 1 ||
      inv->payload.find(std::string("Call-ID: 9c8a315e-419d32d1@") + std::string(phone)) == std::string::npos ||
      inv->payload.find(std::string("c=IN IP4 ") + std::string(pub) + "\r\n") == std::string::npos)
    return void(t.error = "INVITE payload not translated (private address left outside Call-ID)");
  const auto m = inv->payload.find("m=audio ");
  if (m == std::string::npos) return void(t.error = "no m= line after the NAT");
  t.media_port = static_cast<std::uint16_t>(std::stoul(inv->payload.substr(m + 8)));

  // RTP: the server's media reaches the phone through the expectation, then the phone answers.
  t.rtp_in = udp_packet(ip4(server), 30000, ip4(pub), t.media_port, std::string(172, 'r'));
  t.rtp_out = udp_packet(ip4(phone), 14254, ip4(server), 30000, std::string(172, 'p'));
  auto in = run(*t.nat, t.rtp_in, side::wan);
  if (!in || !in->checksums_ok || in->dst != ip4(phone) || in->dport != 14254)
    return void(t.error = "RTP from the server did not reach the phone through the expectation");
  auto out = run(*t.nat, t.rtp_out, side::lan);
  if (!out || !out->checksums_ok || out->src != ip4(pub) || out->sport != t.media_port)
    return void(t.error = "the phone's RTP did not leave from the public media port");
  auto pl = run(*t.nat, t.plain, side::lan);
  if (!pl || !pl->checksums_ok || pl->src != ip4(pub)) return void(t.error = "plain UDP not masqueraded");
}

scenario& get_scenario() {
  static scenario s;
  static const bool once = (set_up(s), true);
  (void)once;
  return s;
}

/// Times process() of copies of `pkt` arriving on `from`; every result must be forwarded with the
/// length the cross-check saw.
void bm_packet(benchmark::State& st, const std::vector<std::uint8_t> scenario::*which, side from) {
  scenario& s = get_scenario();
  if (!s.error.empty()) {
    st.SkipWithError(("cross-check failed: " + s.error).c_str());
    return;
  }
  const std::vector<std::uint8_t>& pkt = s.*which;
  auto first = run(*s.nat, pkt, from);
  if (!first) {
    st.SkipWithError("packet not forwarded");
    return;
  }
  const std::size_t want = first->payload.size() + 28;
  std::vector<std::uint8_t> buf(pkt.size() + 512);
  std::uint64_t failures = 0;
  const auto a0 = allocation_count();
  for (auto _ : st) {
    std::memcpy(buf.data(), pkt.data(), pkt.size());
    const nat::process_result r = s.nat->process(buf, pkt.size(), from, now);
    benchmark::DoNotOptimize(buf.data());
    failures += (r.action == nat::verdict::forward && r.length == want) ? 0 : 1;
  }
  finish(st, static_cast<std::uint64_t>(st.iterations()) * pkt.size(), a0);
  st.counters["packet_bytes"] = static_cast<double>(pkt.size());
  if (failures) st.SkipWithError("a packet was dropped or changed size inside the timed loop");
}

// nat_burst/sipalg/1M/{one_by_one,burst}: the engine at a million flows, packets of random flows
// (each a DNAT port forward from a distinct remote endpoint), 32 per iteration: process() on each in
// turn, or process_burst() on the 32 (which prefetches the conntrack lines of the packets ahead).
// Both copy the 32 packets into their buffers first (the engine rewrites in place). The time column is
// per burst of 32 packets (per packet: 1e9 / items_per_second).
struct million_flows {
  std::unique_ptr<nat::engine> nat;
  std::vector<std::vector<std::uint8_t>> packets;  // templates: one packet of each of 8192 random flows
  std::string error;
};

million_flows& get_million() {
  static million_flows m;
  static const bool once = [] {
    nat::engine_config cfg;
    cfg.public_address = *ip_address::parse(pub);
    cfg.lan = *nat::ipv4_prefix::parse("192.168.20.0/24");
    cfg.max_flows = 1u << 20;
    cfg.alg_enabled = false;
    nat::port_forward fw;
    fw.proto = transport::udp, fw.public_ports = {20000, 20999}, fw.inside = *endpoint::parse("192.168.20.50:20000");
    (void)cfg.forwards.push_back(fw);
    m.nat = std::make_unique<nat::engine>(cfg);
    if (!m.nat->valid()) return (m.error = "engine with 1M flows not valid"), true;
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    const auto rnd = [&x] { return x ^= x << 13, x ^= x >> 7, x ^= x << 17, x; };
    std::vector<std::uint8_t> buf(128);
    for (std::uint32_t i = 0; i < 1'000'000; ++i) {
      // Distinct remote endpoints: i spread over 100.64.0.0/10 addresses and ports.
      const std::uint32_t src = ip4("100.64.0.0") + (i >> 2);
      const auto sport = static_cast<std::uint16_t>(1024 + (i & 3) * 7919);
      const auto dport = static_cast<std::uint16_t>(20000 + rnd() % 1000);
      const std::vector<std::uint8_t> pkt = udp_packet(src, sport, ip4(pub), dport, std::string(32, 'm'));
      std::memcpy(buf.data(), pkt.data(), pkt.size());
      const nat::process_result r = m.nat->process(buf, pkt.size(), side::wan, now);
      if (r.action != nat::verdict::forward) return (m.error = "a forward packet was not forwarded"), true;
      if (i % 122 == 0 && m.packets.size() < 8192) m.packets.push_back(pkt);
    }
    if (m.nat->flows().size() != 1'000'000) m.error = "not a million flows";
    // Random order, so consecutive packets touch unrelated cache lines.
    for (std::size_t i = m.packets.size(); i > 1; --i) std::swap(m.packets[i - 1], m.packets[rnd() % i]);
    return true;
  }();
  (void)once;
  return m;
}

void bm_million(benchmark::State& st, bool burst) {
  million_flows& m = get_million();
  if (!m.error.empty()) {
    st.SkipWithError(("cross-check failed: " + m.error).c_str());
    return;
  }
  constexpr std::size_t n = 32;
  std::vector<std::vector<std::uint8_t>> bufs(n, std::vector<std::uint8_t>(128));
  std::vector<nat::burst_packet> bp(n);
  std::size_t next = 0, failures = 0;
  const std::uint64_t hits0 = m.nat->flows().counters().hits;
  for (auto _ : st) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::vector<std::uint8_t>& t = m.packets[next];
      next = next + 1 == m.packets.size() ? 0 : next + 1;
      std::memcpy(bufs[k].data(), t.data(), t.size());
      bp[k] = nat::burst_packet{bufs[k], t.size(), side::wan, {}};
    }
    if (burst) {
      m.nat->process_burst(bp, now);
    } else {
      for (nat::burst_packet& p : bp) p.result = m.nat->process(p.buffer, p.length, p.from, now);
    }
    for (const nat::burst_packet& p : bp) failures += p.result.action != nat::verdict::forward;
    benchmark::ClobberMemory();
  }
  // Every packet found its flow (no flow was created or dropped while timing).
  if (failures != 0 || m.nat->flows().counters().hits - hits0 != static_cast<std::uint64_t>(st.iterations()) * n)
    st.SkipWithError("a packet of a tracked flow was not forwarded through its flow");
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * n));
}

const register_benchmarks reg([](const context&) {
  add("nat_burst/sipalg/1M/one_by_one", [](benchmark::State& st) { bm_million(st, false); });
  add("nat_burst/sipalg/1M/burst", [](benchmark::State& st) { bm_million(st, true); });
  add("nat_packet/sipalg/plain_udp_out", [](benchmark::State& st) { bm_packet(st, &scenario::plain, side::lan); });
  add("nat_packet/sipalg/sip_invite_out", [](benchmark::State& st) { bm_packet(st, &scenario::invite, side::lan); });
  add("nat_packet/sipalg/rtp_in_via_expectation",
      [](benchmark::State& st) { bm_packet(st, &scenario::rtp_in, side::wan); });
  add("nat_packet/sipalg/rtp_out", [](benchmark::State& st) { bm_packet(st, &scenario::rtp_out, side::lan); });
});

}  // namespace
}  // namespace sipalg::bench
