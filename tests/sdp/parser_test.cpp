// Tests of sipalg/sdp/parser.hpp: parse_sdp on RFC 8866 syntax, the fields
// the ALG rewrites, the documented leniencies, and every bad input we could
// think of. Every parse runs on an exact-size heap copy so ASan reports any
// read past the end.
#include "sipalg/sdp/parser.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "sdp/sdp_test_support.hpp"

using namespace std::literals;
using sipalg::ip_address;
using sipalg::sdp::address_type;
using sipalg::sdp::attribute_kind;
using sipalg::sdp::errc;
using sipalg::sdp::media_direction;
using sipalg::sdp::parse_result;
using sipalg::sdp::parse_sdp;
using sipalg::sdp::session_description;
using sipalg::test::exact_copy;

namespace {

// Parses an exact-size heap copy of `text`; the description's views point into `copy`.
struct parsed {
  exact_copy copy;
  session_description d;
  parse_result r;
  explicit parsed(std::string_view text) : copy(text), r(parse_sdp(copy.view(), d)) {}
  // Offset of `part` (a view into the copy) within the body.
  std::uint32_t off(std::string_view part) const { return d.offset_of(part); }
};

constexpr std::string_view head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

// Offset of the byte `marker` names inside `body` (`marker` must occur), plus `delta`.
std::uint32_t marker_offset(std::string_view body, std::string_view marker, int delta) {
  const auto p = body.find(marker);
  REQUIRE(p != std::string_view::npos);
  return static_cast<std::uint32_t>(static_cast<int>(p) + delta);
}

}  // namespace

TEST_CASE("parse_sdp: a full offer with every field the ALG rewrites", "[sdp][parser]") {
  const std::string text =
      "v=0\r\n"
      "o=alice 2890844526 2890844527 IN IP4 192.168.1.10\r\n"
      "s=Call\r\n"
      "c=IN IP4 192.168.1.10\r\n"
      "t=0 0\r\n"
      "a=sendonly\r\n"
      "m=audio 49170 RTP/AVP 0 8 101\r\n"
      "a=rtpmap:0 PCMU/8000\r\n"
      "a=rtcp:49171 IN IP4 192.168.1.10\r\n"
      "m=video 51372/2 RTP/AVP 31\r\n"
      "c=IN IP6 2001:db8::5\r\n"
      "a=recvonly\r\n"
      "a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ host\r\n"
      "a=rtcp-mux\r\n"
      "m=image 0 udptl t38\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=rtcp:9\r\n";
  parsed p(text);
  REQUIRE(p.r == parse_result{errc::ok, 0});
  const auto& d = p.d;
  sipalg::test::check_views(d);
  CHECK(d.body.data() == p.copy.view().data());
  CHECK(d.version == "0");
  CHECK(d.session_name == "Call");

  CHECK(d.origin.line == "o=alice 2890844526 2890844527 IN IP4 192.168.1.10");
  CHECK(p.off(d.origin.line) == 5);
  CHECK(d.origin.username == "alice");
  CHECK(d.origin.sess_id == "2890844526");
  CHECK(d.origin.sess_version == "2890844527");
  CHECK(d.origin.nettype == "IN");
  CHECK(d.origin.addrtype == "IP4");
  CHECK(d.origin.type == address_type::ip4);
  CHECK(d.origin.address == "192.168.1.10");
  CHECK(p.off(d.origin.address) == text.find("192.168.1.10"));
  REQUIRE(d.origin.ip);
  CHECK(*d.origin.ip == ip_address::v4(192, 168, 1, 10));
  CHECK(!d.origin.is_fqdn());

  CHECK(d.connection.present());
  CHECK(d.connection.line == "c=IN IP4 192.168.1.10");
  CHECK(d.connection.address == "192.168.1.10");
  CHECK(p.off(d.connection.address) == text.find("c=IN IP4 192.168.1.10") + 9);
  CHECK(!d.connection.ttl);
  CHECK(!d.connection.count);
  CHECK(d.direction == media_direction::sendonly);
  REQUIRE(d.session_attributes().size() == 1);
  CHECK(d.session_attributes()[0].kind == attribute_kind::direction);

  REQUIRE(d.media.size() == 3);
  const auto& audio = d.media[0];
  CHECK(audio.line == "m=audio 49170 RTP/AVP 0 8 101");
  CHECK(audio.media == "audio");
  CHECK(audio.port_text == "49170");
  CHECK(p.off(audio.port_text) == text.find("49170"));
  CHECK(audio.port == 49170);
  CHECK(audio.port_count == 1);
  CHECK(audio.port_count_text.empty());
  CHECK(audio.proto == "RTP/AVP");
  CHECK(audio.formats == "0 8 101");
  CHECK(!audio.connection.present());
  CHECK(&d.effective_connection(audio) == &d.connection);
  CHECK(d.effective_direction(audio) == media_direction::sendonly);
  CHECK(!audio.direction);
  REQUIRE(audio.rtcp.has_rtcp());
  CHECK(audio.rtcp.line == "a=rtcp:49171 IN IP4 192.168.1.10");
  CHECK(audio.rtcp.port_text == "49171");
  CHECK(p.off(audio.rtcp.port_text) == text.find("49171"));
  CHECK(audio.rtcp.port == 49171);
  CHECK(audio.rtcp.has_address());
  CHECK(audio.rtcp.address == "192.168.1.10");
  CHECK(p.off(audio.rtcp.address) == text.find("49171 IN IP4 ") + 13);
  REQUIRE(audio.rtcp.ip);
  CHECK(*audio.rtcp.ip == ip_address::v4(192, 168, 1, 10));
  REQUIRE(d.attributes_of(audio).size() == 2);
  CHECK(d.attributes_of(audio)[0].name == "rtpmap");
  CHECK(d.attributes_of(audio)[0].value == "0 PCMU/8000");
  CHECK(d.attributes_of(audio)[1].kind == attribute_kind::rtcp);
  CHECK(!d.is_hold(audio));
  CHECK(!audio.disabled());

  const auto& video = d.media[1];
  CHECK(video.port == 51372);
  CHECK(video.port_text == "51372");
  CHECK(video.port_count_text == "2");
  CHECK(video.port_count == 2);
  CHECK(video.formats == "31");
  REQUIRE(video.connection.present());
  CHECK(video.connection.type == address_type::ip6);
  CHECK(video.connection.address == "2001:db8::5");
  REQUIRE(video.connection.ip);
  CHECK(video.connection.ip->is_v6());
  CHECK(&d.effective_connection(video) == &video.connection);
  CHECK(video.direction == media_direction::recvonly);
  CHECK(d.effective_direction(video) == media_direction::recvonly);
  CHECK(!video.rtcp.has_rtcp());
  const auto va = d.attributes_of(video);
  REQUIRE(va.size() == 3);
  CHECK(va[1].kind == attribute_kind::candidate);
  CHECK(va[1].value == "1 1 UDP 2130706431 10.0.1.1 8998 typ host");
  CHECK(va[2].kind == attribute_kind::rtcp_mux);
  CHECK(!va[2].has_value);

  const auto& image = d.media[2];
  CHECK(image.media == "image");
  CHECK(image.port == 0);
  CHECK(image.disabled());
  CHECK(image.proto == "udptl");
  CHECK(image.formats == "t38");
  CHECK(d.is_hold(image));
  CHECK(image.connection.is_hold());
  CHECK(image.rtcp.port == 9);
  CHECK(!image.rtcp.has_address());
  CHECK(d.attributes.size() == 7);
}

TEST_CASE("parse_sdp: connection addresses (RFC 8866 5.7)", "[sdp][parser]") {
  struct row {
    std::string_view c;  // the c= value
    address_type type;
    std::string_view address;
    bool is_ip;
    int ttl;    // -1: none
    long count; // -1: none
    bool hold;
  };
  const std::array rows{
      row{"IN IP4 192.0.2.7", address_type::ip4, "192.0.2.7", true, -1, -1, false},
      row{"IN IP4 0.0.0.0", address_type::ip4, "0.0.0.0", true, -1, -1, true},
      row{"IN IP6 ::", address_type::ip6, "::", true, -1, -1, true},
      row{"IN IP6 2001:DB8::A", address_type::ip6, "2001:DB8::A", true, -1, -1, false},
      row{"IN IP6 ::ffff:192.0.2.1", address_type::ip6, "::ffff:192.0.2.1", true, -1, -1, false},
      row{"IN IP4 224.2.1.1/127", address_type::ip4, "224.2.1.1", true, 127, -1, false},
      row{"IN IP4 224.2.1.1/127/3", address_type::ip4, "224.2.1.1", true, 127, 3, false},
      row{"IN IP4 224.2.1.1/0", address_type::ip4, "224.2.1.1", true, 0, -1, false},
      row{"IN IP4 224.2.1.1/255/4294967295", address_type::ip4, "224.2.1.1", true, 255, 4294967295L, false},
      row{"IN IP6 FF15::101/3", address_type::ip6, "FF15::101", true, -1, 3, false},
      row{"IN IP4 host.example.com", address_type::ip4, "host.example.com", false, -1, -1, false},
      row{"IN IP6 host6.example.com", address_type::ip6, "host6.example.com", false, -1, -1, false},
      row{"IN IP4 x.bell-tel.com", address_type::ip4, "x.bell-tel.com", false, -1, -1, false},
      row{"IN IP4 my_host", address_type::ip4, "my_host", false, -1, -1, false},
      row{"IN IP6 [2001:db8::1]", address_type::ip6, "2001:db8::1", true, -1, -1, false},
      row{"in ip4 192.0.2.7", address_type::ip4, "192.0.2.7", true, -1, -1, false},
      row{" IN  IP4\t192.0.2.7", address_type::ip4, "192.0.2.7", true, -1, -1, false},
  };
  for (const auto& r : rows) {
    INFO("c=" << r.c);
    const std::string text = std::string(head) + "c=" + std::string(r.c) + "\r\nm=audio 4000 RTP/AVP 0\r\n";
    parsed p(text);
    REQUIRE(p.r.ok());
    const auto& c = p.d.connection;
    CHECK(c.present());
    CHECK(c.type == r.type);
    CHECK(c.address == r.address);
    CHECK(c.is_ip() == r.is_ip);
    CHECK(c.is_fqdn() == !r.is_ip);
    CHECK(c.is_hold() == r.hold);
    CHECK(p.d.is_hold(p.d.media[0]) == r.hold);
    CHECK(c.ttl.has_value() == (r.ttl >= 0));
    if (r.ttl >= 0) CHECK(*c.ttl == r.ttl);
    CHECK(c.count.has_value() == (r.count >= 0));
    if (r.count >= 0) CHECK(*c.count == static_cast<std::uint32_t>(r.count));
    CHECK(c.line == "c=" + std::string(r.c));
    sipalg::test::check_views(p.d);
  }
}

TEST_CASE("parse_sdp: m= lines (RFC 8866 5.14)", "[sdp][parser]") {
  struct row {
    std::string_view m;
    std::string_view media, port_text;
    unsigned port;
    std::string_view count_text;
    unsigned count;
    std::string_view proto, formats;
  };
  const std::array rows{
      row{"audio 49170 RTP/AVP 0", "audio", "49170", 49170, "", 1, "RTP/AVP", "0"},
      row{"audio 0 RTP/AVP 0 8", "audio", "0", 0, "", 1, "RTP/AVP", "0 8"},
      row{"audio 65535 RTP/AVP 0", "audio", "65535", 65535, "", 1, "RTP/AVP", "0"},
      row{"audio 00080 RTP/AVP 0", "audio", "00080", 80, "", 1, "RTP/AVP", "0"},
      row{"video 49170/2 RTP/AVP 31", "video", "49170", 49170, "2", 2, "RTP/AVP", "31"},
      row{"application 9 UDP/DTLS/SCTP webrtc-datachannel", "application", "9", 9, "", 1, "UDP/DTLS/SCTP",
          "webrtc-datachannel"},
      row{"image 49172 udptl t38", "image", "49172", 49172, "", 1, "udptl", "t38"},
      row{"audio 9 UDP/TLS/RTP/SAVPF 111 103", "audio", "9", 9, "", 1, "UDP/TLS/RTP/SAVPF", "111 103"},
      row{"video 0 RTP/AVP", "video", "0", 0, "", 1, "RTP/AVP", ""},
      row{"audio  3456\tRTP/AVP  0  ", "audio", "3456", 3456, "", 1, "RTP/AVP", "0"},
      row{" audio 3456 RTP/AVP 0", "audio", "3456", 3456, "", 1, "RTP/AVP", "0"},
  };
  for (const auto& r : rows) {
    INFO("m=" << r.m);
    const std::string text = std::string(head) + "m=" + std::string(r.m) + "\r\n";
    parsed p(text);
    REQUIRE(p.r.ok());
    REQUIRE(p.d.media.size() == 1);
    const auto& m = p.d.media[0];
    CHECK(m.media == r.media);
    CHECK(m.port_text == r.port_text);
    CHECK(m.port == r.port);
    CHECK(m.port_count_text == r.count_text);
    CHECK(m.port_count == r.count);
    CHECK(m.proto == r.proto);
    CHECK(m.formats == r.formats);
    CHECK(m.formats.data() != nullptr);
    CHECK(m.disabled() == (r.port == 0));
    sipalg::test::check_views(p.d);
  }
}

TEST_CASE("parse_sdp: o= lines (RFC 8866 5.2)", "[sdp][parser]") {
  struct row {
    std::string_view o;
    std::string_view user, id, version, address;
    bool is_ip;
  };
  const std::array rows{
      row{"- 0 0 IN IP4 10.0.0.1", "-", "0", "0", "10.0.0.1", true},
      row{"root 1772043327 1772043327 IN IP4 193.233.5.201", "root", "1772043327", "1772043327", "193.233.5.201",
          true},
      row{"UserA 2890844526 2890844526 IN IP4 here.com", "UserA", "2890844526", "2890844526", "here.com", false},
      row{"- 3710604898417546434 2 IN IP4 127.0.0.1", "-", "3710604898417546434", "2", "127.0.0.1", true},
      row{"jdoe 1 2 IN IP6 2001:db8::1", "jdoe", "1", "2", "2001:db8::1", true},
      row{"Cisco SIP Phone 1234 5678 IN IP4 10.1.1.1", "Cisco SIP Phone", "1234", "5678", "10.1.1.1", true},
      row{"user1 53655765 2353687637 IN IP6 [fd17:625c:f037:2:a00:27ff:feb9:1521]", "user1", "53655765",
          "2353687637", "fd17:625c:f037:2:a00:27ff:feb9:1521", true},
      row{"- abc def IN IP4 10.0.0.1", "-", "abc", "def", "10.0.0.1", true},
      row{"-\t1  2 IN IP4 10.0.0.1", "-", "1", "2", "10.0.0.1", true},
  };
  for (const auto& r : rows) {
    INFO("o=" << r.o);
    const std::string text = "v=0\r\no=" + std::string(r.o) + "\r\ns=-\r\n";
    parsed p(text);
    REQUIRE(p.r.ok());
    const auto& o = p.d.origin;
    CHECK(o.line == "o=" + std::string(r.o));
    CHECK(o.username == r.user);
    CHECK(o.sess_id == r.id);
    CHECK(o.sess_version == r.version);
    CHECK(o.address == r.address);
    CHECK(o.is_ip() == r.is_ip);
    CHECK(p.d.media.empty());
    sipalg::test::check_views(p.d);
  }
}

TEST_CASE("parse_sdp: a=rtcp (RFC 3605)", "[sdp][parser]") {
  struct row {
    std::string_view a;
    unsigned port;
    std::string_view address;  // empty: none
    address_type type;
  };
  const std::array rows{
      row{"rtcp:53020", 53020, "", address_type::ip4},
      row{"rtcp:53020 IN IP4 126.16.64.4", 53020, "126.16.64.4", address_type::ip4},
      row{"rtcp:53020 IN IP6 2001:2345:6789:ABCD:EF01:2345:6789:ABCD", 53020,
          "2001:2345:6789:ABCD:EF01:2345:6789:ABCD", address_type::ip6},
      row{"rtcp:9 IN IP4 0.0.0.0", 9, "0.0.0.0", address_type::ip4},
      row{"rtcp:0", 0, "", address_type::ip4},
      row{"rtcp:65535 IN IP4 rtcp.example.com", 65535, "rtcp.example.com", address_type::ip4},
      row{"rtcp:5000 IN IP4 224.2.1.1/127", 5000, "224.2.1.1", address_type::ip4},
      row{"rtcp: 5000  IN IP4 10.0.0.1", 5000, "10.0.0.1", address_type::ip4},
      row{"RTCP:5000", 5000, "", address_type::ip4},
  };
  for (const auto& r : rows) {
    INFO("a=" << r.a);
    const std::string text = std::string(head) + "m=audio 4000 RTP/AVP 0\r\na=" + std::string(r.a) + "\r\n";
    parsed p(text);
    REQUIRE(p.r.ok());
    const auto& rt = p.d.media[0].rtcp;
    CHECK(rt.has_rtcp());
    CHECK(rt.line == "a=" + std::string(r.a));
    CHECK(rt.port == r.port);
    CHECK(sipalg::parse_port(rt.port_text) == r.port);
    CHECK(rt.has_address() == !r.address.empty());
    CHECK(rt.address == r.address);
    if (!r.address.empty()) CHECK(rt.type == r.type);
    CHECK(p.d.attributes[0].kind == attribute_kind::rtcp);
    sipalg::test::check_views(p.d);
  }
}

TEST_CASE("parse_sdp: attributes and direction", "[sdp][parser]") {
  SECTION("raw views") {
    parsed p(std::string(head) +
             "a=group:BUNDLE 0 1\r\na=ice-lite\r\na=empty:\r\na=url:http://x/y:z\r\nm=audio 1 RTP/AVP 0\r\n"
             "a=candidate:1 1 udp 2122260223 192.168.1.5 60672 typ host generation 0\r\n"
             "a=remote-candidates:1 192.0.2.3 45664\r\na=3gOoBTC\r\n");
    REQUIRE(p.r.ok());
    const auto s = p.d.session_attributes();
    REQUIRE(s.size() == 4);
    CHECK(s[0].name == "group");
    CHECK(s[0].value == "BUNDLE 0 1");
    CHECK(s[0].has_value);
    CHECK(s[1].name == "ice-lite");
    CHECK(!s[1].has_value);
    CHECK(s[1].value.empty());
    CHECK(s[2].name == "empty");
    CHECK(s[2].has_value);
    CHECK(s[2].value.empty());
    CHECK(s[3].value == "http://x/y:z");
    const auto m = p.d.attributes_of(p.d.media[0]);
    REQUIRE(m.size() == 3);
    CHECK(m[0].kind == attribute_kind::candidate);
    CHECK(m[1].kind == attribute_kind::remote_candidates);
    CHECK(m[2].name == "3gOoBTC");
    CHECK(m[2].kind == attribute_kind::other);
    CHECK(sipalg::sdp::find_attribute(m, "CANDIDATE") == &m[0]);
    CHECK(sipalg::sdp::find_attribute(m, "rtpmap") == nullptr);
    CHECK(sipalg::sdp::find_attribute(s, "ice-lite") == &s[1]);
  }
  SECTION("direction: media overrides session, default sendrecv, last one wins") {
    struct row {
      std::string_view session_attr, media_attr;
      media_direction expected;
    };
    const std::array rows{
        row{"", "", media_direction::sendrecv},
        row{"a=sendonly\r\n", "", media_direction::sendonly},
        row{"a=recvonly\r\n", "", media_direction::recvonly},
        row{"a=inactive\r\n", "", media_direction::inactive},
        row{"a=inactive\r\n", "a=sendrecv\r\n", media_direction::sendrecv},
        row{"", "a=recvonly\r\n", media_direction::recvonly},
        row{"", "a=sendonly\r\na=inactive\r\n", media_direction::inactive},
        row{"", "a=SendOnly\r\n", media_direction::sendonly},
        row{"", "a=rcvonly\r\n", media_direction::sendrecv},  // osip2's typo is not a direction
    };
    for (const auto& r : rows) {
      INFO(r.session_attr << "|" << r.media_attr);
      parsed p(std::string(head) + std::string(r.session_attr) + "m=audio 1 RTP/AVP 0\r\n" +
               std::string(r.media_attr) + "m=video 2 RTP/AVP 31\r\n");
      REQUIRE(p.r.ok());
      CHECK(p.d.effective_direction(p.d.media[0]) == r.expected);
      // The second section has no attribute of its own: the session level (or sendrecv) applies.
      CHECK(p.d.effective_direction(p.d.media[1]) == p.d.direction.value_or(media_direction::sendrecv));
    }
  }
}

TEST_CASE("parse_sdp: layered multicast may repeat c= in a media section", "[sdp][parser]") {
  parsed p(std::string(head) +
           "m=video 51372/2 RTP/AVP 31\r\nc=IN IP4 224.2.17.12/127\r\nc=IN IP4 224.2.17.13/127\r\n"
           "m=audio 1 RTP/AVP 0\r\nc=IN IP6 FF15::101/3\r\nc=IN IP6 FF15::102/3\r\nc=IN IP6 FF15::103/3\r\n");
  REQUIRE(p.r.ok());
  CHECK(p.d.media[0].connection.address == "224.2.17.12");
  CHECK(p.d.media[0].extra_connections == 1);
  CHECK(p.d.media[1].connection.address == "FF15::101");
  CHECK(p.d.media[1].extra_connections == 2);
}

TEST_CASE("parse_sdp: documented leniencies", "[sdp][parser]") {
  const std::string_view crlf =
      "v=0\r\no=- 7 7 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n"
      "a=rtcp:5005\r\n";
  struct row {
    std::string_view name;
    std::string text;
  };
  auto replace_all = [](std::string s, std::string_view from, std::string_view to) {
    for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
    return s;
  };
  const std::string base(crlf);
  const std::vector<row> rows{
      {"CRLF", base},
      {"LF only", replace_all(base, "\r\n", "\n")},
      {"mixed line ends", replace_all(base, "t=0 0\r\n", "t=0 0\n")},
      {"no final line end", base.substr(0, base.size() - 2)},
      {"final bare CR", base.substr(0, base.size() - 1)},
      {"trailing spaces and tabs", replace_all(base, "\r\n", " \t \r\n")},
      {"blank lines in the middle and at the end", replace_all(base, "t=0 0\r\n", "t=0 0\r\n\r\n  \r\n") + "\r\n\r\n"},
      {"leading blank lines", "\r\n\r\n" + base},
      {"a= before t=, c= after t=",
       "v=0\r\no=- 7 7 IN IP4 10.0.0.1\r\na=tool:x\r\ns=-\r\nt=0 0\r\nc=IN IP4 10.0.0.1\r\n"
       "m=audio 5004 RTP/AVP 0\r\na=rtcp:5005\r\n"},
      {"no s= and no t=", "v=0\r\no=- 7 7 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.1\r\nm=audio 5004 RTP/AVP 0\r\na=rtcp:5005\r\n"},
      {"t= r= z= b= k= i= in a media section",
       base + "t=0 0\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\nb=AS:64\r\nk=prompt\r\ni=x\r\n"},
      {"GB/T 28181 y= and f= lines", base + "y=0100000001\r\nf=v/2/4///a///\r\n"},
      {"second s=", replace_all(base, "s=-\r\n", "s=-\r\ns=again\r\n")},
      {"8-bit text in values", replace_all(base, "s=-", "s=\xc3\xa9t\xc3\xa9 \xff")},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    parsed p(r.text);
    REQUIRE(p.r == parse_result{errc::ok, 0});
    sipalg::test::check_views(p.d);
    CHECK(p.d.origin.address == "10.0.0.1");
    CHECK(p.d.connection.address == "10.0.0.1");
    REQUIRE(p.d.media.size() == 1);
    CHECK(p.d.media[0].port == 5004);
    CHECK(p.d.media[0].line == "m=audio 5004 RTP/AVP 0");  // never includes trailing blanks or line ends
    CHECK(p.d.media[0].rtcp.port == 5005);
    CHECK(p.d.media[0].rtcp.line == "a=rtcp:5005");
  }
}

TEST_CASE("parse_sdp: a=rtcp at session level is validated, not applied", "[sdp][parser]") {
  parsed ok(std::string(head) + "a=rtcp:5005\r\nm=audio 5004 RTP/AVP 0\r\n");
  REQUIRE(ok.r.ok());
  CHECK(!ok.d.media[0].rtcp.has_rtcp());
  CHECK(ok.d.session_attributes()[0].kind == attribute_kind::rtcp);
  parsed bad(std::string(head) + "a=rtcp:70000\r\nm=audio 5004 RTP/AVP 0\r\n");
  CHECK(bad.r.ec == errc::bad_port);
  // A session-level a=rtcp does not count as the media section's own.
  parsed two(std::string(head) + "a=rtcp:5005\r\nm=audio 5004 RTP/AVP 0\r\na=rtcp:5007\r\n");
  REQUIRE(two.r.ok());
  CHECK(two.d.media[0].rtcp.port == 5007);
}

TEST_CASE("parse_sdp: every bad input is rejected with its offset", "[sdp][parser]") {
  struct row {
    std::string_view name;
    std::string text;
    errc ec;
    std::string_view marker;  // the offset is where this occurs (first occurrence) ...
    int delta = 0;            // ... plus this
  };
  const std::string h(head);
  const std::string m = "m=audio 4000 RTP/AVP 0\r\n";
  const std::vector<row> rows{
      {"empty", "", errc::empty, ""},
      {"only CRLFs", "\r\n\r\n\n", errc::empty, ""},
      {"only blanks", "  \t \r\n \r\n", errc::empty, ""},
      {"no v=", "o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n", errc::missing_version, "o="},
      {"s= first", "s=-\r\nv=0\r\n", errc::missing_version, "s="},
      {"v=1", "v=1\r\no=- 1 1 IN IP4 192.0.2.1\r\n", errc::bad_version, "1"},
      {"v=00", "v=00\r\n", errc::bad_version, "00"},
      {"v= empty", "v=\r\n", errc::bad_version, "\r", 0},
      {"v=0 only", "v=0\r\n", errc::missing_origin, "", 5},
      {"no o= with media", "v=0\r\ns=-\r\nt=0 0\r\n" + m, errc::missing_origin, "s="},
      {"second v=", h + "v=0\r\n", errc::duplicate_line, "", static_cast<int>(h.size())},
      {"second o=", h + "o=- 2 2 IN IP4 192.0.2.2\r\n", errc::duplicate_line, "o=- 2"},
      {"o= in media section", "v=0\r\ns=-\r\n" + m + "o=- 2 2 IN IP4 192.0.2.2\r\n", errc::misplaced_line, "o="},
      {"line without =", h + "x\r\n", errc::bad_line, "x\r"},
      {"type without =", h + "a\r\n", errc::bad_line, "a\r"},
      {"uppercase type", h + "M=audio 1 RTP/AVP 0\r\n", errc::bad_line, "M="},
      {"digit type", h + "1=x\r\n", errc::bad_line, "1="},
      {"= first", h + "=x\r\n", errc::bad_line, "=x"},
      {"space before =", h + "a =x\r\n", errc::bad_line, "a =x"},
      {"leading space", h + " a=x\r\n", errc::bad_line, " a=x"},
      {"two-letter type", h + "ab=x\r\n", errc::bad_line, "ab="},
      {"8-bit type", h + "\xe1=x\r\n", errc::bad_line, "\xe1"},
      {"SIP header in body", h + "Content-Type: application/sdp\r\n", errc::bad_line, "Content"},
      {"empty a=", h + "a=\r\n", errc::bad_line, "a=\r", 2},
      {"a= without name", h + "a=:x\r\n", errc::bad_line, "a=:x", 2},
      {"NUL in line", h + "s=a\0b\r\n"s, errc::bad_character, "\0"sv},
      {"NUL after v=0", "v=0\0\r\n"s, errc::bad_character, "\0"sv},
      {"bare CR in line", h + "s=a\rb\r\n", errc::bad_character, "\rb"},
      {"CR CR LF", "v=0\r\r\n", errc::bad_character, "\r"},
      {"CR before v", "\rv=0\r\n", errc::bad_character, ""},
      // o=
      {"o= empty", "v=0\r\no=\r\n", errc::bad_origin, "o=", 2},
      {"o= five fields", "v=0\r\no=1 1 IN IP4 192.0.2.1\r\n", errc::bad_origin, "o=", 2},
      {"o= nettype", "v=0\r\no=- 1 1 ATM IP4 192.0.2.1\r\n", errc::bad_origin, "ATM"},
      {"o= addrtype", "v=0\r\no=- 1 1 IN IP5 192.0.2.1\r\n", errc::bad_origin, "IP5"},
      {"o= address missing", "v=0\r\no=- 1 1 IN IP4\r\n", errc::bad_origin, "o=", 2},
      {"o= short IPv4", "v=0\r\no=- 1 1 IN IP4 1.2.3\r\n", errc::bad_origin, "1.2.3"},
      {"o= octet 256", "v=0\r\no=- 1 1 IN IP4 1.2.3.256\r\n", errc::bad_origin, "1.2.3.256"},
      {"o= leading zero", "v=0\r\no=- 1 1 IN IP4 192.168.01.1\r\n", errc::bad_origin, "192.168.01.1"},
      {"o= IPv6 under IP4", "v=0\r\no=- 1 1 IN IP4 fe80::1\r\n", errc::bad_origin, "fe80::1"},
      {"o= IPv4 under IP6", "v=0\r\no=- 1 1 IN IP6 192.0.2.1\r\n", errc::bad_origin, "192.0.2.1"},
      {"o= zone id", "v=0\r\no=- 1 1 IN IP6 fe80::1%eth0\r\n", errc::bad_origin, "fe80"},
      {"o= bad IPv6", "v=0\r\no=- 1 1 IN IP6 2001:db8:::1\r\n", errc::bad_origin, "2001"},
      {"o= open bracket", "v=0\r\no=- 1 1 IN IP6 [2001:db8::1\r\n", errc::bad_origin, "[2001"},
      {"o= bracketed name", "v=0\r\no=- 1 1 IN IP6 [host]\r\n", errc::bad_origin, "[host]"},
      {"o= bracketed IPv4", "v=0\r\no=- 1 1 IN IP4 [192.0.2.1]\r\n", errc::bad_origin, "[192"},
      {"o= ttl suffix", "v=0\r\no=- 1 1 IN IP4 224.2.1.1/127\r\n", errc::bad_origin, "224"},
      {"o= template", "v=0\r\no=- 1 1 IN IP4 $L-PRIV-1.IP\r\n", errc::bad_origin, "$L"},
      {"o= port in address", "v=0\r\no=- 1 1 IN IP4 192.0.2.1:5060\r\n", errc::bad_origin, "192.0.2.1:"},
      // c=
      {"c= empty", h + "c=\r\n", errc::bad_connection, "c=\r", 2},
      {"c=IN", h + "c=IN\r\n", errc::bad_connection, "c=IN", 2},
      {"c=IN IP4", h + "c=IN IP4\r\n", errc::bad_connection, "c=IN", 2},
      {"c= extra field", h + "c=IN IP4 192.0.2.1 UNHOLD\r\n", errc::bad_connection, "UNHOLD"},
      {"c= nettype", h + "c=ATM NSAP 47.0005\r\n", errc::bad_connection, "ATM"},
      {"c= addrtype IP7", h + "c=IN IP7 X\r\n", errc::bad_connection, "IP7"},
      {"c= octet 300", h + "c=IN IP4 300.1.1.1\r\n", errc::bad_connection, "300"},
      {"c= three octets", h + "c=IN IP4 192.168.1\r\n", errc::bad_connection, "192.168.1"},
      {"c= ttl 256", h + "c=IN IP4 224.2.1.1/256\r\n", errc::bad_connection, "256"},
      {"c= empty ttl", h + "c=IN IP4 224.2.1.1/\r\n", errc::bad_connection, "1/\r", 2},
      {"c= ttl not a number", h + "c=IN IP4 224.2.1.1/x\r\n", errc::bad_connection, "x\r"},
      {"c= count 0", h + "c=IN IP4 224.2.1.1/127/0\r\n", errc::bad_connection, "/0", 1},
      {"c= three suffixes", h + "c=IN IP4 224.2.1.1/127/3/4\r\n", errc::bad_connection, "3/4"},
      {"c= IPv6 with ttl and count", h + "c=IN IP6 ff15::1/127/3\r\n", errc::bad_connection, "/3"},
      {"c= IPv6 count 0", h + "c=IN IP6 ff15::1/0\r\n", errc::bad_connection, "/0", 1},
      {"c= fuzzed", h + "c=IN IP4 192&168%s\r\n", errc::bad_connection, "192&"},
      {"c= template", h + "c=IN IP4 $LOCAL_IP\r\n", errc::bad_connection, "$LOCAL"},
      {"c= twice at session level", h + "c=IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.2\r\n", errc::duplicate_connection,
       "c=IN IP4 192.0.2.2"},
      {"c= multicast twice at session level", h + "c=IN IP4 224.2.1.1/1\r\nc=IN IP4 224.2.1.2/1\r\n",
       errc::duplicate_connection, "c=IN IP4 224.2.1.2"},
      {"c= twice in a media section", h + m + "c=IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.2\r\n",
       errc::duplicate_connection, "c=IN IP4 192.0.2.2"},
      {"c= unicast after multicast in a media section", h + m + "c=IN IP4 224.2.1.1/1\r\nc=IN IP4 192.0.2.2\r\n",
       errc::duplicate_connection, "c=IN IP4 192.0.2.2"},
      {"c= malformed second", h + m + "c=IN IP4 224.2.1.1/1\r\nc=IN IP4 224.2.1\r\n", errc::bad_connection,
       "224.2.1\r"},
      // m=
      {"m= empty", h + "m=\r\n", errc::bad_media, "m=\r", 2},
      {"m=audio", h + "m=audio\r\n", errc::bad_media, "m=audio", 2},
      {"m=audio port", h + "m=audio 49170\r\n", errc::bad_media, "m=audio", 2},
      {"m= port 70000", h + "m=audio 70000 RTP/AVP 0\r\n", errc::bad_port, "70000"},
      {"m= port 65536", h + "m=audio 65536 RTP/AVP 0\r\n", errc::bad_port, "65536"},
      {"m= port 99999999999999999999", h + "m=audio 99999999999999999999 RTP/AVP 0\r\n", errc::bad_port, "9999"},
      {"m= port 492170", h + "m=audio 492170 RTP/AVP 0 12\r\n", errc::bad_port, "492170"},
      {"m= port -1", h + "m=audio -1 RTP/AVP 0\r\n", errc::bad_port, "-1"},
      {"m= port +1", h + "m=audio +1 RTP/AVP 0\r\n", errc::bad_port, "+1"},
      {"m= port hex", h + "m=audio 0x10 RTP/AVP 0\r\n", errc::bad_port, "0x10"},
      {"m= port letters", h + "m=audio 3000E RTP/AVP 0\r\n", errc::bad_port, "3000E"},
      {"m= port missing before count", h + "m=audio /2 RTP/AVP 0\r\n", errc::bad_port, "/2"},
      {"m= port is the proto", h + "m=audio RTP/AVP 0\r\n", errc::bad_port, "RTP"},
      {"m= count 0", h + "m=video 49170/0 RTP/AVP 31\r\n", errc::bad_media, "/0", 1},
      {"m= count empty", h + "m=video 49170/ RTP/AVP 31\r\n", errc::bad_media, "/ ", 1},
      {"m= count 70000", h + "m=video 49170/70000 RTP/AVP 31\r\n", errc::bad_media, "70000"},
      {"m= count twice", h + "m=video 49170/2/2 RTP/AVP 31\r\n", errc::bad_media, "2/2"},
      {"m= media not a token", h + "m=au(dio 1 RTP/AVP 0\r\n", errc::bad_media, "au("},
      {"m= proto not a token", h + "m=audio 1 RTP,AVP 0\r\n", errc::bad_media, "RTP,"},
      {"too many media", h + [] {
         std::string s;
         for (int i = 0; i < 17; ++i) s += "m=audio " + std::to_string(1000 + 2 * i) + " RTP/AVP 0\r\n";
         return s;
       }(),
       errc::too_many_media, "m=audio 1032"},
      {"too many attributes", h + [] {
         std::string s = "m=audio 1 RTP/AVP 0\r\n";
         for (int i = 0; i < 65; ++i) s += "a=x" + std::to_string(i) + "\r\n";
         return s;
       }(),
       errc::too_many_attributes, "a=x64"},
      // a=rtcp
      {"a=rtcp without value", h + m + "a=rtcp\r\n", errc::bad_rtcp, "a=rtcp"},
      {"a=rtcp: empty", h + m + "a=rtcp:\r\n", errc::bad_rtcp, "a=rtcp"},
      {"a=rtcp: port 70000", h + m + "a=rtcp:70000\r\n", errc::bad_port, "70000"},
      {"a=rtcp: port letters", h + m + "a=rtcp:abc\r\n", errc::bad_port, "abc"},
      {"a=rtcp: nettype only", h + m + "a=rtcp:5000 IN\r\n", errc::bad_rtcp, "IN\r"},
      {"a=rtcp: no address", h + m + "a=rtcp:5000 IN IP4\r\n", errc::bad_rtcp, "IN IP4\r"},
      {"a=rtcp: extra field", h + m + "a=rtcp:5000 IN IP4 192.0.2.1 x\r\n", errc::bad_rtcp, " x", 1},
      {"a=rtcp: IP7", h + m + "a=rtcp:1 IN IP7 X\r\n", errc::bad_rtcp, "IP7"},
      {"a=rtcp: bad address", h + m + "a=rtcp:1 IN IP4 1.2.3.4.5\r\n", errc::bad_rtcp, "1.2.3.4.5"},
      {"a=rtcp twice", h + m + "a=rtcp:5001\r\na=rtcp:5003\r\n", errc::duplicate_rtcp, "a=rtcp:5003"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    parsed p(r.text);
    CHECK(to_string(p.r.ec) == to_string(r.ec));
    CHECK(p.r.offset == marker_offset(r.text, r.marker, r.delta));
    CHECK(p.r.offset <= r.text.size());
  }
}

TEST_CASE("parse_sdp: every prefix and every single-byte change of a body is safe", "[sdp][parser]") {
  const std::string body =
      "v=0\r\no=- 176664 176664 IN IP4 192.168.20.100\r\ns=-\r\nc=IN IP4 192.168.20.100\r\nt=0 0\r\n"
      "m=audio 14254/2 RTP/AVP 0 2 8\r\na=rtcp:14255 IN IP6 ::1\r\nc=IN IP4 224.0.0.1/1/2\r\na=sendrecv\r\n";
  SECTION("prefixes") {
    const auto o_end = body.find("\r\ns=");
    const auto addr_start = body.find("192.168.20.100");
    for (std::size_t k = 0; k <= body.size(); ++k) {
      INFO("prefix length " << k);
      parsed p(std::string_view(body).substr(0, k));
      CHECK(p.r.offset <= k);
      if (p.r.ok()) sipalg::test::check_views(p.d);
      // Cut after a complete o= line, a prefix is either a valid SDP or fails on the cut line.
      if (k >= o_end && k < body.size() && p.r.ec != errc::ok) {
        // A cut line is a field error, or a bare type letter ("c", "a=").
        const bool field_error = p.r.ec == errc::bad_connection || p.r.ec == errc::bad_media ||
                                 p.r.ec == errc::bad_rtcp || p.r.ec == errc::bad_port || p.r.ec == errc::bad_line;
        CHECK(field_error);
      }
      if (k <= addr_start) CHECK(!p.r.ok());  // no o= address yet
      if (k == body.size()) CHECK(p.r.ok());
    }
  }
  SECTION("mutations") {
    const std::array<char, 12> bytes{'\0', '\r', '\n', ' ', '\t', ':', '/', '=', 'x', '9', '\xff', '.'};
    std::size_t accepted = 0, rejected = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
      for (char c : bytes) {
        std::string t = body;
        t[i] = c;
        parsed p(t);
        if (p.r.ok()) {
          ++accepted;
          sipalg::test::check_views(p.d);
        } else {
          ++rejected;
          CHECK(p.r.offset <= t.size());
        }
      }
    }
    CHECK(accepted > 0);
    CHECK(rejected > 0);
  }
}

TEST_CASE("parse_sdp: binary junk", "[sdp][parser]") {
  std::uint32_t x = 2463534242u;  // xorshift32, fixed seed: deterministic
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  for (int round = 0; round < 500; ++round) {
    std::string t(next() % 300, '\0');
    for (auto& ch : t) ch = static_cast<char>(next());
    if (round % 2 == 0) t = std::string(head) + t;  // junk after a valid start
    parsed p(t);
    CHECK(p.r.offset <= t.size());
    if (p.r.ok()) sipalg::test::check_views(p.d);
    if (round % 2 == 1 && !t.empty() && t[0] != 'v' && t[0] != '\r' && t[0] != '\n' && t[0] != ' ' && t[0] != '\t')
      CHECK(!p.r.ok());
  }
}

#if defined(__linux__)
TEST_CASE("parse_sdp: bodies ending at a guard page", "[sdp][parser]") {
  const std::vector<std::string> bodies{
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nm=audio 49170 RTP/AVP 0\r\na=rtcp:49171 IN IP4 192.0.2.1",
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 224.2.1.1/127/3",
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nm=audio 4917",
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP6 2001:db8::",
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\na=sendrecv",
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n\r",
      "v=0\r",
      "v",
      "",
  };
  for (const auto& b : bodies) {
    INFO(b);
    sipalg::test::guarded_copy g(b);
    session_description d;
    const auto r = parse_sdp(g.view(), d);
    CHECK(r.offset <= b.size());
    parsed heap(b);
    CHECK(r == heap.r);
  }
}
#endif

TEST_CASE("parse_sdp: the description is reset between parses", "[sdp][parser]") {
  session_description d;
  const std::string a = std::string(head) + "c=IN IP4 192.0.2.9\r\na=recvonly\r\nm=audio 1 RTP/AVP 0\r\na=rtcp:2\r\n";
  const std::string b = std::string(head) + "m=video 3 RTP/AVP 31\r\n";
  REQUIRE(parse_sdp(a, d).ok());
  CHECK(d.connection.present());
  REQUIRE(parse_sdp(b, d).ok());
  CHECK(!d.connection.present());
  CHECK(!d.direction);
  CHECK(d.attributes.empty());
  CHECK(d.session_attributes().empty());
  REQUIRE(d.media.size() == 1);
  CHECK(!d.media[0].rtcp.has_rtcp());
  CHECK(d.media[0].media == "video");
  CHECK(d.body.data() == b.data());
}

TEST_CASE("parse_sdp: capacities are template parameters", "[sdp][parser]") {
  std::string text = std::string(head);
  for (int i = 0; i < 3; ++i) text += "m=audio " + std::to_string(2000 + 2 * i) + " RTP/AVP 0\r\na=ptime:20\r\n";
  sipalg::sdp::basic_session_description<2, 8> small;
  const auto r = parse_sdp(text, small);
  CHECK(r.ec == errc::too_many_media);
  CHECK(r.offset == text.find("m=audio 2004"));
  sipalg::sdp::basic_session_description<3, 3> exact;
  CHECK(parse_sdp(text, exact).ok());
  sipalg::sdp::basic_session_description<3, 2> few_attrs;
  CHECK(parse_sdp(text, few_attrs).ec == errc::too_many_attributes);
}

namespace {
constexpr bool constexpr_parse() {
  sipalg::sdp::basic_session_description<2, 4> d;
  const auto r = parse_sdp("v=0\no=- 1 1 IN IP4 10.0.0.1\nc=IN IP4 10.0.0.1\nm=audio 8000 RTP/AVP 0\na=rtcp:8001\n", d);
  return r.ok() && d.media[0].port == 8000 && d.media[0].rtcp.port == 8001 && d.connection.ip->is_private();
}
static_assert(constexpr_parse(), "parse_sdp is usable in constant expressions");
}  // namespace

TEST_CASE("parse_sdp internals: the 8-byte line scanner agrees with a byte loop", "[sdp][parser]") {
  // Bytes around the SWAR thresholds: stops (LF, CR, NUL), other low bytes (HTAB, 0x0E, 0x0C),
  // high bytes (0x80, 0x8A, 0x8D, 0xFF) that must not be mistaken for stops.
  const std::array<char, 12> alphabet{'a', '\n', '\r', '\0', '\t', '\x0e', '\x0c', '\x80', '\x8a', '\x8d', '\xff', ' '};
  std::uint32_t x = 88172645u;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string t(next() % 40, 'a');
    for (auto& ch : t)
      if (next() % 6 == 0) ch = alphabet[next() % alphabet.size()];
    exact_copy c(t);
    const std::string_view v = c.view();
    for (std::size_t from = 0; from <= v.size(); ++from) {
      std::size_t expected = from;
      while (expected < v.size() && v[expected] != '\n' && v[expected] != '\r' && v[expected] != '\0') ++expected;
      REQUIRE(sipalg::sdp::detail::find_line_stop(v.data(), from, v.size()) == expected);
    }
  }
  static_assert(sipalg::sdp::detail::find_line_stop("abcdefghij\r\n", 0, 12) == 10);
}
