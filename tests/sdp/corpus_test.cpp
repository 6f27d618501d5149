// The SDP layer on third-party material, read in place from ../shared:
// - the golden cases (golden/*/before.sip bodies);
// - every SDP example of corpus/sdp (RFCs, sdp-transform, sofia-sip, oSIP),
//   accepted or rejected per its manifest verdict, with named exceptions;
// - the SDP bodies of every captured SIP message (corpus/pcap, note sdp-body),
//   and the multipart ones (note multipart);
// - RFC 4475 3.1.1.11 mpart01.dat (multipart/mixed).
// Each input is parsed from an exact-size heap copy.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "sdp/sdp_test_support.hpp"
#include "sipalg/sdp.hpp"
#include "support.hpp"

using sipalg::sdp::errc;
using sipalg::sdp::session_description;
using sipalg::test::exact_copy;

namespace {

struct expected_failure {
  errc ec;
  std::string_view reason;
};

// corpus/sdp files whose outcome differs from "parses with the default
// capacities", with the reason. Verdicts: v = manifest says valid,
// u = unknown, i = invalid.
const std::map<std::string, expected_failure, std::less<>>& sdp_corpus_exceptions() {
  static const std::map<std::string, expected_failure, std::less<>> m{
      // manifest: invalid
      {"sdp-transform/invalid.sdp", {errc::bad_rtcp, "i: a=rtcp with addrtype IP7 (we accept only IN IP4/IP6)"}},
      // manifest: valid, but not a complete SDP or not one we accept
      {"rfc/rfc3605_01_s2.1_fragment.sdp", {errc::missing_version, "v: RFC 3605 fragment (m= + a=rtcp only); tested "
                                                                   "with a session header below"}},
      {"rfc/rfc3605_02_s2.1_fragment.sdp", {errc::missing_version, "v: RFC 3605 fragment, see above"}},
      {"rfc/rfc3605_03_s2.1_fragment.sdp", {errc::missing_version, "v: RFC 3605 fragment, see above"}},
      {"sdp-transform/alac.sdp", {errc::bad_origin, "v: iTunes writes an IPv6 literal under addrtype IP4: a rewrite "
                                                    "matching IPv4 must not guess"}},
      {"sdp-transform/ssrc.sdp", {errc::too_many_attributes, "v: WebRTC offer with 94 a= lines > 64 (parses with "
                                                             "basic_session_description<16, 128>)"}},
      {"sofia-sip/message-1.sdp", {errc::bad_version, "v: the body is just \"v=1\" (sofia tests its version check)"}},
      {"sofia-sip/message-6.sdp", {errc::missing_origin, "v: no o= line; RFC 8866 5 makes o= mandatory"}},
      // manifest: unknown
      {"rfc/rfc5245_02_s17.sdp", {errc::bad_origin, "u: RFC template with $L-PRIV-1.IP placeholders"}},
      {"rfc/rfc5245_04_s17.sdp", {errc::bad_origin, "u: RFC template with $R-PUB-1.IP placeholders"}},
      {"rfc/rfc8839_02_sAppA.sdp", {errc::bad_origin, "u: RFC template with $L-PRIV-1.IP placeholders"}},
      {"rfc/rfc8839_04_sAppA.sdp", {errc::bad_origin, "u: RFC template with $R-PUB-1.IP placeholders"}},
      {"osip2/sdp4.sdp", {errc::bad_port, "u: m=audio 492170 (port > 65535)"}},
      {"osip2/sdp5.sdp", {errc::bad_port, "u: m=audio 492170"}},
      {"osip2/sdp7.sdp", {errc::bad_port, "u: m=audio 492170"}},
      {"osip2/torture_sdps_06.sdp", {errc::bad_port, "u: m=audio 492170"}},
      {"osip2/torture_sdps_07.sdp", {errc::bad_port, "u: m=audio 492170"}},
      {"osip2/torture_sdps_09.sdp", {errc::bad_port, "u: m=audio 492170"}},
      {"osip2/sdp14.sdp", {errc::duplicate_connection, "u: three unicast c= in one media section"}},
      {"osip2/torture_sdps_15.sdp", {errc::duplicate_connection, "u: three unicast c= in one media section"}},
  };
  return m;
}

// Captured SIP messages whose SDP body is rejected, with the reason.
const std::map<std::string, expected_failure, std::less<>>& pcap_exceptions() {
  static const std::map<std::string, expected_failure, std::less<>> m{
      {"pcap/wireshark-aaa-fuzzed/023_INVITE.sip", {errc::bad_character, "fuzzed capture: NUL inside c="}},
      {"pcap/wireshark-aaa-fuzzed/038_INVITE.sip", {errc::bad_character, "fuzzed capture: NUL inside o="}},
  };
  return m;
}

std::string read(const std::filesystem::path& p) {
  auto s = sipalg::test::read_file(p);
  REQUIRE(s);
  return *s;
}

// The body of a SIP message, cut to Content-Length when it is given and fits.
std::string_view message_body(std::string_view msg) {
  std::string_view body = sipalg::test::sip_body(msg);
  const auto cl = sipalg::test::sip_header(msg, "Content-Length", "l");
  if (auto n = sipalg::parse_decimal<std::uint32_t>(cl); n && *n <= body.size()) body = body.substr(0, *n);
  return body;
}

}  // namespace

TEST_CASE("sdp corpus: golden before.sip bodies", "[sdp][corpus]") {
  const std::filesystem::path golden = std::filesystem::path(SIPALG_SHARED_DIR) / "golden";
  if (!std::filesystem::is_directory(golden)) {
    WARN("skipped: no golden cases at " << golden);
    return;
  }
  int with_sdp = 0;
  for (const auto& dir : std::filesystem::directory_iterator(golden)) {
    const auto file = dir.path() / "before.sip";
    if (!std::filesystem::exists(file)) continue;
    INFO(file);
    const std::string msg = read(file);
    const std::string_view body = message_body(msg);
    if (body.empty()) continue;
    const auto ct = sipalg::test::sip_header(msg, "Content-Type", "c");
    exact_copy copy(body);
    const auto located = sipalg::sdp::find_sdp_body(ct, copy.view());
    REQUIRE(located.ok());
    session_description d;
    const auto r = parse_sdp(located.sdp, d);
    CHECK(to_string(r.ec) == "ok");
    sipalg::test::check_views(d);
    CHECK(d.origin.is_ip());
    CHECK(d.connection.is_ip());
    REQUIRE(!d.media.empty());
    CHECK(d.media[0].media == "audio");
    CHECK(d.media[0].port != 0);
    ++with_sdp;
  }
  CHECK(with_sdp >= 3);  // fanvil incoming INVITE, routeros INVITE, spa INVITE
}

TEST_CASE("sdp corpus: every corpus/sdp example, per its verdict", "[sdp][corpus]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const auto rows = sipalg::test::read_tsv(read(corpus / "sdp" / "manifest.tsv"));
  const auto& exceptions = sdp_corpus_exceptions();
  std::set<std::string> seen;
  int parsed = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row.size() < 5 || row[0].empty()) continue;
    const std::string& file = row[0];
    const std::string& verdict = row[4];
    INFO(file << " (verdict " << verdict << ")");
    seen.insert(file);
    const std::string text = read(corpus / "sdp" / file);
    exact_copy copy(text);
    session_description d;
    const auto r = parse_sdp(copy.view(), d);
    if (const auto e = exceptions.find(file); e != exceptions.end()) {
      INFO("exception: " << e->second.reason);
      CHECK(to_string(r.ec) == to_string(e->second.ec));
      CHECK(r.offset <= text.size());
      continue;
    }
    CHECK(verdict != "invalid");  // every invalid example must be a named exception
    INFO("offset " << r.offset << ": " << text.substr(r.offset, 60));
    CHECK(to_string(r.ec) == "ok");
    if (!r.ok()) continue;
    ++parsed;
    sipalg::test::check_views(d);
    // Every port view re-parses to the port; every address a view of a literal or a name.
    for (const auto& m : d.media) {
      CHECK(sipalg::parse_port(m.port_text) == m.port);
      if (m.rtcp.has_rtcp()) CHECK(sipalg::parse_port(m.rtcp.port_text) == m.rtcp.port);
    }
    CHECK(d.origin.present());
  }
  for (const auto& [file, e] : exceptions) {
    INFO(file);
    CHECK(seen.count(file) == 1);  // no stale exception
  }
  CHECK(seen.size() == 146);
  CHECK(parsed == 146 - static_cast<int>(exceptions.size()));
}

TEST_CASE("sdp corpus: the exceptions that are valid parse when completed or given room", "[sdp][corpus]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  SECTION("RFC 3605 fragments behind a session header") {
    struct row {
      const char* file;
      std::string_view address;
    };
    for (const row& r : {row{"rfc3605_01_s2.1_fragment.sdp", ""}, row{"rfc3605_02_s2.1_fragment.sdp", "126.16.64.4"},
                         row{"rfc3605_03_s2.1_fragment.sdp", "2001:2345:6789:ABCD:EF01:2345:6789:ABCD"}}) {
      INFO(r.file);
      const std::string text = "v=0\r\no=- 1 1 IN IP4 126.16.64.4\r\ns=-\r\nt=0 0\r\n" + read(corpus / "sdp" / "rfc" / r.file);
      exact_copy copy(text);
      session_description d;
      REQUIRE(parse_sdp(copy.view(), d).ok());
      REQUIRE(d.media.size() == 1);
      CHECK(d.media[0].port == 49170);
      CHECK(d.media[0].rtcp.port == 53020);
      CHECK(d.media[0].rtcp.address == r.address);
      CHECK(d.media[0].rtcp.has_address() == !r.address.empty());
    }
  }
  SECTION("ssrc.sdp with room for 128 attributes") {
    const std::string text = read(corpus / "sdp" / "sdp-transform" / "ssrc.sdp");
    exact_copy copy(text);
    sipalg::sdp::basic_session_description<16, 128> d;
    REQUIRE(parse_sdp(copy.view(), d).ok());
    CHECK(d.attributes.size() == 94);
    sipalg::test::check_views(d);
  }
  SECTION("hacky.sdp (valid-but-tricky)") {
    const std::string text = read(corpus / "sdp" / "sdp-transform" / "hacky.sdp");
    exact_copy copy(text);
    session_description d;
    REQUIRE(parse_sdp(copy.view(), d).ok());
    REQUIRE(d.media.size() == 3);
    CHECK(d.media[2].proto == "DTLS/SCTP");
    CHECK(d.media[2].formats == "5000");
    CHECK(d.media[0].rtcp.port == 1);
    CHECK(d.media[0].rtcp.address == "0.0.0.0");
    CHECK(d.is_hold(d.media[0]));
    CHECK(d.media[1].rtcp.port == 12312);
    int candidates = 0;
    for (const auto& a : d.attributes_of(d.media[0])) candidates += a.kind == sipalg::sdp::attribute_kind::candidate;
    CHECK(candidates == 8);
  }
  SECTION("sofia-sip message-10: layered multicast, /ttl/count, k=, r=, z=") {
    const std::string text = read(corpus / "sdp" / "sofia-sip" / "message-10.sdp");
    exact_copy copy(text);
    session_description d;
    REQUIRE(parse_sdp(copy.view(), d).ok());
    CHECK(d.connection.address == "224.2.17.12");
    CHECK(d.connection.ttl == 127);
    CHECK(d.connection.count == 2u);
    CHECK(d.direction == sipalg::sdp::media_direction::recvonly);
    REQUIRE(d.media.size() == 3);
    CHECK(d.media[1].port_count == 2);
    CHECK(d.media[1].extra_connections == 1);
  }
}

TEST_CASE("sdp corpus: SDP bodies of the captured SIP messages", "[sdp][corpus]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const auto rows = sipalg::test::read_tsv(read(corpus / "MANIFEST.tsv"));
  const auto& exceptions = pcap_exceptions();
  int bodies = 0, multiparts = 0, ipv6 = 0, exceptions_seen = 0, without_content_type = 0;
  for (const auto& row : rows) {
    if (row.size() < 6 || row[0].rfind("pcap/", 0) != 0) continue;
    const bool sdp_body = row[5].find("sdp-body") != std::string::npos;
    const bool multipart = row[5].find("multipart") != std::string::npos;
    if (!sdp_body && !multipart) continue;
    const std::string& file = row[0];
    INFO(file);
    const std::string msg = read(corpus / file);
    const std::string_view body = message_body(msg);
    exact_copy copy(body);
    const auto ct = sipalg::test::sip_header(msg, "Content-Type", "c");
    auto located = sipalg::sdp::find_sdp_body(ct, copy.view());
    if (ct.empty()) {
      // A few captured messages carry SDP without a Content-Type (RFC 3261 7.4.1 wants
      // one): find_sdp_body does not sniff, so they are not SDP to it.
      CHECK(located.ec == errc::not_sdp);
      ++without_content_type;
      located = sipalg::sdp::find_sdp_body("application/sdp", copy.view());
    }
    REQUIRE(to_string(located.ec) == "ok");
    CHECK(located.in_multipart == multipart);
    session_description d;
    const auto r = parse_sdp(located.sdp, d);
    if (const auto e = exceptions.find(file); e != exceptions.end()) {
      INFO("exception: " << e->second.reason);
      CHECK(to_string(r.ec) == to_string(e->second.ec));
      ++exceptions_seen;
      continue;
    }
    INFO("offset " << r.offset);
    CHECK(to_string(r.ec) == "ok");
    if (!r.ok()) continue;
    sipalg::test::check_views(d);
    ++bodies;
    multiparts += multipart;
    for (const auto& m : d.media) {
      const auto& c = d.effective_connection(m);
      if (c.present() && c.type == sipalg::sdp::address_type::ip6) ++ipv6;
    }
  }
  CHECK(exceptions_seen == static_cast<int>(exceptions.size()));
  CHECK(without_content_type == 1);  // heplify-sip-ipv6-udp/003_200.sip
  CHECK(bodies >= 200);
  CHECK(multiparts >= 1);
  CHECK(ipv6 >= 1);
}

TEST_CASE("sdp corpus: RFC 4475 mpart01 (multipart/mixed with a binary part)", "[sdp][corpus]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const std::string msg = read(corpus / "rfc4475" / "messages" / "mpart01.dat");
  const auto ct = sipalg::test::sip_header(msg, "Content-Type", "c");
  CHECK(ct == "multipart/mixed;boundary=7a9cbec02ceef655");
  const std::string_view body = message_body(msg);
  CHECK(body.size() == 553);
  exact_copy copy(body);

  // Its two parts are text/plain "Hello" and a binary application/octet-stream
  // (with NUL bytes); there is no SDP part (the corpus manifest's note saying
  // "with SDP" is wrong: RFC 4475 3.1.1.11 describes a text and a binary part).
  sipalg::sdp::multipart_reader reader(copy.view(), *sipalg::sdp::content_type_parameter(ct, "boundary"));
  sipalg::sdp::body_part part;
  REQUIRE(reader.next(part));
  CHECK(part.content_type == "text/plain");
  CHECK(part.content_transfer_encoding == "binary");
  CHECK(part.content == "Hello");
  REQUIRE(reader.next(part));
  CHECK(part.content_type == "application/octet-stream");
  CHECK(part.content.find('\0') != std::string_view::npos);
  CHECK(part.content.size() == 342);
  CHECK(!reader.next(part));
  CHECK(reader.done());
  CHECK(reader.status().ok());
  const auto located = sipalg::sdp::find_sdp_body(ct, copy.view());
  CHECK(located.ec == errc::no_sdp_part);

  // The same message with its text part swapped for an SDP one.
  std::string swapped(body);
  const std::string sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0";
  swapped.replace(swapped.find("text/plain"), 10, "application/sdp");
  swapped.replace(swapped.find("Hello"), 5, sdp);
  exact_copy copy2(swapped);
  const auto found = sipalg::sdp::find_sdp_body(ct, copy2.view());
  REQUIRE(found.ok());
  CHECK(found.sdp == sdp);
  CHECK(found.range.offset == swapped.find("v=0"));
  session_description d;
  REQUIRE(parse_sdp(found.sdp, d).ok());
  CHECK(d.media[0].port == 4000);
}
