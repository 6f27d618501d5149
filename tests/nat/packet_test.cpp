#include "sipalg/nat/packet.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "nat/packet_builder.hpp"

using namespace sipalg::nat;
namespace t = sipalg::nat::test;

namespace {
// Both checksums equal what a sender computing from scratch would write.
void require_checksums_fresh(const std::vector<std::uint8_t>& v, bool udp_none = false) {
  const std::size_t hl = (v[0] & 0x0F) * 4u;
  REQUIRE(t::get16(&v[10]) == t::ref_ip_checksum(v.data(), hl));
  if (v[9] == 17 && udp_none) {
    REQUIRE(t::get16(&v[hl + 6]) == 0);
  } else if (v[9] == 17) {
    REQUIRE(t::get16(&v[hl + 6]) == t::ref_l4_checksum(v.data()));
  } else if (v[9] == 6) {
    REQUIRE(t::get16(&v[hl + 16]) == t::ref_l4_checksum(v.data()));
  }
}
}  // namespace

TEST_CASE("packet_view: UDP packet, key and payload", "[nat][packet]") {
  t::packet_spec s;
  s.payload = "SIP/2.0 200 OK\r\n\r\n";
  s.tailroom = 64;
  auto v = t::build(s);
  packet_view p;
  REQUIRE(packet_view::parse(v, p).ok());
  CHECK(p.valid());
  CHECK(p.is_udp());
  CHECK_FALSE(p.is_tcp());
  CHECK(p.has_ports());
  CHECK(p.protocol() == 17);
  CHECK(p.src_port() == 5060);
  CHECK(p.key() == flow_key{0xC0A8010A, 0xC6336407, 5060, 5060, 17});
  CHECK(p.payload_offset() == 28);
  CHECK(t::text(p.payload()) == "SIP/2.0 200 OK\r\n\r\n");
  CHECK(p.max_payload_size() == v.size() - 28);
  CHECK(p.payload_with_tailroom().size() == p.payload_size() + 64);
  CHECK(p.udp().length() == 8 + s.payload.size());
  CHECK(p.l4_checksum_ok());
}

TEST_CASE("packet_view: TCP packet with options", "[nat][packet]") {
  t::packet_spec s;
  s.proto = 6;
  s.tcp_options = {0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2};  // NOP NOP timestamps
  s.payload = "BYE sip:a@b SIP/2.0\r\n\r\n";
  auto v = t::build(s);
  packet_view p;
  REQUIRE(packet_view::parse(v, p, {true, true}).ok());
  CHECK(p.is_tcp());
  CHECK(p.tcp().header_size() == 32);
  CHECK(p.payload_offset() == 52);
  CHECK(t::text(p.payload()) == "BYE sip:a@b SIP/2.0\r\n\r\n");
  CHECK(p.tcp().seq() == 1000);
  CHECK(p.key().proto == 6);
}

TEST_CASE("packet_view: other protocols parse without ports", "[nat][packet]") {
  t::packet_spec s;
  s.proto = 1;  // ICMP: an echo request body
  s.payload = std::string("\x08\x00\x00\x00\x00\x01\x00\x01", 8);
  auto v = t::build(s);
  packet_view p;
  REQUIRE(packet_view::parse(v, p).ok());
  CHECK_FALSE(p.has_ports());
  CHECK(p.src_port() == 0);
  CHECK(p.key() == flow_key{0xC0A8010A, 0xC6336407, 0, 0, 1});
  CHECK(p.payload_size() == 8);
  p.set_src_address(0xCB007105);
  p.set_src_port(9);  // no ports: nothing happens
  CHECK(v[20] == 0x08);
  require_checksums_fresh(v);
  CHECK(p.l4_checksum_ok());
}

TEST_CASE("packet_view: bad packets", "[nat][packet]") {
  struct bad_case {
    const char* name;
    std::uint8_t proto;
    void (*mutate)(std::vector<std::uint8_t>&);
    errc code;
    std::uint32_t offset;
  };
  const bad_case cases[] = {
      {"IP: IHL 4", 17, [](auto& v) { v[0] = 0x44; }, errc::bad_header_length, 0},
      {"IP: total length > buffer", 17, [](auto& v) { v.pop_back(); }, errc::bad_total_length, 2},
      {"UDP: header cut", 17, [](auto& v) { v.resize(26); t::put16(v, 2, 26); }, errc::truncated, 26},
      {"UDP: length > IP payload", 17, [](auto& v) { t::put16(v, 24, static_cast<std::uint16_t>(v.size() - 19)); },
       errc::bad_udp_length, 24},
      {"UDP: length < IP payload", 17, [](auto& v) { t::put16(v, 24, static_cast<std::uint16_t>(v.size() - 21)); },
       errc::bad_udp_length, 24},
      {"UDP: length < 8", 17, [](auto& v) { t::put16(v, 24, 7); }, errc::bad_udp_length, 24},
      {"TCP: header cut", 6, [](auto& v) { v.resize(39); t::put16(v, 2, 39); }, errc::truncated, 39},
      {"TCP: data offset 4", 6, [](auto& v) { v[32] = 0x40; }, errc::bad_tcp_offset, 32},
      {"TCP: data offset past the segment", 6, [](auto& v) { v[32] = 0xF0; }, errc::bad_tcp_offset, 32},
      {"fragment: MF", 17, [](auto& v) { t::put16(v, 6, 0x2000); }, errc::fragment, 6},
      {"fragment: offset", 17, [](auto& v) { t::put16(v, 6, 0x0010); }, errc::fragment, 6},
      {"fragment: TCP last", 6, [](auto& v) { t::put16(v, 6, 0x4001); }, errc::fragment, 6},
  };
  for (const auto& c : cases) {
    t::packet_spec s;
    s.proto = c.proto;
    s.payload = "x";
    auto v = t::build(s);
    c.mutate(v);
    if (v.size() >= 20) t::put16(v, 10, t::ref_ip_checksum(v.data(), 20));
    t::exact_copy copy(v, v.size());
    packet_view p;
    const result r = packet_view::parse(copy.span(), p);
    INFO(c.name << ": got " << to_string(r.code) << " at " << r.offset);
    CHECK(r.code == c.code);
    CHECK(r.offset == c.offset);
    // A fragment keeps a usable IP view; other errors leave the view empty.
    CHECK(p.valid() == (c.code == errc::fragment));
    CHECK_FALSE(p.has_ports());
  }
}

TEST_CASE("packet_view: a packet cut at every length never parses", "[nat][packet]") {
  for (std::uint8_t proto : {std::uint8_t{17}, std::uint8_t{6}}) {
    t::packet_spec s;
    s.proto = proto;
    s.payload = "MESSAGE";
    const auto v = t::build(s);
    for (std::size_t n = 0; n < v.size(); ++n) {
      t::exact_copy c(v, n);
      packet_view p;
      CHECK_FALSE(packet_view::parse(c.span(), p).ok());
    }
    // Total length claims the cut size, header fixed: the L4 check must catch it.
    for (std::size_t n = 20; n < v.size(); ++n) {
      auto w = std::vector<std::uint8_t>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
      t::put16(w, 2, static_cast<std::uint16_t>(n));
      t::put16(w, 10, t::ref_ip_checksum(w.data(), 20));
      t::exact_copy c(w, n);
      packet_view p;
      const result r = packet_view::parse(c.span(), p);
      INFO("proto " << int(proto) << " n=" << n);
      if (proto == 17) CHECK(r.code == (n < 28 ? errc::truncated : errc::bad_udp_length));
      if (proto == 6) CHECK(r.code == (n < 40 ? errc::truncated : errc::ok));  // 40+: a TCP segment with a shorter payload
    }
  }
}

TEST_CASE("packet_view: L4 checksum verification on request", "[nat][packet]") {
  for (std::uint8_t proto : {std::uint8_t{17}, std::uint8_t{6}}) {
    t::packet_spec s;
    s.proto = proto;
    s.payload = "ACK sip:x SIP/2.0\r\n\r\n";
    auto v = t::build(s);
    v.back() ^= 0x20;
    packet_view p;
    CHECK(packet_view::parse(v, p).ok());  // not verified by default
    const result r = packet_view::parse(v, p, {true, true});
    CHECK(r.code == errc::bad_l4_checksum);
    CHECK(r.offset == (proto == 17 ? 26u : 36u));
  }
  t::packet_spec s;
  s.udp_checksum = false;
  auto v = t::build(s);
  packet_view p;
  CHECK(packet_view::parse(v, p, {true, true}).ok());  // UDP without checksum
}

TEST_CASE("packet_view: address and port rewrites keep both checksums exact", "[nat][packet]") {
  for (std::uint8_t proto : {std::uint8_t{17}, std::uint8_t{6}}) {
    t::packet_spec s;
    s.proto = proto;
    s.payload = "v=0\r\no=- 1 1 IN IP4 192.168.1.10\r\n";
    auto v = t::build(s);
    packet_view p;
    REQUIRE(packet_view::parse(v, p).ok());
    p.set_src_address(0xCB007105);  // SNAT to 203.0.113.5:1024
    p.set_src_port(1024);
    CHECK(p.key() == flow_key{0xCB007105, 0xC6336407, 1024, 5060, proto});
    require_checksums_fresh(v);
    p.translate(flow_key{0x0A000002, 0x0A000003, 7, 8, proto});
    CHECK(p.key() == flow_key{0x0A000002, 0x0A000003, 7, 8, proto});
    require_checksums_fresh(v);
    CHECK(packet_view::parse(v, p, {true, true}).ok());
  }
}

TEST_CASE("packet_view: UDP without checksum stays without one", "[nat][packet]") {
  t::packet_spec s;
  s.udp_checksum = false;
  s.tailroom = 32;
  auto v = t::build(s);
  packet_view p;
  REQUIRE(packet_view::parse(v, p).ok());
  p.set_dst_address(0x0A0A0A0A);
  p.set_dst_port(6000);
  p.translate(flow_key{1, 2, 3, 4, 17});
  REQUIRE(p.splice_payload(0, 1, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("HHH"), 3)).ok());
  p.update_l4_checksum();
  require_checksums_fresh(v, true);
}

TEST_CASE("packet_view: random rewrites equal a full recompute", "[nat][packet]") {
  t::prng rng(4242);
  for (int iter = 0; iter < 3000; ++iter) {
    t::packet_spec s;
    const std::uint32_t kind = rng.below(3);
    s.proto = kind == 2 ? 6 : 17;
    s.udp_checksum = kind != 1;
    s.src = rng.u32(), s.dst = rng.u32(), s.sport = rng.u16(), s.dport = rng.u16();
    s.seq = rng.u32(), s.ack = rng.u32();
    s.payload.resize(rng.below(64));
    for (auto& ch : s.payload) ch = static_cast<char>(rng.u8());
    if (rng.below(4) == 0) s.ip_options = {0x01, 0x01, 0x01, 0x01};
    auto v = t::build(s);
    packet_view p;
    REQUIRE(packet_view::parse(v, p, {true, true}).ok());
    for (int step = 0; step < 6; ++step) {
      switch (rng.below(7)) {
        case 0: p.set_src_address(rng.below(5) == 0 ? 0u : rng.u32()); break;
        case 1: p.set_dst_address(rng.below(5) == 0 ? 0xFFFFFFFFu : rng.u32()); break;
        case 2: p.set_src_port(rng.u16()); break;
        case 3: p.set_dst_port(rng.u16()); break;
        case 4: p.ip().set_ttl(rng.u8()); break;
        case 5:
          if (p.is_tcp()) p.tcp().set_seq(rng.u32()), p.tcp().set_ack(rng.u32());
          break;
        case 6: p.translate(flow_key{rng.u32(), rng.u32(), rng.u16(), rng.u16(), s.proto}); break;
      }
      INFO("iter=" << iter << " step=" << step << " proto=" << int(s.proto) << " udp_csum=" << s.udp_checksum);
      require_checksums_fresh(v, !s.udp_checksum);
    }
  }
}

TEST_CASE("packet_view: splice grows, shrinks and keeps lengths and checksums right", "[nat][packet]") {
  const std::string body = "Contact: <sip:alice@192.168.1.10:5060>\r\n";
  for (std::uint8_t proto : {std::uint8_t{17}, std::uint8_t{6}}) {
    t::packet_spec s;
    s.proto = proto;
    s.payload = body;
    s.tailroom = 16;
    auto v = t::build(s);
    packet_view p;
    REQUIRE(packet_view::parse(v, p).ok());
    const std::string from = "192.168.1.10:5060", to = "203.0.113.250:61000";
    const auto at = static_cast<std::uint32_t>(body.find(from));
    const auto rep = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(to.data()), to.size());
    REQUIRE(p.splice_payload(at, static_cast<std::uint32_t>(from.size()), rep).ok());
    p.update_l4_checksum();
    std::string want = body;
    want.replace(at, from.size(), to);
    CHECK(t::text(p.payload()) == want);
    CHECK(p.ip().total_length() == p.payload_offset() + want.size());
    if (proto == 17) CHECK(p.udp().length() == 8 + want.size());
    require_checksums_fresh(v);
    packet_view again;
    REQUIRE(packet_view::parse(std::span<std::uint8_t>(v), again, {true, true}).ok());
    CHECK(t::text(again.payload()) == want);

    // Shrink back, then an insertion at the very end and a deletion at the start.
    REQUIRE(p.splice_payload(at, static_cast<std::uint32_t>(to.size()),
                             std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(from.data()), from.size()))
                .ok());
    REQUIRE(p.splice_payload(p.payload_size(), 0, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("\r\n"), 2)).ok());
    REQUIRE(p.splice_payload(0, 9, {}).ok());
    p.update_l4_checksum();
    CHECK(t::text(p.payload()) == body.substr(9) + "\r\n");
    require_checksums_fresh(v);
  }
}

TEST_CASE("packet_view: splice refuses what does not fit and changes nothing", "[nat][packet]") {
  t::packet_spec s;
  s.payload = "0123456789";
  s.tailroom = 4;
  auto v = t::build(s);
  packet_view p;
  REQUIRE(packet_view::parse(v, p).ok());
  const auto before = v;
  const std::uint8_t five[5] = {'a', 'b', 'c', 'd', 'e'};
  CHECK(p.splice_payload(0, 0, five) == result{errc::no_room, 38});  // needs 5 bytes, 4 free
  CHECK(p.splice_payload(11, 0, five) == result{errc::bad_range, 11});
  CHECK(p.splice_payload(8, 3, five) == result{errc::bad_range, 8});
  CHECK(p.set_payload_size(15) == result{errc::no_room, 38});
  CHECK(v == before);
  CHECK(p.splice_payload(2, 1, five).ok());  // exactly fills the room
  CHECK(p.ip().tailroom() == 0);
  p.update_l4_checksum();
  CHECK(t::text(p.payload()) == "01abcde3456789");
  require_checksums_fresh(v);
}

TEST_CASE("packet_view: the 65535-byte IPv4 limit caps growth in a larger buffer", "[nat][packet]") {
  t::packet_spec s;
  s.payload = "x";
  s.tailroom = 70000;
  auto v = t::build(s);
  packet_view p;
  REQUIRE(packet_view::parse(v, p).ok());
  CHECK(p.max_payload_size() == 65535 - 28);
  CHECK(p.set_payload_size(65535 - 28).ok());
  CHECK(p.ip().total_length() == 65535);
  CHECK(p.udp().length() == 65535 - 20);
  CHECK(p.set_payload_size(65535 - 27).code == errc::no_room);
}

TEST_CASE("packet_view: write into the tailroom, then set the size", "[nat][packet]") {
  t::packet_spec s;
  s.proto = 6;
  s.payload = "abc";
  s.tailroom = 10;
  auto v = t::build(s);
  packet_view p;
  REQUIRE(packet_view::parse(v, p).ok());
  auto room = p.payload_with_tailroom();
  REQUIRE(room.size() == 13);
  const char more[] = "defgh";
  for (std::size_t i = 0; i < 5; ++i) room[3 + i] = static_cast<std::uint8_t>(more[i]);
  REQUIRE(p.set_payload_size(8).ok());
  p.update_l4_checksum();
  CHECK(t::text(p.payload()) == "abcdefgh");
  CHECK(p.tcp().payload_size() == 8);
  require_checksums_fresh(v);
  REQUIRE(p.set_payload_size(0).ok());
  p.update_l4_checksum();
  CHECK(p.payload().empty());
  require_checksums_fresh(v);
}
