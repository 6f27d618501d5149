// parse_uri(): SIP/SIPS URIs (RFC 3261 19.1, RFC 4475, RFC 5118) and opaque schemes.
#include <catch2/catch.hpp>

#include "core/exact_copy.hpp"
#include "sipalg/sip/uri.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("uri: SIP URI components", "[sip][uri]") {
  struct row {
    std::string_view in;
    uri_scheme scheme;
    std::string_view user, password, host, address, port, params, headers;
    host_kind kind;
  };
  const row rows[] = {
      {"sip:alice@10.0.0.1", uri_scheme::sip, "alice", "", "10.0.0.1", "10.0.0.1", "", "", "", host_kind::ipv4},
      {"sip:alice@10.0.0.1:5060;transport=udp", uri_scheme::sip, "alice", "", "10.0.0.1", "10.0.0.1", "5060",
       ";transport=udp", "", host_kind::ipv4},
      {"SIPS:bob:secret@example.com:5061;lr?subject=hi&x=y", uri_scheme::sips, "bob", "secret", "example.com",
       "example.com", "5061", ";lr", "subject=hi&x=y", host_kind::domain},
      {"sip:example.com", uri_scheme::sip, "", "", "example.com", "example.com", "", "", "", host_kind::domain},
      {"sip:[2001:db8::10]:5070", uri_scheme::sip, "", "", "[2001:db8::10]", "2001:db8::10", "5070", "", "",
       host_kind::ipv6},
      {"sip:user@[2001:db8::10:5070]", uri_scheme::sip, "user", "", "[2001:db8::10:5070]", "2001:db8::10:5070", "",
       "", "", host_kind::ipv6},
      // RFC 4475 3.1.1.9: the user part contains ';' and an escaped '@'.
      {"sip:user;par=u%40example.net@example.com", uri_scheme::sip, "user;par=u%40example.net", "", "example.com",
       "example.com", "", "", "", host_kind::domain},
      // RFC 4475 3.1.1.4: escaped NUL.
      {"sip:null-%00-null@example.com", uri_scheme::sip, "null-%00-null", "", "example.com", "example.com", "", "", "",
       host_kind::domain},
      // RFC 4475 3.1.1.2: the user part may contain '?', ',' '/' ';' and '&'.
      {"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
       uri_scheme::sip, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
       "example.com", "example.com", "", "", "", host_kind::domain},
      {"sip:*98@207.252.1.148", uri_scheme::sip, "*98", "", "207.252.1.148", "207.252.1.148", "", "", "",
       host_kind::ipv4},
      {"sip:+12125551212@gw.example.net;user=phone", uri_scheme::sip, "+12125551212", "", "gw.example.net",
       "gw.example.net", "", ";user=phone", "", host_kind::domain},
      {"sip:user@example.com?Route=%3Csip:example.com%3E", uri_scheme::sip, "user", "", "example.com", "example.com",
       "", "", "Route=%3Csip:example.com%3E", host_kind::domain},
  };
  for (const row& r : rows) {
    INFO(r.in);
    test::exact_copy c(r.in);
    uri u;
    REQUIRE(parse_uri(c.view(), u).ec == errc::ok);
    CHECK(!u.opaque);
    CHECK(u.is_sip());
    CHECK(u.scheme_id == r.scheme);
    CHECK(u.user == r.user);
    CHECK(u.password == r.password);
    CHECK(u.has_password == !r.password.empty());
    CHECK(u.host.host == r.host);
    CHECK(u.host.address == r.address);
    CHECK(u.host.kind == r.kind);
    CHECK(u.host.port_text == r.port);
    CHECK(u.params == r.params);
    CHECK(u.headers == r.headers);
    CHECK(u.text == c.view());
  }
}

TEST_CASE("uri: parameters and default ports", "[sip][uri]") {
  uri u;
  REQUIRE(parse_uri("sip:a@h;transport=TCP;lr;maddr=239.255.255.1;ttl=15;user=ip;method=INVITE", u).ok());
  CHECK(u.find_param("TRANSPORT")->value == "TCP");
  CHECK(u.find_param("lr"));
  CHECK(!u.find_param("lr")->has_value);
  CHECK(u.find_param("maddr")->value == "239.255.255.1");
  CHECK(u.find_param("ttl")->value == "15");
  CHECK(!u.find_param("x"));
  int n = 0;
  for (const param& p : u.parameters()) n += !p.name.empty();
  CHECK(n == 6);
  CHECK(u.port_or_default() == 5060);
  REQUIRE(parse_uri("sips:h", u).ok());
  CHECK(u.default_port() == 5061);
  CHECK(u.port_or_default() == 5061);
  REQUIRE(parse_uri("sips:h:5000", u).ok());
  CHECK(u.port_or_default() == 5000);
}

TEST_CASE("uri: other schemes are opaque, not errors", "[sip][uri]") {
  const std::pair<std::string_view, uri_scheme> rows[] = {
      {"tel:+1-201-555-0123;phone-context=example.com", uri_scheme::tel},
      {"TEL:1234", uri_scheme::tel},
      {"http://www.example.com/", uri_scheme::other},
      {"unknownscheme:foo@bar", uri_scheme::other},  // RFC 4475 3.3.2
      {"urn:service:sos", uri_scheme::other},
      {"mailto:a@b", uri_scheme::other},
  };
  for (const auto& [in, scheme] : rows) {
    INFO(in);
    uri u;
    REQUIRE(parse_uri(in, u).ok());
    CHECK(u.opaque);
    CHECK(!u.is_sip());
    CHECK(u.scheme_id == scheme);
    CHECK(u.opaque_part == in.substr(in.find(':') + 1));
    CHECK(u.host.kind == host_kind::none);
  }
}

TEST_CASE("uri: errors", "[sip][uri]") {
  const std::pair<std::string_view, errc> rows[] = {
      {"", errc::bad_uri},
      {"sip", errc::bad_uri},
      {":foo", errc::bad_uri},
      {"1sip:a", errc::bad_uri},
      {"sip:", errc::bad_host},
      {"sip:user@", errc::bad_host},
      {"sip:a b@h", errc::bad_uri},
      {"sip:a@h x", errc::bad_uri},
      {"sip:<a@h>", errc::bad_uri},
      {"sip:a@h\r\n", errc::bad_uri},
      {"sip:a@h:", errc::bad_port},
      {"sip:a@h:99999", errc::bad_port},
      {"sip:user@2001:db8::10", errc::bad_port},  // RFC 5118 4.2
      {"sip:a@[2001:db8::1", errc::bad_host},
      {"sip:a@h/x", errc::bad_uri},
      {"sip:a@h:50x", errc::bad_uri},
  };
  for (const auto& [in, ec] : rows) {
    INFO(in);
    test::exact_copy c(in);
    uri u;
    CHECK(parse_uri(c.view(), u).ec == ec);
  }
}
