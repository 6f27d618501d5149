// Unit tests of the ALG rewriter (include/sipalg/alg/rewriter.hpp), written from
// RFC 3261 (Via 18.2, Contact 10.2/20.10, default ports 19.1.2), RFC 3581 (rport),
// RFC 3605 (a=rtcp), RFC 3264 (hold, port 0), RFC 5118 (IPv6), RFC 2046 (multipart)
// and ../shared/DESIGN.md ("Contracts", "Where the Linux kernel's ALG fails").
//
// Every case gives the whole message before and the whole message expected after,
// so a test fails on any byte the rewriter changes that it should not.
// Messages are written with LF line ends and sent as CRLF (crlf()).
#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"

using namespace sipalg;
using namespace sipalg::alg;
using namespace std::string_literals;

namespace {

endpoint ep(std::string_view s) {
  const auto e = endpoint::parse(s);
  REQUIRE(e);
  return *e;
}

/// LF line ends to CRLF (an existing CRLF is kept).
std::string crlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

/// `head` (header lines, LF, without Content-Length and without the empty line) + a
/// Content-Length equal to the CRLF body's length + the empty line + the body.
std::string with_body(std::string_view head, std::string_view body = "") {
  const std::string b = crlf(body);
  return crlf(head) + "Content-Length: " + std::to_string(b.size()) + "\r\n\r\n" + b;
}

// The flow of most cases: a phone behind NAT (routeros-invite golden case).
const char* const inside_text = "192.168.2.100:5060";
const char* const outside_text = "2.2.2.2:5061";
const char* const peer_text = "1.1.1.2:5060";

binding make_binding(direction d, std::string_view inside = inside_text, std::string_view outside = outside_text,
                     std::string_view peer = peer_text, transport t = transport::udp) {
  binding b;
  b.inside = ep(inside);
  b.outside = ep(outside);
  b.peer = ep(peer);
  b.transport = t;
  b.dir = d;
  return b;
}
binding outbound() { return make_binding(direction::outbound); }
binding inbound() { return make_binding(direction::inbound); }

/// One expectation as a line of text, so that lists compare (and print) as a whole.
std::string describe(const expectation& e) {
  std::string s = std::string(to_string(e.action)) + " " + std::string(to_string(e.kind));
  if (e.scope == expectation_scope::call) {
    s += " call";
  } else {
    s += " " + std::string(e.outside.to_text().view()) + " <- " + std::string(e.inside.to_text().view());
  }
  s += " " + std::string(to_string(e.transport));
  s += " remote=" + (e.remote ? std::string(e.remote->to_text().view()) : std::string("any"));
  s += " timeout=" + std::to_string(e.timeout);
  s += " call=" + std::string(e.call_id);
  return s;
}

std::string add_media(std::string_view kind, std::string_view outside, std::string_view inside,
                      std::string_view call_id, std::string_view remote = "any", std::uint32_t timeout = 180) {
  return "add " + std::string(kind) + " " + std::string(outside) + " <- " + std::string(inside) +
         " udp remote=" + std::string(remote) + " timeout=" + std::to_string(timeout) + " call=" + std::string(call_id);
}
std::vector<std::string> remove_call(std::string_view call_id) {
  return {"remove rtp call udp remote=any timeout=0 call=" + std::string(call_id),
          "remove rtcp call udp remote=any timeout=0 call=" + std::string(call_id)};
}
std::string signalling(std::string_view action, std::string_view remote = "1.1.1.2", std::uint32_t timeout = 3600,
                       std::string_view call_id = "reg-1@192.168.2.100", std::string_view t = "udp",
                       std::string_view outside = outside_text, std::string_view inside = inside_text) {
  return std::string(action) + " signalling " + std::string(outside) + " <- " + std::string(inside) + " " +
         std::string(t) + " remote=" + std::string(remote) + " timeout=" + std::to_string(timeout) +
         " call=" + std::string(call_id);
}

/// A media mapper with a fixed table (inside -> outside); anything else maps to the
/// same port on `fallback`. Records what it was asked.
struct table_mapper {
  std::map<std::string, std::string> table;
  ip_address fallback;
  std::vector<std::pair<std::string, bool>> asked;
  bool fail_all = false;
  std::set<std::string> fail;  ///< inside endpoints for which no port is available

  std::optional<endpoint> operator()(const endpoint& inside, bool want_pair) {
    const std::string key(inside.to_text().view());
    asked.emplace_back(key, want_pair);
    if (fail_all || fail.count(key) != 0) return std::nullopt;
    const auto it = table.find(key);
    if (it == table.end()) return endpoint{fallback, inside.port};
    return endpoint::parse(it->second);
  }
};

struct outcome {
  rewrite_result r;
  std::string out;  ///< the message after apply_copy (the input when the plan is empty)
  std::vector<std::string> exps;
  std::size_t edits = 0;
};

/// Plans, applies (copy and in place, which must agree) and collects the expectations.
template <class Rewriter, class Map>
outcome run(Rewriter& rw, const std::string& in, const binding& b, Map& map) {
  outcome o;
  o.r = rw.plan(in, b, map);
  o.edits = rw.edits().size();
  CHECK(rw.edits().error() == plan_errc::ok);
  if (o.r.status != rewrite_status::rewritten) CHECK(rw.edits().empty());
  if (o.r.status == rewrite_status::rewritten) CHECK(!rw.edits().empty());
  if (o.r.status == rewrite_status::malformed || o.r.status == rewrite_status::no_fit ||
      o.r.status == rewrite_status::media_unavailable)
    CHECK(rw.expectations().empty());
  std::vector<char> buf(rw.edits().result_size() + 1);
  const apply_result ar = apply_copy(rw.edits(), buf);
  REQUIRE(ar.ec == apply_errc::ok);
  o.out.assign(buf.data(), ar.size);
  std::vector<char> place(std::max(in.size(), rw.edits().result_size()) + 64);
  std::copy(in.begin(), in.end(), place.begin());
  const apply_result ip = apply_in_place(rw.edits(), place);
  REQUIRE(ip.ec == apply_errc::ok);
  CHECK(std::string(place.data(), ip.size) == o.out);
  for (const expectation& e : rw.expectations()) o.exps.push_back(describe(e));
  return o;
}

template <class Rewriter = rewriter>
outcome run(const std::string& in, const binding& b, const policy& p = {}) {
  Rewriter rw(p);
  table_mapper map{{}, b.outside.address, {}, false, {}};
  return run(rw, in, b, map);
}

// ---------------------------------------------------------------------------------------
// Messages shared by several cases.

const char* const invite_head_in =
    "INVITE sip:300@1.1.1.2 SIP/2.0\n"
    "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK.192.168.2.100\n"
    "From: <sip:200@1.1.1.2>;tag=a1\n"
    "To: <sip:300@1.1.1.2>\n"
    "Call-ID: call-1@192.168.2.100\n"
    "CSeq: 1 INVITE\n"
    "Contact: <sip:200@192.168.2.100:5060>\n"
    "Content-Type: application/sdp\n";
const char* const invite_head_out =
    "INVITE sip:300@1.1.1.2 SIP/2.0\n"
    "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK.192.168.2.100\n"
    "From: <sip:200@1.1.1.2>;tag=a1\n"
    "To: <sip:300@1.1.1.2>\n"
    "Call-ID: call-1@192.168.2.100\n"
    "CSeq: 1 INVITE\n"
    "Contact: <sip:200@2.2.2.2:5061>\n"
    "Content-Type: application/sdp\n";
const char* const call_1 = "call-1@192.168.2.100";

// The same INVITE inside a dialog (To has a tag): a re-INVITE.
const char* const reinvite_head_in =
    "INVITE sip:300@1.1.1.2:5060 SIP/2.0\n"
    "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK2\n"
    "From: <sip:200@1.1.1.2>;tag=a1\n"
    "To: <sip:300@1.1.1.2>;tag=b2\n"
    "Call-ID: call-1@192.168.2.100\n"
    "CSeq: 2 INVITE\n"
    "Contact: <sip:200@192.168.2.100:5060>\n"
    "Content-Type: application/sdp\n";
const char* const reinvite_head_out =
    "INVITE sip:300@1.1.1.2:5060 SIP/2.0\n"
    "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK2\n"
    "From: <sip:200@1.1.1.2>;tag=a1\n"
    "To: <sip:300@1.1.1.2>;tag=b2\n"
    "Call-ID: call-1@192.168.2.100\n"
    "CSeq: 2 INVITE\n"
    "Contact: <sip:200@2.2.2.2:5061>\n"
    "Content-Type: application/sdp\n";

const char* const sdp_in =
    "v=0\n"
    "o=200 837919671 312189059 IN IP4 192.168.2.100\n"
    "s=A conversation\n"
    "c=IN IP4 192.168.2.100\n"
    "t=0 0\n"
    "m=audio 10036 RTP/AVP 8 0 101\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=sendrecv\n";
const char* const sdp_out_20036 =
    "v=0\n"
    "o=200 837919671 312189059 IN IP4 2.2.2.2\n"
    "s=A conversation\n"
    "c=IN IP4 2.2.2.2\n"
    "t=0 0\n"
    "m=audio 20036 RTP/AVP 8 0 101\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=sendrecv\n";

}  // namespace

// =======================================================================================
// Outbound SIP headers
// =======================================================================================

namespace {
struct header_case {
  const char* name;
  std::string in;
  std::string out;
  binding b;
  void (*tweak)(policy&) = nullptr;
};

std::vector<header_case> outbound_header_cases() {
  std::vector<header_case> v;

  v.push_back({"REGISTER: top Via and Contact; second Via, branch, tag, Call-ID, CSeq, Authorization untouched",
               with_body("REGISTER sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK.192.168.2.100;rport\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKsecond\n"
                         "Max-Forwards: 70\n"
                         "From: <sip:200@1.1.1.2>;tag=192.168.2.100\n"
                         "To: <sip:200@1.1.1.2>\n"
                         "Call-ID: reg-1@192.168.2.100\n"
                         "CSeq: 1 REGISTER\n"
                         "Contact: <sip:200@192.168.2.100:5060>;expires=3600\n"
                         "Authorization: Digest username=\"200\", realm=\"1.1.1.2\", nonce=\"n1\", "
                         "uri=\"sip:192.168.2.100:5060\", response=\"0123456789abcdef0123456789abcdef\"\n"
                         "Proxy-Authorization: Digest username=\"200\", realm=\"1.1.1.2\", nonce=\"n1\", "
                         "uri=\"sip:200@192.168.2.100\", response=\"0123456789abcdef0123456789abcdef\"\n"
                         "User-Agent: phone at 192.168.2.100:5060\n"),
               with_body("REGISTER sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK.192.168.2.100;rport\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKsecond\n"
                         "Max-Forwards: 70\n"
                         "From: <sip:200@1.1.1.2>;tag=192.168.2.100\n"
                         "To: <sip:200@1.1.1.2>\n"
                         "Call-ID: reg-1@192.168.2.100\n"
                         "CSeq: 1 REGISTER\n"
                         "Contact: <sip:200@2.2.2.2:5061>;expires=3600\n"
                         "Authorization: Digest username=\"200\", realm=\"1.1.1.2\", nonce=\"n1\", "
                         "uri=\"sip:192.168.2.100:5060\", response=\"0123456789abcdef0123456789abcdef\"\n"
                         "Proxy-Authorization: Digest username=\"200\", realm=\"1.1.1.2\", nonce=\"n1\", "
                         "uri=\"sip:200@192.168.2.100\", response=\"0123456789abcdef0123456789abcdef\"\n"
                         "User-Agent: phone at 192.168.2.100:5060\n"),
               outbound()});

  v.push_back({"every Contact: several headers, several per header, compact m:, display names, params, "
               "missing port (= 5060) gets the outside port",
               with_body("REGISTER sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK1\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>\n"
                         "Call-ID: reg-2@host\n"
                         "CSeq: 2 REGISTER\n"
                         "Contact: <sip:a@192.168.2.100:5060>, \"Bob, at home\" <sip:b@192.168.2.100>;q=0.5\n"
                         "m: sip:c@192.168.2.100:5060;expires=60\n"
                         "Contact: Carol <sip:d@192.168.2.100:5060;transport=udp;line=x>;+sip.instance=\"<urn:uuid:1>\"\n"
                         "Contact: <sip:e@192.168.2.101:5060>, <sip:f@192.168.2.100:5062>\n"
                         "CONTACT :  <sips:g@192.168.2.100:5060>\n"),
               with_body("REGISTER sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK1\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>\n"
                         "Call-ID: reg-2@host\n"
                         "CSeq: 2 REGISTER\n"
                         "Contact: <sip:a@2.2.2.2:5061>, \"Bob, at home\" <sip:b@2.2.2.2:5061>;q=0.5\n"
                         "m: sip:c@2.2.2.2:5061;expires=60\n"
                         "Contact: Carol <sip:d@2.2.2.2:5061;transport=udp;line=x>;+sip.instance=\"<urn:uuid:1>\"\n"
                         "Contact: <sip:e@192.168.2.101:5060>, <sip:f@192.168.2.100:5062>\n"
                         "CONTACT :  <sips:g@2.2.2.2:5061>\n"),
               outbound()});

  v.push_back({"a missing port stays missing when the outside port is 5060",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100;branch=z9hG4bK3\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-1\n"
                         "CSeq: 3 OPTIONS\n"
                         "Contact: <sip:200@192.168.2.100>, <sip:201@192.168.2.100:5060>\n"),
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2;branch=z9hG4bK3\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-1\n"
                         "CSeq: 3 OPTIONS\n"
                         "Contact: <sip:200@2.2.2.2>, <sip:201@2.2.2.2:5060>\n"),
               make_binding(direction::outbound, "192.168.2.100:5060", "2.2.2.2:5060")});

  v.push_back({"a missing port is ADDED when the outside port is not 5060",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100;branch=z9hG4bK3\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-1\n"
                         "CSeq: 3 OPTIONS\n"
                         "Contact: <sip:200@192.168.2.100>\n"),
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:1024;branch=z9hG4bK3\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-1\n"
                         "CSeq: 3 OPTIONS\n"
                         "Contact: <sip:200@2.2.2.2:1024>\n"),
               make_binding(direction::outbound, "192.168.2.100:5060", "2.2.2.2:1024")});

  v.push_back({"a missing port does NOT match an inside endpoint on another port",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.0.31;branch=z9hG4bK3\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-1\n"
                         "CSeq: 3 OPTIONS\n"
                         "Contact: <sip:200@192.168.0.31>, <sip:200@192.168.0.31:5010>\n"),
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.0.31;branch=z9hG4bK3\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-1\n"
                         "CSeq: 3 OPTIONS\n"
                         "Contact: <sip:200@192.168.0.31>, <sip:200@212.19.6.166:5010>\n"),
               make_binding(direction::outbound, "192.168.0.31:5010", "212.19.6.166:5010")});

  // Over TCP/TLS the address alone decides (the phone's listening port is not what the NAT mapped):
  // every URI of the phone gets the connection's public endpoint.
  v.push_back({"TLS connection: every URI of the phone's address gets the connection's public endpoint",
               with_body("OPTIONS sips:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/TLS 192.168.2.100;branch=z9hG4bK4\n"
                         "From: <sips:200@1.1.1.2>;tag=a1\n"
                         "To: <sips:1.1.1.2>\n"
                         "Call-ID: tls-1\n"
                         "CSeq: 4 OPTIONS\n"
                         "Contact: <sips:200@192.168.2.100>, <sip:200@192.168.2.100>, <sips:200@192.168.2.100:5061>\n"),
               with_body("OPTIONS sips:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/TLS 2.2.2.2:40001;branch=z9hG4bK4\n"
                         "From: <sips:200@1.1.1.2>;tag=a1\n"
                         "To: <sips:1.1.1.2>\n"
                         "Call-ID: tls-1\n"
                         "CSeq: 4 OPTIONS\n"
                         "Contact: <sips:200@2.2.2.2:40001>, <sip:200@2.2.2.2:40001>, <sips:200@2.2.2.2:40001>\n"),
               make_binding(direction::outbound, "192.168.2.100:5061", "2.2.2.2:40001", "1.1.1.2:5061",
                            transport::tcp)});

  v.push_back({"sips: without port and outside on 5061: the port stays missing",
               with_body("OPTIONS sips:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/TLS 192.168.2.100;branch=z9hG4bK4\n"
                         "From: <sips:200@1.1.1.2>;tag=a1\n"
                         "To: <sips:1.1.1.2>\n"
                         "Call-ID: tls-2\n"
                         "CSeq: 4 OPTIONS\n"
                         "Contact: <sips:200@192.168.2.100>\n"),
               with_body("OPTIONS sips:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/TLS 2.2.2.2;branch=z9hG4bK4\n"
                         "From: <sips:200@1.1.1.2>;tag=a1\n"
                         "To: <sips:1.1.1.2>\n"
                         "Call-ID: tls-2\n"
                         "CSeq: 4 OPTIONS\n"
                         "Contact: <sips:200@2.2.2.2>\n"),
               make_binding(direction::outbound, "192.168.2.100:5061", "2.2.2.2:5061", "1.1.1.2:5061",
                            transport::tcp)});

  v.push_back({"Request-URI with the inside endpoint is rewritten; with another one it is not",
               with_body("MESSAGE sip:200@192.168.2.100:5060;transport=udp SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK5\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@192.168.2.100>\n"
                         "Call-ID: msg-1@192.168.2.100\n"
                         "CSeq: 5 MESSAGE\n"
                         "Content-Type: text/plain\n",
                         "hi 192.168.2.100"),
               with_body("MESSAGE sip:200@2.2.2.2:5061;transport=udp SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK5\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@192.168.2.100>\n"
                         "Call-ID: msg-1@192.168.2.100\n"
                         "CSeq: 5 MESSAGE\n"
                         "Content-Type: text/plain\n",
                         "hi 192.168.2.100"),
               outbound()});

  v.push_back({"exact match only: other phones, a VPN address, the inside IP on another port, domains, "
               "the address in a user part or a parameter are left alone",
               with_body("INVITE sip:192.168.2.100@example.com SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5062;branch=z9hG4bK6\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:300@1.1.1.2>\n"
                         "Call-ID: x6\n"
                         "CSeq: 6 INVITE\n"
                         "Contact: <sip:a@192.168.2.101:5060>, <sip:b@10.8.0.2:5060>, <sip:c@10.8.0.2>\n"
                         "Contact: <sip:d@192.168.2.100:5062>, <sip:e@192.168.2.10:5060>, <sip:f@192.168.2.1:5060>\n"
                         "Contact: <sip:g@phone.local:5060>, <sip:h@192.168.2.100.nip.io:5060>\n"
                         "Contact: <sip:192.168.2.100@example.com>, <sip:i@1.1.1.2;maddr=192.168.2.100>\n"
                         "Contact: <tel:+1-192-168-2-100>\n"),
               with_body("INVITE sip:192.168.2.100@example.com SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5062;branch=z9hG4bK6\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:300@1.1.1.2>\n"
                         "Call-ID: x6\n"
                         "CSeq: 6 INVITE\n"
                         "Contact: <sip:a@192.168.2.101:5060>, <sip:b@10.8.0.2:5060>, <sip:c@10.8.0.2>\n"
                         "Contact: <sip:d@192.168.2.100:5062>, <sip:e@192.168.2.10:5060>, <sip:f@192.168.2.1:5060>\n"
                         "Contact: <sip:g@phone.local:5060>, <sip:h@192.168.2.100.nip.io:5060>\n"
                         "Contact: <sip:192.168.2.100@example.com>, <sip:i@1.1.1.2;maddr=192.168.2.100>\n"
                         "Contact: <tel:+1-192-168-2-100>\n"),
               outbound()});

  v.push_back({"From/To are identities: untouched by default",
               with_body("SUBSCRIBE sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK7\n"
                         "From: \"Me\" <sip:200@192.168.2.100:5060>;tag=192.168.2.100\n"
                         "t: <sip:300@192.168.2.100>\n"
                         "Call-ID: sub-1\n"
                         "CSeq: 7 SUBSCRIBE\n"
                         "Event: presence\n"
                         "Contact: <sip:200@192.168.2.100>\n"),
               with_body("SUBSCRIBE sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK7\n"
                         "From: \"Me\" <sip:200@192.168.2.100:5060>;tag=192.168.2.100\n"
                         "t: <sip:300@192.168.2.100>\n"
                         "Call-ID: sub-1\n"
                         "CSeq: 7 SUBSCRIBE\n"
                         "Event: presence\n"
                         "Contact: <sip:200@2.2.2.2:5061>\n"),
               outbound()});

  v.push_back({"From/To rewritten with rewrite_from_to (tags untouched)",
               with_body("SUBSCRIBE sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK7\n"
                         "From: \"Me\" <sip:200@192.168.2.100:5060>;tag=192.168.2.100\n"
                         "t: <sip:300@192.168.2.100>\n"
                         "Call-ID: sub-1\n"
                         "CSeq: 7 SUBSCRIBE\n"
                         "Event: presence\n"
                         "Contact: <sip:200@192.168.2.100>\n"),
               with_body("SUBSCRIBE sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK7\n"
                         "From: \"Me\" <sip:200@2.2.2.2:5061>;tag=192.168.2.100\n"
                         "t: <sip:300@2.2.2.2:5061>\n"
                         "Call-ID: sub-1\n"
                         "CSeq: 7 SUBSCRIBE\n"
                         "Event: presence\n"
                         "Contact: <sip:200@2.2.2.2:5061>\n"),
               outbound(), [](policy& p) { p.fields |= rewrite_from_to; }});

  v.push_back({"extra_headers: mapped only with rewrite_extra_headers; names case-insensitive, compact forms too",
               with_body("REFER sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK8\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:300@1.1.1.2>;tag=b1\n"
                         "Call-ID: refer-1\n"
                         "CSeq: 8 REFER\n"
                         "r: <sip:400@192.168.2.100:5060>\n"
                         "p-preferred-identity: <sip:200@192.168.2.100>, <tel:200>\n"
                         "X-Other: <sip:200@192.168.2.100>\n"
                         "Contact: <sip:200@192.168.2.100>\n"),
               with_body("REFER sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK8\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:300@1.1.1.2>;tag=b1\n"
                         "Call-ID: refer-1\n"
                         "CSeq: 8 REFER\n"
                         "r: <sip:400@2.2.2.2:5061>\n"
                         "p-preferred-identity: <sip:200@2.2.2.2:5061>, <tel:200>\n"
                         "X-Other: <sip:200@192.168.2.100>\n"
                         "Contact: <sip:200@2.2.2.2:5061>\n"),
               outbound(), [](policy& p) {
                 p.fields |= rewrite_extra_headers;
                 (void)p.extra_headers.push_back("Refer-To");
                 (void)p.extra_headers.push_back("P-Preferred-Identity");
               }});

  v.push_back({"extra_headers listed but rewrite_extra_headers not set: untouched",
               with_body("REFER sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK8\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:300@1.1.1.2>;tag=b1\n"
                         "Call-ID: refer-1\n"
                         "CSeq: 8 REFER\n"
                         "Refer-To: <sip:400@192.168.2.100:5060>\n"),
               with_body("REFER sip:300@1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK8\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:300@1.1.1.2>;tag=b1\n"
                         "Call-ID: refer-1\n"
                         "CSeq: 8 REFER\n"
                         "Refer-To: <sip:400@192.168.2.100:5060>\n"),
               outbound(), [](policy& p) { (void)p.extra_headers.push_back("Refer-To"); }});

  v.push_back({"fields: only what the policy names (Via off, Contact on)",
               with_body("OPTIONS sip:200@192.168.2.100 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK9\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-9\n"
                         "CSeq: 9 OPTIONS\n"
                         "Contact: <sip:200@192.168.2.100:5060>\n"),
               with_body("OPTIONS sip:200@192.168.2.100 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK9\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-9\n"
                         "CSeq: 9 OPTIONS\n"
                         "Contact: <sip:200@2.2.2.2:5061>\n"),
               outbound(), [](policy& p) { p.fields = rewrite_contact; }});

  v.push_back({"Via with LWS around the colon and a folded Contact (continuation line)",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 192.168.2.100 : 5060 ;branch=z9hG4bK10\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-10\n"
                         "CSeq: 10 OPTIONS\n"
                         "Contact: <sip:a@10.0.0.9>,\n"
                         "  <sip:200@192.168.2.100:5060>\n"),
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061 ;branch=z9hG4bK10\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-10\n"
                         "CSeq: 10 OPTIONS\n"
                         "Contact: <sip:a@10.0.0.9>,\n"
                         "  <sip:200@2.2.2.2:5061>\n"),
               outbound()});

  v.push_back({"top Via only, also when the top Via header holds two via-parms; compact v:",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "v: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK11a, SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK11b\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-11\n"
                         "CSeq: 11 OPTIONS\n"),
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n"
                         "v: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK11a, SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK11b\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:1.1.1.2>\n"
                         "Call-ID: opt-11\n"
                         "CSeq: 11 OPTIONS\n"),
               outbound()});

  v.push_back({"IPv6: Via and Contact with [v6] (non-canonical spelling matches the same address)",
               with_body("OPTIONS sip:[2001:db8:2::1] SIP/2.0\n"
                         "Via: SIP/2.0/UDP [2001:db8:1::100]:5060;branch=z9hG4bK12\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a1\n"
                         "To: <sip:[2001:db8:2::1]>\n"
                         "Call-ID: v6-opt\n"
                         "CSeq: 12 OPTIONS\n"
                         "Contact: <sip:200@[2001:DB8:1:0:0::100]:5060>, <sip:200@[2001:db8:1::100]>, "
                         "<sip:200@[2001:db8:1::101]:5060>\n"),
               with_body("OPTIONS sip:[2001:db8:2::1] SIP/2.0\n"
                         "Via: SIP/2.0/UDP [2001:db8:ffff::7]:5062;branch=z9hG4bK12\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a1\n"
                         "To: <sip:[2001:db8:2::1]>\n"
                         "Call-ID: v6-opt\n"
                         "CSeq: 12 OPTIONS\n"
                         "Contact: <sip:200@[2001:db8:ffff::7]:5062>, <sip:200@[2001:db8:ffff::7]:5062>, "
                         "<sip:200@[2001:db8:1::101]:5060>\n"),
               make_binding(direction::outbound, "[2001:db8:1::100]:5060", "[2001:db8:ffff::7]:5062",
                            "[2001:db8:2::1]:5060")});

  v.push_back({"IPv6 outside on 5060: a missing port stays missing, brackets kept",
               with_body("OPTIONS sip:[2001:db8:2::1] SIP/2.0\n"
                         "Via: SIP/2.0/UDP [2001:db8:1::100];branch=z9hG4bK13\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a1\n"
                         "To: <sip:[2001:db8:2::1]>\n"
                         "Call-ID: v6-opt2\n"
                         "CSeq: 13 OPTIONS\n"
                         "Contact: <sip:200@[2001:db8:1::100]>\n"),
               with_body("OPTIONS sip:[2001:db8:2::1] SIP/2.0\n"
                         "Via: SIP/2.0/UDP [2001:db8:ffff::7];branch=z9hG4bK13\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a1\n"
                         "To: <sip:[2001:db8:2::1]>\n"
                         "Call-ID: v6-opt2\n"
                         "CSeq: 13 OPTIONS\n"
                         "Contact: <sip:200@[2001:db8:ffff::7]>\n"),
               make_binding(direction::outbound, "[2001:db8:1::100]:5060", "[2001:db8:ffff::7]:5060",
                            "[2001:db8:2::1]:5060")});
  return v;
}
}  // namespace

TEST_CASE("outbound: Via, Contact, Request-URI and policy fields, exact match only", "[rewriter][outbound]") {
  for (const header_case& c : outbound_header_cases()) {
    SECTION(c.name) {
      policy p;
      if (c.tweak) c.tweak(p);
      const outcome o = run(c.in, c.b, p);
      CHECK(o.out == c.out);
      CHECK(o.r.status == (c.in == c.out ? rewrite_status::unchanged : rewrite_status::rewritten));
      CHECK(o.r.forward());
      // Rewriting the output again changes nothing.
      const outcome again = run(o.out, c.b, p);
      CHECK(again.out == o.out);
      CHECK(again.edits == 0);
    }
  }
}

TEST_CASE("outbound REGISTER with Contact: * and Expires: 0 leaves the Contact alone and closes the pinhole",
          "[rewriter][outbound][register]") {
  const std::string in = with_body(
      "REGISTER sip:1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK20\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:200@1.1.1.2>\n"
      "Call-ID: reg-1@192.168.2.100\n"
      "CSeq: 20 REGISTER\n"
      "Contact: *\n"
      "Expires: 0\n");
  const std::string want = with_body(
      "REGISTER sip:1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK20\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:200@1.1.1.2>\n"
      "Call-ID: reg-1@192.168.2.100\n"
      "CSeq: 20 REGISTER\n"
      "Contact: *\n"
      "Expires: 0\n");
  const outcome o = run(in, outbound());
  CHECK(o.out == want);
  CHECK(o.exps == std::vector<std::string>{signalling("remove")});
}

// =======================================================================================
// SDP (outbound)
// =======================================================================================

namespace {
struct sdp_case {
  const char* name;
  std::string sdp_in;
  std::string sdp_out;
  std::map<std::string, std::string> media_map;
  std::vector<std::string> exps;
  std::vector<std::pair<std::string, bool>> asked;  ///< map_media calls, in order
  void (*tweak)(policy&) = nullptr;
};

std::vector<sdp_case> sdp_cases() {
  std::vector<sdp_case> v;
  v.push_back({"o=, session c=, m= port (mapped to another port), RTP and RTCP expectations", sdp_in, sdp_out_20036,
               {{"192.168.2.100:10036", "2.2.2.2:20036"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.2:20037", "192.168.2.100:10037", call_1)},
               {{"192.168.2.100:10036", true}}});

  v.push_back({"hold (c=0.0.0.0): o= is still rewritten (kernel bug: o= became 0.0.0.0), c= and m= untouched, "
               "nothing opened",
               "v=0\n"
               "o=200 1 2 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 0.0.0.0\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "a=sendonly\n",
               "v=0\n"
               "o=200 1 2 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 0.0.0.0\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "a=sendonly\n",
               {},
               {},
               {}});

  v.push_back({"media-level hold under a session c= that is ours: session c= rewritten, the held stream not",
               "v=0\n"
               "o=200 1 2 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "c=IN IP4 0.0.0.0\n"
               "m=video 10038 RTP/AVP 31\n",
               "v=0\n"
               "o=200 1 2 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "c=IN IP4 0.0.0.0\n"
               "m=video 10038 RTP/AVP 31\n",
               {},
               {add_media("rtp", "2.2.2.2:10038", "192.168.2.100:10038", call_1),
                add_media("rtcp", "2.2.2.2:10039", "192.168.2.100:10039", call_1)},
               {{"192.168.2.100:10038", true}}});

  v.push_back({"media-level c= overrides the session: a stream on another address is left alone",
               "v=0\n"
               "o=200 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "c=IN IP4 10.8.0.2\n"
               "m=video 10038 RTP/AVP 31\n",
               "v=0\n"
               "o=200 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "c=IN IP4 10.8.0.2\n"
               "m=video 20038 RTP/AVP 31\n",
               {{"192.168.2.100:10038", "2.2.2.2:20038"}},
               {add_media("rtp", "2.2.2.2:20038", "192.168.2.100:10038", call_1),
                add_media("rtcp", "2.2.2.2:20039", "192.168.2.100:10039", call_1)},
               {{"192.168.2.100:10038", true}}});

  v.push_back({"media-level c= that is ours under a foreign session c=: the media c= takes the mapped address",
               "v=0\n"
               "o=200 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 203.0.113.50\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "c=IN IP4 192.168.2.100\n",
               "v=0\n"
               "o=200 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 203.0.113.50\n"
               "t=0 0\n"
               "m=audio 20036 RTP/AVP 0\n"
               "c=IN IP4 2.2.2.3\n",
               {{"192.168.2.100:10036", "2.2.2.3:20036"}},
               {add_media("rtp", "2.2.2.3:20036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.3:20037", "192.168.2.100:10037", call_1)},
               {{"192.168.2.100:10036", true}}});

  v.push_back({"port 0 stream (rejected): untouched and nothing opened",
               "v=0\n"
               "o=200 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "m=video 0 RTP/AVP 31\n",
               "v=0\n"
               "o=200 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "m=video 0 RTP/AVP 31\n",
               {},
               {add_media("rtp", "2.2.2.2:10036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.2:10037", "192.168.2.100:10037", call_1)},
               {{"192.168.2.100:10036", true}}});

  v.push_back({"a=rtcp with the port only (RFC 3605): follows the mapped RTP port",
               "v=0\n"
               "o=- 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "a=rtcp:10037\n",
               "v=0\n"
               "o=- 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 20036 RTP/AVP 0\n"
               "a=rtcp:20037\n",
               {{"192.168.2.100:10036", "2.2.2.2:20036"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.2:20037", "192.168.2.100:10037", call_1)},
               {{"192.168.2.100:10036", true}}});

  v.push_back({"a=rtcp with our address (RFC 3605): port and address rewritten",
               "v=0\n"
               "o=- 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "a=rtcp:10037 IN IP4 192.168.2.100\n",
               "v=0\n"
               "o=- 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 20036 RTP/AVP 0\n"
               "a=rtcp:20037 IN IP4 2.2.2.2\n",
               {{"192.168.2.100:10036", "2.2.2.2:20036"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.2:20037", "192.168.2.100:10037", call_1)},
               {{"192.168.2.100:10036", true}}});

  v.push_back({"a=rtcp not equal to port+1: RTP mapped alone, RTCP mapped separately",
               "v=0\n"
               "o=- 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "a=rtcp:10500\n",
               "v=0\n"
               "o=- 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 20036 RTP/AVP 0\n"
               "a=rtcp:30500\n",
               {{"192.168.2.100:10036", "2.2.2.2:20036"}, {"192.168.2.100:10500", "2.2.2.2:30500"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.2:30500", "192.168.2.100:10500", call_1)},
               {{"192.168.2.100:10036", false}, {"192.168.2.100:10500", false}}});

  v.push_back({"a=rtcp on another host: left alone, only RTP is ours",
               "v=0\n"
               "o=- 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "a=rtcp:10037 IN IP4 203.0.113.9\n",
               "v=0\n"
               "o=- 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 20036 RTP/AVP 0\n"
               "a=rtcp:10037 IN IP4 203.0.113.9\n",
               {{"192.168.2.100:10036", "2.2.2.2:20036"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1)},
               {{"192.168.2.100:10036", false}}});

  v.push_back({"audio + video: four expectations, in SDP order",
               "v=0\n"
               "o=- 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "c=IN IP4 192.168.2.100\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "a=rtpmap:0 PCMU/8000\n"
               "m=video 10040 RTP/AVP 96\n"
               "a=rtpmap:96 H264/90000\n",
               "v=0\n"
               "o=- 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "c=IN IP4 2.2.2.2\n"
               "t=0 0\n"
               "m=audio 20036 RTP/AVP 0\n"
               "a=rtpmap:0 PCMU/8000\n"
               "m=video 20040 RTP/AVP 96\n"
               "a=rtpmap:96 H264/90000\n",
               {{"192.168.2.100:10036", "2.2.2.2:20036"}, {"192.168.2.100:10040", "2.2.2.2:20040"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.2:20037", "192.168.2.100:10037", call_1),
                add_media("rtp", "2.2.2.2:20040", "192.168.2.100:10040", call_1),
                add_media("rtcp", "2.2.2.2:20041", "192.168.2.100:10041", call_1)},
               {{"192.168.2.100:10036", true}, {"192.168.2.100:10040", true}}});

  v.push_back({"media-level c= in every section, o= and no session c=",
               "v=0\n"
               "o=- 1 1 IN IP4 192.168.2.100\n"
               "s=-\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "c=IN IP4 192.168.2.100\n"
               "m=audio 10038 RTP/AVP 0\n"
               "c=IN IP4 192.168.2.101\n",
               "v=0\n"
               "o=- 1 1 IN IP4 2.2.2.2\n"
               "s=-\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n"
               "c=IN IP4 2.2.2.2\n"
               "m=audio 10038 RTP/AVP 0\n"
               "c=IN IP4 192.168.2.101\n",
               {},
               {add_media("rtp", "2.2.2.2:10036", "192.168.2.100:10036", call_1),
                add_media("rtcp", "2.2.2.2:10037", "192.168.2.100:10037", call_1)},
               {{"192.168.2.100:10036", true}}});

  v.push_back({"SDP of another private address (another phone): left alone, nothing opened",
               "v=0\n"
               "o=201 1 1 IN IP4 192.168.2.101\n"
               "s=-\n"
               "c=IN IP4 192.168.2.101\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n",
               "v=0\n"
               "o=201 1 1 IN IP4 192.168.2.101\n"
               "s=-\n"
               "c=IN IP4 192.168.2.101\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n",
               {},
               {},
               {}});

  v.push_back({"SDP with a host name: left alone",
               "v=0\n"
               "o=- 1 1 IN IP4 phone.local\n"
               "s=-\n"
               "c=IN IP4 phone.local\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n",
               "v=0\n"
               "o=- 1 1 IN IP4 phone.local\n"
               "s=-\n"
               "c=IN IP4 phone.local\n"
               "t=0 0\n"
               "m=audio 10036 RTP/AVP 0\n",
               {},
               {},
               {}});

  v.push_back({"direct_media = false: media accepted only from the signalling peer",
               sdp_in, sdp_out_20036, {{"192.168.2.100:10036", "2.2.2.2:20036"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1, "1.1.1.2"),
                add_media("rtcp", "2.2.2.2:20037", "192.168.2.100:10037", call_1, "1.1.1.2")},
               {{"192.168.2.100:10036", true}}, [](policy& p) { p.direct_media = false; }});

  v.push_back({"media_timeout from the policy", sdp_in, sdp_out_20036, {{"192.168.2.100:10036", "2.2.2.2:20036"}},
               {add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", call_1, "any", 42),
                add_media("rtcp", "2.2.2.2:20037", "192.168.2.100:10037", call_1, "any", 42)},
               {{"192.168.2.100:10036", true}}, [](policy& p) { p.media_timeout = 42; }});

  v.push_back({"rewrite_sdp off: the body is untouched and nothing is opened", sdp_in, sdp_in, {}, {}, {},
               [](policy& p) { p.fields &= ~static_cast<std::uint32_t>(rewrite_sdp); }});

  return v;
}
}  // namespace

TEST_CASE("outbound SDP: each line for what it is, streams, a=rtcp, expectations", "[rewriter][sdp]") {
  for (const sdp_case& c : sdp_cases()) {
    SECTION(c.name) {
      policy p;
      if (c.tweak) c.tweak(p);
      const binding b = outbound();
      rewriter rw(p);
      table_mapper map{c.media_map, b.outside.address, {}, false, {}};
      const std::string in = with_body(invite_head_in, c.sdp_in);
      const outcome o = run(rw, in, b, map);
      CHECK(o.r.status == rewrite_status::rewritten);
      CHECK(o.out == with_body(invite_head_out, c.sdp_out));
      CHECK(o.exps == c.exps);
      CHECK(map.asked == c.asked);
      // Idempotence: the output has nothing of the inside left to map.
      table_mapper map2{c.media_map, b.outside.address, {}, false, {}};
      const outcome again = run(rw, o.out, b, map2);
      CHECK(again.edits == 0);
      CHECK(map2.asked.empty());
    }
  }
}

TEST_CASE("outbound SDP: IPv6-only INVITE is rewritten (the kernel drops it)", "[rewriter][sdp][ipv6]") {
  const binding b = make_binding(direction::outbound, "[2001:db8:1::100]:5060", "[2001:db8:ffff::7]:5062",
                                 "[2001:db8:2::1]:5060");
  const std::string in = with_body(
      "INVITE sip:300@[2001:db8:2::1] SIP/2.0\n"
      "Via: SIP/2.0/UDP [2001:db8:1::100]:5060;branch=z9hG4bK6\n"
      "From: <sip:200@[2001:db8:2::1]>;tag=a6\n"
      "To: <sip:300@[2001:db8:2::1]>\n"
      "Call-ID: v6call@[2001:db8:1::100]\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:200@[2001:db8:1::100]:5060>\n"
      "Content-Type: application/sdp\n",
      "v=0\n"
      "o=200 1 1 IN IP6 2001:db8:1::100\n"
      "s=-\n"
      "c=IN IP6 2001:db8:1::100\n"
      "t=0 0\n"
      "m=audio 10036 RTP/AVP 0\n"
      "a=rtcp:10037 IN IP6 2001:db8:1::100\n"
      "m=video 10038 RTP/AVP 96\n"
      "c=IN IP6 2001:DB8:1:0::100\n");
  const std::string want = with_body(
      "INVITE sip:300@[2001:db8:2::1] SIP/2.0\n"
      "Via: SIP/2.0/UDP [2001:db8:ffff::7]:5062;branch=z9hG4bK6\n"
      "From: <sip:200@[2001:db8:2::1]>;tag=a6\n"
      "To: <sip:300@[2001:db8:2::1]>\n"
      "Call-ID: v6call@[2001:db8:1::100]\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:200@[2001:db8:ffff::7]:5062>\n"
      "Content-Type: application/sdp\n",
      "v=0\n"
      "o=200 1 1 IN IP6 2001:db8:ffff::7\n"
      "s=-\n"
      "c=IN IP6 2001:db8:ffff::7\n"
      "t=0 0\n"
      "m=audio 30036 RTP/AVP 0\n"
      "a=rtcp:30037 IN IP6 2001:db8:ffff::7\n"
      "m=video 10038 RTP/AVP 96\n"
      "c=IN IP6 2001:db8:ffff::7\n");
  rewriter rw;
  table_mapper map{{{"[2001:db8:1::100]:10036", "[2001:db8:ffff::7]:30036"}}, b.outside.address, {}, false, {}};
  const outcome o = run(rw, in, b, map);
  CHECK(o.r.status == rewrite_status::rewritten);
  CHECK(o.out == want);
  const char* cid = "v6call@[2001:db8:1::100]";
  CHECK(o.exps == std::vector<std::string>{
                      add_media("rtp", "[2001:db8:ffff::7]:30036", "[2001:db8:1::100]:10036", cid),
                      add_media("rtcp", "[2001:db8:ffff::7]:30037", "[2001:db8:1::100]:10037", cid),
                      add_media("rtp", "[2001:db8:ffff::7]:10038", "[2001:db8:1::100]:10038", cid),
                      add_media("rtcp", "[2001:db8:ffff::7]:10039", "[2001:db8:1::100]:10039", cid)});
}

TEST_CASE("outbound SDP: two phones offering the same RTP port get different outside ports",
          "[rewriter][sdp][ports]") {
  // A port allocator shared by the whole NAT: keep the port when free, else the next free even pair.
  std::set<std::uint16_t> used;
  auto allocate = [&](const endpoint& inside, bool want_pair) -> std::optional<endpoint> {
    std::uint16_t port = inside.port;
    while (used.count(port) != 0 || (want_pair && used.count(static_cast<std::uint16_t>(port + 1)) != 0)) port += 2;
    used.insert(port);
    if (want_pair) used.insert(static_cast<std::uint16_t>(port + 1));
    return endpoint{ep("2.2.2.2:1").address, port};
  };
  const char* sdp_phone1 =
      "v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=audio 10000 RTP/AVP 0\n";
  const char* sdp_phone2 =
      "v=0\no=- 1 1 IN IP4 192.168.2.101\ns=-\nc=IN IP4 192.168.2.101\nt=0 0\nm=audio 10000 RTP/AVP 0\n";
  const std::string head2_in =
      "INVITE sip:301@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.101:5060;branch=z9hG4bKp2\n"
      "From: <sip:201@1.1.1.2>;tag=p2\n"
      "To: <sip:301@1.1.1.2>\n"
      "Call-ID: call-2\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:201@192.168.2.101:5060>\n"
      "Content-Type: application/sdp\n";
  const std::string head2_out =
      "INVITE sip:301@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 2.2.2.2:5062;branch=z9hG4bKp2\n"
      "From: <sip:201@1.1.1.2>;tag=p2\n"
      "To: <sip:301@1.1.1.2>\n"
      "Call-ID: call-2\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:201@2.2.2.2:5062>\n"
      "Content-Type: application/sdp\n";
  rewriter rw;
  const outcome o1 = run(rw, with_body(invite_head_in, sdp_phone1), outbound(), allocate);
  CHECK(o1.out == with_body(invite_head_out,
                            "v=0\no=- 1 1 IN IP4 2.2.2.2\ns=-\nc=IN IP4 2.2.2.2\nt=0 0\nm=audio 10000 RTP/AVP 0\n"));
  CHECK(o1.exps == std::vector<std::string>{add_media("rtp", "2.2.2.2:10000", "192.168.2.100:10000", call_1),
                                            add_media("rtcp", "2.2.2.2:10001", "192.168.2.100:10001", call_1)});
  const binding b2 = make_binding(direction::outbound, "192.168.2.101:5060", "2.2.2.2:5062");
  const outcome o2 = run(rw, with_body(head2_in, sdp_phone2), b2, allocate);
  CHECK(o2.r.status == rewrite_status::rewritten);
  CHECK(o2.out == with_body(head2_out,
                            "v=0\no=- 1 1 IN IP4 2.2.2.2\ns=-\nc=IN IP4 2.2.2.2\nt=0 0\nm=audio 10002 RTP/AVP 0\n"));
  CHECK(o2.exps == std::vector<std::string>{add_media("rtp", "2.2.2.2:10002", "192.168.2.101:10000", "call-2"),
                                            add_media("rtcp", "2.2.2.2:10003", "192.168.2.101:10001", "call-2")});
}

TEST_CASE("outbound SDP: no media port available -> media_unavailable, nothing planned or opened",
          "[rewriter][sdp][ports]") {
  const std::string in = with_body(invite_head_in,
                                   "v=0\n"
                                   "o=- 1 1 IN IP4 192.168.2.100\n"
                                   "s=-\n"
                                   "c=IN IP4 192.168.2.100\n"
                                   "t=0 0\n"
                                   "m=audio 10036 RTP/AVP 0\n"
                                   "m=video 10040 RTP/AVP 96\n"
                                   "a=rtcp:10600\n");
  struct variant {
    const char* name;
    std::set<std::string> fail;
  };
  for (const variant& v : {variant{"the first stream", {"192.168.2.100:10036"}},
                           variant{"the second stream, after the first was mapped", {"192.168.2.100:10040"}},
                           variant{"the separately mapped a=rtcp port", {"192.168.2.100:10600"}}}) {
    for (const failure_action act : {failure_action::pass, failure_action::drop}) {
      SECTION(std::string(v.name) + (act == failure_action::pass ? " (pass)" : " (drop)")) {
        policy p;
        p.on_no_fit = act;
        rewriter rw(p);
        table_mapper map{{}, ep(outside_text).address, {}, false, v.fail};
        const outcome o = run(rw, in, outbound(), map);
        CHECK(o.r.status == rewrite_status::media_unavailable);
        CHECK(o.r.action == act);
        CHECK(o.r.forward() == (act == failure_action::pass));
        CHECK_FALSE(o.r.changed());
        CHECK(o.edits == 0);
        CHECK(o.out == in);
        CHECK(o.exps.empty());
        CHECK(o.r.offset > in.find("\r\n\r\n"));  // points into the SDP
        CHECK(o.r.offset < in.size());
      }
    }
  }
}

TEST_CASE("outbound SDP in multipart/mixed (RFC 2046, SIP-I style): the SDP part is rewritten and the "
          "message's Content-Length fixed",
          "[rewriter][sdp][multipart]") {
  const char* head_in =
      "INVITE sip:300@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKmp\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:300@1.1.1.2>\n"
      "Call-ID: call-1@192.168.2.100\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:200@192.168.2.100:5060>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed;boundary=unique-boundary-1\n";
  const char* head_out =
      "INVITE sip:300@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKmp\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:300@1.1.1.2>\n"
      "Call-ID: call-1@192.168.2.100\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:200@2.2.2.2:5061>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed;boundary=unique-boundary-1\n";
  const std::string body_in =
      "--unique-boundary-1\n"
      "Content-Type: application/sdp\n"
      "\n"
      "v=0\n"
      "o=- 1 1 IN IP4 192.168.2.100\n"
      "s=-\n"
      "c=IN IP4 192.168.2.100\n"
      "t=0 0\n"
      "m=audio 10036 RTP/AVP 0\n"
      "\n"
      "--unique-boundary-1\n"
      "Content-Type: text/plain\n"
      "\n"
      "the phone is at 192.168.2.100\n"
      "--unique-boundary-1--\n";
  const std::string body_out =
      "--unique-boundary-1\n"
      "Content-Type: application/sdp\n"
      "\n"
      "v=0\n"
      "o=- 1 1 IN IP4 2.2.2.2\n"
      "s=-\n"
      "c=IN IP4 2.2.2.2\n"
      "t=0 0\n"
      "m=audio 10036 RTP/AVP 0\n"
      "\n"
      "--unique-boundary-1\n"
      "Content-Type: text/plain\n"
      "\n"
      "the phone is at 192.168.2.100\n"
      "--unique-boundary-1--\n";
  const outcome o = run(with_body(head_in, body_in), outbound());
  CHECK(o.r.status == rewrite_status::rewritten);
  CHECK(o.out == with_body(head_out, body_out));
  CHECK(o.exps == std::vector<std::string>{add_media("rtp", "2.2.2.2:10036", "192.168.2.100:10036", call_1),
                                           add_media("rtcp", "2.2.2.2:10037", "192.168.2.100:10037", call_1)});
}

TEST_CASE("outbound SDP: Content-Length (also compact l:, several equal ones) follows the body size",
          "[rewriter][sdp][content-length]") {
  SECTION("compact l:") {
    const std::string body = crlf(sdp_in);
    const std::string in = crlf(invite_head_in) + "l: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    const std::string body_out = crlf(sdp_out_20036);
    const std::string want = crlf(invite_head_out) + "l: " + std::to_string(body_out.size()) + "\r\n\r\n" + body_out;
    rewriter rw;
    table_mapper map{{{"192.168.2.100:10036", "2.2.2.2:20036"}}, ep(outside_text).address, {}, false, {}};
    const outcome o = run(rw, in, outbound(), map);
    CHECK(o.out == want);
  }
  SECTION("two equal Content-Length headers both get the new value") {
    const std::string body = crlf(sdp_in);
    const std::string cl = std::to_string(body.size());
    const std::string in = crlf(invite_head_in) + "Content-Length: " + cl + "\r\nl:" + cl + "\r\n\r\n" + body;
    const std::string body_out = crlf(sdp_out_20036);
    const std::string cl_out = std::to_string(body_out.size());
    const std::string want =
        crlf(invite_head_out) + "Content-Length: " + cl_out + "\r\nl:" + cl_out + "\r\n\r\n" + body_out;
    rewriter rw;
    table_mapper map{{{"192.168.2.100:10036", "2.2.2.2:20036"}}, ep(outside_text).address, {}, false, {}};
    CHECK(run(rw, in, outbound(), map).out == want);
  }
  SECTION("the length gains a digit (99 -> 109) when a short inside address becomes a long outside one") {
    const binding b = make_binding(direction::outbound, "10.0.0.5:5060", "203.0.113.200:5060");
    std::string sdp = "v=0\no=- 1 1 IN IP4 10.0.0.5\ns=-\nc=IN IP4 10.0.0.5\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
    sdp += "a=x:" + std::string(99 - crlf(sdp).size() - 6, 'p') + "\n";
    REQUIRE(crlf(sdp).size() == 99);
    std::string sdp_out = sdp;
    for (std::size_t at; (at = sdp_out.find("10.0.0.5")) != std::string::npos;) sdp_out.replace(at, 8, "203.0.113.200");
    const std::string head = "OPTIONS sip:1.1.1.2 SIP/2.0\nVia: SIP/2.0/UDP 1.1.1.9;branch=z9hG4bKx\n"
                             "Call-ID: cl-1\nCSeq: 1 OPTIONS\nContent-Type: application/sdp\n";
    const outcome o = run(with_body(head, sdp), b);
    CHECK(o.out == with_body(head, sdp_out));
    CHECK(o.out.find("Content-Length: 109\r\n") != std::string::npos);
  }
  SECTION("UDP without Content-Length: none is added") {
    const std::string in = crlf(invite_head_in) + "\r\n" + crlf(sdp_in);
    rewriter rw;
    table_mapper map{{{"192.168.2.100:10036", "2.2.2.2:20036"}}, ep(outside_text).address, {}, false, {}};
    CHECK(run(rw, in, outbound(), map).out == crlf(invite_head_out) + "\r\n" + crlf(sdp_out_20036));
  }
  SECTION("UDP datagram with trailing octets after the message (RFC 4475 3.1.1.8): they stay as they are") {
    const std::string body = crlf(sdp_in);
    const std::string tail = "INVITE sip:x@192.168.2.100 SIP/2.0\r\n";
    const std::string in = with_body(invite_head_in, sdp_in) + tail;
    rewriter rw;
    table_mapper map{{{"192.168.2.100:10036", "2.2.2.2:20036"}}, ep(outside_text).address, {}, false, {}};
    CHECK(run(rw, in, outbound(), map).out == with_body(invite_head_out, sdp_out_20036) + tail);
  }
}

TEST_CASE("outbound SDP in a response: the phone's 200 OK to an incoming INVITE is rewritten and opens media",
          "[rewriter][sdp][response]") {
  const std::string in = with_body(
      "SIP/2.0 200 OK\n"
      "Via: SIP/2.0/UDP 1.1.1.2:5060;branch=z9hG4bKsrv;received=1.1.1.2\n"
      "From: <sip:300@1.1.1.2>;tag=srv\n"
      "To: <sip:200@2.2.2.2:5061>;tag=ph\n"
      "Call-ID: in-1@1.1.1.2\n"
      "CSeq: 10 INVITE\n"
      "Contact: <sip:200@192.168.2.100:5060>\n"
      "Content-Type: application/sdp\n",
      sdp_in);
  const std::string want = with_body(
      "SIP/2.0 200 OK\n"
      "Via: SIP/2.0/UDP 1.1.1.2:5060;branch=z9hG4bKsrv;received=1.1.1.2\n"
      "From: <sip:300@1.1.1.2>;tag=srv\n"
      "To: <sip:200@2.2.2.2:5061>;tag=ph\n"
      "Call-ID: in-1@1.1.1.2\n"
      "CSeq: 10 INVITE\n"
      "Contact: <sip:200@2.2.2.2:5061>\n"
      "Content-Type: application/sdp\n",
      sdp_out_20036);
  rewriter rw;
  table_mapper map{{{"192.168.2.100:10036", "2.2.2.2:20036"}}, ep(outside_text).address, {}, false, {}};
  const outcome o = run(rw, in, outbound(), map);
  CHECK(o.out == want);
  CHECK(o.exps == std::vector<std::string>{add_media("rtp", "2.2.2.2:20036", "192.168.2.100:10036", "in-1@1.1.1.2"),
                                           add_media("rtcp", "2.2.2.2:20037", "192.168.2.100:10037", "in-1@1.1.1.2")});
}

// =======================================================================================
// Inbound
// =======================================================================================

namespace {
std::vector<header_case> inbound_header_cases() {
  std::vector<header_case> v;
  v.push_back({"200 OK to REGISTER: top Via sent-by, received= and rport= restored; our Contact restored, "
               "another phone's and the private one untouched",
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKr1;received=2.2.2.2;rport=5061\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-1@192.168.2.100\n"
                         "CSeq: 1 REGISTER\n"
                         "Contact: <sip:200@2.2.2.2:5061>;expires=3600, <sip:200@2.2.2.2:5062>;expires=1200\n"
                         "Contact: <sip:200@192.168.2.100:5060>;expires=60\n"
                         "Expires: 3600\n"),
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKr1;received=192.168.2.100;rport=5060\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-1@192.168.2.100\n"
                         "CSeq: 1 REGISTER\n"
                         "Contact: <sip:200@192.168.2.100:5060>;expires=3600, <sip:200@2.2.2.2:5062>;expires=1200\n"
                         "Contact: <sip:200@192.168.2.100:5060>;expires=60\n"
                         "Expires: 3600\n"),
               inbound()});

  v.push_back({"rport of another port (5010, outside port 1024) is not touched; received= is",
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:1024;received=2.2.2.2;rport=5010;branch=z9hG4bKr2\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-2\n"
                         "CSeq: 2 REGISTER\n"),
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;received=192.168.2.100;rport=5010;branch=z9hG4bKr2\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-2\n"
                         "CSeq: 2 REGISTER\n"),
               make_binding(direction::inbound, "192.168.2.100:5060", "2.2.2.2:1024")});

  v.push_back({"the phone's private sent-by (ALG bypassed on the way out): received=/rport= of our mapping restored",
               with_body("SIP/2.0 401 Unauthorized\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;rport=5061;branch=z9hG4bKr4;received=2.2.2.2\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-4\n"
                         "CSeq: 4 REGISTER\n"
                         "WWW-Authenticate: Digest realm=\"2.2.2.2\", nonce=\"2.2.2.2:5061\"\n"),
               with_body("SIP/2.0 401 Unauthorized\n"
                         "Via: SIP/2.0/UDP 192.168.2.100:5060;rport=5060;branch=z9hG4bKr4;received=192.168.2.100\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-4\n"
                         "CSeq: 4 REGISTER\n"
                         "WWW-Authenticate: Digest realm=\"2.2.2.2\", nonce=\"2.2.2.2:5061\"\n"),
               inbound()});

  v.push_back({"a Via that is not ours: its received=/rport= are left alone even when they look like ours",
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP 10.9.9.9:5061;branch=z9hG4bKr5;rport=5061\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKr5b;received=2.2.2.2;rport=5061\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-5\n"
                         "CSeq: 5 REGISTER\n"),
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP 10.9.9.9:5061;branch=z9hG4bKr5;rport=5061\n"
                         "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKr5b;received=2.2.2.2;rport=5061\n"
                         "From: <sip:200@1.1.1.2>;tag=a1\n"
                         "To: <sip:200@1.1.1.2>;tag=srv\n"
                         "Call-ID: reg-5\n"
                         "CSeq: 5 REGISTER\n"),
               inbound()});

  v.push_back({"incoming INVITE: Request-URI restored; To, the server's Via/Contact and the peer's SDP untouched",
               with_body("INVITE sip:200@2.2.2.2:5061 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 1.1.1.2:5060;branch=z9hG4bKsrv\n"
                         "From: <sip:300@1.1.1.2>;tag=srv\n"
                         "To: <sip:200@2.2.2.2:5061>\n"
                         "Call-ID: in-1@1.1.1.2\n"
                         "CSeq: 10 INVITE\n"
                         "Contact: <sip:300@1.1.1.2:5060>\n"
                         "Content-Type: application/sdp\n",
                         "v=0\n"
                         "o=- 1 1 IN IP4 2.2.2.2\n"
                         "s=-\n"
                         "c=IN IP4 2.2.2.2\n"
                         "t=0 0\n"
                         "m=audio 5061 RTP/AVP 0\n"),
               with_body("INVITE sip:200@192.168.2.100:5060 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 1.1.1.2:5060;branch=z9hG4bKsrv\n"
                         "From: <sip:300@1.1.1.2>;tag=srv\n"
                         "To: <sip:200@2.2.2.2:5061>\n"
                         "Call-ID: in-1@1.1.1.2\n"
                         "CSeq: 10 INVITE\n"
                         "Contact: <sip:300@1.1.1.2:5060>\n"
                         "Content-Type: application/sdp\n",
                         "v=0\n"
                         "o=- 1 1 IN IP4 2.2.2.2\n"
                         "s=-\n"
                         "c=IN IP4 2.2.2.2\n"
                         "t=0 0\n"
                         "m=audio 5061 RTP/AVP 0\n"),
               inbound()});

  v.push_back({"incoming INVITE without port in the Request-URI, outside on 5060, inside on 5010: port added",
               with_body("INVITE sip:200@212.19.6.166 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 193.233.5.201:5060;branch=z9hG4bKsrv\n"
                         "From: <sip:300@193.233.5.201>;tag=srv\n"
                         "To: <sip:200@212.19.6.166>\n"
                         "Call-ID: in-2\n"
                         "CSeq: 1 INVITE\n"),
               with_body("INVITE sip:200@192.168.0.31:5010 SIP/2.0\n"
                         "Via: SIP/2.0/UDP 193.233.5.201:5060;branch=z9hG4bKsrv\n"
                         "From: <sip:300@193.233.5.201>;tag=srv\n"
                         "To: <sip:200@212.19.6.166>\n"
                         "Call-ID: in-2\n"
                         "CSeq: 1 INVITE\n"),
               make_binding(direction::inbound, "192.168.0.31:5010", "212.19.6.166:5060", "193.233.5.201:5060")});

  v.push_back({"inbound IPv6: sent-by, bracketed and bare received= restored",
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP [2001:db8:ffff::7]:5062;branch=z9hG4bK6;received=[2001:db8:ffff::7];rport=5062\n"
                         "Via: SIP/2.0/UDP [2001:db8:1::100]:5060;branch=z9hG4bK5;received=2001:db8:ffff::7\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a6\n"
                         "To: <sip:300@[2001:db8:2::1]>;tag=b6\n"
                         "Call-ID: v6call\n"
                         "CSeq: 1 INVITE\n"),
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP [2001:db8:1::100]:5060;branch=z9hG4bK6;received=[2001:db8:1::100];rport=5060\n"
                         "Via: SIP/2.0/UDP [2001:db8:1::100]:5060;branch=z9hG4bK5;received=2001:db8:ffff::7\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a6\n"
                         "To: <sip:300@[2001:db8:2::1]>;tag=b6\n"
                         "Call-ID: v6call\n"
                         "CSeq: 1 INVITE\n"),
               make_binding(direction::inbound, "[2001:db8:1::100]:5060", "[2001:db8:ffff::7]:5062",
                            "[2001:db8:2::1]:5060")});

  v.push_back({"inbound bare received=v6 on the top Via",
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP [2001:db8:ffff::7]:5062;received=2001:db8:ffff::7;branch=z9hG4bK7\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a6\n"
                         "To: <sip:300@[2001:db8:2::1]>;tag=b6\n"
                         "Call-ID: v6call2\n"
                         "CSeq: 1 OPTIONS\n"),
               with_body("SIP/2.0 200 OK\n"
                         "Via: SIP/2.0/UDP [2001:db8:1::100]:5060;received=2001:db8:1::100;branch=z9hG4bK7\n"
                         "From: <sip:200@[2001:db8:2::1]>;tag=a6\n"
                         "To: <sip:300@[2001:db8:2::1]>;tag=b6\n"
                         "Call-ID: v6call2\n"
                         "CSeq: 1 OPTIONS\n"),
               make_binding(direction::inbound, "[2001:db8:1::100]:5060", "[2001:db8:ffff::7]:5062",
                            "[2001:db8:2::1]:5060")});
  return v;
}
}  // namespace

TEST_CASE("inbound: Via (RFC 3581 received/rport), Contact and Request-URI restored, nothing else",
          "[rewriter][inbound]") {
  for (const header_case& c : inbound_header_cases()) {
    SECTION(c.name) {
      policy p;
      if (c.tweak) c.tweak(p);
      const outcome o = run(c.in, c.b, p);
      CHECK(o.out == c.out);
      CHECK(o.r.status == (c.in == c.out ? rewrite_status::unchanged : rewrite_status::rewritten));
      CHECK(o.exps.empty());
      const outcome again = run(o.out, c.b, p);
      CHECK(again.edits == 0);
    }
  }
}

TEST_CASE("inbound: the peer's SDP is never rewritten and opens nothing", "[rewriter][inbound][sdp]") {
  // The SDP even names the inside endpoint and the outside address: still untouched.
  const std::string in = with_body(
      "SIP/2.0 200 OK\n"
      "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bK1\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:300@1.1.1.2>;tag=b1\n"
      "Call-ID: call-1@192.168.2.100\n"
      "CSeq: 1 INVITE\n"
      "Content-Type: application/sdp\n",
      "v=0\no=- 1 1 IN IP4 2.2.2.2\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=audio 10036 RTP/AVP 0\n");
  rewriter rw;
  table_mapper map{{}, ep(outside_text).address, {}, false, {}};
  const outcome o = run(rw, in, inbound(), map);
  const std::size_t body = in.find("\r\n\r\n");
  CHECK(o.out.substr(o.out.find("\r\n\r\n")) == in.substr(body));
  CHECK(o.exps.empty());
  CHECK(map.asked.empty());
}

// =======================================================================================
// Lifetimes of expectations
// =======================================================================================

namespace {
struct lifetime_case {
  const char* name;
  std::string msg;
  direction dir;
  std::vector<std::string> exps;
  void (*tweak)(policy&) = nullptr;
  transport t = transport::udp;
};

std::string request(std::string_view method, std::string_view sdp = "", std::string_view to_tag = ";tag=b1") {
  return with_body(std::string(method) + " sip:300@1.1.1.2 SIP/2.0\n" +
                       "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKl\n" + "From: <sip:200@1.1.1.2>;tag=a1\n" +
                       "To: <sip:300@1.1.1.2>" + std::string(to_tag) + "\n" + "Call-ID: call-1@192.168.2.100\n" +
                       "CSeq: 5 " + std::string(method) + "\n" +
                       (sdp.empty() ? std::string() : std::string("Content-Type: application/sdp\n")),
                   sdp);
}
std::string response(std::string_view status, std::string_view cseq_method, std::string_view extra = "",
                     std::string_view body = "") {
  return with_body("SIP/2.0 " + std::string(status) + "\n" +
                       "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKl\n" + "From: <sip:200@1.1.1.2>;tag=a1\n" +
                       "To: <sip:300@1.1.1.2>;tag=b1\n" + "Call-ID: call-1@192.168.2.100\n" + "CSeq: 5 " +
                       std::string(cseq_method) + "\n" + std::string(extra),
                   body);
}
std::string reg(std::string_view extra) {
  return with_body(
      "REGISTER sip:1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKreg\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:200@1.1.1.2>\n"
      "Call-ID: reg-1@192.168.2.100\n"
      "CSeq: 7 REGISTER\n" +
      std::string(extra));
}

std::vector<lifetime_case> lifetime_cases() {
  const auto rm = remove_call(call_1);
  std::vector<lifetime_case> v;
  v.push_back({"BYE outbound: removes the call's RTP and RTCP", request("BYE"), direction::outbound, rm});
  v.push_back({"BYE inbound", request("BYE"), direction::inbound, rm});
  v.push_back({"CANCEL outbound", request("CANCEL", "", ""), direction::outbound, rm});
  v.push_back({"CANCEL inbound", request("CANCEL", "", ""), direction::inbound, rm});
  v.push_back({"BYE carrying SDP (nonsense): still a removal, the SDP opens nothing",
               request("BYE", "v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\n"
                              "c=IN IP4 192.168.2.100\nt=0 0\nm=audio 10036 RTP/AVP 0\n"),
               direction::outbound, rm});
  v.push_back({"486 to INVITE inbound", response("486 Busy Here", "INVITE"), direction::inbound, rm});
  v.push_back({"603 to INVITE outbound (the phone declines)", response("603 Decline", "INVITE"), direction::outbound,
               rm});
  v.push_back({"487 to INVITE (after CANCEL)", response("487 Request Terminated", "INVITE"), direction::inbound, rm});
  v.push_back({"504 to INVITE", response("504 Server Time-out", "INVITE"), direction::inbound, rm});
  v.push_back({"200 OK to BYE: nothing", response("200 OK", "BYE"), direction::inbound, {}});
  v.push_back({"180 Ringing: nothing", response("180 Ringing", "INVITE"), direction::inbound, {}});
  v.push_back({"183 without SDP: nothing", response("183 Session Progress", "INVITE"), direction::outbound, {}});
  v.push_back({"200 OK to INVITE without SDP: nothing", response("200 OK", "INVITE"), direction::inbound, {}});
  v.push_back({"481 to BYE: nothing (not an INVITE)", response("481 Call Does Not Exist", "BYE"),
               direction::inbound, {}});
  v.push_back({"404 to REGISTER: nothing", response("404 Not Found", "REGISTER"), direction::inbound, {}});
  v.push_back({"re-INVITE (To tag) with new SDP: remove, then add",
               request("INVITE", "v=0\no=- 1 2 IN IP4 192.168.2.100\ns=-\n"
                                 "c=IN IP4 192.168.2.100\nt=0 0\nm=audio 10040 RTP/AVP 0\n"),
               direction::outbound,
               {rm[0], rm[1], add_media("rtp", "2.2.2.2:10040", "192.168.2.100:10040", call_1),
                add_media("rtcp", "2.2.2.2:10041", "192.168.2.100:10041", call_1)}});
  v.push_back({"UPDATE (To tag) with new SDP: remove, then add",
               request("UPDATE", "v=0\no=- 1 2 IN IP4 192.168.2.100\ns=-\n"
                                 "c=IN IP4 192.168.2.100\nt=0 0\nm=audio 10040 RTP/AVP 0\n"),
               direction::outbound,
               {rm[0], rm[1], add_media("rtp", "2.2.2.2:10040", "192.168.2.100:10040", call_1),
                add_media("rtcp", "2.2.2.2:10041", "192.168.2.100:10041", call_1)}});
  v.push_back({"hold re-INVITE: removes the call's media, opens nothing",
               request("INVITE", "v=0\no=- 1 3 IN IP4 192.168.2.100\ns=-\n"
                                 "c=IN IP4 0.0.0.0\nt=0 0\nm=audio 10040 RTP/AVP 0\na=sendonly\n"),
               direction::outbound, rm});
  v.push_back({"initial INVITE (no To tag) with SDP: add only",
               request("INVITE", "v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\n"
                                 "c=IN IP4 192.168.2.100\nt=0 0\nm=audio 10040 RTP/AVP 0\n", ""),
               direction::outbound,
               {add_media("rtp", "2.2.2.2:10040", "192.168.2.100:10040", call_1),
                add_media("rtcp", "2.2.2.2:10041", "192.168.2.100:10041", call_1)}});
  v.push_back({"re-INVITE without SDP (offer in the 200): nothing yet", request("INVITE"), direction::outbound, {}});
  {
    // Where the To tag can hide: after a quoted display name holding '>', in upper case, in an
    // addr-spec without brackets (all re-INVITEs); a "tag" URI parameter is not a dialog tag.
    const std::string sdp = "v=0\no=- 1 2 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\n"
                            "m=audio 10040 RTP/AVP 0\n";
    const std::vector<std::string> add = {add_media("rtp", "2.2.2.2:10040", "192.168.2.100:10040", call_1),
                                               add_media("rtcp", "2.2.2.2:10041", "192.168.2.100:10041", call_1)};
    std::vector<std::string> replace = {rm[0], rm[1]};
    replace.insert(replace.end(), add.begin(), add.end());
    auto with_to = [&](std::string_view to) {
      std::string m = request("INVITE", sdp, "");
      const std::string from = "To: <sip:300@1.1.1.2>\r\n";
      const std::size_t at = m.find(from);
      if (at == std::string::npos) return std::string("broken case: no To line");  // fails as malformed
      return m.replace(at, from.size(), "To: " + std::string(to) + "\r\n");
    };
    v.push_back({"re-INVITE: To tag after a quoted display name holding '>'",
                 with_to("\"a>b <c>\" <sip:300@1.1.1.2>;TAG=b1"), direction::outbound, replace});
    v.push_back({"re-INVITE: To tag on an addr-spec", with_to("sip:300@1.1.1.2;tag=b1"), direction::outbound,
                 replace});
    v.push_back({"initial INVITE: a tag URI parameter inside <> is not a dialog tag",
                 with_to("<sip:300@1.1.1.2;tag=b1>"), direction::outbound, add});
  }
  v.push_back({"ACK with the answer (late offer): add",
               request("ACK", "v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\n"
                              "c=IN IP4 192.168.2.100\nt=0 0\nm=audio 10040 RTP/AVP 0\n"),
               direction::outbound,
               {add_media("rtp", "2.2.2.2:10040", "192.168.2.100:10040", call_1),
                add_media("rtcp", "2.2.2.2:10041", "192.168.2.100:10041", call_1)}});

  // REGISTER (RFC 3261 10.2): the signalling pinhole from the registrar.
  v.push_back({"REGISTER Expires: 3600 header: add signalling for sip_timeout, from the registrar only",
               reg("Contact: <sip:200@192.168.2.100:5060>\nExpires: 3600\n"), direction::outbound,
               {signalling("add", "1.1.1.2", 777)}, [](policy& p) { p.sip_timeout = 777; }});
  v.push_back({"REGISTER Contact expires=0: remove", reg("Contact: <sip:200@192.168.2.100:5060>;expires=0\n"),
               direction::outbound, {signalling("remove")}});
  v.push_back({"REGISTER Contact expires=0 overrides Expires: 3600", 
               reg("Contact: <sip:200@192.168.2.100:5060>;expires=0\nExpires: 3600\n"), direction::outbound,
               {signalling("remove")}});
  v.push_back({"REGISTER Contact expires=60 overrides Expires: 0",
               reg("Contact: <sip:200@192.168.2.100:5060>;expires=60\nExpires: 0\n"), direction::outbound,
               {signalling("add")}});
  v.push_back({"REGISTER Expires: 0 header: remove", reg("Contact: <sip:200@192.168.2.100:5060>\nExpires: 0\n"),
               direction::outbound, {signalling("remove")}});
  v.push_back({"REGISTER Contact: * with Expires: 0: remove", reg("Contact: *\nExpires: 0\n"), direction::outbound,
               {signalling("remove")}});
  v.push_back({"REGISTER without Contact (a query): nothing", reg("Expires: 3600\n"), direction::outbound, {}});
  v.push_back({"REGISTER without any expiry, registrar_default: add",
               reg("Contact: <sip:200@192.168.2.100:5060>\n"), direction::outbound, {signalling("add")}});
  v.push_back({"REGISTER without any expiry, unregister: remove", reg("Contact: <sip:200@192.168.2.100:5060>\n"),
               direction::outbound, {signalling("remove")},
               [](policy& p) { p.register_without_expires = absent_expires::unregister; }});
  v.push_back({"REGISTER direct_signalling: the pinhole accepts any remote",
               reg("Contact: <sip:200@192.168.2.100:5060>;expires=120\n"), direction::outbound,
               {signalling("add", "any")}, [](policy& p) { p.direct_signalling = true; }});
  v.push_back({"REGISTER over TCP: the signalling pinhole is TCP",
               reg("Contact: <sip:200@192.168.2.100:5060;transport=tcp>;expires=120\n"), direction::outbound,
               {signalling("add", "1.1.1.2", 3600, "reg-1@192.168.2.100", "tcp")}, nullptr, transport::tcp});
  v.push_back({"REGISTER with two Contacts, one removed and one kept: add",
               reg("Contact: <sip:200@192.168.2.100:5060>;expires=0, <sip:200@192.168.2.100:5060;line=2>;expires=60\n"),
               direction::outbound, {signalling("add")}});
  v.push_back({"inbound REGISTER (not the phone's): nothing", reg("Contact: <sip:200@192.168.2.100:5060>\n"),
               direction::inbound, {}});
  v.push_back({"200 OK to REGISTER (inbound): nothing",
               response("200 OK", "REGISTER", "Contact: <sip:200@2.2.2.2:5061>;expires=3600\n"), direction::inbound,
               {}});
  return v;
}
}  // namespace

TEST_CASE("lifetimes: BYE/CANCEL/final errors end a call, re-INVITE replaces, REGISTER pins the signalling flow",
          "[rewriter][lifetime]") {
  for (const lifetime_case& c : lifetime_cases()) {
    SECTION(c.name) {
      policy p;
      if (c.tweak) c.tweak(p);
      binding b = make_binding(c.dir);
      b.transport = c.t;
      const outcome o = run(c.msg, b, p);
      INFO(to_string(o.r.status) << " " << error_name(o.r));
      CHECK((o.r.status == rewrite_status::rewritten || o.r.status == rewrite_status::unchanged));
      CHECK(o.exps == c.exps);
    }
  }
}

// =======================================================================================
// Bad input: nothing planned, nothing opened, the verdict follows the policy
// =======================================================================================

namespace {
struct bad_case {
  const char* name;
  std::string msg;
  rewrite_status status;
  bool sdp = false;  ///< an SDP error (only parsed outbound)
  transport t = transport::udp;
};

std::string bad_sdp(std::string_view sdp) { return with_body(invite_head_in, sdp); }

std::vector<bad_case> bad_cases() {
  std::vector<bad_case> v;
  const std::string ok_head = "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKb\nCall-ID: bad@192.168.2.100\n"
                              "CSeq: 1 OPTIONS\nContact: <sip:200@192.168.2.100:5060>\n";
  v.push_back({"empty input", "", rewrite_status::malformed});
  v.push_back({"only CRLF", "\r\n\r\n", rewrite_status::malformed});
  v.push_back({"bad start line", with_body("HELLO WORLD\n" + ok_head), rewrite_status::malformed});
  v.push_back({"request line without version", with_body("OPTIONS sip:1.1.1.2\n" + ok_head), rewrite_status::malformed});
  v.push_back({"SIP/3.0", with_body("OPTIONS sip:1.1.1.2 SIP/3.0\n" + ok_head), rewrite_status::malformed});
  v.push_back({"status code 2000", with_body("SIP/2.0 2000 OK\n" + ok_head), rewrite_status::malformed});
  v.push_back({"header without colon", with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Garbage\n"),
               rewrite_status::malformed});
  v.push_back({"conflicting Content-Length",
               crlf("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Content-Length: 4\nContent-Length: 5\n\nabcde"),
               rewrite_status::malformed});
  v.push_back({"conflicting Content-Length, compact form",
               crlf("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "l: 5\nContent-Length: 4\n\nabcde"),
               rewrite_status::malformed});
  v.push_back({"body shorter than Content-Length",
               crlf("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Content-Length: 100\n\nv=0\n"),
               rewrite_status::malformed});
  v.push_back({"negative Content-Length", crlf("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Content-Length: -1\n\n"),
               rewrite_status::malformed});
  v.push_back({"non-numeric Content-Length",
               crlf("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Content-Length: ten\n\n"), rewrite_status::malformed});
  v.push_back({"unterminated head", crlf("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head), rewrite_status::malformed});
  v.push_back({"NUL in a header", with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Subject: a\0b\n"s),
               rewrite_status::malformed});
  v.push_back({"NUL in the start line",
               with_body("OPTIONS sip:1.1.1.2\0 SIP/2.0\n"s + ok_head), rewrite_status::malformed});
  v.push_back({"bare CR in a header", with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Subject: a\rb\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Via: no sent-by",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\nVia: SIP/2.0/UDP\nCall-ID: x\nCSeq: 1 OPTIONS\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Via: port out of range",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\nVia: SIP/2.0/UDP 192.168.2.100:99999;branch=z9hG4bK1\n"
                         "Call-ID: x\nCSeq: 1 OPTIONS\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Via: unterminated IPv6 reference",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\nVia: SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1\n"
                         "Call-ID: x\nCSeq: 1 OPTIONS\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Via: no protocol",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\nVia: 192.168.2.100:5060;branch=z9hG4bK1\n"
                         "Call-ID: x\nCSeq: 1 OPTIONS\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Contact: missing >",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Contact: <sip:200@192.168.2.100:5060\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Contact: * in a list",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Contact: *, <sip:200@192.168.2.100>\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Contact: junk after the value",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Contact: <sip:200@192.168.2.100> junk\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Contact: empty list element",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Contact: <sip:200@192.168.2.100>, ,<sip:a@b>\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Contact: empty value", with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Contact:\n"),
               rewrite_status::malformed});
  v.push_back({"malformed Contact: unterminated display name",
               with_body("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Contact: \"Bob <sip:200@192.168.2.100>\n"),
               rewrite_status::malformed});
  v.push_back({"malformed SDP: o= without its address", bad_sdp("v=0\no=- 1 1 IN IP4\ns=-\nt=0 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: o= with a bad address", bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.1000:1\ns=-\nt=0 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: no o=", bad_sdp("v=0\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: c= without address",
               bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4\nt=0 0\nm=audio 10036 RTP/AVP 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: c= with an unknown address type",
               bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP9 192.168.2.100\nt=0 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: two session c=",
               bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nc=IN IP4 10.0.0.1\nt=0 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: m= port not a number",
               bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=audio abc RTP/AVP 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: m= port above 65535",
               bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=audio 70000 RTP/AVP 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: m= without proto",
               bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=audio 10036\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: a=rtcp port not a number",
               bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=audio 10036 RTP/AVP 0\n"
                       "a=rtcp:abc\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: does not start with v=", bad_sdp("o=- 1 1 IN IP4 192.168.2.100\nv=0\ns=-\n"),
               rewrite_status::malformed, true});
  v.push_back({"malformed SDP: NUL inside", bad_sdp("v=0\no=- 1 1 IN IP4 192.168.2.100\ns=\0\n"s),
               rewrite_status::malformed, true});
  v.push_back({"malformed multipart: no closing delimiter",
               with_body("INVITE sip:300@1.1.1.2 SIP/2.0\n" + ok_head + "Content-Type: multipart/mixed;boundary=b1\n",
                         "--b1\nContent-Type: application/sdp\n\nv=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nt=0 0\n"),
               rewrite_status::malformed, true});
  v.push_back({"multipart without boundary",
               with_body("INVITE sip:300@1.1.1.2 SIP/2.0\n" + ok_head + "Content-Type: multipart/mixed\n",
                         "--b1\nContent-Type: application/sdp\n\nv=0\n--b1--\n"),
               rewrite_status::malformed, true});
  v.push_back({"base64 SDP part (cannot be rewritten in place)",
               with_body("INVITE sip:300@1.1.1.2 SIP/2.0\n" + ok_head + "Content-Type: multipart/mixed;boundary=b1\n",
                         "--b1\nContent-Type: application/sdp\nContent-Transfer-Encoding: base64\n\ndj0wDQo=\n--b1--\n"),
               rewrite_status::malformed, true});
  v.push_back({"TCP without Content-Length",
               crlf("OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "\n"), rewrite_status::malformed, false,
               transport::tcp});
  {
    std::string many = "OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head;
    for (int i = 0; i < 70; ++i) many += "X-H" + std::to_string(i) + ": v\n";
    v.push_back({"too many headers (70 > 64)", with_body(many), rewrite_status::no_fit});
  }
  {
    std::string big = "OPTIONS sip:1.1.1.2 SIP/2.0\n" + ok_head + "Content-Type: text/plain\n";
    v.push_back({"oversized message (70000 bytes > 65535)", with_body(big, std::string(70000, 'x')),
                 rewrite_status::no_fit});
  }
  return v;
}
}  // namespace

TEST_CASE("bad input: malformed / no_fit, empty plan, no expectations, pass or drop per policy",
          "[rewriter][bad]") {
  for (const bad_case& c : bad_cases()) {
    for (const direction d : {direction::outbound, direction::inbound}) {
      if (c.sdp && d == direction::inbound) continue;  // the peer's SDP is not parsed
      for (const failure_action act : {failure_action::pass, failure_action::drop}) {
        SECTION(std::string(c.name) + " / " + std::string(to_string(d)) +
                (act == failure_action::pass ? " / pass" : " / drop")) {
          policy p;
          p.on_malformed = act;
          p.on_no_fit = act;
          binding b = make_binding(d);
          b.transport = c.t;
          const outcome o = run(c.msg, b, p);
          INFO(error_name(o.r) << " at " << o.r.offset);
          CHECK(o.r.status == c.status);
          CHECK(o.r.action == act);
          CHECK(o.r.forward() == (act == failure_action::pass));
          CHECK_FALSE(o.r.changed());
          CHECK(o.edits == 0);
          CHECK(o.exps.empty());
          CHECK(o.out == c.msg);
          CHECK(o.r.offset <= c.msg.size());
          if (c.sdp) {
            CHECK(o.r.sdp_error != sdp::errc::ok);
          } else {
            CHECK(o.r.sip_error != sip::errc::ok);
          }
          CHECK(error_name(o.r) != to_string(o.r.status));
        }
      }
    }
  }
}

TEST_CASE("bad input: a policy that drops malformed messages still forwards good ones", "[rewriter][bad]") {
  policy p;
  p.on_malformed = failure_action::drop;
  p.on_no_fit = failure_action::drop;
  const outcome o = run(with_body(invite_head_in, sdp_in), outbound(), p);
  CHECK(o.r.status == rewrite_status::rewritten);
  CHECK(o.r.forward());
}

TEST_CASE("plan overflow: more matching Contacts than the edit capacity -> no_fit, empty plan",
          "[rewriter][bad][capacity]") {
  const std::string in = with_body(
      "REGISTER sip:1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKcap\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:200@1.1.1.2>\n"
      "Call-ID: reg-1@192.168.2.100\n"
      "CSeq: 1 REGISTER\n"
      "Contact: <sip:a@192.168.2.100:5060>, <sip:b@192.168.2.100:5060>\n"
      "Contact: <sip:c@192.168.2.100:5060>, <sip:d@192.168.2.100:5060>\n"
      "Expires: 3600\n");
  SECTION("too_many_edits (5 edits, capacity 4)") {
    basic_rewriter<64, 4, 2048> rw;
    table_mapper map{{}, ep(outside_text).address, {}, false, {}};
    const outcome o = run(rw, in, outbound(), map);
    CHECK(o.r.status == rewrite_status::no_fit);
    CHECK(o.r.plan_error == plan_errc::too_many_edits);
    CHECK(error_name(o.r) == "too_many_edits");
    CHECK(o.r.forward());
    CHECK(o.edits == 0);
    CHECK(o.exps.empty());
    CHECK(o.out == in);
  }
  SECTION("too_many_edits with on_no_fit = drop") {
    policy p;
    p.on_no_fit = failure_action::drop;
    basic_rewriter<64, 4, 2048> rw(p);
    table_mapper map{{}, ep(outside_text).address, {}, false, {}};
    const outcome o = run(rw, in, outbound(), map);
    CHECK(o.r.status == rewrite_status::no_fit);
    CHECK_FALSE(o.r.forward());
  }
  SECTION("the same capacity is enough for 4 edits") {
    basic_rewriter<64, 4, 2048> rw;
    table_mapper map{{}, ep(outside_text).address, {}, false, {}};
    const std::string three = with_body(
        "REGISTER sip:1.1.1.2 SIP/2.0\n"
        "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKcap\n"
        "Call-ID: reg-1@192.168.2.100\n"
        "CSeq: 1 REGISTER\n"
        "Contact: <sip:a@192.168.2.100:5060>, <sip:b@192.168.2.100:5060>, <sip:c@192.168.2.100:5060>\n");
    const outcome o = run(rw, three, outbound(), map);
    CHECK(o.r.status == rewrite_status::rewritten);
    CHECK(o.edits == 4);
    CHECK(o.exps.size() == 1);
  }
  SECTION("arena_full (replacement bytes do not fit)") {
    basic_rewriter<64, 48, 40> rw;  // one edit stores 12 + 18 bytes; the second does not fit
    table_mapper map{{}, ep(outside_text).address, {}, false, {}};
    const outcome o = run(rw, in, outbound(), map);
    CHECK(o.r.status == rewrite_status::no_fit);
    CHECK(o.r.plan_error == plan_errc::arena_full);
    CHECK(o.edits == 0);
    CHECK(o.exps.empty());
  }
  SECTION("header capacity of the rewriter (basic_rewriter<8>)") {
    basic_rewriter<8> rw;
    table_mapper map{{}, ep(outside_text).address, {}, false, {}};
    const outcome o = run(rw, in, outbound(), map);
    CHECK(o.r.status == rewrite_status::no_fit);
    CHECK(o.r.sip_error == sip::errc::too_many_headers);
  }
}

TEST_CASE("a rewriter is reusable: the verdict and plan of one message never leak into the next",
          "[rewriter][reuse]") {
  rewriter rw;
  table_mapper map{{}, ep(outside_text).address, {}, false, {}};
  const outcome good = run(rw, with_body(invite_head_in, sdp_in), outbound(), map);
  CHECK(good.r.status == rewrite_status::rewritten);
  CHECK(good.exps.size() == 2);
  const outcome bad = run(rw, crlf("OPTIONS sip:x SIP/2.0\nContent-Length: 4\nContent-Length: 5\n\nabcde"),
                          outbound(), map);
  CHECK(bad.r.status == rewrite_status::malformed);
  CHECK(bad.edits == 0);
  CHECK(bad.exps.empty());
  const std::string none = with_body("OPTIONS sip:1.1.1.2 SIP/2.0\nVia: SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKn\n"
                                     "Call-ID: n\nCSeq: 1 OPTIONS\n");
  const outcome unchanged = run(rw, none, outbound(), map);
  CHECK(unchanged.r.status == rewrite_status::unchanged);
  CHECK(unchanged.r.sip_error == sip::errc::ok);
  CHECK(unchanged.out == none);
}

// =======================================================================================
// Further cases from the field and the RFCs
// =======================================================================================

TEST_CASE("LF-only message and SDP (RFC 3261 7.5 leniency): rewritten, line ends kept", "[rewriter][sdp]") {
  const std::string in =
      "INVITE sip:300@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKlf\n"
      "Call-ID: lf-1\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:200@192.168.2.100:5060>\n"
      "Content-Type: application/sdp\n"
      "Content-Length: 90\n"
      "\n"
      "v=0\n"
      "o=- 1 1 IN IP4 192.168.2.100\n"
      "s=-\n"
      "c=IN IP4 192.168.2.100\n"
      "t=0 0\n"
      "m=audio 10036 RTP/AVP 0\n";
  const std::string want =
      "INVITE sip:300@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKlf\n"
      "Call-ID: lf-1\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:200@2.2.2.2:5061>\n"
      "Content-Type: application/sdp\n"
      "Content-Length: 78\n"
      "\n"
      "v=0\n"
      "o=- 1 1 IN IP4 2.2.2.2\n"
      "s=-\n"
      "c=IN IP4 2.2.2.2\n"
      "t=0 0\n"
      "m=audio 10036 RTP/AVP 0\n";
  REQUIRE(in.size() - in.find("\n\n") - 2 == 90);
  REQUIRE(want.size() - want.find("\n\n") - 2 == 78);
  const outcome o = run(in, outbound());
  CHECK(o.out == want);
  CHECK(o.exps.size() == 2);
}

TEST_CASE("a Contact inside a message/sipfrag body is not the message's Contact: body and Content-Length untouched "
          "(kernel bug)",
          "[rewriter][body]") {
  const std::string frag = "SIP/2.0 200 OK\nContact: <sip:300@192.168.2.100:5060>\n";
  const std::string in = with_body(
      "NOTIFY sip:300@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKn\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:300@1.1.1.2>;tag=b1\n"
      "Call-ID: refer-1\n"
      "CSeq: 9 NOTIFY\n"
      "Event: refer\n"
      "Subscription-State: terminated;reason=noresource\n"
      "Contact: <sip:200@192.168.2.100:5060>\n"
      "Content-Type: message/sipfrag;version=2.0\n",
      frag);
  const std::string want = with_body(
      "NOTIFY sip:300@1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKn\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:300@1.1.1.2>;tag=b1\n"
      "Call-ID: refer-1\n"
      "CSeq: 9 NOTIFY\n"
      "Event: refer\n"
      "Subscription-State: terminated;reason=noresource\n"
      "Contact: <sip:200@2.2.2.2:5061>\n"
      "Content-Type: message/sipfrag;version=2.0\n",
      frag);
  const outcome o = run(in, outbound());
  CHECK(o.out == want);
  CHECK(o.exps.empty());
}

TEST_CASE("RTP on the last port: no RTCP expectation on port 0", "[rewriter][sdp][ports]") {
  const std::string in = with_body(invite_head_in,
                                   "v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\n"
                                   "m=audio 65535 RTP/AVP 0\n");
  const outcome o = run(in, outbound());
  CHECK(o.r.status == rewrite_status::rewritten);
  CHECK(o.exps == std::vector<std::string>{add_media("rtp", "2.2.2.2:65535", "192.168.2.100:65535", call_1)});
}

TEST_CASE("IPv6 hold (c=IN IP6 ::) is left alone and opens nothing; o= is rewritten", "[rewriter][sdp][ipv6]") {
  const binding b = make_binding(direction::outbound, "[2001:db8:1::100]:5060", "[2001:db8:ffff::7]:5060",
                                 "[2001:db8:2::1]:5060");
  const char* head =
      "INVITE sip:300@[2001:db8:2::1] SIP/2.0\n"
      "Via: SIP/2.0/UDP [2001:db8:9::9];branch=z9hG4bKh6\n"
      "Call-ID: v6hold\n"
      "CSeq: 2 INVITE\n"
      "Content-Type: application/sdp\n";
  const outcome o = run(with_body(head, "v=0\no=- 1 2 IN IP6 2001:db8:1::100\ns=-\nc=IN IP6 ::\nt=0 0\n"
                                        "m=audio 10036 RTP/AVP 0\na=sendonly\n"),
                        b);
  CHECK(o.out == with_body(head, "v=0\no=- 1 2 IN IP6 2001:db8:ffff::7\ns=-\nc=IN IP6 ::\nt=0 0\n"
                                 "m=audio 10036 RTP/AVP 0\na=sendonly\n"));
  CHECK(o.exps.empty());
}

// =======================================================================================
// Regressions: bugs these tests found in the rewriter (fixed with them).
// =======================================================================================

TEST_CASE("inbound: received= of another address (a NAT further out) is not touched, nor the rport paired with it",
          "[rewriter][inbound]") {
  const std::string in = with_body(
      "SIP/2.0 200 OK\n"
      "Via: SIP/2.0/UDP 2.2.2.2:5061;branch=z9hG4bKr3;received=5.5.5.5;rport=5061\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:200@1.1.1.2>;tag=srv\n"
      "Call-ID: reg-3\n"
      "CSeq: 3 REGISTER\n");
  const std::string want = with_body(
      "SIP/2.0 200 OK\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKr3;received=5.5.5.5;rport=5061\n"
      "From: <sip:200@1.1.1.2>;tag=a1\n"
      "To: <sip:200@1.1.1.2>;tag=srv\n"
      "Call-ID: reg-3\n"
      "CSeq: 3 REGISTER\n");
  CHECK(run(in, inbound()).out == want);
}

TEST_CASE("outbound: a well-formed multipart body without SDP (RFC 4475 mpart01 style) is not malformed",
          "[rewriter][sdp][multipart]") {
  const std::string in = with_body(
      "MESSAGE sip:kumiko@example.org SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKmp2;rport\n"
      "Contact: <sip:fluffy@192.168.2.100:5060>\n"
      "To: <sip:kumiko@example.org>\n"
      "From: <sip:fluffy@example.com>;tag=2fb0dcc9\n"
      "Call-ID: 3d9485ad0c49859b\n"
      "CSeq: 1 MESSAGE\n"
      "Content-Type: multipart/mixed;boundary=7a9cbec02ceef655\n",
      "--7a9cbec02ceef655\n"
      "Content-Type: text/plain\n"
      "\n"
      "Hello\n"
      "--7a9cbec02ceef655\n"
      "Content-Type: application/octet-stream\n"
      "\n"
      "0123\n"
      "--7a9cbec02ceef655--\n");
  const outcome o = run(in, outbound());
  INFO(error_name(o.r));
  CHECK(o.r.status == rewrite_status::rewritten);
  CHECK(o.out.find("Via: SIP/2.0/UDP 2.2.2.2:5061;branch") != std::string::npos);
  CHECK(o.out.find("Contact: <sip:fluffy@2.2.2.2:5061>") != std::string::npos);
}

TEST_CASE("policy::extra_headers can never make the rewriter touch Call-ID, CSeq or Authorization",
          "[rewriter][never]") {
  // A Call-ID is `word [@ word]` and a word may contain ':' (RFC 3261 25.1): "sip:1@192.168.2.100" is a valid Call-ID.
  const std::string in = with_body(
      "OPTIONS sip:1.1.1.2 SIP/2.0\n"
      "Via: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKx\n"
      "Call-ID: sip:1@192.168.2.100\n"
      "CSeq: 1 OPTIONS\n"
      "Authorization: <sip:200@192.168.2.100>\n"
      "Proxy-Authorization: <sip:200@192.168.2.100>\n");
  policy p;
  p.fields |= rewrite_extra_headers;
  for (const char* h : {"Call-ID", "CSeq", "Authorization", "Proxy-Authorization"})
    (void)p.extra_headers.push_back(h);
  const outcome o = run(in, outbound(), p);
  CHECK(o.out == in);
  CHECK(o.r.status == rewrite_status::unchanged);
}

TEST_CASE("a Contact whose SIP URI cannot be parsed is malformed, not silently left private",
          "[rewriter][bad]") {
  for (const char* contact : {"<sip:200@192.168.2.100:99999>", "<sip:200@192.168.2.100:50a60>",
                              "<sip:200@[2001:db8::1>", "<sip:>"}) {
    SECTION(contact) {
      const std::string in = with_body(
          "OPTIONS sip:1.1.1.2 SIP/2.0\n"
          "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bKx\n"
          "Call-ID: c\n"
          "CSeq: 1 OPTIONS\n"
          "Contact: " + std::string(contact) + "\n");
      const outcome o = run(in, outbound());
      INFO(to_string(o.r.status));
      CHECK(o.r.status == rewrite_status::malformed);
      CHECK(o.edits == 0);
    }
  }
}

TEST_CASE("SDP over the index capacity (more a= lines than the SDP index holds) is no_fit, not malformed",
          "[rewriter][sdp][capacity]") {
  std::string sdp = "v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\nm=video 10040 RTP/AVP";
  for (int pt = 96; pt < 96 + 24; ++pt) sdp += " " + std::to_string(pt);
  sdp += "\n";
  for (int pt = 96; pt < 96 + 24; ++pt) {  // 3 lines per payload type: 72 a= lines (a WebRTC-sized offer)
    sdp += "a=rtpmap:" + std::to_string(pt) + " H264/90000\n";
    sdp += "a=fmtp:" + std::to_string(pt) + " packetization-mode=1\n";
    sdp += "a=rtcp-fb:" + std::to_string(pt) + " nack\n";
  }
  const outcome o = run(with_body(invite_head_in, sdp), outbound());
  INFO(error_name(o.r));
  CHECK(o.r.status == rewrite_status::no_fit);
  CHECK(o.edits == 0);
}

TEST_CASE("rtcp-mux (RFC 5761): a=rtcp naming the RTP port follows the mapped RTP port", "[rewriter][sdp][ports]") {
  // An allocator that hands out a fresh port on every call (as a NAT does for an endpoint it has no mapping for yet).
  std::uint16_t next = 30000;
  std::vector<std::string> asked;
  auto allocate = [&](const endpoint& inside, bool want_pair) -> std::optional<endpoint> {
    asked.emplace_back(inside.to_text().view());
    const std::uint16_t p = next;
    next = static_cast<std::uint16_t>(next + (want_pair ? 2 : 1));
    return endpoint{ep("2.2.2.2:1").address, p};
  };
  const std::string in = with_body(invite_head_in,
                                   "v=0\no=- 1 1 IN IP4 192.168.2.100\ns=-\nc=IN IP4 192.168.2.100\nt=0 0\n"
                                   "m=audio 10036 RTP/AVP 0\na=rtcp:10036\na=rtcp-mux\n");
  rewriter rw;
  const outcome o = run(rw, in, outbound(), allocate);
  CHECK(o.out == with_body(invite_head_out, "v=0\no=- 1 1 IN IP4 2.2.2.2\ns=-\nc=IN IP4 2.2.2.2\nt=0 0\n"
                                            "m=audio 30000 RTP/AVP 0\na=rtcp:30000\na=rtcp-mux\n"));
  CHECK(asked == std::vector<std::string>{"192.168.2.100:10036"});
}

TEST_CASE("TCP: the phone's ephemeral source port does not stop its Via/Contact (listening port) from being mapped",
          "[rewriter][tcp]") {
  const std::string msg =
      "REGISTER sip:1.1.1.2;transport=tcp SIP/2.0\r\nVia: SIP/2.0/TCP 192.168.2.100:5060;branch=z9hG4bK1\r\n"
      "From: <sip:200@1.1.1.2>;tag=1\r\nTo: <sip:200@1.1.1.2>\r\nCall-ID: a@192.168.2.100\r\nCSeq: 1 REGISTER\r\n"
      "Contact: <sip:200@192.168.2.100:5060;transport=tcp>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
  // The binding's inside port is the connection's source port, not 5060.
  const binding b = make_binding(direction::outbound, "192.168.2.100:40312", "2.2.2.2:1030", "1.1.1.2:5060", transport::tcp);
  const outcome o = run(msg, b);
  REQUIRE(o.r.status == rewrite_status::rewritten);
  CHECK(o.out.find("Via: SIP/2.0/TCP 2.2.2.2:1030;branch=z9hG4bK1\r\n") != std::string::npos);
  CHECK(o.out.find("Contact: <sip:200@2.2.2.2:1030;transport=tcp>\r\n") != std::string::npos);
  CHECK(o.out.find("Call-ID: a@192.168.2.100\r\n") != std::string::npos);
  // Another address is still left alone on TCP.
  const std::string other = "OPTIONS sip:1.1.1.2 SIP/2.0\r\nVia: SIP/2.0/TCP 192.168.2.101:5060;branch=z9hG4bK2\r\n"
                            "Call-ID: b\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  CHECK(run(other, b).r.status == rewrite_status::unchanged);
}

namespace {
std::string sdp_message(const std::string& start_and_headers, const std::string& body, bool content_type = true) {
  return start_and_headers + (content_type ? "Content-Type: application/sdp\r\n" : "") +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
}  // namespace

TEST_CASE("SDP: an IPv6 phone behind a NAT64-style IPv4 binding gets IP4 written with the address", "[rewriter][sdp]") {
  const std::string msg = sdp_message(
      "INVITE sip:bob@1.1.1.2 SIP/2.0\r\nVia: SIP/2.0/UDP [2001:db8::10]:5060;branch=z9hG4bK3\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n",
      "v=0\r\no=- 1 1 IN IP6 2001:db8::10\r\ns=-\r\nc=IN IP6 2001:db8::10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");
  const binding b = make_binding(direction::outbound, "[2001:db8::10]:5060", "203.0.113.7:5060", "1.1.1.2:5060");
  const outcome o = run(msg, b);
  REQUIRE(o.r.status == rewrite_status::rewritten);
  CHECK(o.out.find("o=- 1 1 IN IP4 203.0.113.7\r\n") != std::string::npos);
  CHECK(o.out.find("c=IN IP4 203.0.113.7\r\n") != std::string::npos);
  CHECK(o.out.find("Via: SIP/2.0/UDP 203.0.113.7:5060;") != std::string::npos);
  CHECK(run(o.out, b).r.status == rewrite_status::unchanged);  // valid, and nothing left to do
}

TEST_CASE("SDP without Content-Type (seen in captures) is still recognised by its v=0 line", "[rewriter][sdp]") {
  const std::string body = "v=0\r\no=- 1 1 IN IP4 192.168.2.100\r\ns=-\r\nc=IN IP4 192.168.2.100\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  const std::string msg = sdp_message("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.1.1.2:5060;branch=z9hG4bK5\r\nCall-ID: d\r\n"
                                      "CSeq: 1 INVITE\r\nContact: <sip:200@192.168.2.100:5060>\r\n",
                                      body, false);
  const binding b = make_binding(direction::outbound, "192.168.2.100:5060", "2.2.2.2:5060", "1.1.1.2:5060");
  const outcome o = run(msg, b);
  REQUIRE(o.r.status == rewrite_status::rewritten);
  CHECK(o.out.find("c=IN IP4 2.2.2.2\r\n") != std::string::npos);
  CHECK(o.out.find("Content-Length: " + std::to_string(body.size() - 12) + "\r\n") != std::string::npos);
  CHECK(o.exps.size() == 2);
  // A non-SDP body without Content-Type stays untouched.
  const std::string text = "MESSAGE sip:1.1.1.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK6\r\nCall-ID: e\r\n"
                           "CSeq: 1 MESSAGE\r\nContent-Length: 20\r\n\r\nc=IN IP4 192.168.2.1";
  CHECK(run(text, b).r.status == rewrite_status::unchanged);
}

TEST_CASE("SDP: a bracketed IPv6 origin (seen in captures) keeps its brackets for IPv6, loses them for IPv4",
          "[rewriter][sdp]") {
  const std::string msg = sdp_message(
      "INVITE sip:bob@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP [fd00::100]:5060;branch=z9hG4bK1\r\n"
      "Call-ID: 2@fd00::100\r\nCSeq: 1 INVITE\r\n",
      "v=0\r\no=- 1 1 IN IP6 [fd00::100]\r\ns=-\r\nc=IN IP6 fd00::100\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");
  for (const char* outside : {"203.0.113.7:5060", "[2001:db8::7]:5060"}) {
    const binding b = make_binding(direction::outbound, "[fd00::100]:5060", outside, "198.51.100.1:5060");
    const outcome o = run(msg, b);
    REQUIRE(o.r.status == rewrite_status::rewritten);
    CHECK(o.out.find(b.outside.address.is_v4() ? "o=- 1 1 IN IP4 203.0.113.7\r\n" : "o=- 1 1 IN IP6 [2001:db8::7]\r\n") !=
          std::string::npos);
    CHECK(run(o.out, b).r.status == rewrite_status::unchanged);
  }
}

TEST_CASE("one rewriter reused across bindings gives what a fresh rewriter gives (address texts are cached)",
          "[rewriter]") {
  const std::string msg = with_body(invite_head_in, sdp_in);
  auto moved = [](std::string t) {  // the same message from a phone at 10.0.0.7
    for (std::size_t at; (at = t.find("192.168.2.100")) != std::string::npos;) t.replace(at, 13, "10.0.0.7");
    return t;
  };
  const std::string other = with_body(moved(invite_head_in), moved(sdp_in));
  const binding a = outbound();
  const binding b = make_binding(direction::outbound, "10.0.0.7:5060", "3.3.3.3:5062");
  const binding a_in = inbound();
  // Same public address as `a`, another public port: the kept "host:port" text must follow the port.
  binding a_port = a;
  a_port.outside.port = static_cast<std::uint16_t>(a.outside.port + 7);
  rewriter shared;
  table_mapper map_a{{}, a.outside.address, {}, false, {}};
  table_mapper map_b{{}, b.outside.address, {}, false, {}};
  struct step {
    const std::string* text;
    const binding* bind;
    table_mapper* map;
  };
  const step steps[] = {{&msg, &a, &map_a},   {&other, &b, &map_b}, {&msg, &a, &map_a},
                        {&other, &a, &map_a}, {&msg, &b, &map_b},   {&msg, &a_in, &map_a},
                        {&msg, &a_port, &map_a}, {&msg, &a, &map_a}};
  for (const step& s : steps) {
    rewriter fresh;
    const outcome want = run(fresh, *s.text, *s.bind, *s.map);
    const outcome got = run(shared, *s.text, *s.bind, *s.map);
    CHECK(got.r.status == want.r.status);
    CHECK(got.out == want.out);
    CHECK(got.exps == want.exps);
  }
  // The cases above really rewrite (a cache returning a stale address would show).
  rewriter fresh;
  const outcome o = run(fresh, other, b, map_b);
  INFO(to_string(o.r.status) << " " << error_name(o.r) << "\n" << o.out);
  CHECK(o.out.find("3.3.3.3:5062") != std::string::npos);
}
