// Fuzz target: the reference NAT engine (nat::engine::process) over a random
// sequence of packets from both sides, with the SIP ALG on.
//
// Input: [mode byte] then records, each starting with '@' at the start of a line:
//   @lan SRC:PORT > DST:PORT udp|tcp [S][A][F][R][P] [seq=N] [ack=N] [room=N] [nosum] [frag]
//   <payload bytes, up to the next "\n@">
//   @wan ...                         same, arriving on the WAN side
//   @raw lan|wan [room=N]            the payload is a whole IPv4 packet, as is
//   @tick N                          the clock advances N seconds
//   @sweep N                         engine.sweep(now, N)
//   @pub A.B.C.D                     the public address changes
// Packets are built with correct IPv4 and UDP/TCP checksums (unless nosum:
// UDP checksum 0) by this file's own reference code. The engine: public
// 203.0.113.1, LAN 192.168.0.0/16, no-NAT route 10.8.0.0/16, 256 flows, 64
// expectations, public ports 5000-5063; mode bits (control byte >= 0x80):
// bit 0 ALG off, bit 1 media only from the signalling peer, bit 2 drop
// messages that do not fit, bit 3 a UDP port forward 5060 -> 192.168.1.50,
// bit 4 TCP reassembly limit 512 bytes.
//
// Invariants:
//   - every packet is counted once: packets == forwarded + the dropped_* counters;
//   - a forwarded packet fits its buffer and 65535 bytes, parses again, has a
//     valid IPv4 header checksum, and a valid UDP/TCP checksum whenever the
//     input's was valid (incremental updates and ALG splices included);
//   - the flow and expectation tables never exceed their capacity;
//   - nothing leaks: once every timeout has passed and the tables are swept,
//     both are empty, and every public port of the range can be allocated
//     again (one new UDP and one new TCP flow per port, bar the forwarded one).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzzer_common.hpp"
#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/nat/engine.hpp"
#include "sipalg/nat/packet.hpp"

namespace {

namespace nat = sipalg::nat;
using sipalg::endpoint;

constexpr std::uint16_t port_first = 5000, port_last = 5063;

// ---- reference checksums (RFC 1071), independent of sipalg::nat
std::uint64_t sum16(const std::uint8_t* p, std::size_t n, std::uint64_t s = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) s += static_cast<std::uint64_t>(p[i] << 8 | p[i + 1]);
  if (n % 2 != 0) s += static_cast<std::uint64_t>(p[n - 1]) << 8;
  return s;
}
std::uint16_t fold(std::uint64_t s) {
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
void put16(std::uint8_t* p, std::uint32_t v) { p[0] = static_cast<std::uint8_t>(v >> 8), p[1] = static_cast<std::uint8_t>(v); }
void put32(std::uint8_t* p, std::uint32_t v) { put16(p, v >> 16), put16(p + 2, v); }

std::uint64_t pseudo(const std::uint8_t* ip, std::uint8_t proto, std::size_t l4_len) {
  return sum16(ip + 12, 8) + proto + l4_len;
}

struct validity {
  bool ip = false;  ///< a 20..60-byte IPv4 header with a valid checksum, total length inside the data
  bool l4 = false;  ///< a complete, unfragmented UDP/TCP segment with a valid checksum (or UDP 0)
};

validity check_packet(const std::uint8_t* p, std::size_t n) {
  validity v;
  if (n < 20 || (p[0] >> 4) != 4) return v;
  const std::size_t hl = (p[0] & 0x0Fu) * 4u, total = be16(p + 2);
  if (hl < 20 || total < hl || total > n) return v;
  v.ip = fold(sum16(p, hl)) == 0xFFFF;
  const bool fragment = (be16(p + 6) & 0x3FFF) != 0;
  const std::uint8_t proto = p[9];
  const std::uint8_t* l4 = p + hl;
  const std::size_t l4_len = total - hl;
  if (!v.ip || fragment) return v;
  if (proto == 17 && l4_len >= 8 && be16(l4 + 4) == l4_len)
    v.l4 = be16(l4 + 6) == 0 || fold(pseudo(p, 17, l4_len) + sum16(l4, l4_len)) == 0xFFFF;
  if (proto == 6 && l4_len >= 20) v.l4 = fold(pseudo(p, 6, l4_len) + sum16(l4, l4_len)) == 0xFFFF;
  return v;
}

// ---- records
struct packet_spec {
  nat::side from = nat::side::lan;
  endpoint src, dst;
  bool tcp = false;
  std::uint8_t flags = 0;
  std::uint32_t seq = 1000, ack = 0;
  std::size_t room = 512;
  bool nosum = false, frag = false, raw = false;
};

std::uint16_t ip_id = 1;

std::vector<std::uint8_t> build(const packet_spec& s, std::string_view payload) {
  if (s.raw) return {payload.begin(), payload.end()};
  const std::size_t l4h = s.tcp ? 20 : 8;
  const std::size_t total = std::min<std::size_t>(20 + l4h + payload.size(), 65535);
  std::vector<std::uint8_t> p(total, 0);
  p[0] = 0x45, p[8] = 64, p[9] = s.tcp ? 6 : 17;
  put16(&p[2], static_cast<std::uint32_t>(total));
  put16(&p[4], ip_id++);
  put16(&p[6], s.frag ? 0x2000 : 0x4000);  // MF (a first fragment) or DF
  put32(&p[12], s.src.address.v4_uint());
  put32(&p[16], s.dst.address.v4_uint());
  std::uint8_t* l4 = &p[20];
  put16(l4, s.src.port), put16(l4 + 2, s.dst.port);
  const std::size_t l4_len = total - 20;
  for (std::size_t i = 0; i + l4h < l4_len; ++i) l4[l4h + i] = static_cast<std::uint8_t>(payload[i]);
  if (s.tcp) {
    put32(l4 + 4, s.seq), put32(l4 + 8, s.ack);
    l4[12] = 5 << 4, l4[13] = s.flags;
    put16(l4 + 14, 65535);
    put16(l4 + 16, static_cast<std::uint16_t>(~fold(pseudo(p.data(), 6, l4_len) + sum16(l4, l4_len))));
  } else {
    put16(l4 + 4, static_cast<std::uint32_t>(l4_len));
    if (!s.nosum) {
      std::uint16_t c = static_cast<std::uint16_t>(~fold(pseudo(p.data(), 17, l4_len) + sum16(l4, l4_len)));
      put16(l4 + 6, c == 0 ? 0xFFFF : c);
    }
  }
  put16(&p[10], static_cast<std::uint16_t>(~fold(sum16(p.data(), 20))));
  return p;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> w;
  while (!line.empty()) {
    const std::size_t s = line.find_first_not_of(" \t\r");
    if (s == std::string_view::npos) break;
    line.remove_prefix(s);
    const std::size_t e = line.find_first_of(" \t\r");
    w.push_back(line.substr(0, e));
    if (e == std::string_view::npos) break;
    line.remove_prefix(e);
  }
  return w;
}

template <class T>
T number(std::string_view s, T fallback) {
  const auto v = sipalg::parse_decimal<T>(s);
  return v ? *v : fallback;
}

struct harness {
  nat::engine& eng;
  std::uint32_t reserved_udp = 0;  ///< public ports of the range a port forward holds for good
  nat::time_s now = 1000;

  void counted() const {
    const nat::engine_counters& c = eng.counters();
    SIPALG_FUZZ_CHECK(c.packets == c.forwarded + c.dropped_malformed + c.dropped_no_flow + c.dropped_table_full +
                                       c.dropped_unsupported + c.dropped_by_policy + c.fragments_dropped);
    SIPALG_FUZZ_CHECK(eng.flows().size() <= eng.flows().capacity());
    SIPALG_FUZZ_CHECK(eng.expectations().size() <= eng.expectations().capacity());
  }

  nat::process_result send(const std::vector<std::uint8_t>& pkt, std::size_t room, nat::side from) {
    sipalg::fuzz::exact_buffer buf(std::string(pkt.begin(), pkt.end()).append(room, '\xEE'));
    auto* bytes = reinterpret_cast<std::uint8_t*>(buf.data());
    const validity in = check_packet(bytes, pkt.size());
    const nat::process_result r = eng.process(std::span<std::uint8_t>(bytes, buf.size()), pkt.size(), from, now);
    counted();
    if (r.action == nat::verdict::forward) {
      SIPALG_FUZZ_CHECK(r.length <= buf.size() && r.length <= 65535);
      const validity out = check_packet(bytes, r.length);
      if (in.ip) SIPALG_FUZZ_CHECK(out.ip && be16(bytes + 2) == r.length);
      if (in.l4) SIPALG_FUZZ_CHECK(out.l4);
      if (in.ip) {
        nat::packet_view pv;
        const nat::result pr = nat::packet_view::parse(std::span<std::uint8_t>(bytes, buf.size()), pv);
        SIPALG_FUZZ_CHECK(pr.ok() || pr.code == nat::errc::fragment || !in.l4);
      }
    } else {
      SIPALG_FUZZ_CHECK(r.length == 0);
    }
    return r;
  }

  void record(std::string_view header, std::string_view payload) {
    const auto w = split_words(header);
    if (w.empty()) return;
    if (w[0] == "tick") {
      now += w.size() > 1 ? number<std::uint32_t>(w[1], 1) : 1;
      return;
    }
    if (w[0] == "sweep") {
      eng.sweep(now, w.size() > 1 ? number<std::uint32_t>(w[1], 64) : 64);
      counted();
      return;
    }
    if (w[0] == "pub") {
      if (w.size() > 1)
        if (auto a = sipalg::ip_address::parse_v4(w[1])) eng.set_public_address(*a);
      counted();
      return;
    }
    packet_spec s;
    std::size_t i = 1;
    if (w[0] == "raw") {
      s.raw = true;
      if (w.size() > 1 && w[1] == "wan") s.from = nat::side::wan;
      i = 2;
    } else if (w[0] == "lan" || w[0] == "wan") {
      s.from = w[0] == "wan" ? nat::side::wan : nat::side::lan;
      if (w.size() < 5 || w[2] != ">") return;
      const auto src = endpoint::parse(w[1]), dst = endpoint::parse(w[3]);
      if (!src || !dst || !src->address.is_v4() || !dst->address.is_v4()) return;
      s.src = *src, s.dst = *dst;
      s.tcp = w[4] == "tcp";
      i = 5;
    } else {
      return;
    }
    for (; i < w.size(); ++i) {
      const std::string_view t = w[i];
      if (t.starts_with("seq=")) s.seq = number<std::uint32_t>(t.substr(4), s.seq);
      else if (t.starts_with("ack=")) s.ack = number<std::uint32_t>(t.substr(4), s.ack);
      else if (t.starts_with("room=")) s.room = number<std::uint32_t>(t.substr(5), 0) % 70000;
      else if (t == "nosum") s.nosum = true;
      else if (t == "frag") s.frag = true;
      else
        for (char c : t) {
          s.flags |= c == 'S' ? nat::tcp_flags::syn : c == 'A' ? nat::tcp_flags::ack : c == 'F' ? nat::tcp_flags::fin
                   : c == 'R' ? nat::tcp_flags::rst : c == 'P' ? nat::tcp_flags::psh : 0;
        }
    }
    (void)send(build(s, payload), s.room, s.from);
  }

  /// Every timeout passed: the tables drain, and every public port can be taken again.
  void check_no_leak() {
    now += 40ull * 24 * 3600;
    for (int k = 0; k < 4; ++k) eng.sweep(now, eng.flows().capacity() + eng.expectations().capacity());
    SIPALG_FUZZ_CHECK(eng.flows().size() == 0);
    SIPALG_FUZZ_CHECK(eng.expectations().size() == 0);
    const std::uint64_t full_before = eng.counters().dropped_table_full;
    for (bool tcp : {false, true}) {
      const std::uint32_t free_ports = port_last - port_first + 1u - (tcp ? 0u : reserved_udp);
      for (std::uint32_t i = 0; i < free_ports; ++i) {
        packet_spec s;
        s.src = endpoint{sipalg::ip_address::v4(192, 168, 200, 1), static_cast<std::uint16_t>(30000 + i)};
        s.dst = endpoint{sipalg::ip_address::v4(198, 51, 100, 250), 9};
        s.tcp = tcp;
        s.flags = nat::tcp_flags::syn;
        s.room = 0;
        const nat::process_result r = send(build(s, {}), 0, nat::side::lan);
        SIPALG_FUZZ_CHECK(r.action == nat::verdict::forward);
      }
    }
    SIPALG_FUZZ_CHECK(eng.counters().dropped_table_full == full_before);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = sipalg::fuzz::split_control(data, size, 1);
  const std::uint8_t mode = in.control.empty() ? 0 : in.control[0];

  nat::engine_config cfg;
  cfg.public_address = sipalg::ip_address::v4(203, 0, 113, 1);
  cfg.lan = *nat::ipv4_prefix::parse("192.168.0.0/16");
  (void)cfg.no_nat.push_back(*nat::ipv4_prefix::parse("10.8.0.0/16"));
  cfg.ports = {port_first, port_last};
  cfg.max_flows = 256;
  cfg.max_expectations = 64;
  cfg.alg_enabled = (mode & 1) == 0;
  cfg.policy.direct_media = (mode & 2) == 0;
  if (mode & 4) cfg.policy.on_no_fit = sipalg::alg::failure_action::drop;
  if (mode & 8) {
    nat::port_forward f;
    f.proto = sipalg::transport::udp;
    f.public_ports = {5060, 5060};
    f.inside = *endpoint::parse("192.168.1.50:5060");
    (void)cfg.forwards.push_back(f);
  }
  if (mode & 16) cfg.policy.tcp_max_message = 512;
  nat::engine engine(cfg);  // a fresh engine per input (two small table allocations)
  SIPALG_FUZZ_CHECK(engine.valid());
  harness h{engine, (mode & 8) ? 1u : 0u};
  ip_id = 1;

  // Records: "@header\npayload" separated by "\n@".
  std::string_view text = in.text;
  std::size_t pos = text.starts_with('@') ? 1 : text.find("\n@");
  if (pos != std::string_view::npos && pos != 1) pos += 2;
  std::size_t records = 0;
  while (pos != std::string_view::npos && pos <= text.size() && records++ < 256) {
    const std::size_t eol = text.find('\n', pos);
    const std::string_view header = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    std::size_t next = eol == std::string_view::npos ? std::string_view::npos : text.find("\n@", eol);
    std::string_view payload;
    if (eol != std::string_view::npos)
      payload = text.substr(eol + 1, next == std::string_view::npos ? std::string_view::npos : next - eol - 1);
    h.record(header, payload);
    pos = next == std::string_view::npos ? next : next + 2;
  }
  h.check_no_leak();
  return 0;
}
