// Differential test of the SIP header-value parsers (host, URI, Via, name-addr, Contact, params,
// CSeq, Call-ID) against reference copies of their previous implementations
// (value_parsers_reference.hpp): the single-pass rewrites must return the same errc and offset and
// the same views (same pointer and length) on every input: generated inputs built from pieces that
// hit every branch (and every SIMD block/tail length), every golden/RFC/corpus header value, and
// inputs cut at every length. Each input is parsed from an exact-size heap copy, so an ASan build
// catches any read past its end.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/exact_copy.hpp"
#include "sip/value_parsers_reference.hpp"
#include "sipalg/sip.hpp"
#include "support.hpp"

using namespace sipalg;
using namespace sipalg::sip;

namespace {

/// Same view: same start pointer and length (both parsers see the same buffer).
bool same(std::string_view a, std::string_view b) { return a.data() == b.data() && a.size() == b.size(); }

std::string show(std::string_view s) {
  std::string o;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      o += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789abcdef";
      o += "\\x";
      o += hex[c >> 4];
      o += hex[c & 15];
    }
  }
  return o;
}

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
bool same(const param& a, const param& b) {
  return same(a.name, b.name) && same(a.value, b.value) && a.has_value == b.has_value && same(a.text, b.text);
}

// Each check returns true when the new parser agrees with the reference on `s` (a view of an exact copy).

bool check_host(std::string_view s) {
  host_port a, b;
  if (!same(parse_host_port(s, a), reference::parse_host_port(s, b)) || !same(a, b)) return false;
  for (bool lws : {false, true}) {
    for (std::size_t start = 0; start <= s.size() && start < 4; ++start) {
      std::size_t i = start, j = start;
      host_port c, d;
      if (!same(detail::parse_host_port_at(s, i, c, lws), reference::parse_host_port_at(s, j, d, lws))) return false;
      if (i != j || !same(c, d)) return false;
    }
  }
  return true;
}

bool check_uri(std::string_view s) {
  uri a, b;
  a.host.port = 7;  // stale contents must not leak into the result
  return same(parse_uri(s, a), reference::parse_uri(s, b)) && same(a, b);
}

bool check_params(std::string_view s) {
  const param_list n(s);
  const reference::param_list r(s);
  auto i = n.begin();
  auto j = r.begin();
  for (; j != r.end(); ++i, ++j) {
    if (i == n.end() || !same(*i, *j)) return false;
  }
  if (i != n.end()) return false;
  if (!same(n.validate(), r.validate())) return false;
  for (std::string_view name : {"tag", "branch", "a", "received", "lr", "TAG"}) {
    const auto x = n.find(name);
    const auto y = r.find(name);
    if (x.has_value() != y.has_value() || (x && !same(*x, *y))) return false;
  }
  return true;
}

bool check_via(std::string_view s) {
  via_reader n(s);
  reference::via_reader r(s);
  for (int guard = 0; guard < 64; ++guard) {
    via a, b;
    const bool x = n.next(a), y = r.next(b);
    if (x != y) return false;
    if (!x) break;
    if (!same(a, b)) return false;
    if (!check_params(a.params)) return false;
  }
  if (!same(n.status(), r.status()) || n.count() != r.count()) return false;
  via a, b;
  return same(parse_via(s, a), reference::parse_via(s, b)) && same(a, b);
}

bool check_name_addr(std::string_view s) {
  name_addr a, b;
  if (!same(parse_name_addr(s, a), reference::parse_name_addr(s, b)) || !same(a, b)) return false;
  if (!a.uri.empty() && !check_uri(a.uri)) return false;
  contact_reader n(s);
  reference::contact_reader r(s);
  for (int guard = 0; guard < 64; ++guard) {
    contact c, d;
    const bool x = n.next(c), y = r.next(d);
    if (x != y) return false;
    if (!x) break;
    if (c.wildcard != d.wildcard || !same(c.address, d.address)) return false;
  }
  return same(n.status(), r.status()) && n.count() == r.count();
}

bool check_small(std::string_view s) {
  cseq a, b;
  if (!same(parse_cseq(s, a), reference::parse_cseq(s, b))) return false;
  if (a.number != b.number || !same(a.number_text, b.number_text) || !same(a.method, b.method) ||
      a.method_type != b.method_type)
    return false;
  std::string_view x, y;
  return same(parse_call_id(s, x), reference::parse_call_id(s, y)) && same(x, y);
}

/// Runs every check on `text` from an exact-size copy; reports the first disagreement.
void check_all(std::string_view text) {
  const test::exact_copy copy(text);
  const std::string_view s = copy.view();
  INFO("input: \"" << show(text) << "\"");
  CHECK(check_host(s));
  CHECK(check_uri(s));
  CHECK(check_params(s));
  CHECK(check_via(s));
  CHECK(check_name_addr(s));
  CHECK(check_small(s));
}

/// Deterministic xorshift64* generator.
struct rng {
  std::uint64_t x;
  std::uint64_t next() {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return x * 0x2545F4914F6CDD1DULL;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

std::string generate(rng& r, const std::vector<std::string_view>& heads, const std::vector<std::string_view>& pieces,
                     std::size_t max_pieces) {
  std::string s(heads[r.below(heads.size())]);
  const std::size_t n = r.below(max_pieces + 1);
  for (std::size_t i = 0; i < n; ++i) s += pieces[r.below(pieces.size())];
  return s;
}

const std::vector<std::string_view> kPieces = {
    "alice", "@", "@", "[", "]", "2001:db8::1", ":", "::", "5060", "65535", "65536", "0", "00", ".", "1", "2",
    "25", "255", "256", "010", "192.168.1.1", "10.0.0.1", ";", ";", "?", "=", "transport=udp", "lr", "%", "-", "_",
    "a", "Z", " ", "\t", "\r\n ", "<", ">", "\"", "\x7f", "\x80", ",", "/", "&", "0.0.0.0", "1.2.3", "1.2.3.4.5",
    "1234", "abcdefghijklmnopqrstuvwxyz0123456789", "\\", "\\\"", "*", "tag=", "branch=z9hG4bK-1", "sip:",
    "sips:", "\"Bob\"", " <", ">;", "received=", "[::1]", "%25eth0", "99999999999999999999", "\x01", std::string_view("\0", 1),
    "INVITE", "x.example.com", "1.2.3.4:", "SIP/2.0/UDP ", "SIP / 2.0 / TCP ", "'", "$", "+", "249", "250", "251", "259",
    "260", "199", "300", "0.", "1.", ".1", "255.255.255.255", "1.2.3.04", "9.9.9.9", "1.1.1.1111", "A"};
const std::vector<std::string_view> kUriHeads = {"sip:", "sips:", "SIP:", "sIpS:", "tel:", "sipx:", "s:", "1sip:",
                                                 "", "sip:alice@", "sip:[", "http:", "sip", "si:"};
const std::vector<std::string_view> kViaHeads = {"SIP/2.0/UDP ", "SIP / 2.0 / TCP\t", "sip/2.0/udp\r\n ",
                                                 "SIP/2.0/UDP", "SIP/2.0/", "SIP/2.0/TLS 1.2.3.4",
                                                 " SIP/2.0/WS h;branch=x, ", "", "SIP/", "SIP/2.0 /UDP "};
const std::vector<std::string_view> kNameAddrHeads = {"", " ", "\"A\" ", "<", "Bob <", "\"a\\\"b\" <sip:",
                                                      "*", "sip:", "\"", "\x80\x81 <", ";", ","};

}  // namespace

TEST_CASE("value parsers: same results as the reference on generated inputs", "[sip][diff]") {
  rng r{0x9E3779B97F4A7C15ULL};
  const std::vector<std::string_view> all_heads = {"", " ", ";", "1 ", "42 INVITE", "x@y"};
  for (int n = 0; n < 4000; ++n) {
    check_all(generate(r, kUriHeads, kPieces, 8));
    check_all(generate(r, kViaHeads, kPieces, 8));
    check_all(generate(r, kNameAddrHeads, kPieces, 8));
    check_all(generate(r, all_heads, kPieces, 12));
  }
}

TEST_CASE("value parsers: same results as the reference on every prefix of typical values", "[sip][diff]") {
  const std::string_view values[] = {
      "sip:*98@207.252.1.148",
      "sip:061963177-ikhuuep5bi123@10.35.60.100:5060;transport=udp",
      "sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr?subject=hi&x=y",
      "SIP/2.0/UDP 192.168.20.100:5060;branch=z9hG4bK-7badf56d",
      "SIP / 2.0 / UDP [2001:db8::9] : 5070 ;branch=z9hG4bK1;received=10.0.0.1;rport=5060, SIP/2.0/TCP h.example",
      "\"David Attias\" <sip:525@192.168.20.100:5060>",
      "\"David Attias\" <sip:525@207.252.1.148>;tag=f95367fa52060ce5o0",
      "<sip:unavailable@hostportion>;tag=00e9d478",
      "sip:alice@10.0.0.1;tag=1, <sip:bob@h>;expires=60;q=0.5, Carol <sip:c@[::1]>",
      "00e9d4a500e9d48-0015-0001-0000-0000@10.35.40.25",
      "101 INVITE",
      ";transport=udp;lr;maddr=[2001:db8::1];x=\"a;b\" ; y = 2",
      "sip:user;par=u%40example.net@example.com:65535?h=%20",
      "sip:1.2.3.4.example.com:0005060",
      "sip:a@255.255.255.255:1;x", "sip:a@256.1.1.1;x=1", "sip:a@1.2.3.4-", "sip:199.250.255.200",
      "sip:abcdefghijklmnop@0.0.0.0", "sip:[::ffff:1.2.3.4]:70000", "sip:12345678901234567890",
  };
  for (std::string_view v : values)
    for (std::size_t n = 0; n <= v.size(); ++n) {
      check_all(v.substr(0, n));
      check_all(v.substr(v.size() - n));
    }
}

TEST_CASE("value parsers: same results as the reference on every golden and corpus header", "[sip][diff]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  std::size_t values = 0;
  auto run = [&](const std::filesystem::path& dir) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file() || it->path().extension() != ".sip") continue;
      const auto text = test::read_file(it->path());
      if (!text) continue;
      basic_message<256> m;
      parse_options opt;
      opt.max_message_size = 1u << 20;
      if (!parse_message(*text, m, opt)) continue;
      if (m.is_request()) {
        check_all(m.request_uri.in(*text));
        ++values;
      }
      for (const header& h : m.headers) {
        check_all(h.value.in(*text));
        ++values;
      }
    }
  };
  run(corpus);
  run(std::filesystem::path(SIPALG_SHARED_DIR) / "golden");
  CHECK(values > 1000);
}

TEST_CASE("value parsers: the byte-at-a-time paths in constant evaluation", "[sip][diff]") {
  // Constant evaluation never takes the 16-byte paths: these pin the scalar fallbacks.
  constexpr auto uri_ok = [](std::string_view s, std::string_view host, host_kind kind, std::uint16_t port) {
    uri u;
    return parse_uri(s, u).ok() && u.host.host == host && u.host.kind == kind && u.host.port == port;
  };
  static_assert(uri_ok("sip:525@207.252.1.148", "207.252.1.148", host_kind::ipv4, 0));
  static_assert(uri_ok("sip:061963177-ikhuuep5bi123@10.35.60.100:5060;transport=udp", "10.35.60.100",
                       host_kind::ipv4, 5060));
  static_assert(uri_ok("sips:a@256.1.1.1:5061?x=@", "256.1.1.1", host_kind::domain, 5061));
  static_assert(uri_ok("sip:[2001:db8::1]:7", "[2001:db8::1]", host_kind::ipv6, 7));
  constexpr auto uri_err = [](std::string_view s) {
    uri u;
    return parse_uri(s, u);
  };
  static_assert(uri_err("sip:a@h:70000").ec == errc::bad_port);
  static_assert(uri_err("sip:a b@h").ec == errc::bad_uri && uri_err("sip:a b@h").offset == 5);
  constexpr auto via_ok = [] {
    via v;
    return parse_via("SIP/2.0/UDP 192.168.20.100:5060;branch=z9hG4bK-7badf56d;x=\"a,b\", SIP/2.0/TCP h", v).ok() &&
           v.transport == "UDP" && v.sent_by.kind == host_kind::ipv4 && v.sent_by.port == 5060 &&
           v.params == ";branch=z9hG4bK-7badf56d;x=\"a,b\"";
  };
  static_assert(via_ok());
  constexpr auto name_addr_ok = [] {
    name_addr na;
    return parse_name_addr("\"A \\\" B\" <sip:a@h>;tag=1 ", na).ok() && na.uri == "sip:a@h" &&
           na.params == ";tag=1" && na.display_name == "\"A \\\" B\"";
  };
  static_assert(name_addr_ok());
  constexpr auto call_id_err = [] {
    std::string_view id;
    return parse_call_id(" abc\x7f ", id);
  };
  static_assert(call_id_err().ec == errc::bad_value && call_id_err().offset == 4);
}
