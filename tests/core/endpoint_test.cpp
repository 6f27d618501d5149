// endpoint: `a.b.c.d[:port]`, `[v6][:port]`, bare IPv6; strict ports.
#include "sipalg/core/endpoint.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/exact_copy.hpp"

using sipalg::endpoint;
using sipalg::ip_address;
using sipalg::test::exact_copy;

namespace {
std::optional<endpoint> parse(std::string_view s) { return endpoint::parse(exact_copy(s).view()); }
std::string text(const endpoint& e) { return std::string(e.to_text().view()); }
}  // namespace

TEST_CASE("endpoint: addresses with and without a port", "[endpoint]") {
  const struct {
    std::string_view in;
    std::string_view address;  // canonical
    bool has_port;
    std::uint16_t port;
    std::string_view out;  // canonical endpoint text
  } cases[] = {
      {"1.2.3.4:5060", "1.2.3.4", true, 5060, "1.2.3.4:5060"},
      {"192.168.0.31:5010", "192.168.0.31", true, 5010, "192.168.0.31:5010"},
      {"1.2.3.4", "1.2.3.4", false, 0, "1.2.3.4"},
      {"0.0.0.0:0", "0.0.0.0", true, 0, "0.0.0.0:0"},
      {"255.255.255.255:65535", "255.255.255.255", true, 65535, "255.255.255.255:65535"},
      {"1.2.3.4:1", "1.2.3.4", true, 1, "1.2.3.4:1"},
      {"1.2.3.4:05060", "1.2.3.4", true, 5060, "1.2.3.4:5060"},  // RFC 3261 port = 1*DIGIT
      {"[2001:db8::1]:5060", "2001:db8::1", true, 5060, "[2001:db8::1]:5060"},
      {"[2001:DB8:0:0:0:0:0:1]:5061", "2001:db8::1", true, 5061, "[2001:db8::1]:5061"},
      {"[2001:db8::1]", "2001:db8::1", false, 0, "[2001:db8::1]"},
      {"[::1]:1", "::1", true, 1, "[::1]:1"},
      {"[::]:0", "::", true, 0, "[::]:0"},
      {"[::ffff:192.0.2.1]:5060", "::ffff:192.0.2.1", true, 5060, "[::ffff:192.0.2.1]:5060"},
      {"2001:db8::1", "2001:db8::1", false, 0, "[2001:db8::1]"},  // bare IPv6: never a port
      {"::1:5060", "::1:5060", false, 0, "[::1:5060]"},           // ... so this is an address
      {"[1111:2222:3333:4444:5555:6666:7777:8888]:65535", "1111:2222:3333:4444:5555:6666:7777:8888", true,
       65535, "[1111:2222:3333:4444:5555:6666:7777:8888]:65535"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto e = parse(c.in);
    REQUIRE(e);
    CHECK(e->address.to_text() == c.address);
    CHECK(e->has_port == c.has_port);
    CHECK(e->port == c.port);
    CHECK(text(*e) == c.out);
    CHECK(parse(c.out) == e);  // the printed text parses back
  }
}

TEST_CASE("endpoint: malformed text and bad ports are rejected", "[endpoint]") {
  const std::string_view bad[] = {
      // Ports.
      "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:99999", "1.2.3.4:100000", "1.2.3.4:-1", "1.2.3.4:+5060",
      "1.2.3.4:0x10", "1.2.3.4:5060x", "1.2.3.4:50 60", "1.2.3.4: 5060", "1.2.3.4:5060 ", "1.2.3.4 :5060",
      "1.2.3.4:5060:", "1.2.3.4::5060", "1.2.3.4:4294967296", "1.2.3.4:18446744073709551616",
      "1.2.3.4:99999999999999999999999", "1.2.3.4:5060;transport=udp", "1.2.3.4:sip",
      "[2001:db8::1]:", "[2001:db8::1]:65536", "[2001:db8::1]:-1", "[2001:db8::1]:0x10", "[2001:db8::1]::5060",
      // Brackets.
      "[2001:db8::1", "2001:db8::1]", "[2001:db8::1]5060", "[2001:db8::1]]:5060", "[[2001:db8::1]]",
      "[1.2.3.4]:5060", "[1.2.3.4]", "[]:5060", "[]", "[", "]", "[:]", "[::1] :5060", "[ ::1]:5060",
      // Addresses.
      "", ":", ":5060", "1.2.3:5060", "01.2.3.4:5060", "256.1.1.1:5060", "[fe80::1%eth0]:5060",
      "[fe80::1%25eth0]:5060", "fe80::1%eth0", "host.example.com:5060", "example.com", " 1.2.3.4:5060",
      "1.2.3.4:5060\r\n", ":::", "1::2::3", "[:::]:5060", "[1::2::3]:5060",
      std::string_view("1.2.3.4:5060\0", 13), std::string_view("[::1]\0:5060", 11),
  };
  for (auto s : bad) {
    CAPTURE(s);
    CHECK_FALSE(parse(s));
  }
}

TEST_CASE("endpoint: every port 0..65535 parses, 65536..70000 do not", "[endpoint]") {
  for (std::uint32_t p = 0; p <= 70000; ++p) {
    const std::string s = "10.0.0.1:" + std::to_string(p);
    const auto e = parse(s);
    if (e.has_value() != (p <= 65535)) FAIL_CHECK(s);
    if (e && e->port != p) FAIL_CHECK(s);
  }
}

TEST_CASE("endpoint: every prefix of valid text is handled within bounds", "[endpoint]") {
  for (std::string_view in : {"[2001:db8:aaaa::ffff]:65535", "192.168.100.200:5060", "[::ffff:10.0.0.1]"}) {
    for (std::size_t n = 0; n <= in.size(); ++n) {
      CAPTURE(in.substr(0, n));
      (void)parse(in.substr(0, n));
    }
  }
  CHECK(parse("192.168.100.200:5"));
  CHECK(parse("192.168.100.200"));
  CHECK_FALSE(parse("192.168.100.200:"));
  CHECK_FALSE(parse("[2001:db8:aaaa::ffff]:"));
  CHECK_FALSE(parse("[2001:db8:aaaa::ffff"));
}

TEST_CASE("endpoint: construction, port_or, equality", "[endpoint]") {
  const endpoint a(ip_address::v4(10, 0, 0, 1), 5060);
  CHECK(a.has_port);
  CHECK(a.port_or(5061) == 5060);
  CHECK(a == *parse("10.0.0.1:5060"));
  CHECK(a != *parse("10.0.0.1:5061"));
  CHECK(a != *parse("10.0.0.2:5060"));
  CHECK(a != *parse("10.0.0.1"));  // "no port" is not port 5060
  const auto bare = parse("10.0.0.1");
  REQUIRE(bare);
  CHECK(bare->port_or(5060) == 5060);
  CHECK(bare->port_or(5061) == 5061);
  CHECK(*bare == *parse("10.0.0.1"));
  CHECK(endpoint{} == endpoint{});
  CHECK_FALSE(endpoint{}.has_port);
  CHECK(*parse("[::ffff:1.2.3.4]:5060") != *parse("1.2.3.4:5060"));
  static_assert(endpoint::parse("[2001:db8::1]:5060")->port == 5060);
  static_assert(!endpoint::parse("1.2.3.4:65536"));
  CHECK(sipalg::to_string(sipalg::transport::udp) == "udp");
  CHECK(sipalg::to_string(sipalg::transport::tcp) == "tcp");
}

TEST_CASE("endpoint::to_chars: exact fit, one short, longest text", "[endpoint]") {
  const std::string_view longest = "[1111:2222:3333:4444:5555:6666:7777:8888]:65535";
  REQUIRE(longest.size() <= endpoint::max_text_size);
  for (std::string_view in : {std::string_view("1.2.3.4:5060"), std::string_view("[::1]"),
                              std::string_view("255.255.255.255:65535"), longest}) {
    CAPTURE(in);
    const auto e = parse(in);
    REQUIRE(e);
    char buf[80];
    std::string(sizeof buf, '#').copy(buf, sizeof buf);
    auto r = e->to_chars(buf, buf + in.size());
    CHECK(r.ec == std::errc{});
    CHECK(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)) == in);
    std::string(sizeof buf, '#').copy(buf, sizeof buf);
    r = e->to_chars(buf, buf + in.size() - 1);
    CHECK(r.ec == std::errc::value_too_large);
    CHECK(std::string_view(buf, sizeof buf) == std::string(sizeof buf, '#'));
  }
}
