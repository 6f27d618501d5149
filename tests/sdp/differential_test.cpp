// Differential test: sdp::parse_sdp against the frozen reference parser
// (reference_parser.hpp, the parser before the instruction-count work of
// issue 9). Both must give the same verdict, errc and offset on every input,
// and on success the same index: every view with the same position and length
// (null stays null), the same numbers, flags, optionals and parsed addresses.
//
// Inputs: hand-written bodies that reach every branch of o=, c=, m= and a=
// (IPv4 literals next to broken ones, IPv6, brackets, FQDNs, multicast
// suffixes, odd spacing, tabs, line ends, duplicate lines), the golden bodies,
// every corpus SDP example and captured SDP body (when ../shared/corpus is
// there), the fuzz corpus and crash inputs of the sdp target; then mutants of
// them: every truncation, and single-byte replacements, insertions and
// deletions with the bytes the parser treats specially, exhaustively for the
// small bodies and at random (fixed seed) for the others. Every parse reads an
// exact-size heap copy, so ASan catches a read past the end.
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/reference_parser.hpp"
#include "sdp/sdp_test_support.hpp"
#include "sipalg/sdp.hpp"
#include "support.hpp"

namespace {

namespace sdp = sipalg::sdp;
using sipalg::test::exact_copy;
using desc = sdp::basic_session_description<4, 16>;  // small: the capacity errors are reached too

// Everything in `d`, views as offset:length from the body ("-" when null).
std::string describe(const desc& d) {
  std::string out;
  const auto view = [&](std::string_view v) {
    if (v.data() == nullptr) {
      out += v.empty() ? "- " : "?null-with-size ";
      return;
    }
    out += std::to_string(v.data() - d.body.data()) + ":" + std::to_string(v.size()) + " ";
  };
  const auto addr = [&](const sdp::net_address& a) {
    view(a.nettype);
    view(a.addrtype);
    view(a.address);
    out += "t" + std::to_string(static_cast<int>(a.type)) + " ";
    if (a.ip) {
      out += "ip=" + std::string(a.ip->to_text().view()) + (a.ip->is_v4() ? "/4 " : "/6 ");
    } else {
      out += "ip=- ";
    }
  };
  const auto conn = [&](const sdp::connection_field& c) {
    out += "\n  c ";
    view(c.line);
    addr(c);
    out += "ttl=" + (c.ttl ? std::to_string(*c.ttl) : std::string("-")) +
           " count=" + (c.count ? std::to_string(*c.count) : std::string("-"));
  };
  const auto dir = [&](const std::optional<sdp::media_direction>& x) {
    out += "dir=" + (x ? std::string(sdp::to_string(*x)) : std::string("-")) + " ";
  };
  out += "v ";
  view(d.version);
  out += "\n o ";
  view(d.origin.line);
  view(d.origin.username);
  view(d.origin.sess_id);
  view(d.origin.sess_version);
  addr(d.origin);
  out += "\n s ";
  view(d.session_name);
  conn(d.connection);
  out += "\n ";
  dir(d.direction);
  out += "sae=" + std::to_string(d.session_attr_end);
  for (const auto& m : d.media) {
    out += "\n m ";
    view(m.line);
    view(m.media);
    view(m.port_text);
    out += std::to_string(m.port) + " ";
    view(m.port_count_text);
    out += std::to_string(m.port_count) + " ";
    view(m.proto);
    view(m.formats);
    conn(m.connection);
    out += "\n  r ";
    view(m.rtcp.line);
    view(m.rtcp.port_text);
    out += std::to_string(m.rtcp.port) + " ";
    addr(m.rtcp);
    out += "\n  ";
    dir(m.direction);
    out += "xc=" + std::to_string(m.extra_connections) + " a=" + std::to_string(m.attr_begin) + ".." +
           std::to_string(m.attr_end);
  }
  for (const auto& a : d.attributes) {
    out += "\n a ";
    view(a.line);
    view(a.name);
    view(a.value);
    out += (a.has_value ? "hv " : "nv ") + std::to_string(static_cast<int>(a.kind));
  }
  return out;
}

std::uint64_t g_compared = 0;

/// Parses `text` (from an exact-size copy) with both parsers and checks they agree.
void compare(std::string_view text) {
  const exact_copy copy(text);
  const std::string_view body = copy.view();
  static desc fast, ref;
  const sdp::parse_result rf = sdp::parse_sdp(body, fast);
  const sdp::parse_result rr = sipalg::sdp_reference::parse_sdp(body, ref);
  ++g_compared;
  if (rf == rr && (!rf.ok() || describe(fast) == describe(ref))) return;  // the common case, quietly
  INFO("body: " << ::Catch::Detail::stringify(std::string(text)));
  CHECK(sdp::to_string(rf.ec) == sdp::to_string(rr.ec));
  CHECK(rf.offset == rr.offset);
  if (rf.ok() && rr.ok()) CHECK(describe(fast) == describe(ref));
}

/// The bytes and strings the parser treats specially.
const std::vector<std::string>& specials() {
  static const std::vector<std::string> s{" ",    "\t", "\r",   "\n",   std::string(1, '\0'),
                                          ":",    "/",  ".",    "0",    "1",
                                          "9",    "a",  "Z",    "[",    "]",
                                          "-",    "=",  "\x80", "\xff", "\x0b",
                                          "\x1f", "_"};
  return s;
}

/// Every truncation, and every single-byte replacement / insertion / deletion with `specials()`.
void mutate_exhaustively(const std::string& text) {
  for (std::size_t n = 0; n < text.size(); ++n) compare(std::string_view(text).substr(0, n));
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string del = text;
    del.erase(i, 1);
    compare(del);
    for (const std::string& b : specials()) {
      std::string rep = text;
      rep.replace(i, 1, b);
      compare(rep);
      std::string ins = text;
      ins.insert(i, b);
      compare(ins);
    }
  }
}

/// `count` random mutants of `text` (1-3 edits each), fixed seed.
void mutate_randomly(const std::string& text, std::mt19937& rng, int count) {
  if (text.empty()) return;
  for (int k = 0; k < count; ++k) {
    std::string m = text;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !m.empty(); ++e) {
      const std::size_t i = rng() % m.size();
      const std::string& b = specials()[rng() % specials().size()];
      switch (rng() % 4) {
        case 0:
          m.replace(i, 1, b);
          break;
        case 1:
          m.insert(i, b);
          break;
        case 2:
          m.erase(i, 1);
          break;
        default:
          m.resize(i);
          break;
      }
    }
    compare(m);
  }
}

const std::string head = "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\n";

/// Small bodies that reach every branch; mutated exhaustively.
std::vector<std::string> handwritten() {
  std::vector<std::string> v{
      head + "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n",
      head +
          "c=IN IP4 224.2.1.1/127/3\r\nm=video 51372/2 RTP/AVP 99\r\nc=IN IP4 224.2.1.1/127\r\nc=IN IP4 "
          "224.2.1.2/127\r\na=rtcp:53020 IN IP4 126.16.64.4\r\na=recvonly\r\n",
      "v=0\no=alice bob 2890844526 2890842807 IN IP6 2001:db8::1\nc=IN IP6 [2001:db8::2]\nm=audio 0 RTP/AVP\n"
      "a=rtcp:9 IN IP6 ::1\na=rtcp-mux\na=inactive\n",
      "v=0\r\no=- 1 2 IN IP4 host.example.com\r\nc=IN IP4 pbx_1.example.net\r\nc=IN IP4 10.0.0.1\r\n"
      "m=audio 4000 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.1 4000 typ host\r\na=remote-candidates:1 1.2.3.4 5\r\n",
      "v=0\r\no=-\t1  2 \tIN  IP4   0.0.0.0  \r\n  \r\ns=a s\r\nc=in ip4 0.0.0.0\t\r\nm=audio\t1\tudptl\tt38\r\n"
      "a=sendonly\r\na=SENDRECV\r\na=fmtp:\r\na=x\r\na=rtcp:1\r\nm=image 65535 udptl\r\na=RTCP:65535\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nc=IN IP6 ff02::1/3\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP6 ff02::2/2\r\n"
      "c=IN IP6 ff02::3\r\na=rtcp:2 IN IP4 239.1.1.1/1/2\r\ny=0\r\nf=x\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\na=rtcp:1\r\na=recvonly\r\ni=x\r\nb=AS:64\r\nk=clear:x\r\nz=0 0\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\no=- 1 2 IN IP4 1.2.3.4\r\n",
      "v=0\r\nv=0\r\n",
      "v=1\r\n",
      "o=- 1 2 IN IP4 1.2.3.4\r\n",
      "v=0\r\ns=-\r\n",
      "\r\n\r\n",
      "v=0",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\na=rtcp:1\r\na=rtcp:2\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.5\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\nm=audio 2 RTP/AVP 0\r\nm=audio 3 RTP/AVP 0\r\n"
      "m=audio 4 RTP/AVP 0\r\nm=audio 5 RTP/AVP 0\r\n",
      "v=0\r\no=user name with spaces 1 2 IN IP4 1.2.3.4\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4 extra\r\n",
      "v=0\r\no=- 1 IN IP4 1.2.3.4\r\n",
      // Values longer than the 64-byte field mask (the general path) and lines
      // near the end of the body (no room for a 16-byte load).
      "v=0\r\no=a-rather-long-user-name-for-a-phone 1234567890123 9876543210987 IN IP4 "
      "some.quite.long.host.name.example.com\r\nc=IN IP4 another.rather.long.host.name.in.some.domain.example.net\r\n"
      "m=audio 49170 UDP/TLS/RTP/SAVPF 111 103 104 9 0 8 106 105 13 110 112 113 126 127 96\r\na=x\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=a 1 b\r\nc=IN IP4 9.9.9.9\r\na=rtcp:9\r\na=sendrecv",
  };
  return v;
}

/// c= lines with addresses near the IPv4 grammar's edges.
std::vector<std::string> address_bodies() {
  const char* const addrs[] = {"0.0.0.0",
                               "255.255.255.255",
                               "256.1.1.1",
                               "1.2.3",
                               "1.2.3.4.5",
                               "01.2.3.4",
                               "1.02.3.4",
                               "1.2.3.04",
                               "1.2.3.400",
                               "1.2.3.4000",
                               "1234.1.1.1",
                               "1..2.3",
                               ".1.2.3",
                               "1.2.3.",
                               "1.2.3.4.",
                               "00.0.0.0",
                               "0.0.0.00",
                               "9.99.199.249",
                               "10.0.0.255",
                               "10.0.0.256",
                               "1.2.3.4a",
                               "a1.2.3.4",
                               "1.2.3.4/",
                               "1.2.3.4/0",
                               "1.2.3.4/255",
                               "1.2.3.4/256",
                               "1.2.3.4/1/0",
                               "1.2.3.4/1/4294967295",
                               "1.2.3.4/1/4294967296",
                               "1.2.3.4//1",
                               "1.2.3.4/1/",
                               "::",
                               "::1",
                               "1::",
                               "[::1]",
                               "[]",
                               "[x]",
                               "[1.2.3.4]",
                               "2001:db8::1/2",
                               "2001:db8::1/2/3",
                               "ff02::1%eth0",
                               "::ffff:1.2.3.4",
                               "1:2:3:4:5:6:7:8",
                               "1:2:3:4:5:6:7:8:9",
                               "example",
                               "ex_ample.com",
                               "ex@mple",
                               "-",
                               "_",
                               "9",
                               "9.",
                               "999",
                               "1-2.3",
                               "1.2.3.4\x01",
                               "x:y"};
  std::vector<std::string> v;
  for (const char* a : addrs) {
    for (const char* t : {"IP4", "IP6"}) {
      v.push_back(std::string("v=0\r\no=- 1 2 IN ") + t + " " + a + "\r\nc=IN " + t + " " + a +
                  "\r\nm=audio 1 RTP/AVP 0\r\na=rtcp:1 IN " + t + " " + a + "\r\n");
    }
  }
  return v;
}

std::string message_body(std::string_view msg) {
  std::string_view body = sipalg::test::sip_body(msg);
  const auto cl = sipalg::test::sip_header(msg, "Content-Length", "l");
  if (auto n = sipalg::parse_decimal<std::uint32_t>(cl); n && *n <= body.size()) body = body.substr(0, *n);
  return std::string(body);
}

std::vector<std::string> files_in(const std::filesystem::path& dir, std::string_view ext) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return {};
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file() && (ext.empty() || e.path().extension() == ext)) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (const auto& p : paths)
    if (auto s = sipalg::test::read_file(p)) out.push_back(std::move(*s));
  return out;
}

}  // namespace

TEST_CASE("sdp differential: hand-written bodies and their mutants, IPv4 edge addresses", "[sdp][differential]") {
  g_compared = 0;
  for (const std::string& b : handwritten()) {
    compare(b);
    mutate_exhaustively(b);
  }
  std::mt19937 rng(7);
  for (const std::string& b : address_bodies()) {
    compare(b);
    mutate_randomly(b, rng, 60);
  }
  CHECK(g_compared > 10000);  // the loops ran (about 24 bodies x 100 bytes x 45 mutants, plus the addresses)
}

TEST_CASE("sdp differential: golden bodies, exhaustively mutated", "[sdp][differential]") {
  const auto golden = std::filesystem::path(SIPALG_SHARED_DIR) / "golden";
  int n = 0;
  for (const std::string& msg : files_in(golden, ".sip")) {
    const std::string body = message_body(msg);
    if (body.empty()) continue;
    compare(body);
    mutate_exhaustively(body);
    ++n;
  }
  if (n == 0) WARN("skipped: no golden cases at " << golden);
}

TEST_CASE("sdp differential: fuzz corpus and crash inputs of the sdp targets", "[sdp][differential]") {
  const auto fuzz = sipalg::test::data_dir() / ".." / ".." / "fuzz";
  std::mt19937 rng(9);
  int n = 0;
  for (const char* dir : {"corpus/sdp", "crashes/sdp", "corpus/sdp_multipart"}) {
    for (const std::string& f : files_in(fuzz / dir, "")) {
      compare(f);
      // The fuzz input format starts with an optional control byte (>= 0x80).
      const std::string body = !f.empty() && (static_cast<unsigned char>(f[0]) & 0x80) != 0 ? f.substr(1) : f;
      compare(body);
      mutate_randomly(body, rng, 100);
      ++n;
    }
  }
  CHECK(n > 100);
}

TEST_CASE("sdp differential: corpus SDP examples and captured bodies", "[sdp][differential][corpus]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  std::mt19937 rng(42);
  int n = 0;
  for (const std::string& f : files_in(corpus / "sdp", ".sdp")) {
    compare(f);
    mutate_randomly(f, rng, 200);
    ++n;
  }
  CHECK(n >= 140);
  int bodies = 0;
  for (const std::string& msg : files_in(corpus / "pcap", ".sip")) {
    const std::string body = message_body(msg);
    if (body.size() < 3 || body.compare(0, 2, "v=") != 0) continue;
    compare(body);
    mutate_randomly(body, rng, 20);
    ++bodies;
  }
  CHECK(bodies > 50);
}
