// via_reader / parse_via(): Via values (RFC 3261 20.42, RFC 3581, RFC 5118, RFC 4475).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/exact_copy.hpp"
#include "sipalg/sip/via.hpp"

using namespace sipalg;
using namespace sipalg::sip;

namespace {
std::vector<via> read_all(std::string_view s, parse_result* status = nullptr) {
  std::vector<via> out;
  via_reader r(s);
  via v;
  while (r.next(v)) out.push_back(v);
  CHECK(r.count() == out.size());
  if (status) *status = r.status();
  return out;
}
}  // namespace

TEST_CASE("via: one via-parm with its parts", "[sip][via]") {
  test::exact_copy c("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport");
  via v;
  REQUIRE(parse_via(c.view(), v).ec == errc::ok);
  CHECK(v.protocol_name == "SIP");
  CHECK(v.protocol_version == "2.0");
  CHECK(v.transport == "UDP");
  CHECK(v.transport_is("udp"));
  CHECK(v.sent_by.host == "10.0.0.1");
  CHECK(v.sent_by.kind == host_kind::ipv4);
  CHECK(v.sent_by.port == 5060);
  CHECK(v.sent_by.port_text == "5060");
  CHECK(v.params == ";branch=z9hG4bK776asdhds;rport");
  CHECK(v.branch()->value == "z9hG4bK776asdhds");
  REQUIRE(v.rport());
  CHECK(!v.rport()->has_value);
  CHECK(!v.received());
  CHECK(v.text == c.view());
}

TEST_CASE("via: received/rport/maddr/ttl", "[sip][via]") {
  via v;
  REQUIRE(parse_via("SIP/2.0/UDP 192.168.1.2;received=203.0.113.9;rport=1024;maddr=224.2.0.1;ttl=16;branch=z9hG4bKx", v)
              .ok());
  CHECK(v.received()->value == "203.0.113.9");
  CHECK(v.rport()->value == "1024");
  CHECK(v.maddr()->value == "224.2.0.1");
  CHECK(v.ttl()->value == "16");
  CHECK(!v.sent_by.has_port);
}

TEST_CASE("via: IPv6 sent-by and received (RFC 5118 4.5)", "[sip][via]") {
  via v;
  REQUIRE(parse_via("SIP/2.0/UDP [2001:db8::9:1]:5070;received=[2001:db8::9:255];branch=z9hG4bKas3", v).ok());
  CHECK(v.sent_by.host == "[2001:db8::9:1]");
  CHECK(v.sent_by.address == "2001:db8::9:1");
  CHECK(v.sent_by.kind == host_kind::ipv6);
  CHECK(v.sent_by.port == 5070);
  CHECK(v.received()->value == "[2001:db8::9:255]");
  REQUIRE(parse_via("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3", v).ok());
  CHECK(v.received()->value == "2001:db8::9:255");
  CHECK(!v.sent_by.has_port);
}

TEST_CASE("via: LWS, folding and several via-parms (RFC 4475 3.1.1.1)", "[sip][via]") {
  const std::string_view value =
      "SIP  / 2.0  / TCP     spindle.example.com   ;\r\n"
      "  branch  =   z9hG4bK9ikj8  ,\r\n"
      " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n"
      " z9hG4bK30239";
  test::exact_copy c(value);
  parse_result st;
  const auto vias = read_all(c.view(), &st);
  CHECK(st.ec == errc::ok);
  REQUIRE(vias.size() == 2);
  CHECK(vias[0].transport == "TCP");
  CHECK(vias[0].sent_by.host == "spindle.example.com");
  CHECK(vias[0].branch()->value == "z9hG4bK9ikj8");
  CHECK(vias[0].text == "SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8");
  CHECK(vias[1].transport == "UDP");
  CHECK(vias[1].sent_by.host == "192.168.255.111");
  CHECK(vias[1].branch()->value == "z9hG4bK30239");
  // "SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw" and sent-by with LWS around ':'.
  via v;
  REQUIRE(parse_via("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2 : 5062;branch=390skdjuw", v).ok());
  CHECK(v.sent_by.host == "192.0.2.2");
  CHECK(v.sent_by.port == 5062);
}

TEST_CASE("via: commas inside quoted parameter values do not split", "[sip][via]") {
  parse_result st;
  const auto vias = read_all("SIP/2.0/UDP a;x=\"1,2\";branch=z9hG4bK1, SIP/2.0/TCP b:5061;branch=z9hG4bK2", &st);
  CHECK(st.ec == errc::ok);
  REQUIRE(vias.size() == 2);
  CHECK(vias[0].find_param("x")->value == "\"1,2\"");
  CHECK(vias[1].sent_by.port == 5061);
}

TEST_CASE("via: every transport token (RFC 4475 3.1.1.10)", "[sip][via]") {
  parse_result st;
  const auto vias = read_all(
      "SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw, SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf, "
      "SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj, SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en, "
      "SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee, SIP/2.0/WS t6.example.com;branch=z9hG4bKx",
      &st);
  CHECK(st.ec == errc::ok);
  REQUIRE(vias.size() == 6);
  CHECK(vias[3].transport == "UNKNOWN");
  CHECK(vias[5].transport == "WS");
}

TEST_CASE("via: errors", "[sip][via]") {
  const std::pair<std::string_view, errc> rows[] = {
      {"", errc::bad_via},
      {"SIP/2.0/UDP", errc::bad_via},
      {"SIP/2.0 UDP h", errc::bad_via},
      {"SIP//UDP h", errc::bad_via},
      {"SIP/2.0/UDPh", errc::bad_via},
      {"SIP/2.0/UDP ", errc::bad_host},
      {"SIP/2.0/UDP h:", errc::bad_port},
      {"SIP/2.0/UDP h:70000", errc::bad_port},
      {"SIP/2.0/UDP fe80:0:0:0:21a:a0ff:fe07:32e0:5060;branch=x", errc::bad_via},  // IPv6 without []
      {"SIP/2.0/UDP h junk", errc::bad_via},
      {"SIP/2.0/UDP 192.0.2.15;;,;,,", errc::bad_via},  // RFC 4475 3.1.2.1: second element empty
      {"SIP/2.0/UDP h,", errc::bad_via},
      {", SIP/2.0/UDP h", errc::bad_via},
      {"SIP/2.0/UDP h,,SIP/2.0/UDP g", errc::bad_via},
  };
  for (const auto& [in, ec] : rows) {
    INFO(in);
    test::exact_copy c(in);
    parse_result st;
    (void)read_all(c.view(), &st);
    CHECK(st.ec == ec);
  }
  via v;
  CHECK(parse_via("", v).ec == errc::bad_via);
  CHECK(parse_via("SIP/2.0/UDP a, SIP/2.0/UDP b", v).offset == 13);
}
