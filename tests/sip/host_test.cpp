// host_port: host [":" port] (RFC 3261 25.1, RFC 5118).
#include <catch2/catch.hpp>

#include "core/exact_copy.hpp"
#include "sipalg/sip/host.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("host_port: valid forms", "[sip][host]") {
  struct row {
    std::string_view in;
    host_kind kind;
    std::string_view host, address, port_text;
    bool has_port;
    std::uint16_t port;
  };
  const row rows[] = {
      {"192.0.2.1", host_kind::ipv4, "192.0.2.1", "192.0.2.1", "", false, 0},
      {"192.0.2.1:5060", host_kind::ipv4, "192.0.2.1", "192.0.2.1", "5060", true, 5060},
      {"10.0.0.1:0", host_kind::ipv4, "10.0.0.1", "10.0.0.1", "0", true, 0},
      {"10.0.0.1:65535", host_kind::ipv4, "10.0.0.1", "10.0.0.1", "65535", true, 65535},
      {"10.0.0.1:05060", host_kind::ipv4, "10.0.0.1", "10.0.0.1", "05060", true, 5060},
      {"example.com", host_kind::domain, "example.com", "example.com", "", false, 0},
      {"EXAMPLE.com.:5061", host_kind::domain, "EXAMPLE.com.", "EXAMPLE.com.", "5061", true, 5061},
      {"my_host-1", host_kind::domain, "my_host-1", "my_host-1", "", false, 0},
      {"192.0.2.300", host_kind::domain, "192.0.2.300", "192.0.2.300", "", false, 0},  // not an address
      {"1.2.3", host_kind::domain, "1.2.3", "1.2.3", "", false, 0},
      {"[2001:db8::1]", host_kind::ipv6, "[2001:db8::1]", "2001:db8::1", "", false, 0},
      {"[2001:db8::10]:5070", host_kind::ipv6, "[2001:db8::10]", "2001:db8::10", "5070", true, 5070},
      {"[2001:db8::10:5070]", host_kind::ipv6, "[2001:db8::10:5070]", "2001:db8::10:5070", "", false, 0},  // RFC 5118 4.3
      {"[::ffff:192.0.2.2]", host_kind::ipv6, "[::ffff:192.0.2.2]", "::ffff:192.0.2.2", "", false, 0},
      {"[2001:db8:::192.0.2.1]", host_kind::ipv6, "[2001:db8:::192.0.2.1]", "2001:db8:::192.0.2.1", "", false, 0},
  };
  for (const row& r : rows) {
    INFO(r.in);
    test::exact_copy c(r.in);
    host_port h;
    const parse_result res = parse_host_port(c.view(), h);
    REQUIRE(res.ec == errc::ok);
    CHECK(h.kind == r.kind);
    CHECK(h.host == r.host);
    CHECK(h.address == r.address);
    CHECK(h.port_text == r.port_text);
    CHECK(h.has_port == r.has_port);
    CHECK(h.port == r.port);
    CHECK(h.text == c.view());
    CHECK(h.host.data() == c.view().data());  // views into the input
  }
}

TEST_CASE("host_port: ip() and port_or()", "[sip][host]") {
  host_port h;
  REQUIRE(parse_host_port("10.1.2.3", h).ok());
  CHECK(h.ip() == ip_address::v4(10, 1, 2, 3));
  CHECK(h.port_or(5060) == 5060);
  REQUIRE(parse_host_port("[2001:db8::1]:1", h).ok());
  CHECK(h.ip() == ip_address::parse("2001:db8::1"));
  CHECK(h.port_or(5060) == 1);
  REQUIRE(parse_host_port("[2001:db8:::192.0.2.1]", h).ok());
  CHECK(!h.ip());  // tolerated (RFC 5118 4.10) but not an address an ALG will match
  REQUIRE(parse_host_port("example.com", h).ok());
  CHECK(!h.ip());
  CHECK(to_string(host_kind::ipv6) == "ipv6");
}

TEST_CASE("host_port: errors", "[sip][host]") {
  const std::pair<std::string_view, errc> rows[] = {
      {"", errc::bad_host},          {":5060", errc::bad_host},        {"[", errc::bad_host},
      {"[]", errc::bad_host},        {"[2001:db8::1", errc::bad_host}, {"[1.2.3.4]", errc::bad_host},
      {"[2001:db8::g]", errc::bad_host}, {"host:", errc::bad_port},   {"host:65536", errc::bad_port},
      {"host:abc", errc::bad_port},  {"host:5060x", errc::bad_host},  {"ho st", errc::bad_host},
      {"2001:db8::1", errc::bad_port},  // RFC 5118 4.2: IPv6 without brackets
      {"host;x", errc::bad_host},
  };
  for (const auto& [in, ec] : rows) {
    INFO(in);
    test::exact_copy c(in);
    host_port h;
    CHECK(parse_host_port(c.view(), h).ec == ec);
  }
}

TEST_CASE("host_port: Via sent-by allows LWS around the colon", "[sip][host]") {
  const std::string_view s = "192.0.2.1 : 5060;x";
  host_port h;
  std::size_t i = 0;
  REQUIRE(detail::parse_host_port_at(s, i, h, true).ok());
  CHECK(h.port == 5060);
  CHECK(h.text == "192.0.2.1 : 5060");
  CHECK(s[i] == ';');
  i = 0;
  REQUIRE(detail::parse_host_port_at(s, i, h, false).ok());
  CHECK(!h.has_port);
  CHECK(i == 9);
}
