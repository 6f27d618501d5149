#include "sipalg/nat/ipv4.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "nat/packet_builder.hpp"

using namespace sipalg::nat;
using sipalg::ip_address;
namespace t = sipalg::nat::test;

namespace {
std::vector<std::uint8_t> sample(std::size_t tailroom = 0) {
  t::packet_spec s;
  s.payload = "REGISTER sip:example.com SIP/2.0\r\n\r\n";
  s.tailroom = tailroom;
  return t::build(s);
}
void fix_ip_checksum(std::vector<std::uint8_t>& v) {
  t::put16(v, 10, t::ref_ip_checksum(v.data(), (v[0] & 0x0F) * 4u));
}
}  // namespace

TEST_CASE("ipv4_view: fields of a valid packet", "[nat][ipv4]") {
  auto v = sample(100);
  ipv4_view ip;
  REQUIRE(ipv4_view::parse(v, ip).ok());
  CHECK(ip.valid());
  CHECK(ip.header_size() == 20);
  CHECK(ip.total_length() == 20 + 8 + 36);
  CHECK(ip.capacity() == v.size());
  CHECK(ip.tailroom() == 100);
  CHECK(ip.identification() == 0x1234);
  CHECK(ip.dont_fragment());
  CHECK_FALSE(ip.more_fragments());
  CHECK_FALSE(ip.is_fragment());
  CHECK(ip.ttl() == 64);
  CHECK(ip.protocol() == 17);
  CHECK(ip.src() == ip_address::v4(192, 168, 1, 10));
  CHECK(ip.dst() == ip_address::v4(198, 51, 100, 7));
  CHECK(ip.src_uint() == 0xC0A8010A);
  CHECK(ip.payload().size() == 44);
  CHECK(ip.payload().data() == v.data() + 20);
  CHECK(ip.packet().size() == 64);
  CHECK(ip.header_checksum_ok());
  CHECK_FALSE(ipv4_view{}.valid());
}

TEST_CASE("ipv4_view: options move the payload", "[nat][ipv4]") {
  t::packet_spec s;
  s.ip_options = {0x01, 0x01, 0x01, 0x00};  // NOP NOP NOP EOL
  auto v = t::build(s);
  ipv4_view ip;
  REQUIRE(ipv4_view::parse(v, ip).ok());
  CHECK(ip.header_size() == 24);
  CHECK(ip.payload().data() == v.data() + 24);
}

TEST_CASE("ipv4_view: every bad header is rejected with its code and offset", "[nat][ipv4]") {
  struct bad_case {
    const char* name;
    void (*mutate)(std::vector<std::uint8_t>&);
    errc code;
    std::uint32_t offset;
  };
  const bad_case cases[] = {
      {"empty", [](auto& v) { v.clear(); }, errc::truncated, 0},
      {"19 bytes", [](auto& v) { v.resize(19); }, errc::truncated, 19},
      {"version 6", [](auto& v) { v[0] = 0x65; }, errc::bad_version, 0},
      {"version 0", [](auto& v) { v[0] = 0x05; }, errc::bad_version, 0},
      {"IHL 4", [](auto& v) { v[0] = 0x44; }, errc::bad_header_length, 0},
      {"IHL 0", [](auto& v) { v[0] = 0x40; }, errc::bad_header_length, 0},
      {"IHL beyond buffer", [](auto& v) { v[0] = 0x4F, v.resize(40); }, errc::truncated, 40},
      {"total length > buffer", [](auto& v) { t::put16(v, 2, static_cast<std::uint16_t>(v.size() + 1)); },
       errc::bad_total_length, 2},
      {"total length 65535", [](auto& v) { t::put16(v, 2, 65535); }, errc::bad_total_length, 2},
      {"total length < IHL*4", [](auto& v) { t::put16(v, 2, 19); }, errc::bad_total_length, 2},
      {"total length 0", [](auto& v) { t::put16(v, 2, 0); }, errc::bad_total_length, 2},
      {"IHL*4 > total length", [](auto& v) { v[0] = 0x46, t::put16(v, 2, 22); }, errc::bad_total_length, 2},
      {"bad header checksum", [](auto& v) { v[11] ^= 0x01; }, errc::bad_header_checksum, 10},
      {"field changed, checksum not", [](auto& v) { v[8] = 1; }, errc::bad_header_checksum, 10},
  };
  for (const auto& c : cases) {
    auto v = sample();
    c.mutate(v);
    if (c.code != errc::bad_header_checksum && v.size() >= 20 && (v[0] & 15) >= 5 && (v[0] & 15) * 4u <= v.size())
      fix_ip_checksum(v);  // only the named defect
    t::exact_copy copy(v, v.size());
    ipv4_view ip;
    const result r = ipv4_view::parse(copy.span(), ip);
    INFO(c.name << ": got " << to_string(r.code) << " at " << r.offset);
    CHECK(r.code == c.code);
    CHECK(r.offset == c.offset);
    CHECK_FALSE(ip.valid());
  }
}

TEST_CASE("ipv4_view: a packet cut at every length fails, reading nothing past the cut", "[nat][ipv4]") {
  const auto v = sample();
  for (std::size_t n = 0; n < v.size(); ++n) {
    t::exact_copy copy(v, n);  // exact-size heap block: ASan catches any overread
    ipv4_view ip;
    const result r = ipv4_view::parse(copy.span(), ip);
    INFO("n=" << n);
    CHECK_FALSE(r.ok());
    CHECK((r.code == errc::truncated || r.code == errc::bad_total_length));
  }
  t::exact_copy full(v, v.size());
  ipv4_view ip;
  CHECK(ipv4_view::parse(full.span(), ip).ok());
}

TEST_CASE("ipv4_view: checksum verification can be skipped", "[nat][ipv4]") {
  auto v = sample();
  v[11] ^= 0xFF;
  ipv4_view ip;
  CHECK(ipv4_view::parse(v, ip).code == errc::bad_header_checksum);
  CHECK(ipv4_view::parse(v, ip, false).ok());
  CHECK_FALSE(ip.header_checksum_ok());
  ip.update_header_checksum();
  CHECK(ip.header_checksum_ok());
  CHECK(t::get16(&v[10]) == t::ref_ip_checksum(v.data(), 20));
}

TEST_CASE("ipv4_view: fragment fields", "[nat][ipv4]") {
  struct frag_case {
    std::uint16_t field;
    bool mf, df, fragment, first;
    std::uint32_t offset;
  };
  const frag_case cases[] = {
      {0x0000, false, false, false, false, 0},  {0x4000, false, true, false, false, 0},
      {0x2000, true, false, true, true, 0},     {0x2001, true, false, true, false, 8},
      {0x00B9, false, false, true, false, 1480}, {0x1FFF, false, false, true, false, 65528},
      {0x6000, true, true, true, true, 0},
  };
  for (const auto& c : cases) {
    t::packet_spec s;
    s.frag = c.field;
    auto v = t::build(s);
    ipv4_view ip;
    REQUIRE(ipv4_view::parse(v, ip).ok());  // fragments are valid IPv4
    INFO("field=" << c.field);
    CHECK(ip.more_fragments() == c.mf);
    CHECK(ip.dont_fragment() == c.df);
    CHECK(ip.is_fragment() == c.fragment);
    CHECK(ip.is_first_fragment() == c.first);
    CHECK(ip.fragment_offset() == c.offset);
  }
}

TEST_CASE("ipv4_view: setters keep the header checksum equal to a full recompute", "[nat][ipv4]") {
  auto v = sample();
  ipv4_view ip;
  REQUIRE(ipv4_view::parse(v, ip).ok());
  ip.set_src(0xCB007105);
  CHECK(ip.src() == ip_address::v4(203, 0, 113, 5));
  CHECK(t::get16(&v[10]) == t::ref_ip_checksum(v.data(), 20));
  CHECK(ip.set_dst(ip_address::v4(10, 0, 0, 1)));
  CHECK(ip.dst_uint() == 0x0A000001);
  CHECK(t::get16(&v[10]) == t::ref_ip_checksum(v.data(), 20));
  ip.set_ttl(63);
  CHECK(ip.ttl() == 63);
  CHECK(ip.protocol() == 17);
  CHECK(t::get16(&v[10]) == t::ref_ip_checksum(v.data(), 20));
  ip.set_total_length(40);
  CHECK(ip.total_length() == 40);
  CHECK(t::get16(&v[10]) == t::ref_ip_checksum(v.data(), 20));
  // IPv6 is refused and changes nothing.
  const auto before = v;
  CHECK_FALSE(ip.set_src(*ip_address::parse("2001:db8::1")));
  CHECK_FALSE(ip.set_dst(*ip_address::parse("::1")));
  CHECK(v == before);
  CHECK(ipv4_view::parse(v, ip).ok());
}
