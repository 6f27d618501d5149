// The external corpus (../shared/corpus): RFC 4475 and RFC 5118 torture messages, every SIP
// message extracted from the public captures, and the raw messages of other stacks' test
// suites. Each message either parses, or is listed below with the reason rejecting it (or,
// for an invalid message, accepting it) is right for an ALG, and that reason is checked.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sip/sip_support.hpp"
#include "sipalg/sip.hpp"
#include "support.hpp"

using namespace sipalg;
using namespace sipalg::sip;
namespace fs = std::filesystem;

namespace {

/// Why a message is not treated as its verdict says.
enum class why {
  strict_rule,          ///< rejected by one of DESIGN.md's strict rules (text explains)
  no_final_empty_line,  ///< a test-suite file without the head's empty line: parses once CRLF is appended
  cl_counts_crlf,       ///< LF-only file whose Content-Length counts CRLF line ends: parses with CRLF
  bigger_limits,        ///< valid but beyond the default limits: parses with 256 headers / 1 MiB
  sub_parser_rejects,   ///< invalid in a header an ALG reads: the message parses, that header's parser rejects it
  harmless,             ///< invalid, accepted: the defect is in something an ALG never reads or rewrites
  cut_short,            ///< a capture truncated by the snap length / extraction
  not_sip,              ///< not a SIP message at all
  stream_needs_cl,      ///< run as a stream without Content-Length (RFC 3261 18.3 MUST): parses as a datagram
};

struct deviation {
  std::string_view path;
  errc observed;  // errc::ok for accepted invalid messages
  why kind;
  std::string_view reason;
};

std::string append_crlf(std::string s) {
  s += (s.find("\r\n") != std::string::npos) ? "\r\n" : "\n";
  return s;
}
std::string to_crlf(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

/// Runs the header sub-parsers an ALG uses; returns the names of those that reject.
std::string sub_parser_failures(std::string_view buf, const message& m) {
  std::string bad;
  if (m.is_request()) {
    uri u;
    if (!parse_uri(m.request_uri.in(buf), u)) bad += " request-uri";
  }
  for (const header& h : m.all(header_id::via)) {
    via_reader r(h.value.in(buf));
    via v;
    while (r.next(v)) {
    }
    if (!r.status()) bad += " via";
  }
  for (const header& h : m.all(header_id::contact)) {
    contact_reader r(h.value.in(buf));
    contact c;
    while (r.next(c)) {
      uri u;
      if (!c.wildcard && !c.address.parse_uri(u)) bad += " contact-uri";
    }
    if (!r.status()) bad += " contact";
  }
  for (header_id id : {header_id::from, header_id::to}) {
    if (const header* h = m.find(id)) {
      name_addr na;
      uri u;
      if (!parse_name_addr(h->value.in(buf), na) || !na.parse_uri(u)) bad += " " + std::string(canonical_name(id));
    }
  }
  if (const header* h = m.find(header_id::cseq)) {
    cseq c;
    if (!parse_cseq(h->value.in(buf), c)) bad += " cseq";
  }
  if (const header* h = m.find(header_id::call_id)) {
    std::string_view id;
    if (!parse_call_id(h->value.in(buf), id)) bad += " call-id";
  }
  return bad;
}

/// Result of a whole file: a datagram, or (stream) every frame of it.
errc parse_file(std::string_view text, bool stream) {
  if (!stream) {
    test::parsed<> p(text);
    if (p.result.ec == errc::ok) test::check_invariants(p.buf(), p.msg);
    return p.result.ec;
  }
  std::size_t at = 0;
  int messages = 0;
  while (at < text.size()) {
    const framing_result f = frame_message(text.substr(at));
    if (f.ec == errc::need_more) return errc::need_more;  // the file ends inside a message
    if (!f.ok()) return f.ec;
    if (f.kind == frame_kind::message) {
      test::parsed<> p(text.substr(at, f.length), parse_options::stream());
      if (p.result.ec != errc::ok) return p.result.ec;
      test::check_invariants(p.buf(), p.msg);
      ++messages;
    }
    at += f.length;
  }
  return messages > 0 ? errc::ok : errc::empty_input;
}

/// Checks that a deviation's stated reason holds.
void check_reason(const deviation& d, const std::string& text, bool stream) {
  INFO("reason: " << d.reason);
  switch (d.kind) {
    case why::no_final_empty_line:
      CHECK((d.observed == errc::unterminated_head || d.observed == errc::need_more));
      CHECK(parse_file(append_crlf(text), false) == errc::ok);
      break;
    case why::stream_needs_cl:
      CHECK(stream);
      CHECK(d.observed == errc::missing_content_length);
      CHECK(parse_file(text, false) == errc::ok);
      break;
    case why::cl_counts_crlf:
      CHECK(parse_file(to_crlf(text), stream) == errc::ok);
      break;
    case why::bigger_limits: {
      test::exact_copy c(text);
      basic_message<256> m;
      parse_options o;
      o.max_message_size = 1u << 20;
      const parse_result r = parse_message(c.view(), m, o);
      CHECK(r.ec == errc::ok);
      if (r.ec == errc::ok) test::check_invariants(c.view(), m);
      break;
    }
    case why::sub_parser_rejects: {
      test::parsed<> p(text);
      REQUIRE(p.result.ec == errc::ok);
      CHECK(!sub_parser_failures(p.buf(), p.msg).empty());
      break;
    }
    case why::strict_rule:
    case why::harmless:
    case why::cut_short:
    case why::not_sip:
      CHECK(!d.reason.empty());
      break;
  }
}

const std::vector<std::vector<std::string>>& manifest(const fs::path& corpus) {
  static const auto rows = [&] {
    const auto text = sipalg::test::read_file(corpus / "MANIFEST.tsv");
    REQUIRE(text);
    return sipalg::test::read_tsv(*text);
  }();
  return rows;
}

}  // namespace

TEST_CASE("corpus: RFC 4475 torture messages", "[sip][corpus][rfc4475]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const fs::path dir = corpus / "rfc4475";
  const auto rows = sipalg::test::read_tsv(*sipalg::test::read_file(dir / "manifest.tsv"));
  // Invalid messages we accept, and why that is safe; and how the others are rejected.
  const std::map<std::string_view, deviation> accepted_invalid = {
      {"badinv01.dat", {"", errc::ok, why::sub_parser_rejects, "empty Via/Contact params: via_reader rejects the Via"}},
      {"scalar02.dat", {"", errc::ok, why::sub_parser_rejects, "CSeq > 2^31-1: parse_cseq rejects it; Max-Forwards/Expires are never rewritten"}},
      {"scalarlg.dat", {"", errc::ok, why::sub_parser_rejects, "CSeq overflow: parse_cseq rejects; Retry-After/Warning never read"}},
      {"quotbal.dat", {"", errc::ok, why::sub_parser_rejects, "unterminated quote in To: parse_name_addr rejects it"}},
      {"lwsstart.dat", {"", errc::ok, why::harmless, "extra SP in the Request-Line: bytes are never re-serialised"}},
      {"trws.dat", {"", errc::ok, why::harmless, "trailing SP after SIP/2.0: bytes are never re-serialised"}},
      {"escruri.dat", {"", errc::ok, why::harmless, "escaped headers stay in uri::headers; only host/port are ever rewritten"}},
      {"baddate.dat", {"", errc::ok, why::harmless, "non-GMT Date: an ALG never reads Date"}},
      {"regbadct.dat", {"", errc::ok, why::harmless, "Contact URI with headers but no <>: read as addr-spec, host/port still exact"}},
      {"badaspec.dat", {"", errc::ok, why::harmless, "LWS inside <>: trimmed around the URI, the URI bytes are untouched"}},
      {"mismatch01.dat", {"", errc::ok, why::harmless, "CSeq method differs from the Request-Line: a transaction-layer check"}},
      {"mismatch02.dat", {"", errc::ok, why::harmless, "unknown method with CSeq mismatch: a transaction-layer check"}},
      {"insuf.dat", {"", errc::ok, why::harmless, "missing Call-ID/From/To: framing is intact; only present fields are rewritten"}},
      {"multi01.dat", {"", errc::ok, why::harmless, "several single-valued headers: the index keeps every copy, none is dropped"}},
      {"baddn.dat", {"", errc::unterminated_head, why::strict_rule, "the archive file ends without the empty line (and its From is rejected by parse_name_addr)"}},
  };
  int valid = 0, rejected = 0, accepted = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row.size() < 5) continue;
    const std::string& file = row[0];
    const std::string& verdict = row[4];
    INFO(file << " (" << verdict << ")");
    const auto text = sipalg::test::read_file(dir / "messages" / file);
    REQUIRE(text);
    test::parsed<> p(*text);
    if (verdict == "valid" || verdict == "valid-but-tricky") {
      CHECK(p.result.ec == errc::ok);
      if (p.result.ec != errc::ok) continue;
      test::check_invariants(p.buf(), p.msg);
      ++valid;
      // Messages whose headers are all well-formed pass every sub-parser too.
      if (file != "unkscm.dat" && file != "novelsc.dat" && file != "unksm2.dat" && file != "badbranch.dat")
        CHECK(sub_parser_failures(p.buf(), p.msg).empty());
    } else {
      const auto it = accepted_invalid.find(file);
      if (it == accepted_invalid.end()) {
        CHECK(p.result.ec != errc::ok);
        ++rejected;
      } else {
        CHECK(p.result.ec == it->second.observed);
        check_reason(it->second, *text, false);
        ++accepted;
      }
    }
  }
  CHECK(valid == 27);
  CHECK(rejected + accepted == 23);
  // Specific expectations from the RFC text.
  auto parse = [&](const char* f) { return test::parsed<>(*sipalg::test::read_file(dir / "messages" / f)); };
  CHECK(parse("badvers.dat").result.ec == errc::bad_version);
  CHECK(parse("bigcode.dat").result.ec == errc::bad_status_code);
  CHECK(parse("clerr.dat").result.ec == errc::body_too_short);
  CHECK(parse("ncl.dat").result.ec == errc::negative_content_length);
  CHECK(parse("mcl01.dat").result.ec == errc::conflicting_content_length);
  CHECK(parse("ltgtruri.dat").result.ec == errc::bad_request_uri);
  CHECK(parse("lwsruri.dat").result.ec == errc::bad_request_uri);
  CHECK(parse("test.dat").result.ec == errc::bad_version);
  {
    const auto p = parse("dblreq.dat");  // trailing octets after the REGISTER are not part of it
    REQUIRE(p.result.ec == errc::ok);
    CHECK(p.msg.method_type == method_id::register_);
    CHECK(p.msg.message_end < p.buf().size());
    CHECK(p.buf().substr(p.msg.message_end).substr(0, 8) == "\r\nINVITE");
  }
  {
    const auto p = parse("esc02.dat");  // C%6Fntact is not a Contact: 2 Contacts, not 3
    REQUIRE(p.result.ec == errc::ok);
    CHECK(p.msg.count(header_id::contact) == 2);
  }
  {
    const auto p = parse("wsinv.dat");
    REQUIRE(p.result.ec == errc::ok);
    CHECK(p.msg.count(header_id::via) == 2);
    int n = 0;
    for (const header& h : p.msg.all(header_id::via)) {
      via_reader r(h.value.in(p.buf()));
      via v;
      while (r.next(v)) ++n;
      CHECK(r.status().ok());
    }
    CHECK(n == 3);
    CHECK(p.msg.content_length == 150u);
  }
}

TEST_CASE("corpus: RFC 5118 IPv6 torture messages", "[sip][corpus][rfc5118]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const fs::path dir = corpus / "rfc5118";
  const auto rows = sipalg::test::read_tsv(*sipalg::test::read_file(dir / "manifest.tsv"));
  int n = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row.size() < 8) continue;
    const std::string& name = row[0];
    const std::string& verdict = row[3];
    INFO(name << " (" << verdict << ")");
    const auto text = sipalg::test::read_file(dir / row[7]);
    REQUIRE(text);
    test::parsed<> p(*text);
    ++n;
    if (name == "ipv6-in-sdp") {
      // The RFC's own Content-Length (268) exceeds the body (251 bytes with CRLF): our strict
      // rule rejects a body shorter than Content-Length; the rest of the message is fine.
      CHECK(p.result.ec == errc::body_too_short);
      std::string fixed = *text;
      fixed.replace(fixed.find("Content-Length: 268"), 19, "Content-Length: 251");
      test::parsed<> q(fixed);
      REQUIRE(q.result.ec == errc::ok);
      CHECK(sub_parser_failures(q.buf(), q.msg).empty());
      continue;
    }
    REQUIRE(p.result.ec == errc::ok);
    test::check_invariants(p.buf(), p.msg);
    const std::string bad = sub_parser_failures(p.buf(), p.msg);
    if (verdict == "invalid") {
      CHECK(bad == " request-uri");  // ipv6-bad: IPv6 reference without [] in the Request-URI
    } else {
      CHECK(bad.empty());
    }
  }
  CHECK(n == 12);
  // Port ambiguity (4.3/4.4) and received with/without brackets (4.5).
  auto ruri = [&](const char* f) {
    static std::string keep;
    keep = *sipalg::test::read_file(dir / "wire-crlf" / f);
    test::parsed<> p(keep);
    uri u;
    REQUIRE(parse_uri(p.text(p.msg.request_uri), u).ok());
    return std::pair<std::string, std::string>(std::string(u.host.address), std::string(u.host.port_text));
  };
  CHECK(ruri("port-ambiguous.sip") == std::pair<std::string, std::string>("2001:db8::10:5070", ""));
  CHECK(ruri("port-unambiguous.sip") == std::pair<std::string, std::string>("2001:db8::10", "5070"));
}

TEST_CASE("corpus: every SIP message of the public captures", "[sip][corpus][pcap]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const std::vector<deviation> rejected = {
      {"pcap/ndpi-http-on-sip-port/001_GET.sip", errc::bad_request_uri, why::not_sip, "HTTP request on port 5060"},
      {"pcap/ndpi-http-on-sip-port/002_UNKNOWN.sip", errc::bad_method, why::not_sip, "HTTP response on port 5060"},
      {"pcap/pcapplusplus-sip-reqs/003_ACK.sip", errc::unterminated_head, why::cut_short, "capture ends after the last header (Wireshark: malformed)"},
      {"pcap/pcapplusplus-sip-reqs/004_BYE.sip", errc::unterminated_head, why::cut_short, "capture ends inside 'Content-Lengt' (Wireshark: malformed)"},
      {"pcap/suricata-sip-body-large/001_INVITE.sip", errc::message_too_large, why::bigger_limits, "65793-byte crafted INVITE exceeds the 65535-byte default"},
      {"pcap/zeek-invalid-content-length/001_INVITE.sip", errc::bad_content_length, why::strict_rule, "synthetic non-numeric Content-Length"},
      {"pcap/zeek-invalid-content-length/002_200.sip", errc::bad_content_length, why::strict_rule, "synthetic non-numeric Content-Length"},
  };
  // Messages that parse but carry a header an ALG must not rewrite.
  const std::map<std::string_view, std::string_view> sub_rejects = {
      {"heplify-sip-ipv6-udp", " via"},  // IPv6 addresses without [] everywhere (RFC 5118 4.2)
      {"suricata-sip-compact-form", " From"},                            // From: \"arik\" <...> (broken quoting)
      {"suricata-sip-header-multi-value", " From"},
      {"suricata-sip-sdp", " From"},
  };
  int total = 0, parsed_ok = 0, fuzzed_rejected = 0;
  for (const auto& row : manifest(corpus)) {
    if (row.size() < 5 || row[0].rfind("pcap/", 0) != 0 || row[0].size() < 4 ||
        row[0].compare(row[0].size() - 4, 4, ".sip") != 0)
      continue;
    const std::string& path = row[0];
    INFO(path);
    const auto text = sipalg::test::read_file(corpus / path);
    REQUIRE(text);
    ++total;
    test::parsed<> p(*text);
    const bool fuzzed = path.find("wireshark-aaa-fuzzed/") != std::string::npos;
    const deviation* dev = nullptr;
    for (const auto& d : rejected)
      if (d.path == path) dev = &d;
    if (dev) {
      CHECK(p.result.ec == dev->observed);
      if (dev->kind == why::bigger_limits) check_reason(*dev, *text, false);
      continue;
    }
    if (fuzzed && p.result.ec != errc::ok) {  // random byte mutations: any error is fine, no crash
      ++fuzzed_rejected;
      continue;
    }
    REQUIRE(p.result.ec == errc::ok);
    test::check_invariants(p.buf(), p.msg);
    ++parsed_ok;
    if (fuzzed) continue;
    const std::string bad = sub_parser_failures(p.buf(), p.msg);
    std::string_view expected;
    for (const auto& [dir, what] : sub_rejects)
      if (path.find(std::string(dir) + "/") != std::string::npos) expected = what;
    if (expected.empty()) {
      CHECK(bad.empty());
    } else {
      CHECK(bad.find(expected) != std::string::npos);
    }
  }
  INFO(total << " messages: " << parsed_ok << " parsed, " << fuzzed_rejected << " fuzzed ones rejected");
  CHECK(total > 1000);
  CHECK(parsed_ok + fuzzed_rejected + static_cast<int>(rejected.size()) == total);
  CHECK(fuzzed_rejected < 60);
}

TEST_CASE("corpus: other stacks' test messages against their verdicts", "[sip][corpus][stack-tests]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const std::vector<deviation> deviations = {
      // Valid by the suite, rejected here.
      {"stack-tests/osip2/sip-malformed5.sip", errc::negative_content_length, why::strict_rule, "Content-Length: -999 (oSIP tolerates it)"},
      {"stack-tests/osip2/sip-malformed7.sip", errc::unterminated_head, why::no_final_empty_line, ""},
      {"stack-tests/osip2/sip0.sip", errc::too_many_headers, why::bigger_limits, "more than 64 header fields"},
      {"stack-tests/osip2/sip66.sip", errc::body_too_short, why::cl_counts_crlf, ""},
      {"stack-tests/osip2/sip77.sip", errc::bad_version, why::strict_rule, "SIP/7.0: unknown version, its syntax cannot be assumed"},
      {"stack-tests/osip2/sip87.sip", errc::message_too_large, why::bigger_limits, "75896 bytes"},
      {"stack-tests/pjsip-msg_test/msg01.sip", errc::bare_cr, why::strict_rule, "a bare CR used as a line separator"},
      {"stack-tests/pjsip-sendto/001_torture_4475_3_1_1_1.sip", errc::body_too_short, why::cl_counts_crlf, ""},
      {"stack-tests/pjsip-sendto/001_torture_4475_3_1_1_3.sip", errc::body_too_short, why::cl_counts_crlf, ""},
      {"stack-tests/pjsip-sendto/001_torture_4475_3_1_1_4.sip", errc::unterminated_head, why::no_final_empty_line, ""},
      {"stack-tests/pjsip-sendto/001_torture_4475_3_1_1_5.sip", errc::unterminated_head, why::no_final_empty_line, ""},
      {"stack-tests/pjsip-sendto/110_tel_uri.sip", errc::body_too_short, why::strict_rule, "a template: the harness substitutes $LOCAL_IP, Content-Length counts the result"},
      {"stack-tests/pjsip-sendto/159_no_rport.sip", errc::body_too_short, why::cl_counts_crlf, ""},
      {"stack-tests/pjsip-sendto/360_non_sip_uri.sip", errc::unterminated_head, why::no_final_empty_line, ""},
      {"stack-tests/pjsip-sendto/361_non_sip_uri.sip", errc::unterminated_head, why::no_final_empty_line, ""},
      {"stack-tests/pjsip-sendto/362_non_sip_uri.sip", errc::unterminated_head, why::no_final_empty_line, ""},
      {"stack-tests/pjsip-sendto/363_non_sip_uri_subscribe.sip", errc::unterminated_head, why::no_final_empty_line, ""},
      {"stack-tests/pjsip-sendto/999_asterisk_err.sip", errc::body_too_short, why::cl_counts_crlf, ""},
      {"stack-tests/pjsip-sendto/999_message_no_body.sip", errc::unterminated_head, why::strict_rule, "Content-Length: 50 and no body (nor empty line): body shorter than Content-Length"},
      {"stack-tests/sofia-sip/test1.txt", errc::bad_header_name, why::strict_rule, "a line starting with WSP right after the start line (the start line cannot be folded)"},
      {"stack-tests/sofia-sip/test41.txt", errc::bad_version, why::strict_rule, "unknown SIP version"},
      {"stack-tests/sofia-sip/test42.txt", errc::bad_version, why::strict_rule, "unknown SIP version"},
      {"stack-tests/sofia-sip/test9.txt", errc::need_more, why::no_final_empty_line, "also no Content-Length: run as a datagram"},
      {"stack-tests/sofia-sip/test2.txt", errc::missing_content_length, why::stream_needs_cl, ""},
      {"stack-tests/sofia-sip/test4.txt", errc::missing_content_length, why::stream_needs_cl, ""},
      // Invalid by the suite, accepted here.
      {"stack-tests/kamailio/bad_via1.sip", errc::ok, why::harmless, "its folded Via is well-formed (RFC 4475 wsinv style)"},
      {"stack-tests/osip2/sip-malformed2.sip", errc::ok, why::harmless, "duplicate Call-ID/From: every copy is indexed, an ALG rewrites neither"},
      {"stack-tests/osip2/sip-malformed8.sip", errc::ok, why::harmless, "two SP after the Request-URI (RFC 4475 3.1.2.9)"},
      {"stack-tests/osip2/sip-malformed3.sip", errc::ok, why::sub_parser_rejects, "bad Via and Contact"},
      {"stack-tests/osip2/sip-malformed6.sip", errc::ok, why::sub_parser_rejects, "unterminated quote in To"},
      {"stack-tests/osip2/sip-malformed9.sip", errc::ok, why::sub_parser_rejects, "bad display name in From"},
      {"stack-tests/osip2/sip-malformed11.sip", errc::ok, why::sub_parser_rejects, "non-token display names"},
      {"stack-tests/sofia-sip/test19.txt", errc::ok, why::sub_parser_rejects, "unterminated quote in To"},
      {"stack-tests/sofia-sip/test26.txt", errc::ok, why::harmless, "Request-URI 'name:user' is a well-formed unknown-scheme URI (opaque)"},
      {"stack-tests/sofia-sip/test29.txt", errc::ok, why::harmless, "Expires as a non-GMT date: parse_expires rejects it, the message is fine"},
  };
  std::map<std::string, int> seen;
  int checked = 0;
  for (const auto& row : manifest(corpus)) {
    if (row.size() < 5 || row[0].rfind("stack-tests/", 0) != 0) continue;
    if (row[2] != "sip-request" && row[2] != "sip-response") continue;
    const std::string& path = row[0];
    const std::string& verdict = row[4];
    const bool stream = row[3].find("stream framing") != std::string::npos;
    INFO(path << " (" << verdict << (stream ? ", stream" : "") << ")");
    const auto text = sipalg::test::read_file(corpus / path);
    REQUIRE(text);
    const errc got = parse_file(*text, stream);
    if (verdict == "unknown") continue;  // no verdict: only no crash and the invariants
    ++checked;
    const deviation* dev = nullptr;
    for (const auto& d : deviations)
      if (d.path == path) dev = &d;
    if (dev) {
      ++seen[path];
      CHECK(got == dev->observed);
      check_reason(*dev, *text, stream);
    } else if (verdict == "invalid") {
      CHECK(got != errc::ok);
    } else {
      CHECK(got == errc::ok);
    }
  }
  CHECK(checked > 170);
  for (const auto& d : deviations) {
    INFO(d.path);
    CHECK(seen[std::string(d.path)] == 1);  // the table names real corpus files
  }
}
