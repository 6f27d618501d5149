// parse_message(): start line, header index, body, leniency and strictness (RFC 3261 7, 18.3).
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "sip/sip_support.hpp"
#include "sipalg/sip/parser.hpp"
#include "support.hpp"

using namespace sipalg;
using namespace sipalg::sip;
using sipalg::test::check_invariants;
using sipalg::test::parsed;

namespace {

constexpr std::string_view kInvite =
    "INVITE sip:bob@192.0.2.4 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@192.0.2.4>\r\n"
    "From: Alice <sip:alice@10.0.0.1>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@10.0.0.1\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@10.0.0.1:5060>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

std::string lf_only(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
  return out;
}

}  // namespace

TEST_CASE("parse_message: a request with SDP body", "[sip][parser]") {
  parsed p(kInvite);
  REQUIRE(p.result.ec == errc::ok);
  check_invariants(p.buf(), p.msg);
  const auto& m = p.msg;
  CHECK(p.result.offset == kInvite.size());
  CHECK(m.is_request());
  CHECK(m.method_type == method_id::invite);
  CHECK(p.text(m.method) == "INVITE");
  CHECK(p.text(m.request_uri) == "sip:bob@192.0.2.4");
  CHECK(p.text(m.version) == "SIP/2.0");
  CHECK(!m.reason.present());
  CHECK(p.text(m.start_line) == "INVITE sip:bob@192.0.2.4 SIP/2.0\r\n");
  REQUIRE(m.headers.size() == 9);
  CHECK(m.headers[0].id == header_id::via);
  CHECK(p.text(m.headers[0].name) == "Via");
  CHECK(p.text(m.headers[0].value) == "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds");
  CHECK(p.text(m.headers[0].line) == "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n");
  CHECK(p.value(header_id::call_id) == "a84b4c76e66710@10.0.0.1");
  CHECK(p.value(header_id::max_forwards) == "70");
  REQUIRE(m.content_length);
  CHECK(*m.content_length == 4);
  CHECK(m.content_length_header == 8);
  CHECK(p.text(m.body) == "v=0\n");
  CHECK(m.head_end == kInvite.size() - 4);
  CHECK(m.message_end == kInvite.size());
  CHECK(p.text(m.head()) == kInvite.substr(0, kInvite.size() - 4));
}

TEST_CASE("parse_message: responses", "[sip][parser]") {
  struct row {
    std::string_view start;
    unsigned code;
    std::string_view reason;
  };
  const row rows[] = {
      {"SIP/2.0 200 OK", 200, "OK"},
      {"SIP/2.0 100 Trying", 100, "Trying"},
      {"SIP/2.0 699 Whatever", 699, "Whatever"},
      {"SIP/2.0 180 Ringing  ", 180, "Ringing"},                      // trailing SP trimmed
      {"SIP/2.0 486 Busy Here", 486, "Busy Here"},                    // SP inside the reason
      {"SIP/2.0 200 ", 200, ""},                                      // empty reason (RFC 4475 3.1.1.13)
      {"SIP/2.0 200", 200, ""},                                       // no SP at all: tolerated
      {"sip/2.0 200 OK", 200, "OK"},                                  // literal case-insensitive
      {"SIP/2.0 200 \xC3\xA9t\xC3\xA9", 200, "\xC3\xA9t\xC3\xA9"},  // UTF-8 reason (RFC 4475 3.1.1.12)
  };
  for (const row& r : rows) {
    const std::string msg = std::string(r.start) + "\r\nCall-ID: x\r\n\r\n";
    INFO(msg);
    parsed p(msg);
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.msg.is_response());
    CHECK(p.msg.status_code == r.code);
    CHECK(p.text(p.msg.reason) == r.reason);
    CHECK(!p.msg.method.present());
    CHECK(!p.msg.request_uri.present());
    CHECK(p.msg.method_type == method_id::unknown);
  }
}

TEST_CASE("parse_message: every known method and unknown ones", "[sip][parser]") {
  const std::pair<std::string_view, method_id> rows[] = {
      {"INVITE", method_id::invite},     {"ACK", method_id::ack},         {"BYE", method_id::bye},
      {"CANCEL", method_id::cancel},     {"REGISTER", method_id::register_}, {"OPTIONS", method_id::options},
      {"UPDATE", method_id::update},     {"PRACK", method_id::prack},     {"SUBSCRIBE", method_id::subscribe},
      {"NOTIFY", method_id::notify},     {"REFER", method_id::refer},     {"MESSAGE", method_id::message},
      {"INFO", method_id::info},         {"PUBLISH", method_id::publish}, {"invite", method_id::unknown},
      {"FOO", method_id::unknown},       {"!interesting-Method0123456789_*+`.%indeed'~", method_id::unknown},
  };
  for (const auto& [name, id] : rows) {
    const std::string msg = std::string(name) + " sip:x@example.com SIP/2.0\r\n\r\n";
    parsed p(msg);
    REQUIRE(p.result.ec == errc::ok);
    CHECK(p.msg.method_type == id);
    CHECK(p.text(p.msg.method) == name);
  }
}

TEST_CASE("parse_message: lenient where RFC 3261 allows", "[sip][parser]") {
  SECTION("LF-only line ends") {
    const std::string m = lf_only(kInvite);
    parsed p(m);
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.msg.headers.size() == 9);
    CHECK(p.text(p.msg.body) == "v=0\n");
    CHECK(p.text(p.msg.headers[0].line).back() == '\n');
  }
  SECTION("CRLF and LF mixed") {
    parsed p("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h\r\nTo: <sip:a@b>\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.msg.headers.size() == 2);
  }
  SECTION("folded header: the value spans the continuation lines") {
    parsed p("OPTIONS sip:a@b SIP/2.0\r\nSubject: first\r\n  second\r\n\tthird\r\nTo: <sip:a@b>\r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    REQUIRE(p.msg.headers.size() == 2);
    CHECK(p.value(header_id::subject) == "first\r\n  second\r\n\tthird");
    CHECK(p.text(p.msg.headers[0].line) == "Subject: first\r\n  second\r\n\tthird\r\n");
  }
  SECTION("value starting on a continuation line") {
    parsed p("OPTIONS sip:a@b SIP/2.0\r\nTo :\r\n sip:a@b ;tag=1\r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.value(header_id::to) == "sip:a@b ;tag=1");
  }
  SECTION("LWS around the colon, and a fold before it") {
    parsed p("OPTIONS sip:a@b SIP/2.0\r\nContent-Length   : 0\r\nCall-ID\t: x\r\nCSeq\r\n : 1 OPTIONS\r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.text(p.msg.headers[0].name) == "Content-Length");
    CHECK(p.text(p.msg.headers[1].name) == "Call-ID");
    CHECK(p.text(p.msg.headers[2].name) == "CSeq");
    CHECK(p.value(header_id::cseq) == "1 OPTIONS");
    CHECK(*p.msg.content_length == 0);
  }
  SECTION("case-insensitive names and compact forms") {
    parsed p("OPTIONS sip:a@b SIP/2.0\r\nvIa: SIP/2.0/UDP h\r\nv: SIP/2.0/UDP g\r\ni: id\r\nL: 0\r\nm: <sip:c@d>\r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.msg.count(header_id::via) == 2);
    CHECK(p.value(header_id::call_id) == "id");
    CHECK(p.value(header_id::contact) == "<sip:c@d>");
    CHECK(p.msg.content_length == 0u);
  }
  SECTION("CRLFs before the start line are skipped (RFC 3261 7.5)") {
    parsed p("\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.msg.start_line.offset == 4);
    CHECK(p.msg.head().offset == 4);
  }
  SECTION("several SP between Request-Line elements, trailing SP (RFC 4475 3.1.2.9/3.1.2.10)") {
    parsed p("OPTIONS  sip:a@b \t SIP/2.0  \r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    CHECK(p.text(p.msg.request_uri) == "sip:a@b");
    CHECK(p.text(p.msg.version) == "SIP/2.0");
  }
  SECTION("empty header values") {
    parsed p("OPTIONS sip:a@b SIP/2.0\r\nSubject:\r\ns :   \r\nX-Empty:\r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    for (const header& h : p.msg.headers) {
      CHECK(h.value.present());
      CHECK(h.value.empty());
    }
  }
  SECTION("NUL right after a backslash (quoted-pair, RFC 4475 3.1.1.2)") {
    const std::string m = std::string("OPTIONS sip:a@b SIP/2.0\r\nTo: \"NUL:\\") + '\0' + "\" <sip:a@b>\r\n\r\n";
    parsed p(m);
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
  }
  SECTION("unknown and odd-but-token header names") {
    parsed p("OPTIONS sip:a@b SIP/2.0\r\nextensionHeader-!.%*+_`'~: x\r\nC%6Fntact: <sip:x@y>\r\n\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.msg.headers[0].id == header_id::unknown);
    CHECK(p.msg.headers[1].id == header_id::unknown);  // RFC 4475 3.1.1.5: not a Contact
    CHECK(p.msg.find_name(p.buf(), "c%6fntact") == &p.msg.headers[1]);
  }
  SECTION("datagram without Content-Length: the body is the rest") {
    parsed p("MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nhello\r\n");
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(!p.msg.content_length);
    CHECK(p.text(p.msg.body) == "hello\r\n");
  }
  SECTION("trailing octets after Content-Length are ignored (RFC 4475 3.1.1.8)") {
    const std::string_view m = "REGISTER sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\nINVITE sip:b SIP/2.0\r\n\r\n";
    parsed p(m);
    REQUIRE(p.result.ec == errc::ok);
    check_invariants(p.buf(), p.msg);
    CHECK(p.result.offset == m.find("INVITE"));
    CHECK(p.msg.message_end == m.find("INVITE"));
    CHECK(p.msg.body.empty());
  }
  SECTION("repeated identical Content-Length values") {
    parsed p("MESSAGE sip:a SIP/2.0\r\nContent-Length: 2\r\nl: 02\r\n\r\nhi");
    REQUIRE(p.result.ec == errc::ok);
    CHECK(*p.msg.content_length == 2);
    CHECK(p.msg.content_length_header == 0);
    CHECK(p.text(p.msg.body) == "hi");
  }
  SECTION("a body may contain anything, NUL and bare CR included") {
    const std::string m = std::string("MESSAGE sip:a SIP/2.0\r\nContent-Length: 4\r\n\r\n") + std::string("\0\r\rx", 4);
    parsed p(m);
    REQUIRE(p.result.ec == errc::ok);
    CHECK(p.msg.body.length == 4);
  }
}

TEST_CASE("parse_message: syntax errors with their offsets", "[sip][parser]") {
  struct row {
    std::string input;
    errc ec;
    std::string_view marker;  // expected offset = input.find(marker); "" = end of input
  };
  const std::string req = "OPTIONS sip:a@b SIP/2.0\r\n";
  const std::vector<row> rows = {
      {"", errc::empty_input, ""},
      {"\r\n\r\n", errc::empty_input, ""},
      {"\n", errc::empty_input, ""},
      {"INVITE\r\n\r\n", errc::bad_start_line, "INVITE"},
      {"<html>\r\n\r\n", errc::bad_start_line, "<html>"},
      {" INVITE sip:a SIP/2.0\r\n\r\n", errc::bad_start_line, " INVITE"},
      {"INV@TE sip:a SIP/2.0\r\n\r\n", errc::bad_method, "@"},
      {"INVITE sip:a SIP/3.0\r\n\r\n", errc::bad_version, "SIP/3.0"},
      {"INVITE sip:a SIP/2.00\r\n\r\n", errc::bad_version, "SIP/2.00"},
      {"INVITE sip:a SIP/7.0\r\n\r\n", errc::bad_version, "SIP/7.0"},  // RFC 4475 3.1.2.16
      {"INVITE sip:a HTTP/1.1\r\n\r\n", errc::bad_version, "HTTP"},
      {"INVITE sip:a\r\n\r\n", errc::bad_version, "\r\n"},  // RFC 4475 test.dat: no version
      {"GET / HTTP/1.1\r\n\r\n", errc::bad_request_uri, "/ "},
      {"INVITE <sip:a@b> SIP/2.0\r\n\r\n", errc::bad_request_uri, "<sip"},  // RFC 4475 3.1.2.7
      {"INVITE sip:a@b; lr SIP/2.0\r\n\r\n", errc::bad_request_uri, " lr"},   // RFC 4475 3.1.2.8
      {"INVITE nocolon SIP/2.0\r\n\r\n", errc::bad_request_uri, " SIP"},
      {"INVITE 1sip:a SIP/2.0\r\n\r\n", errc::bad_request_uri, "1sip"},
      {"INVITE sip:a\"b SIP/2.0\r\n\r\n", errc::bad_request_uri, "\"b"},
      {"INVITE sip:\xC3\xA9 SIP/2.0\r\n\r\n", errc::bad_request_uri, "\xC3"},
      {"SIP/2.0 099 Low\r\n\r\n", errc::bad_status_code, "099"},
      {"SIP/2.0 700 High\r\n\r\n", errc::bad_status_code, "700"},  // RFC 4475 3.1.2.19
      {"SIP/2.0 20 Short\r\n\r\n", errc::bad_status_code, "20 "},
      {"SIP/2.0 2000 Long\r\n\r\n", errc::bad_status_code, "2000"},
      {"SIP/2.0 20x OK\r\n\r\n", errc::bad_status_code, "20x"},
      {"SIP/2.0 200OK\r\n\r\n", errc::bad_status_code, "200OK"},
      {"SIP/2.0\r\n\r\n", errc::bad_status_code, "\r\n"},
      {"SIP/2.1 200 OK\r\n\r\n", errc::bad_version, "SIP"},
      {req + ": x\r\n\r\n", errc::bad_header_name, ": x"},
      {req + "Foo Bar: x\r\n\r\n", errc::bad_header_name, " Bar"},
      {req + "Fo@o: x\r\n\r\n", errc::bad_header_name, "@o"},
      {req + "Via\t@: x\r\n\r\n", errc::bad_header_name, "@:"},
      {req + " x: y\r\n\r\n", errc::bad_header_name, " x"},  // continuation of the start line
      {req + "Foo\r\n\r\n", errc::missing_colon, "\r\n\r\n"},
      {req + "Foo bar\r\nTo: x\r\n\r\n", errc::missing_colon, "bar"},
      {req + "text/plain\r\n\r\n", errc::missing_colon, "/plain"},
      {req + std::string("To: a\0b\r\n\r\n", 11), errc::nul_in_head, std::string_view("\0", 1)},
      {req + std::string("T\0o: ab\r\n\r\n", 11), errc::nul_in_head, std::string_view("\0", 1)},
      {std::string("OPTIONS sip:a\0 SIP/2.0\r\n\r\n", 26), errc::nul_in_head, std::string_view("\0", 1)},
      {req + "To: a\rb\r\n\r\n", errc::bare_cr, "\rb"},
      {req + "To: ab\r\r\n\r\n", errc::bare_cr, "\r\r"},
      {req + "To: ab\r\n\rX\r\n", errc::bare_cr, "\rX"},
      {"OPTIONS sip:a SIP/2.0\rTo: x\r\n\r\n", errc::bare_cr, "\rTo"},
      {"OPTIONS sip:a SIP/2.0", errc::unterminated_head, ""},
      {"OPTIONS sip:a SIP/2.0\r", errc::unterminated_head, ""},
      {req, errc::unterminated_head, ""},
      {req + "To: x\r\n", errc::unterminated_head, ""},
      {req + "To: x\r\n\r", errc::unterminated_head, ""},
      {req + "To: x", errc::unterminated_head, ""},
      {req + "Content-Lengt", errc::unterminated_head, ""},  // a capture cut short
      {req + "Content-Length: abc\r\n\r\n", errc::bad_content_length, "abc"},
      {req + "Content-Length: 1 2\r\n\r\n", errc::bad_content_length, " 2"},
      {req + "Content-Length:\r\n\r\n", errc::bad_content_length, "\r\n\r\n"},
      {req + "Content-Length: 0x10\r\n\r\n", errc::bad_content_length, "x10"},
      {req + "Content-Length: 99999999999\r\n\r\n", errc::bad_content_length, "99\r\n"},
      {req + "Content-Length: +5\r\n\r\n", errc::bad_content_length, "+5"},
      {req + "Content-Length: -999\r\n\r\n", errc::negative_content_length, "-999"},  // RFC 4475 3.1.2.3
      {req + "Content-Length: 13\r\nl: 5\r\n\r\n0123456789abc", errc::conflicting_content_length, "l: 5"},
      {req + "Content-Length: 10\r\n\r\nshort", errc::body_too_short, ""},  // RFC 4475 3.1.2.2
      {req + "Content-Length: 70000\r\n\r\n", errc::message_too_large, "70000"},
  };
  for (const row& r : rows) {
    INFO("input: " << r.input);
    parsed p(r.input);
    CHECK(p.result.ec == r.ec);
    const std::size_t at = r.marker.empty() ? r.input.size() : r.input.find(r.marker);
    REQUIRE(at != std::string::npos);
    CHECK(p.result.offset == at);
  }
}

TEST_CASE("parse_message: limits from parse_options", "[sip][parser]") {
  SECTION("line length counts from the name to the end of the last folded line's terminator") {
    parse_options opt;
    opt.max_line_length = 20;
    const std::string ok_line = "OPTIONS sip:a SIP/2.0\r\n";  // start line: 23 bytes > 20
    CHECK(parsed(ok_line + "\r\n", opt).result.ec == errc::line_too_long);
    opt.max_line_length = 23;
    CHECK(parsed(ok_line + "\r\n", opt).result.ec == errc::ok);
    CHECK(parsed(ok_line + "Subject: 0123456789ab\r\n\r\n", opt).result.ec == errc::ok);  // exactly 23
    const parsed<> p(ok_line + "Subject: 0123456789abc\r\n\r\n", opt);
    CHECK(p.result.ec == errc::line_too_long);
    CHECK(p.result.offset == ok_line.size());
    CHECK(parsed(ok_line + "Subject: 0123\r\n 4567890\r\n\r\n", opt).result.ec == errc::line_too_long);
  }
  SECTION("an over-long line is reported even when the input ends inside it") {
    parse_options opt;
    opt.max_line_length = 30;
    CHECK(parsed("OPTIONS sip:a SIP/2.0\r\nSubject: " + std::string(40, 'x'), opt).result.ec ==
          errc::line_too_long);
    CHECK(parsed("OPTIONS sip:a SIP/2.0\r\nSubject: xx", opt).result.ec == errc::unterminated_head);
  }
  SECTION("default line limit is 8192") {
    const std::string head = "OPTIONS sip:a SIP/2.0\r\nSubject: ";
    CHECK(parsed(head + std::string(8192 - 11, 'x') + "\r\n\r\n").result.ec == errc::ok);
    CHECK(parsed(head + std::string(8192 - 10, 'x') + "\r\n\r\n").result.ec == errc::line_too_long);
  }
  SECTION("message size") {
    parse_options opt;
    opt.max_message_size = 40;
    const std::string m = "OPTIONS sip:a SIP/2.0\r\nl: 3\r\n\r\nabc";  // 34 bytes
    CHECK(parsed(m, opt).result.ec == errc::ok);
    CHECK(parsed(m + std::string(7, 'x'), opt).result.ec == errc::message_too_large);  // input 41
    const std::string big = "OPTIONS sip:a SIP/2.0\r\nl: 9\r\n\r\nabcdefghi";  // announces 40 bytes
    CHECK(parsed(big, opt).result.ec == errc::ok);
    const std::string bigger = "OPTIONS sip:a SIP/2.0\r\nl: 10\r\n\r\nabcdefgh";  // announces 41
    CHECK(parsed(bigger, opt).result.ec == errc::message_too_large);
  }
  SECTION("header capacity: overflow is an error, never a truncation") {
    std::string m = "OPTIONS sip:a SIP/2.0\r\n";
    for (int i = 0; i < 4; ++i) m += "X-" + std::to_string(i) + ": v\r\n";
    const std::string four = m + "\r\n";
    CHECK(parsed<4>(four).result.ec == errc::ok);
    const parsed<3> p(four);
    CHECK(p.result.ec == errc::too_many_headers);
    CHECK(p.result.offset == four.find("X-3"));
  }
  SECTION("stream rules: Content-Length is mandatory") {
    const std::string m = "OPTIONS sip:a SIP/2.0\r\nCall-ID: x\r\n\r\n";
    const parsed<> p(m, parse_options::stream());
    CHECK(p.result.ec == errc::missing_content_length);
    CHECK(p.result.offset == m.size());
    CHECK(parsed(m, parse_options::datagram()).result.ec == errc::ok);
    CHECK(parsed(m + "", parse_options::stream()).result.ec == errc::missing_content_length);
    CHECK(parsed("OPTIONS sip:a SIP/2.0\r\nl: 0\r\n\r\n", parse_options::stream()).result.ec == errc::ok);
  }
}

TEST_CASE("parse_message: a truncated message fails at every cut, never reads past the end", "[sip][parser]") {
  for (std::size_t cut = 0; cut < kInvite.size(); ++cut) {
    INFO("cut at " << cut);
    const parsed<> p(kInvite.substr(0, cut));
    CHECK(p.result.ec != errc::ok);
  }
  // LF-only too.
  const std::string lf = lf_only(kInvite);
  for (std::size_t cut = 0; cut < lf.size(); ++cut) CHECK(parsed(std::string_view(lf).substr(0, cut)).result.ec != errc::ok);
}

TEST_CASE("parse_message: the index is reset between parses", "[sip][parser]") {
  message m;
  const std::string a(kInvite);
  REQUIRE(parse_message(a, m).ec == errc::ok);
  const std::string b = "SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n";
  REQUIRE(parse_message(b, m).ec == errc::ok);
  CHECK(m.is_response());
  CHECK(m.headers.size() == 1);
  CHECK(!m.content_length);
  CHECK(m.content_length_header == message::npos);
  CHECK(!m.method.present());
  CHECK(m.method_type == method_id::unknown);
  check_invariants(b, m);
}

TEST_CASE("parse_message: golden messages (tests/data/golden)", "[sip][parser][golden]") {
  namespace fs = std::filesystem;
  const fs::path dir = sipalg::test::data_dir() / "golden";
  REQUIRE(fs::is_directory(dir));
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    for (const char* name : {"before.sip", "after.sip"}) {
      const fs::path f = e.path() / name;
      if (!fs::exists(f)) continue;
      const auto text = sipalg::test::read_file(f);
      REQUIRE(text);
      INFO(f.string());
      const parsed<> p(*text);
      REQUIRE(p.result.ec == errc::ok);
      check_invariants(p.buf(), p.msg);
      CHECK(p.msg.message_end == text->size());
      CHECK(!p.value(header_id::call_id).empty());
      CHECK(p.msg.find(header_id::via) != nullptr);
      CHECK(p.msg.find(header_id::cseq) != nullptr);
      // Same result for the LF-only form, up to the body (whose Content-Length counts CRLFs).
      parse_options o;
      const std::string lf = lf_only(std::string_view(*text).substr(0, p.msg.head_end));
      const parsed<> q(lf, o);
      if (p.msg.content_length && *p.msg.content_length > 0) {
        CHECK(q.result.ec == errc::body_too_short);
      } else {
        CHECK(q.result.ec == errc::ok);
      }
      CHECK(q.msg.headers.size() == p.msg.headers.size());
      ++n;
    }
  }
  CHECK(n >= 12);
}

TEST_CASE("parse_message: constexpr", "[sip][parser]") {
  constexpr auto check = [] {
    basic_message<8> m;
    constexpr std::string_view s = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nContent-Length: 2\r\n\r\nok";
    const parse_result r = parse_message(s, m);
    return r.ec == errc::ok && m.status_code == 200 && m.headers.size() == 2 && m.body.in(s) == "ok" &&
           m.headers[0].id == header_id::via;
  };
  static_assert(check());
  CHECK(check());
}
