// The fast paths of parse_uri(), parse_via()/via_reader and parse_host_port_at() (whole-view bit
// masks, one 16-byte host load, the 8-byte port word, dotted quads from lane masks) and the
// contact reader: inputs built around their edges (every view length from 16 to past 64, hosts
// and ports at the very end of the view, 1 to 8 port digits, every octet shape, LWS where the
// fast paths give up), each checked against the frozen reference parsers
// (value_parsers_reference.hpp: same errc, offset and views) and, where the answer is known,
// against explicit expectations. Every input is parsed from an exact-size heap copy (ASan).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/exact_copy.hpp"
#include "sip/value_parsers_reference.hpp"
#include "sipalg/sip.hpp"

using namespace sipalg;
using namespace sipalg::sip;

namespace {

bool same(std::string_view a, std::string_view b) { return a.data() == b.data() && a.size() == b.size(); }
bool same(const parse_result& a, const parse_result& b) { return a.ec == b.ec && a.offset == b.offset; }
bool same(const host_port& a, const host_port& b) {
  return same(a.text, b.text) && same(a.host, b.host) && same(a.address, b.address) && a.kind == b.kind &&
         same(a.port_text, b.port_text) && a.port == b.port && a.has_port == b.has_port;
}
bool same(const uri& a, const uri& b) {
  return same(a.text, b.text) && same(a.scheme, b.scheme) && a.scheme_id == b.scheme_id && a.opaque == b.opaque &&
         same(a.opaque_part, b.opaque_part) && same(a.userinfo, b.userinfo) && a.has_userinfo == b.has_userinfo &&
         same(a.user, b.user) && same(a.password, b.password) && a.has_password == b.has_password &&
         same(a.host, b.host) && same(a.params, b.params) && same(a.headers, b.headers) &&
         a.has_headers == b.has_headers;
}
bool same(const via& a, const via& b) {
  return same(a.text, b.text) && same(a.protocol_name, b.protocol_name) &&
         same(a.protocol_version, b.protocol_version) && same(a.transport, b.transport) &&
         same(a.sent_by, b.sent_by) && same(a.params, b.params);
}
bool same(const name_addr& a, const name_addr& b) {
  return same(a.text, b.text) && same(a.display_name, b.display_name) &&
         a.quoted_display_name == b.quoted_display_name && a.angle_brackets == b.angle_brackets &&
         same(a.uri, b.uri) && same(a.params, b.params);
}

/// parse_uri() agrees with the reference on `text` (exact-size copy); stale output must not leak.
bool uri_agrees(std::string_view text) {
  const test::exact_copy copy(text);
  const std::string_view s = copy.view();
  uri a, b;  // the same stale contents in both: none of it may survive a parse
  for (uri* u : {&a, &b}) {
    u->host.port = 7;
    u->password = "stale";
    u->has_headers = true;
  }
  return same(parse_uri(s, a), reference::parse_uri(s, b)) && same(a, b);
}

/// parse_via(), via_reader and parse_host_port_at() (both LWS modes, from every start) agree.
bool via_agrees(std::string_view text) {
  const test::exact_copy copy(text);
  const std::string_view s = copy.view();
  via a, b;  // the same stale contents in both (an empty value leaves `out` untouched)
  a.params = b.params = "stale";
  if (!same(parse_via(s, a), reference::parse_via(s, b)) || !same(a, b)) return false;
  via_reader n(s);
  reference::via_reader r(s);
  for (int guard = 0; guard < 16; ++guard) {
    via c, d;
    const bool x = n.next(c), y = r.next(d);
    if (x != y) return false;
    if (!x) break;
    if (!same(c, d)) return false;
  }
  if (!same(n.status(), r.status())) return false;
  for (bool lws : {false, true})
    for (std::size_t start = 0; start <= s.size(); ++start) {
      std::size_t i = start, j = start;
      host_port c, d;
      c.port_text = d.port_text = "stale";
      if (!same(detail::parse_host_port_at(s, i, c, lws), reference::parse_host_port_at(s, j, d, lws)) || i != j ||
          !same(c, d))
        return false;
    }
  return true;
}

/// contact_reader agrees with the reference, including what `out` holds after the last next().
bool contacts_agree(std::string_view text) {
  const test::exact_copy copy(text);
  const std::string_view s = copy.view();
  contact_reader n(s);
  reference::contact_reader r(s);
  contact c, d;
  c.wildcard = d.wildcard = true;
  c.address.uri = d.address.uri = "stale";
  for (int guard = 0; guard < 16; ++guard) {
    const bool x = n.next(c), y = r.next(d);
    if (x != y || c.wildcard != d.wildcard || !same(c.address, d.address)) return false;
    if (!x) break;
  }
  return same(n.status(), r.status()) && n.count() == r.count();
}

const std::vector<std::string> kOctets = {"0",   "00",  "01",  "1",   "9",   "10",  "99",  "100", "199", "200",
                                          "249", "250", "255", "256", "259", "260", "299", "300", "999", "1000"};

}  // namespace

TEST_CASE("fast paths: URIs of every length around the 16/64-byte limits", "[sip][fast]") {
  const std::vector<std::string_view> users = {"", "525@", "alice:pw@", "a?b@", "u;x=1@", "a@b@"};
  const std::vector<std::string_view> hosts = {"192.168.20.100", "10.0.0.1", "1.2.3.4", "host.example.com",
                                               "a-b_c.d", "256.1.1.1", "01.2.3.4", "[::1]", "abcdefghijklmnop"};
  const std::vector<std::string_view> ports = {"", ":5060", ":1", ":65535", ":65536", ":99999", ":05060",
                                               ":000005060", ":12345678", ":", ":x", ": 5060"};
  const std::vector<std::string_view> tails = {"", ";transport=udp", "?h=1", ";lr?x=@", ";a<b", " ", ">"};
  std::size_t n = 0;
  for (std::string_view scheme : {"sip:", "SIPS:", "sIp:", "tel:"})
    for (std::string_view user : users)
      for (std::string_view host : hosts)
        for (std::string_view port : ports)
          for (std::string_view tail : tails)
            for (std::size_t pad : {0, 7, 20, 40}) {  // a longer user part moves the host across blocks
              std::string s(scheme);
              if (pad != 0) s += std::string(pad, 'u') + "@";
              s += user;
              s += host;
              s += port;
              s += tail;
              INFO(s);
              REQUIRE(uri_agrees(s));
              ++n;
            }
  CHECK(n > 10000);
}

TEST_CASE("fast paths: every octet shape of a dotted-quad host", "[sip][fast]") {
  for (std::size_t pos = 0; pos < 4; ++pos)
    for (const std::string& octet : kOctets)
      for (std::string_view tail : {"", ":5060", ";x", ":5060;transport=tcp"}) {
        std::string quad;
        for (std::size_t j = 0; j < 4; ++j) quad += (j ? "." : "") + (j == pos ? octet : std::string("172"));
        const std::string text = "sip:user@" + quad + std::string(tail);
        INFO(text);
        REQUIRE(uri_agrees(text));
        uri u;
        REQUIRE(parse_uri(text, u).ok());
        CHECK((u.host.kind == host_kind::ipv4) == ip_address::parse_v4(quad).has_value());
        REQUIRE(via_agrees("SIP/2.0/UDP " + quad + std::string(tail)));
      }
  // Shapes: dots first, last, doubled, three or five parts, four-digit parts.
  for (std::string_view host : {".1.2.3", "1.2.3.", "1..2.3", "1.2.3", "1.2.3.4.5", "1234.1.1.1", "1.1.1.1234",
                                "1.2.3.4a", "a1.2.3.4", "255.255.255.255", "0.0.0.0", "199.250.255.200"}) {
    const std::string text = "sip:abcdefghijkl@" + std::string(host);
    INFO(text);
    REQUIRE(uri_agrees(text));
    REQUIRE(via_agrees("SIP/2.0/TCP " + std::string(host) + ";branch=z9hG4bK1"));
  }
}

TEST_CASE("fast paths: explicit results through the fast paths", "[sip][fast]") {
  uri u;
  REQUIRE(parse_uri("sip:525@192.168.20.100:5060", u).ok());
  CHECK(u.user == "525");
  CHECK(u.host.host == "192.168.20.100");
  CHECK(u.host.kind == host_kind::ipv4);
  CHECK(u.host.port == 5060);
  CHECK(u.host.port_text == "5060");
  CHECK(u.params.empty());
  CHECK_FALSE(u.has_headers);
  REQUIRE(parse_uri("sips:bob:pw@h.example:65535;lr?x=1&y=@", u).ok());
  CHECK(u.scheme_id == uri_scheme::sips);
  CHECK(u.password == "pw");
  CHECK(u.host.kind == host_kind::domain);
  CHECK(u.host.port == 65535);
  CHECK(u.params == ";lr");
  CHECK(u.headers == "x=1&y=@");
  CHECK(parse_uri("sip:alice@192.168.20.100:65536", u).ec == errc::bad_port);
  CHECK(parse_uri("sip:alice@192.168.20.100:5060x", u).ec == errc::bad_uri);
  REQUIRE(parse_uri("sip:alice@192.168.20.100:0005060", u).ok());  // leading zeros: the general path
  CHECK(u.host.port == 5060);

  via v;
  REQUIRE(parse_via("SIP/2.0/UDP 192.168.20.100:5060;branch=z9hG4bK-7badf56d ,SIP/2.0/TCP h", v).ok());
  CHECK(v.transport == "UDP");
  CHECK(v.sent_by.kind == host_kind::ipv4);
  CHECK(v.sent_by.port == 5060);
  CHECK(v.params == ";branch=z9hG4bK-7badf56d");
  CHECK(v.text == "SIP/2.0/UDP 192.168.20.100:5060;branch=z9hG4bK-7badf56d");
  REQUIRE(parse_via("SIP/2.0/UDP 10.0.0.1 : 5070 ;rport", v).ok());  // LWS around ':': the general path
  CHECK(v.sent_by.port == 5070);
  CHECK(parse_via("SIP/2.0/UDP 10.0.0.1:5060 x", v).ec == errc::bad_via);
}

TEST_CASE("fast paths: Via values around the transport, sent-by and tail checks", "[sip][fast]") {
  const std::vector<std::string_view> heads = {"SIP/2.0/UDP ", "SIP/2.0/TCP\t", "SIP/2.0/UDP  ", "SIP/2.0/WS ",
                                               "SIP/2.0/SCTP ", "SIP/2.0/UD\x80 ", " SIP/2.0/TLS ", "SIP/2.0/UDP\r\n "};
  const std::vector<std::string_view> sent_by = {"192.168.20.100:5060", "192.168.20.100", "h.example.com:5061",
                                                 "[2001:db8::1]:5060", "1.2.3.4 :5060", "1.2.3.4: 5060",
                                                 "1.2.3.4:123456", "abcdefghijklmnopq:1", "1.2.3.4:65536"};
  const std::vector<std::string_view> tails = {"", ";branch=z9hG4bK-7badf56d", " ;rport", ";x=\"a,b\" , SIP/2.0/UDP h",
                                               ", SIP/2.0/TCP h:1", " x", ";branch=1 \t", ",", ";a=<b"};
  for (std::string_view h : heads)
    for (std::string_view sb : sent_by)
      for (std::string_view t : tails) {
        const std::string text = std::string(h) + std::string(sb) + std::string(t);
        INFO(text);
        REQUIRE(via_agrees(text));
        for (std::size_t cut = 0; cut <= text.size(); cut += 3) REQUIRE(via_agrees(text.substr(0, cut)));
      }
}

TEST_CASE("fast paths: the contact reader resets its output on every path", "[sip][fast]") {
  for (std::string_view v : {"\"David Attias\" <sip:525@192.168.20.100:5060>", "*", " * ", "*, <sip:a@b>",
                             "<sip:a@b>, <sip:c@d>;expires=60", "<sip:a@b> x", "<sip:a@b>,", "<sip:a@b>, ,",
                             "\"unterminated <sip:a@b>", "sip:a@b;q=0.5 , sip:c@d", "", " ", "<sip:a@b\t>"}) {
    INFO(v);
    REQUIRE(contacts_agree(v));
  }
}
