// Test support for `sipalg pcap` (built with SIPALG_TESTS only). Subcommands:
//
//   make-sample GOLDEN_DIR OUT [--router-without-alg]
//                                   writes the bundled LAN-side capture (examples/data/sample-lan.pcap):
//                                   deterministic (fixed timestamps, IP ids, MACs), built from the golden cases;
//                                   with the flag, as the LAN side of a router without SIP ALG would see it
//   convert IN OUT FORM             re-encapsulates an Ethernet capture: vlan, qinq, sll, sll2, raw, null,
//                                   offload (the phones' checksums left to the NIC), or dlt:N (frames
//                                   unchanged, link type N: for the unknown-link-type test)
//   make-tcp-sample LAN WAN         SIP over TCP through the reference engine: the LAN-side capture and
//                                   the WAN-side capture `sipalg pcap` must reproduce (see make_tcp_sample)
//   make-frag-sample LAN WAN        the same with IPv4 fragments both ways (see make_frag_sample)
//   check OUT GOLDEN_DIR            checks a `sipalg pcap` output of the sample (WAN side), see check()
//   compare A B                     frame-by-frame equality of two captures
//   fuzz IN                         replays IN cut at every byte offset and with header bytes flipped
//                                   (fixed seed) in-process: exit status 0 or 1, a summary or an error
//   fuzz-quick IN                   the same, cutting at every 7th byte and with fewer mutations
//
// Regenerate the bundled capture after changing the generator:
//   build/examples/sipalg-cli/pcap_tests/sipalg_pcap_testtool make-sample tests/data/golden
//   examples/data/sample-lan.pcap
#include <fmt/format.h>
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "../pcap_replay.hpp"
#include "sipalg/nat/packet.hpp"

namespace {

using bytes = std::vector<std::uint8_t>;

[[noreturn]] void die(const std::string& msg) {
  fmt::print(stderr, "pcap_testtool: {}\n", msg);
  std::exit(2);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
}

/// "\n" line ends to "\r\n" (the synthesised messages are written with \n for readability).
std::string crlf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

/// Sets Content-Length to the body size (the synthesised messages say "Content-Length: @").
std::string with_length(std::string msg) {
  const std::size_t body = msg.find("\r\n\r\n");
  const std::size_t n = body == std::string::npos ? 0 : msg.size() - body - 4;
  replace_all(msg, "Content-Length: @", fmt::format("Content-Length: {}", n));
  return msg;
}

// ------------------------------------------------------------------ packet building
struct mac {
  std::uint8_t b[6];
};
constexpr mac router_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
constexpr mac phone100_mac{{0x02, 0x00, 0x00, 0x00, 0x01, 0x00}};
constexpr mac phone101_mac{{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}};

std::uint32_t v4(const char* s) { return sipalg::ip_address::parse_v4(s)->v4_uint(); }

void put16(bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8), b[at + 1] = static_cast<std::uint8_t>(v);
}
void put32(bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<std::uint16_t>(v));
}

/// An IPv4/UDP packet with valid header and UDP checksums.
bytes udp_packet(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
                 std::string_view payload, std::uint16_t ip_id, std::uint8_t ttl) {
  bytes p(28 + payload.size());
  p[0] = 0x45;
  put16(p, 2, static_cast<std::uint16_t>(p.size()));
  put16(p, 4, ip_id);
  p[8] = ttl;
  p[9] = 17;
  put32(p, 12, src);
  put32(p, 16, dst);
  put16(p, 20, sport);
  put16(p, 22, dport);
  put16(p, 24, static_cast<std::uint16_t>(8 + payload.size()));
  std::memcpy(p.data() + 28, payload.data(), payload.size());
  sipalg::nat::packet_view pv;
  if (!sipalg::nat::packet_view::parse(p, pv, {.verify_ip_checksum = false}).ok()) die("udp_packet: bad packet");
  pv.ip().update_header_checksum();
  sipalg::nat::udp_view u = pv.udp();
  u.set_checksum(1);  // non-zero: update_l4_checksum keeps a zero checksum zero
  pv.update_l4_checksum();
  return p;
}

bytes ethernet(const mac& src, const mac& dst, std::uint16_t type, const bytes& payload) {
  bytes f(14);
  std::memcpy(f.data(), dst.b, 6);
  std::memcpy(f.data() + 6, src.b, 6);
  put16(f, 12, type);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

struct record {
  std::uint64_t usec;  ///< since the capture's start
  bytes frame;
};

void write_capture(const std::string& path, int dlt, const std::vector<record>& recs, std::uint64_t base_sec) {
  pcap_t* dead = pcap_open_dead_with_tstamp_precision(dlt, 65535, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
  if (d == nullptr) die(fmt::format("cannot write {}: {}", path, pcap_geterr(dead)));
  for (const record& r : recs) {
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(base_sec + r.usec / 1000000);
    h.ts.tv_usec = static_cast<suseconds_t>(r.usec % 1000000);
    h.caplen = h.len = static_cast<bpf_u_int32>(r.frame.size());
    pcap_dump(reinterpret_cast<u_char*>(d), &h, r.frame.data());
  }
  pcap_dump_close(d);
  pcap_close(dead);
}

// ------------------------------------------------------------------ the sample
constexpr std::uint64_t sample_base = 1700000000;  // 2023-11-14T22:13:20Z

/// A REGISTER of `user` at ip:5060 to the registrar 1.1.1.2, from the Fanvil golden case.
std::string make_register(const std::string& golden, const char* ip, const char* user, const char* call_id,
                          const char* branch, const char* tag) {
  std::string m = read_text(golden + "/seed-fanvil-register/before.sip");
  replace_all(m, "192.168.0.31:5010", std::string(ip) + ":5060");
  replace_all(m, "20063242339186-62012442819438@192.168.0.31", call_id);
  replace_all(m, "avantelecom.avantele.com", "1.1.1.2");
  replace_all(m, "\"011\" <sip:011@", fmt::format("\"{}\" <sip:{}@", user, user));
  replace_all(m, "<sip:011@", fmt::format("<sip:{}@", user));
  replace_all(m, "z9hG4bK1076223", branch);
  replace_all(m, "tag=908623127", std::string("tag=") + tag);
  return m;
}

/// Its 200 OK as the phone receives it behind an ALG (the LAN form), from the Fanvil golden case.
std::string make_register_ok(const std::string& golden, const char* ip, const char* user, const char* call_id,
                             const char* branch, const char* tag) {
  std::string m = read_text(golden + "/seed-fanvil-register-200/after.sip");
  replace_all(m, "192.168.0.31:5010", std::string(ip) + ":5060");
  replace_all(m, "rport=5010", "rport=5060");
  replace_all(m, "received=192.168.0.31", std::string("received=") + ip);
  replace_all(m, "20063242339186-62012442819438@192.168.0.31", call_id);
  replace_all(m, "avantelecom.avantele.com", "1.1.1.2");
  replace_all(m, "\"011\" <sip:011@", fmt::format("\"{}\" <sip:{}@", user, user));
  replace_all(m, "<sip:011@", fmt::format("<sip:{}@", user));
  replace_all(m, "z9hG4bK1076223", branch);
  replace_all(m, "tag=908623127", std::string("tag=") + tag);
  return m;
}

constexpr std::string_view invite_dialog = R"(From: 200 <sip:200@1.1.1.2:5060>;tag=311910759
To: "89052073578" <sip:89052073578@1.1.1.2;user=phone>)";
constexpr std::string_view call_id = "2885320736167-282092668217063@192.168.2.100";

/// A response of the INVITE dialog as the phone receives it (LAN form); `extra` and `body` use \n line ends.
std::string response(std::string_view status, std::string_view branch, std::string_view to_tag, std::string_view cseq,
                     std::string_view extra, std::string_view body) {
  std::string m = fmt::format(
      "SIP/2.0 {}\nVia: SIP/2.0/UDP 192.168.2.100:5060;branch={}\n{}{}\nCall-ID: {}\nCSeq: {}\n{}"
      "Server: Asterisk PBX 16.2.1\nContent-Length: @\n\n{}",
      status, branch, invite_dialog, to_tag.empty() ? "" : fmt::format(";tag={}", to_tag), call_id, cseq, extra, body);
  return with_length(crlf(m));
}

std::string request(std::string_view method, std::string_view branch, std::string_view cseq, std::string_view extra) {
  return with_length(
      crlf(fmt::format("{} sip:89052073578@1.1.1.2:5060 SIP/2.0\nVia: SIP/2.0/UDP 192.168.2.100:5060;branch={}\n"
                       "Max-Forwards: 70\n{};tag=as6f3e1d2a\nCall-ID: {}\nCSeq: {}\n{}Content-Length: @\n\n",
                       method, branch, invite_dialog, call_id, cseq, extra)));
}

std::string rtp(std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc, bool marker) {
  bytes b(12, 0);
  b[0] = 0x80;
  b[1] = static_cast<std::uint8_t>(8 | (marker ? 0x80 : 0));  // PCMA
  put16(b, 2, seq);
  put32(b, 4, ts);
  put32(b, 8, ssrc);
  std::string s(b.begin(), b.end());
  s.append(160, static_cast<char>(0xD5));  // A-law silence, 20 ms
  return s;
}

std::string rtcp_sr(std::uint32_t ssrc, std::uint32_t rtp_ts, std::uint32_t packets, std::string_view cname) {
  bytes b(28, 0);
  b[0] = 0x80;
  b[1] = 200;  // SR
  put16(b, 2, 6);
  put32(b, 4, ssrc);
  put32(b, 8, 0xE90C5A87);   // NTP seconds (2023-11-14)
  put32(b, 12, 0x80000000);  // NTP fraction
  put32(b, 16, rtp_ts);
  put32(b, 20, packets);
  put32(b, 24, packets * 160);
  // SDES with one CNAME item, padded to 32 bits.
  bytes sdes(8, 0);
  sdes[0] = 0x81;
  sdes[1] = 202;
  put32(sdes, 4, ssrc);
  sdes.push_back(1);
  sdes.push_back(static_cast<std::uint8_t>(cname.size()));
  sdes.insert(sdes.end(), cname.begin(), cname.end());
  sdes.push_back(0);
  while (sdes.size() % 4 != 0) sdes.push_back(0);
  put16(sdes, 2, static_cast<std::uint16_t>(sdes.size() / 4 - 1));
  b.insert(b.end(), sdes.begin(), sdes.end());
  return {b.begin(), b.end()};
}

/// `without_alg`: the LAN side of a router WITHOUT a SIP ALG (the registrar's received=/rport= reach the
/// phone unrestored; the responses to the INVITE carry received=2.2.2.2), for the "differs" report.
int make_sample(const std::string& golden, const std::string& out, bool without_alg) {
  const std::uint32_t phone100 = v4("192.168.2.100"), phone101 = v4("192.168.2.101"), server = v4("1.1.1.2");
  std::vector<record> recs;
  std::uint16_t id100 = 0x2b00, id101 = 0x1a00, id_server = 0x4c00;
  auto from_phone = [&](std::uint64_t usec, std::uint32_t ip, std::uint16_t sport, std::uint16_t dport,
                        std::string_view payload) {
    const bool is100 = ip == phone100;
    const bytes p = udp_packet(ip, sport, server, dport, payload, is100 ? id100++ : id101++, 64);
    recs.push_back({usec, ethernet(is100 ? phone100_mac : phone101_mac, router_mac, 0x0800, p)});
  };
  auto to_phone = [&](std::uint64_t usec, std::uint32_t ip, std::uint16_t sport, std::uint16_t dport,
                      std::string_view payload) {
    const bytes p = udp_packet(server, sport, ip, dport, payload, id_server++, 55);
    recs.push_back({usec, ethernet(router_mac, ip == phone100 ? phone100_mac : phone101_mac, 0x0800, p)});
  };

  // A non-IP frame: phone .101 asks for its gateway (ARP request, unpadded as captured on the host).
  {
    bytes arp = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01};
    arp.insert(arp.end(), phone101_mac.b, phone101_mac.b + 6);
    arp.insert(arp.end(), {192, 168, 2, 101, 0, 0, 0, 0, 0, 0, 192, 168, 2, 1});
    recs.push_back({0, ethernet(phone101_mac, mac{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, 0x0806, arp)});
  }
  // (1) phone .101 registers first: it keeps public port 5060.
  const char* cid101 = "20063242339186-62012442819438@192.168.2.101";
  from_phone(10000, phone101, 5060, 5060,
             make_register(golden, "192.168.2.101", "201", cid101, "z9hG4bK1076223", "908623127"));
  auto unrestored = [&](std::string m, const char* ip, int public_port) {
    if (!without_alg) return m;
    replace_all(m, fmt::format("rport=5060;received={}", ip), fmt::format("rport={};received=2.2.2.2", public_port));
    replace_all(m, "branch=z9hG4bK88046350326731848\r\n", "branch=z9hG4bK88046350326731848;received=2.2.2.2\r\n");
    replace_all(m, "branch=z9hG4bK88046350326731850\r\n", "branch=z9hG4bK88046350326731850;received=2.2.2.2\r\n");
    return m;
  };
  to_phone(52000, phone101, 5060, 5060,
           unrestored(make_register_ok(golden, "192.168.2.101", "201", cid101, "z9hG4bK1076223", "908623127"),
                      "192.168.2.101", 5060));
  // (2) phone .100 registers from the same local port: mapped to 2.2.2.2:5061.
  const char* cid100 = "31275590212-880172263@192.168.2.100";
  from_phone(1000000, phone100, 5060, 5060,
             make_register(golden, "192.168.2.100", "200", cid100, "z9hG4bK2291751", "133057122"));
  to_phone(1047000, phone100, 5060, 5060,
           unrestored(make_register_ok(golden, "192.168.2.100", "200", cid100, "z9hG4bK2291751", "133057122"),
                      "192.168.2.100", 5061));
  // (3) the golden INVITE, byte for byte, and its dialog.
  from_phone(5000000, phone100, 5060, 5060, read_text(golden + "/seed-routeros-invite/before.sip"));
  to_phone(5031000, phone100, 5060, 5060,
           unrestored(response("100 Trying", "z9hG4bK88046350326731848", "", "1 INVITE", "", ""), "", 0));
  const std::string sdp =
      ("v=0\no=- 1700000007 1700000007 IN IP4 1.1.1.2\ns=Asterisk\nc=IN IP4 1.1.1.2\nt=0 0\nm=audio 20000 RTP/AVP 8 "
       "101\n"
       "a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\na=ptime:20\na=sendrecv\n");
  to_phone(7000000, phone100, 5060, 5060,
           unrestored(response("200 OK", "z9hG4bK88046350326731848", "as6f3e1d2a", "1 INVITE",
                               "Contact: <sip:89052073578@1.1.1.2:5060>\nContent-Type: application/sdp\n", sdp),
                      "", 0));
  from_phone(7012000, phone100, 5060, 5060,
             request("ACK", "z9hG4bK88046350326731849", "1 ACK", "Contact: <sip:200@192.168.2.100:5060>\n"));
  // (4) media: the server speaks first (through the expectation), then both ways; RTCP both ways.
  for (int i = 0; i < 4; ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    to_phone(7030000 + 20000u * i, phone100, 20000, 10036,
             rtp(static_cast<std::uint16_t>(3000 + seq), 160u * seq, 0x55667788, i == 0));
    from_phone(7040000 + 20000u * i, phone100, 10036, 20000,
               rtp(static_cast<std::uint16_t>(1000 + seq), 160u * seq, 0x11223344, i == 0));
  }
  from_phone(7115000, phone100, 10037, 20001, rtcp_sr(0x11223344, 480, 4, "200@192.168.2.100"));
  to_phone(7120000, phone100, 20001, 10037, rtcp_sr(0x55667788, 480, 4, "asterisk@1.1.1.2"));
  // (5) the phone hangs up.
  from_phone(12000000, phone100, 5060, 5060, request("BYE", "z9hG4bK88046350326731850", "2 BYE", ""));
  to_phone(12043000, phone100, 5060, 5060,
           unrestored(response("200 OK", "z9hG4bK88046350326731850", "as6f3e1d2a", "2 BYE", "", ""), "", 0));

  write_capture(out, DLT_EN10MB, recs, sample_base);
  fmt::print("wrote {} records to {}\n", recs.size(), out);
  return 0;
}

// ------------------------------------------------------------------ SIP over TCP, built with the engine
/// A TCP segment with valid checksums.
bytes tcp_packet(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport, std::uint32_t seq,
                 std::uint32_t ack, std::uint8_t flags, std::string_view payload, std::uint16_t ip_id,
                 std::uint8_t ttl) {
  bytes p(40 + payload.size());
  p[0] = 0x45;
  put16(p, 2, static_cast<std::uint16_t>(p.size()));
  put16(p, 4, ip_id);
  p[6] = 0x40;  // DF
  p[8] = ttl;
  p[9] = 6;
  put32(p, 12, src);
  put32(p, 16, dst);
  put16(p, 20, sport);
  put16(p, 22, dport);
  put32(p, 24, seq);
  put32(p, 28, ack);
  p[32] = 5 << 4;
  p[33] = flags;
  put16(p, 34, 64240);
  std::memcpy(p.data() + 40, payload.data(), payload.size());
  sipalg::nat::packet_view pv;
  if (!sipalg::nat::packet_view::parse(p, pv, {.verify_ip_checksum = false}).ok()) die("tcp_packet: bad packet");
  pv.ip().update_header_checksum();
  pv.update_l4_checksum();
  return p;
}

/**
 * SIP over TCP between phone 192.168.2.100:49200 and 1.1.1.2:5060 (REGISTER, INVITE with SDP,
 * 100 Trying + 200 OK in one segment, ACK, BYE, 200 OK, FIN), made by running the reference
 * engine as the router: the phone's segments are written as sent (LAN) and as the engine
 * translates them (WAN); the server's are written as sent (WAN, acknowledging the translated
 * byte stream) and as the engine delivers them (LAN). `sipalg pcap` on the LAN file must
 * reproduce the WAN file exactly. Engine: lan 192.168.2.0/24, public 2.2.2.2, defaults otherwise.
 */
int make_tcp_sample(const std::string& lan_out, const std::string& wan_out) {
  using namespace sipalg;
  nat::engine_config cfg;
  cfg.public_address = *ip_address::parse_v4("2.2.2.2");
  cfg.lan = *nat::ipv4_prefix::parse("192.168.2.0/24");
  auto eng = std::make_unique<nat::engine>(cfg);
  const std::uint32_t phone = v4("192.168.2.100"), server = v4("1.1.1.2"), pub = v4("2.2.2.2");
  std::vector<record> lan, wan;
  bytes buf(65535 + 64);
  std::uint32_t phone_seq = 1000000, server_seq = 7000000;  // next sequence numbers, each in its sender's space
  std::uint32_t phone_wan_next = 0, server_lan_next = 0;    // what each receiver has seen, in its own space
  std::uint16_t phone_id = 0x3d00, server_id = 0x5e00;
  auto seg_len = [](const bytes& ip, std::uint8_t flags) {
    const std::size_t payload = ip.size() - 20 - (ip[32] >> 4) * 4u;
    return static_cast<std::uint32_t>(payload + ((flags & 0x03) != 0 ? 1 : 0));  // SYN/FIN count as one
  };
  auto run = [&](const bytes& in, nat::side from, std::uint64_t usec) {
    std::copy(in.begin(), in.end(), buf.begin());
    const auto r = eng->process(buf, in.size(), from, sample_base + usec / 1000000);
    if (r.action != nat::verdict::forward) die("make-tcp-sample: the engine dropped a segment");
    return bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.length));
  };
  auto phone_send = [&](std::uint64_t usec, std::uint8_t flags, std::string_view payload) {
    const bytes p = tcp_packet(phone, 49200, server, 5060, phone_seq, server_lan_next, flags, payload, phone_id++, 64);
    lan.push_back({usec, ethernet(phone100_mac, router_mac, 0x0800, p)});
    const bytes w = run(p, nat::side::lan, usec);
    wan.push_back({usec, ethernet(phone100_mac, router_mac, 0x0800, w)});
    phone_wan_next = (std::uint32_t{w[24]} << 24 | std::uint32_t{w[25]} << 16 | std::uint32_t{w[26]} << 8 | w[27]) +
                     seg_len(w, flags);
    phone_seq += seg_len(p, flags);
  };
  auto server_send = [&](std::uint64_t usec, std::uint8_t flags, std::string_view payload) {
    const bytes w = tcp_packet(server, 5060, pub, 49200, server_seq, phone_wan_next, flags, payload, server_id++, 55);
    wan.push_back({usec, ethernet(router_mac, phone100_mac, 0x0800, w)});
    const bytes l = run(w, nat::side::wan, usec);
    lan.push_back({usec, ethernet(router_mac, phone100_mac, 0x0800, l)});
    server_lan_next = (std::uint32_t{l[24]} << 24 | std::uint32_t{l[25]} << 16 | std::uint32_t{l[26]} << 8 | l[27]) +
                      seg_len(l, flags);
    server_seq += seg_len(w, flags);
  };
  constexpr std::uint8_t syn = 0x02, ack = 0x10, psh_ack = 0x18, fin_ack = 0x11;
  const std::string dialog = "From: 200 <sip:200@1.1.1.2>;tag=77a1\nTo: <sip:89052073578@1.1.1.2>";
  const std::string call = "Call-ID: tcp-4711@192.168.2.100\n";
  phone_send(0, syn, "");
  server_send(30000, syn | ack, "");
  phone_send(31000, ack, "");
  phone_send(
      40000, psh_ack,
      with_length(crlf(
          "REGISTER sip:1.1.1.2;transport=tcp SIP/2.0\nVia: SIP/2.0/TCP 192.168.2.100:49200;branch=z9hG4bKt1;rport\n"
          "From: 200 <sip:200@1.1.1.2>;tag=r1\nTo: 200 <sip:200@1.1.1.2>\nCall-ID: reg-4711@192.168.2.100\nCSeq: 1 "
          "REGISTER\n"
          "Contact: <sip:200@192.168.2.100:49200;transport=tcp>\nExpires: 3600\nMax-Forwards: 70\nContent-Length: "
          "@\n\n")));
  server_send(
      80000, psh_ack,
      with_length(crlf("SIP/2.0 200 OK\nVia: SIP/2.0/TCP 2.2.2.2:49200;branch=z9hG4bKt1;rport=49200;received=2.2.2.2\n"
                       "From: 200 <sip:200@1.1.1.2>;tag=r1\nTo: 200 <sip:200@1.1.1.2>;tag=s1\nCall-ID: "
                       "reg-4711@192.168.2.100\nCSeq: 1 REGISTER\n"
                       "Contact: <sip:200@2.2.2.2:49200;transport=tcp>;expires=3600\nContent-Length: @\n\n")));
  phone_send(81000, ack, "");
  const std::string offer = crlf(
      "v=0\no=200 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\n"
      "m=audio 10040 RTP/AVP 8\na=rtpmap:8 PCMA/8000\na=rtcp:10041\n");
  phone_send(
      2000000, psh_ack,
      with_length(
          crlf("INVITE sip:89052073578@1.1.1.2 SIP/2.0\nVia: SIP/2.0/TCP 192.168.2.100:49200;branch=z9hG4bKt2;rport\n" +
               dialog + "\n" + call +
               "CSeq: 1 INVITE\nContact: <sip:200@192.168.2.100:49200;transport=tcp>\n"
               "Content-Type: application/sdp\nMax-Forwards: 70\nContent-Length: @\n\n") +
          offer));
  const std::string answer = crlf(
      "v=0\no=- 2 2 IN IP4 1.1.1.2\ns=-\nc=IN IP4 1.1.1.2\nt=0 0\nm=audio 20010 RTP/AVP 8\n"
      "a=rtpmap:8 PCMA/8000\n");
  const std::string via2 = "Via: SIP/2.0/TCP 2.2.2.2:49200;branch=z9hG4bKt2;rport=49200;received=2.2.2.2\n";
  server_send(2030000, psh_ack,
              with_length(crlf("SIP/2.0 100 Trying\n" + via2 + dialog + "\n" + call +
                               "CSeq: 1 INVITE\nContent-Length: @\n\n")) +
                  with_length(crlf("SIP/2.0 200 OK\n" + via2 + dialog + ";tag=s2\n" + call +
                                   "CSeq: 1 INVITE\nContact: <sip:89052073578@1.1.1.2;transport=tcp>\n"
                                   "Content-Type: application/sdp\nContent-Length: @\n\n") +
                              answer));
  phone_send(2040000, psh_ack,
             with_length(crlf("ACK sip:89052073578@1.1.1.2;transport=tcp SIP/2.0\nVia: SIP/2.0/TCP "
                              "192.168.2.100:49200;branch=z9hG4bKt3;rport\n" +
                              dialog + ";tag=s2\n" + call + "CSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: @\n\n")));
  phone_send(9000000, psh_ack,
             with_length(crlf("BYE sip:89052073578@1.1.1.2;transport=tcp SIP/2.0\nVia: SIP/2.0/TCP "
                              "192.168.2.100:49200;branch=z9hG4bKt4;rport\n" +
                              dialog + ";tag=s2\n" + call + "CSeq: 2 BYE\nMax-Forwards: 70\nContent-Length: @\n\n")));
  server_send(9030000, psh_ack,
              with_length(crlf(
                  "SIP/2.0 200 OK\nVia: SIP/2.0/TCP 2.2.2.2:49200;branch=z9hG4bKt4;rport=49200;received=2.2.2.2\n" +
                  dialog + ";tag=s2\n" + call + "CSeq: 2 BYE\nContent-Length: @\n\n")));
  phone_send(9031000, fin_ack, "");
  server_send(9060000, fin_ack, "");
  phone_send(9061000, ack, "");
  write_capture(lan_out, DLT_EN10MB, lan, sample_base);
  write_capture(wan_out, DLT_EN10MB, wan, sample_base);
  fmt::print("wrote {} records to {} and {}\n", lan.size(), lan_out, wan_out);
  return 0;
}

/// Splits an IPv4 packet into fragments of at most `mtu` bytes (valid header checksums).
std::vector<bytes> fragment(const bytes& ip, std::size_t mtu) {
  const std::size_t hl = (ip[0] & 0x0Fu) * 4u, step = (mtu - hl) / 8 * 8;
  std::vector<bytes> out;
  for (std::size_t off = 0; off < ip.size() - hl; off += step) {
    const std::size_t n = std::min(step, ip.size() - hl - off);
    bytes f(ip.begin(), ip.begin() + static_cast<std::ptrdiff_t>(hl));
    f.insert(f.end(), ip.begin() + static_cast<std::ptrdiff_t>(hl + off),
             ip.begin() + static_cast<std::ptrdiff_t>(hl + off + n));
    put16(f, 2, static_cast<std::uint16_t>(f.size()));
    put16(f, 6, static_cast<std::uint16_t>((off / 8) | (off + n < ip.size() - hl ? 0x2000 : 0)));
    sipalg::nat::ipv4_view v;
    if (!sipalg::nat::ipv4_view::parse(f, v, false).ok()) die("fragment: bad packet");
    v.update_header_checksum();
    out.push_back(std::move(f));
  }
  return out;
}

/**
 * IPv4 fragments both ways, made with the reference engine as make_tcp_sample does: phone
 * 192.168.2.100:5060 registers (one datagram), then sends an INVITE with a large SDP in two
 * fragments, and the server answers with a 200 OK in three fragments (1.1.1.2:5060). The engine
 * translates fragments at the IP level (SIP in fragments passes without ALG), so `sipalg pcap`
 * must rebuild the WAN side of the inbound fragments from the first fragment's ports.
 */
int make_frag_sample(const std::string& lan_out, const std::string& wan_out) {
  using namespace sipalg;
  nat::engine_config cfg;
  cfg.public_address = *ip_address::parse_v4("2.2.2.2");
  cfg.lan = *nat::ipv4_prefix::parse("192.168.2.0/24");
  auto eng = std::make_unique<nat::engine>(cfg);
  const std::uint32_t phone = v4("192.168.2.100"), server = v4("1.1.1.2"), pub = v4("2.2.2.2");
  std::vector<record> lan, wan;
  bytes buf(65535 + 64);
  auto run = [&](const bytes& in, nat::side from, std::uint64_t usec) {
    std::copy(in.begin(), in.end(), buf.begin());
    const auto r = eng->process(buf, in.size(), from, sample_base + usec / 1000000);
    if (r.action != nat::verdict::forward) die("make-frag-sample: the engine dropped a packet");
    return bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.length));
  };
  auto phone_send = [&](std::uint64_t usec, const bytes& p) {
    lan.push_back({usec, ethernet(phone100_mac, router_mac, 0x0800, p)});
    wan.push_back({usec, ethernet(phone100_mac, router_mac, 0x0800, run(p, nat::side::lan, usec))});
  };
  auto server_send = [&](std::uint64_t usec, const bytes& w) {
    wan.push_back({usec, ethernet(router_mac, phone100_mac, 0x0800, w)});
    lan.push_back({usec, ethernet(router_mac, phone100_mac, 0x0800, run(w, nat::side::wan, usec))});
  };
  phone_send(
      0,
      udp_packet(
          phone, 5060, server, 5060,
          with_length(crlf(
              "REGISTER sip:1.1.1.2 SIP/2.0\nVia: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKf1;rport\n"
              "From: <sip:200@1.1.1.2>;tag=f1\nTo: <sip:200@1.1.1.2>\nCall-ID: frag-1@192.168.2.100\nCSeq: 1 REGISTER\n"
              "Contact: <sip:200@192.168.2.100:5060>\nExpires: 3600\nContent-Length: @\n\n")),
          0x6100, 64));
  server_send(
      40000,
      udp_packet(server, 5060, pub, 5060,
                 with_length(
                     crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP 2.2.2.2:5060;branch=z9hG4bKf1;rport=5060;received=2.2.2.2\n"
                          "From: <sip:200@1.1.1.2>;tag=f1\nTo: <sip:200@1.1.1.2>;tag=s9\nCall-ID: "
                          "frag-1@192.168.2.100\nCSeq: 1 REGISTER\n"
                          "Contact: <sip:200@2.2.2.2:5060>;expires=3600\nContent-Length: @\n\n")),
                 0x7100, 55));
  std::string big_sdp =
      "v=0\no=200 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=audio 10050 RTP/AVP 8 0 101\n";
  for (int i = 0; i < 40; ++i) big_sdp += fmt::format("a=x-padding-{}:0123456789abcdef0123456789abcdef\n", i);
  const bytes invite = udp_packet(
      phone, 5060, server, 5060,
      with_length(
          crlf("INVITE sip:300@1.1.1.2 SIP/2.0\nVia: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKf2;rport\n"
               "From: <sip:200@1.1.1.2>;tag=f2\nTo: <sip:300@1.1.1.2>\nCall-ID: frag-2@192.168.2.100\nCSeq: 1 INVITE\n"
               "Contact: <sip:200@192.168.2.100:5060>\nContent-Type: application/sdp\nContent-Length: @\n\n" +
               big_sdp)),
      0x6101, 64);
  for (const bytes& f : fragment(invite, 1500)) phone_send(1000000, f);
  std::string answer = "v=0\no=- 1 1 IN IP4 1.1.1.2\ns=-\nc=IN IP4 1.1.1.2\nt=0 0\nm=audio 20050 RTP/AVP 8\n";
  for (int i = 0; i < 60; ++i) answer += fmt::format("a=x-padding-{}:fedcba9876543210fedcba9876543210\n", i);
  const bytes ok = udp_packet(
      server, 5060, pub, 5060,
      with_length(crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP 2.2.2.2:5060;branch=z9hG4bKf2;rport=5060;received=2.2.2.2\n"
                       "From: <sip:200@1.1.1.2>;tag=f2\nTo: <sip:300@1.1.1.2>;tag=s8\nCall-ID: "
                       "frag-2@192.168.2.100\nCSeq: 1 INVITE\n"
                       "Contact: <sip:300@1.1.1.2>\nContent-Type: application/sdp\nContent-Length: @\n\n" +
                       answer)),
      0x7101, 55);
  for (const bytes& f : fragment(ok, 1000)) server_send(1100000, f);
  write_capture(lan_out, DLT_EN10MB, lan, sample_base);
  write_capture(wan_out, DLT_EN10MB, wan, sample_base);
  fmt::print("wrote {} records to {} and {}\n", lan.size(), lan_out, wan_out);
  return 0;
}

// ------------------------------------------------------------------ reading captures
struct frame_in {
  pcap_pkthdr h;
  bytes data;
};

std::vector<frame_in> read_capture(const std::string& path, int& dlt) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (p == nullptr) die(fmt::format("cannot read {}: {}", path, err));
  dlt = pcap_datalink(p);
  std::vector<frame_in> v;
  pcap_pkthdr* h;
  const u_char* d;
  int r;
  while ((r = pcap_next_ex(p, &h, &d)) == 1) v.push_back({*h, bytes(d, d + h->caplen)});
  if (r != PCAP_ERROR_BREAK) die(fmt::format("{}: {}", path, pcap_geterr(p)));
  pcap_close(p);
  return v;
}

int convert(const std::string& in, const std::string& out, const std::string& form) {
  int dlt = 0;
  const auto frames = read_capture(in, dlt);
  if (dlt != DLT_EN10MB) die("convert: the input must be Ethernet");
  int out_dlt = DLT_EN10MB;
  std::vector<record> recs;
  for (const frame_in& f : frames) {
    const bytes& e = f.data;
    if (e.size() < 14) die("convert: short frame");
    const std::uint16_t type = static_cast<std::uint16_t>((e[12] << 8) | e[13]);
    const bytes l3(e.begin() + 14, e.end());
    const bool outgoing = std::memcmp(e.data() + 6, router_mac.b, 6) != 0;  // sent by a phone
    bytes o;
    if (form == "vlan" || form == "qinq") {
      o.assign(e.begin(), e.begin() + 12);
      if (form == "qinq") o.insert(o.end(), {0x88, 0xa8, 0x00, 0x64});  // S-tag 100
      o.insert(o.end(), {0x81, 0x00, 0x00, 0x0a});                      // C-tag 10
      o.insert(o.end(), e.begin() + 12, e.end());
    } else if (form == "sll") {
      out_dlt = DLT_LINUX_SLL;
      o.assign(16, 0);
      put16(o, 0, outgoing ? 0 : 4);  // as captured on the router's LAN port: from a phone = to us
      put16(o, 2, 1);                 // ARPHRD_ETHER
      put16(o, 4, 6);
      std::memcpy(o.data() + 6, e.data() + 6, 6);
      put16(o, 14, type);
      o.insert(o.end(), l3.begin(), l3.end());
    } else if (form == "sll2") {
      out_dlt = 276;  // DLT_LINUX_SLL2
      o.assign(20, 0);
      put16(o, 0, type);
      put32(o, 4, 3);  // interface index
      put16(o, 8, 1);  // ARPHRD_ETHER
      o[10] = outgoing ? 0 : 4;
      o[11] = 6;
      std::memcpy(o.data() + 12, e.data() + 6, 6);
      o.insert(o.end(), l3.begin(), l3.end());
    } else if (form == "raw" || form == "null") {
      if (type != 0x0800) continue;  // these link types carry IP only
      out_dlt = form == "raw" ? DLT_RAW : DLT_NULL;
      if (form == "null") o = {2, 0, 0, 0};  // AF_INET, little-endian host
      o.insert(o.end(), l3.begin(), l3.end());
    } else if (form == "offload") {
      // As captured on the phones themselves with checksum offload: the IPv4 header checksum 0
      // (Windows) and a UDP checksum the NIC would have filled in.
      o = e;
      if (outgoing && type == 0x0800 && o.size() >= 14 + 28) {
        put16(o, 14 + 10, 0);
        put16(o, 14 + 26, 0x1234);
      }
    } else if (form.rfind("dlt:", 0) == 0) {
      out_dlt = std::stoi(form.substr(4));
      o = e;
    } else {
      die("convert: unknown form " + form);
    }
    recs.push_back({static_cast<std::uint64_t>(f.h.ts.tv_sec - static_cast<time_t>(sample_base)) * 1000000u +
                        static_cast<std::uint64_t>(f.h.ts.tv_usec),
                    std::move(o)});
  }
  write_capture(out, out_dlt, recs, sample_base);
  return 0;
}

// ------------------------------------------------------------------ checking the WAN side
struct udp_datagram {
  sipalg::endpoint src, dst;
  std::string payload;
};

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    fmt::print("FAIL: {}\n", what);
  }
}

/// Checks the WAN-side output of the bundled sample (`sipalg pcap --lan 192.168.2.0/24 --public 2.2.2.2
/// --port-range 5060-65535`).
int check(const std::string& path, const std::string& golden) {
  int dlt = 0;
  const auto frames = read_capture(path, dlt);
  sipalg::tools::link_type lt;
  if (!sipalg::tools::link_type_from_dlt(dlt, lt)) die(fmt::format("unsupported link type {}", dlt));
  std::vector<udp_datagram> udp;
  for (const frame_in& f : frames) {
    expect(f.h.caplen == f.h.len, "caplen == len");
    const auto fi = sipalg::tools::locate_ipv4(lt, f.data);
    if (fi.status != sipalg::tools::frame_status::ipv4) {
      expect(false, "only IPv4 frames on the WAN side (the ARP request stays on the LAN)");
      continue;
    }
    bytes ip(f.data.begin() + static_cast<std::ptrdiff_t>(fi.ip_offset), f.data.end());
    sipalg::nat::packet_view pv;
    const auto r = sipalg::nat::packet_view::parse(ip, pv, {.verify_ip_checksum = true, .verify_l4_checksum = true});
    expect(r.ok(), fmt::format("frame at {}.{:06}: valid IPv4/UDP with correct checksums ({})", f.h.ts.tv_sec,
                               f.h.ts.tv_usec, sipalg::nat::to_string(r.code)));
    if (!r.ok() || !pv.is_udp()) continue;
    expect(pv.ip().total_length() == ip.size(), "no trailer after the IP packet");
    expect(pv.udp().has_checksum(), "UDP checksum present");
    const auto k = pv.key();
    expect(!sipalg::nat::ipv4_prefix{0xC0A80200u, 24}.contains(k.src_addr) &&
               !sipalg::nat::ipv4_prefix{0xC0A80200u, 24}.contains(k.dst_addr),
           fmt::format("no private address in the WAN-side IP header: {} -> {}", k.src(), k.dst()));
    udp.push_back(
        {k.src(), k.dst(), std::string(reinterpret_cast<const char*>(pv.payload().data()), pv.payload_size())});
  }
  expect(frames.size() == 20, fmt::format("20 frames on the WAN side (got {})", frames.size()));

  auto find = [&](std::string_view start, std::string_view contains = {}) -> const udp_datagram* {
    for (const auto& d : udp)
      if (d.payload.starts_with(start) && d.payload.find(contains) != std::string::npos) return &d;
    return nullptr;
  };
  auto ep = [](const char* s) { return *sipalg::endpoint::parse(s); };
  // The INVITE's WAN form is the golden after.sip, byte for byte.
  if (const auto* inv = find("INVITE ")) {
    expect(inv->payload == read_text(golden + "/seed-routeros-invite/after.sip"),
           "INVITE == seed-routeros-invite/after.sip");
    expect(inv->src == ep("2.2.2.2:5061") && inv->dst == ep("1.1.1.2:5060"),
           "INVITE from 2.2.2.2:5061 to 1.1.1.2:5060");
  } else {
    expect(false, "an INVITE on the WAN side");
  }
  // REGISTERs: .101 keeps 5060, .100 gets 5061.
  const auto* reg101 = find("REGISTER ", "sip:201@");
  const auto* reg100 = find("REGISTER ", "sip:200@");
  expect(reg101 && reg101->src == ep("2.2.2.2:5060") &&
             reg101->payload.find("Via: SIP/2.0/UDP 2.2.2.2:5060;branch=") != std::string::npos &&
             reg101->payload.find("Contact: <sip:201@2.2.2.2:5060>") != std::string::npos,
         "REGISTER of .101 from 2.2.2.2:5060 with Via/Contact 2.2.2.2:5060");
  expect(reg100 && reg100->src == ep("2.2.2.2:5061") &&
             reg100->payload.find("Via: SIP/2.0/UDP 2.2.2.2:5061;branch=") != std::string::npos &&
             reg100->payload.find("Contact: <sip:200@2.2.2.2:5061>") != std::string::npos,
         "REGISTER of .100 from 2.2.2.2:5061 with Via/Contact 2.2.2.2:5061");
  // The 200 OK to the REGISTER of .100, rebuilt: what the registrar sent to the public mapping.
  const auto* ok100 = find("SIP/2.0 200 OK", "CSeq: 1 REGISTER\r\n");
  for (const auto& d : udp)
    if (d.payload.starts_with("SIP/2.0 200 OK") && d.payload.find("sip:200@") != std::string::npos &&
        d.payload.find("REGISTER") != std::string::npos)
      ok100 = &d;
  expect(
      ok100 && ok100->dst == ep("2.2.2.2:5061") &&
          ok100->payload.find("Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK2291751;rport=5061;received=2.2.2.2\r\n") !=
              std::string::npos &&
          ok100->payload.find("Contact: <sip:200@2.2.2.2:5061>;expires=3600") != std::string::npos,
      "200 OK (REGISTER) of .100 to 2.2.2.2:5061 with Via 2.2.2.2:5061;rport=5061;received=2.2.2.2 and Contact "
      "2.2.2.2:5061");
  const auto* ok_inv = find("SIP/2.0 200 OK", "CSeq: 1 INVITE");
  expect(ok_inv && ok_inv->dst == ep("2.2.2.2:5061") &&
             ok_inv->payload.find("Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK88046350326731848\r\n") !=
                 std::string::npos &&
             ok_inv->payload.find("c=IN IP4 1.1.1.2") != std::string::npos,
         "200 OK (INVITE) to 2.2.2.2:5061, Via 2.2.2.2:5061, the server's SDP untouched");
  // Media to and from the public mapping the INVITE announced.
  int rtp_in = 0, rtp_out = 0, rtcp_in = 0, rtcp_out = 0;
  for (const auto& d : udp) {
    if (d.src == ep("1.1.1.2:20000")) rtp_in += d.dst == ep("2.2.2.2:10036");
    if (d.dst == ep("1.1.1.2:20000")) rtp_out += d.src == ep("2.2.2.2:10036");
    if (d.src == ep("1.1.1.2:20001")) rtcp_in += d.dst == ep("2.2.2.2:10037");
    if (d.dst == ep("1.1.1.2:20001")) rtcp_out += d.src == ep("2.2.2.2:10037");
  }
  expect(rtp_in == 4 && rtp_out == 4,
         fmt::format("RTP 1.1.1.2:20000 <-> 2.2.2.2:10036: 4 + 4 (got {} + {})", rtp_in, rtp_out));
  expect(rtcp_in == 1 && rtcp_out == 1, "RTCP 1.1.1.2:20001 <-> 2.2.2.2:10037");
  // No private address left in any SIP message except in Call-IDs (never touched).
  int sip = 0;
  for (const auto& d : udp) {
    if (d.src.port != 5060 && d.src.port != 5061 && d.dst.port != 5060 && d.dst.port != 5061) continue;
    ++sip;
    std::size_t start = 0;
    while (start < d.payload.size()) {
      std::size_t end = d.payload.find('\n', start);
      if (end == std::string::npos) end = d.payload.size();
      const std::string_view line(d.payload.data() + start, end - start);
      expect(line.find("192.168.2.") == std::string_view::npos || line.starts_with("Call-ID:"),
             fmt::format("no private address in a WAN-side SIP line: {}", line));
      start = end + 1;
    }
  }
  expect(sip == 10, fmt::format("10 SIP messages on the WAN side (got {})", sip));
  if (failures == 0) fmt::print("ok: {} frames, {} SIP messages, all checks passed\n", frames.size(), sip);
  return failures == 0 ? 0 : 1;
}

/// Frame-by-frame equality of two captures (timestamps and bytes).
int compare(const std::string& a, const std::string& b) {
  int da = 0, db = 0;
  const auto fa = read_capture(a, da), fb = read_capture(b, db);
  expect(da == db, fmt::format("link types {} and {}", da, db));
  expect(fa.size() == fb.size(), fmt::format("{} and {} frames", fa.size(), fb.size()));
  for (std::size_t i = 0; i < std::min(fa.size(), fb.size()); ++i) {
    expect(fa[i].h.ts.tv_sec == fb[i].h.ts.tv_sec && fa[i].h.ts.tv_usec == fb[i].h.ts.tv_usec,
           fmt::format("frame {}: same timestamp", i));
    if (fa[i].data == fb[i].data) continue;
    std::size_t at = 0;
    while (at < fa[i].data.size() && at < fb[i].data.size() && fa[i].data[at] == fb[i].data[at]) ++at;
    expect(false, fmt::format("frame {}: {} and {} bytes, first difference at byte {}", i, fa[i].data.size(),
                              fb[i].data.size(), at));
  }
  if (failures == 0) fmt::print("ok: {} frames identical\n", fa.size());
  return failures == 0 ? 0 : 1;
}

// ------------------------------------------------------------------ fuzz-style sweep
int run_one(const bytes& capture, std::string& report, std::string& error) {
  sipalg::tools::replay_options o;
  o.lan = *sipalg::nat::ipv4_prefix::parse("192.168.2.0/24");
  o.public_address = *sipalg::ip_address::parse_v4("2.2.2.2");
  o.ports = {5060, 65535};
  o.max_flows = 256;
  o.max_expectations = 64;
  bytes in_buf = capture;
  std::FILE* in = in_buf.empty() ? std::tmpfile() : fmemopen(in_buf.data(), in_buf.size(), "rb");  // fmemopen: size > 0
  std::FILE* out = std::fopen("/dev/null", "wb");
  char* rep = nullptr;
  std::size_t rep_size = 0;
  std::FILE* r = open_memstream(&rep, &rep_size);
  if (!in || !out || !r) die("fuzz: cannot open streams");
  const int rc = sipalg::tools::replay_capture(o, in, out, r, error);
  std::fclose(r);
  report.assign(rep, rep_size);
  std::free(rep);
  return rc;
}

/// `stride` 1 and 3000 mutations: the full sweep; the quick one (other samples) cuts every 7th byte.
int fuzz(const std::string& path, std::size_t stride = 1, int mutations = 3000) {
  std::ifstream f(path, std::ios::binary);
  const bytes capture((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (capture.size() < 24) die("fuzz: input too small");
  int bad = 0;
  std::size_t runs = 0, rc0 = 0, rc1 = 0;
  auto judge = [&](const bytes& c, const std::string& what) {
    std::string report, error;
    const int rc = run_one(c, report, error);
    ++runs;
    const bool has_summary = report.find("summary: ") != std::string::npos;
    const bool ok = (rc == 0 && has_summary && error.empty()) || (rc == 1 && !error.empty());
    rc0 += rc == 0, rc1 += rc == 1;
    if (!ok && bad++ < 10)
      fmt::print("FAIL {}: exit {}, summary {}, error \"{}\"\n", what, rc, has_summary ? "yes" : "no", error);
  };
  // Every prefix: cut inside the file header, a record header, a frame.
  for (std::size_t cut = 0; cut < capture.size(); cut += stride)
    judge(bytes(capture.begin(), capture.begin() + static_cast<std::ptrdiff_t>(cut)), fmt::format("cut at {}", cut));
  // Record boundaries and the first 80 bytes of every frame (link, IP, UDP headers, start of SIP).
  std::vector<std::size_t> hot;
  for (std::size_t i = 0; i < 24; ++i) hot.push_back(i);
  for (std::size_t at = 24; at + 16 <= capture.size();) {
    const std::uint32_t caplen = static_cast<std::uint32_t>(capture[at + 8]) | (capture[at + 9] << 8) |
                                 (capture[at + 10] << 16) | (static_cast<std::uint32_t>(capture[at + 11]) << 24);
    for (std::size_t i = 0; i < 16 + std::min<std::uint32_t>(caplen, 80); ++i) hot.push_back(at + i);
    at += 16 + caplen;
  }
  std::mt19937 rng(20240607);
  for (int i = 0; i < mutations; ++i) {
    bytes c = capture;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int j = 0; j < flips; ++j) {
      const std::size_t at = hot[rng() % hot.size()];
      if (at < c.size()) c[at] = static_cast<std::uint8_t>(rng() % 3 == 0 ? rng() : c[at] ^ (1u << (rng() % 8)));
    }
    judge(c, fmt::format("mutation {}", i));
  }
  fmt::print("{} runs: {} exit 0, {} exit 1, {} bad\n", runs, rc0, rc1, bad);
  return bad == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 3 && a[0] == "make-sample") return make_sample(a[1], a[2], false);
  if (a.size() == 4 && a[0] == "make-sample" && a[3] == "--router-without-alg") return make_sample(a[1], a[2], true);
  if (a.size() == 3 && a[0] == "make-tcp-sample") return make_tcp_sample(a[1], a[2]);
  if (a.size() == 3 && a[0] == "make-frag-sample") return make_frag_sample(a[1], a[2]);
  if (a.size() == 3 && a[0] == "compare") return compare(a[1], a[2]);
  if (a.size() == 4 && a[0] == "convert") return convert(a[1], a[2], a[3]);
  if (a.size() == 3 && a[0] == "check") return check(a[1], a[2]);
  if (a.size() == 2 && a[0] == "fuzz") return fuzz(a[1]);
  if (a.size() == 2 && a[0] == "fuzz-quick") return fuzz(a[1], 7, 1000);
  fmt::print(
      stderr,
      "usage: pcap_testtool make-sample GOLDEN_DIR OUT [--router-without-alg] | make-tcp-sample LAN_OUT WAN_OUT |\n"
      "       make-frag-sample LAN_OUT WAN_OUT |\n"
      "       fuzz IN | fuzz-quick IN |\n"
      "       convert IN OUT FORM | check OUT GOLDEN_DIR | compare A B\n");
  return 2;
}
