#include "sipalg/nat/tcp.hpp"
#include "sipalg/nat/udp.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "nat/packet_builder.hpp"

using namespace sipalg::nat;
namespace t = sipalg::nat::test;

TEST_CASE("udp_view: header fields and length checks", "[nat][udp]") {
  std::vector<std::uint8_t> seg{0x13, 0xc4, 0x13, 0xc5, 0x00, 0x0b, 0x00, 0x00, 'a', 'b', 'c'};
  udp_view u;
  REQUIRE(udp_view::parse(seg, u).ok());
  CHECK(u.src_port() == 5060);
  CHECK(u.dst_port() == 5061);
  CHECK(u.length() == 11);
  CHECK_FALSE(u.has_checksum());
  CHECK(t::text(u.payload()) == "abc");
  u.set_src_port(1024);  // no checksum: stays 0
  CHECK(u.src_port() == 1024);
  CHECK(u.checksum() == 0);

  const struct {
    std::uint16_t len;
    std::size_t size;
    errc code;
    std::uint32_t offset;
  } bad[] = {{11, 7, errc::truncated, 7}, {11, 0, errc::truncated, 0}, {12, 11, errc::bad_udp_length, 4},
             {10, 11, errc::bad_udp_length, 4}, {7, 11, errc::bad_udp_length, 4}, {0, 11, errc::bad_udp_length, 4},
             {8, 8, errc::ok, 0}};
  for (const auto& b : bad) {
    auto v = seg;
    t::put16(v, 4, b.len);
    t::exact_copy c(v, b.size);
    udp_view w;
    const result r = udp_view::parse(c.span(), w);
    INFO("len=" << b.len << " size=" << b.size);
    CHECK(r.code == b.code);
    CHECK(r.offset == b.offset);
  }
}

TEST_CASE("tcp_view: header fields and data offset checks", "[nat][tcp]") {
  t::packet_spec s;
  s.proto = 6;
  s.tcp_options = {0x02, 0x04, 0x05, 0xb4};  // MSS 1460
  s.tcp_flags = tcp_flags::syn | tcp_flags::ack;
  s.seq = 0xFFFFFFF0, s.ack = 7;
  s.payload = "OPTIONS";
  auto v = t::build(s);
  std::span<std::uint8_t> seg(v.data() + 20, v.size() - 20);
  tcp_view tv;
  REQUIRE(tcp_view::parse(seg, tv).ok());
  CHECK(tv.src_port() == 5060);
  CHECK(tv.seq() == 0xFFFFFFF0);
  CHECK(tv.ack() == 7);
  CHECK(tv.header_size() == 24);
  CHECK(tv.has(tcp_flags::syn));
  CHECK(tv.has(tcp_flags::ack));
  CHECK_FALSE(tv.has(tcp_flags::fin | tcp_flags::rst));
  CHECK(tv.window() == 65535);
  CHECK(tv.payload_size() == 7);
  CHECK(t::text(tv.payload()) == "OPTIONS");

  // Sequence/ack/port setters keep the checksum equal to a full recompute.
  tv.set_seq(0x00000010);
  tv.set_ack(0xDEADBEEF);
  tv.set_dst_port(15060);
  CHECK(tv.checksum() == t::ref_l4_checksum(v.data()));

  for (const std::uint8_t off : {std::uint8_t{0x00}, std::uint8_t{0x40}, std::uint8_t{0x80}, std::uint8_t{0xF0}}) {
    auto w = v;
    w[20 + 12] = off;  // data offset 0, 4, 8 (32 bytes > 31-byte segment), 15
    tcp_view x;
    const result r = tcp_view::parse(std::span<std::uint8_t>(w.data() + 20, w.size() - 20), x);
    INFO("offset byte " << int(off));
    CHECK(r.code == errc::bad_tcp_offset);
    CHECK(r.offset == 12);
  }
  for (std::size_t n = 0; n < 20; ++n) {
    t::exact_copy c(std::vector<std::uint8_t>(v.begin() + 20, v.end()), n);
    tcp_view x;
    CHECK(tcp_view::parse(c.span(), x).code == errc::truncated);
  }
}
