#include "sipalg/nat/checksum.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <vector>

#include "nat/packet_builder.hpp"

using namespace sipalg::nat;
using sipalg::nat::test::prng;
using sipalg::nat::test::ref_sum;

TEST_CASE("ones_sum: RFC 1071 section 3 example", "[nat][checksum]") {
  const std::array<std::uint8_t, 8> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(ones_sum(data) == 0xddf2);
  CHECK(internet_checksum(data) == 0x220d);
  // Byte-order independence claim of RFC 1071 2(B): the swapped sum is the swapped data's sum.
  const std::array<std::uint8_t, 8> swapped{0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6};
  CHECK(ones_sum(swapped) == 0xf2dd);
}

TEST_CASE("internet_checksum: a known IPv4 header", "[nat][checksum]") {
  // 192.168.0.1 -> 192.168.0.199, UDP, total length 115, checksum 0xb861.
  std::array<std::uint8_t, 20> h{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  CHECK(internet_checksum(h) == 0xb861);
  h[10] = 0xb8, h[11] = 0x61;
  CHECK(ones_sum(h) == 0xFFFF);
  CHECK(internet_checksum(h) == 0);
}

TEST_CASE("ones_sum: small and odd sizes", "[nat][checksum]") {
  CHECK(ones_sum(std::span<const std::uint8_t>{}) == 0);
  const std::array<std::uint8_t, 1> one{0x01};
  CHECK(ones_sum(one) == 0x0100);  // padded with a zero low byte
  const std::array<std::uint8_t, 3> three{0xFF, 0xFF, 0x01};
  CHECK(ones_sum(three) == 0x0100);  // 0xFFFF + 0x0100 = 0x100FF -> 0x0100
  const std::array<std::uint8_t, 2> ffff{0xFF, 0xFF};
  CHECK(ones_sum(ffff) == 0xFFFF);
  CHECK(ones_sum(ffff, 0xFFFF) == 0xFFFF);
  CHECK(ones_add(0xFFFF, 0x0001) == 0x0001);
  CHECK(ones_add(0x8000, 0x8000) == 0x0001);
}

TEST_CASE("ones_sum equals the 16-bit reference for every length 0..1600 and chains on even splits", "[nat][checksum]") {
  prng rng(1071);
  for (std::size_t n = 0; n <= 1600; ++n) {
    for (int round = 0; round < (n <= 300 ? 8 : 3); ++round) {
      std::vector<std::uint8_t> v(n);
      for (auto& b : v) b = round == 0 ? 0xFF : rng.u8();  // round 0: all ones (carry heavy)
      const std::uint16_t start = round == 1 ? 0xFFFF : rng.u16();
      INFO("n=" << n << " round=" << round);
      REQUIRE(ones_sum(v, start) == ref_sum(v.data(), v.size(), start));
      const std::size_t cut = (n / 2) & ~std::size_t{1};
      const std::span<const std::uint8_t> s(v);
      REQUIRE(ones_sum(s.subspan(cut), ones_sum(s.first(cut), start)) == ones_sum(s, start));
      // An unaligned start (a segment after a 14- or 20-byte header sits anywhere in a buffer).
      std::vector<std::uint8_t> shifted(n + 3);
      std::copy(v.begin(), v.end(), shifted.begin() + 3);
      REQUIRE(ones_sum(std::span<const std::uint8_t>(shifted).subspan(3), start) == ones_sum(s, start));
    }
  }
  // The constant-evaluated path (big-endian words) gives the same sums.
  static constexpr std::uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  static_assert(ones_sum(rfc1071) == 0xddf2);
  CHECK(ones_sum(rfc1071) == 0xddf2);
}

TEST_CASE("RFC 1624 eqn 3 equals a full recompute for 16- and 32-bit field changes", "[nat][checksum]") {
  prng rng(1624);
  int all_zero = 0;
  for (int iter = 0; iter < 50000; ++iter) {
    const std::size_t n = 4 + 2 * rng.below(40);  // even size, at least one 32-bit field
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = rng.u8();
    if (iter % 7 == 0) std::fill(v.begin(), v.end(), 0xFF);
    if (iter % 11 == 0) std::fill(v.begin(), v.end(), 0x00), v[0] = 1;
    const std::uint16_t hc = static_cast<std::uint16_t>(~ref_sum(v));
    std::vector<std::uint8_t> w = v;
    const std::size_t at = 2 * rng.below(static_cast<std::uint32_t>(n / 2 - 1));
    const bool wide = rng.below(2) == 1;
    const std::uint32_t special[] = {0, 0xFFFF, 0xFFFFFFFF, 1, 0x8000};
    std::uint32_t nv = rng.below(4) == 0 ? special[rng.below(5)] : rng.u32();
    std::uint16_t got;
    if (wide) {
      const std::uint32_t old = test::get32(&v[at]);
      test::put32(w, at, nv);
      got = checksum_update32(hc, old, nv);
    } else {
      nv &= 0xFFFF;
      const std::uint16_t old = test::get16(&v[at]);
      test::put16(w, at, static_cast<std::uint16_t>(nv));
      got = checksum_update16(hc, old, static_cast<std::uint16_t>(nv));
    }
    const std::uint16_t want = static_cast<std::uint16_t>(~ref_sum(w));
    INFO("iter=" << iter << " at=" << at << " wide=" << wide);
    if (std::all_of(w.begin(), w.end(), [](std::uint8_t b) { return b == 0; })) {
      // Degenerate all-zero data: a full recompute gives 0xFFFF, eqn 3 gives the equivalent 0 (RFC 1624 section 3).
      REQUIRE(want == 0xFFFF);
      REQUIRE(got == 0x0000);
      ++all_zero;
    } else {
      REQUIRE(got == want);
    }
  }
  CHECK(all_zero > 0);  // the special values did reach the degenerate case
}

TEST_CASE("UDP incremental update: 0 stays 0, a computed 0 becomes 0xFFFF", "[nat][checksum]") {
  CHECK(udp_checksum_update16(0, 0x1234, 0x4321) == 0);
  CHECK(udp_checksum_update32(0, 0x0A000001, 0xCB007105) == 0);
  // ~(~0x1234 + ~0 + 0x1234) = ~(0xEDCB + 0xFFFF + 0x1234) = 0: the plain update gives 0.
  REQUIRE(checksum_update16(0x1234, 0x0000, 0x1234) == 0x0000);
  CHECK(udp_checksum_update16(0x1234, 0x0000, 0x1234) == 0xFFFF);
  REQUIRE(checksum_update32(0x1234, 0x00000000, 0x00001234) == 0x0000);
  CHECK(udp_checksum_update32(0x1234, 0x00000000, 0x00001234) == 0xFFFF);
  // Otherwise the same as the plain update.
  CHECK(udp_checksum_update16(0xABCD, 1, 2) == checksum_update16(0xABCD, 1, 2));
}

TEST_CASE("l4_checksum: pseudo header, field skipped, UDP 0 sent as 0xFFFF", "[nat][checksum]") {
  test::packet_spec s;
  s.payload = "INVITE sip:bob@example.com SIP/2.0\r\n\r\n";
  for (std::uint8_t proto : {std::uint8_t{17}, std::uint8_t{6}}) {
    s.proto = proto;
    auto v = test::build(s);
    const std::span<const std::uint8_t> seg(v.data() + 20, v.size() - 20);
    const std::size_t off = proto == 17 ? 6 : 16;
    CHECK(l4_checksum(s.src, s.dst, proto, seg, off) == test::get16(&v[20 + off]));
    CHECK(l4_checksum_ok(s.src, s.dst, proto, seg));
    v[v.size() - 1] ^= 0x01;
    CHECK_FALSE(l4_checksum_ok(s.src, s.dst, proto, seg));
  }
  // UDP without checksum (0) always verifies.
  s.proto = 17, s.udp_checksum = false;
  auto v = test::build(s);
  CHECK(test::get16(&v[26]) == 0);
  CHECK(l4_checksum_ok(s.src, s.dst, 17, std::span<const std::uint8_t>(v.data() + 20, v.size() - 20)));

  // A payload word chosen so the sum is 0xFFFF: the computed checksum is 0, sent as 0xFFFF.
  s.udp_checksum = true;
  s.payload = std::string(2, '\0');
  v = test::build(s);
  std::span<std::uint8_t> seg(v.data() + 20, v.size() - 20);
  const std::uint16_t rest = ones_sum(seg.first(6), pseudo_header_sum(s.src, s.dst, 17, 10));
  const auto word = static_cast<std::uint16_t>(0xFFFF - rest);
  seg[8] = static_cast<std::uint8_t>(word >> 8), seg[9] = static_cast<std::uint8_t>(word);
  CHECK(l4_checksum(s.src, s.dst, 17, seg, 6) == 0xFFFF);
  test::put16(v, 26, 0xFFFF);
  CHECK(l4_checksum_ok(s.src, s.dst, 17, seg));
}
