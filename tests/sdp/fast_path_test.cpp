// The fast paths of sdp::parse_sdp (issue 9, instruction counts) against the
// frozen reference parser (reference_parser.hpp), on inputs built to reach
// their edges: the o= and c= fast paths ("IN IP4 " checked as one word, the
// dotted quad read from one 16-byte load that ends at the address), the line
// scanner's last 16-byte block, and the one-pass m= split. Each input is parsed
// from an exact-size heap copy (ASan sees a read past the end), and the two
// parsers must agree on verdict, errc, offset and, on success, every view,
// number and parsed address (sdp_describe.hpp).
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/reference_parser.hpp"
#include "sdp/sdp_describe.hpp"
#include "sdp/sdp_test_support.hpp"
#include "sipalg/sdp.hpp"

namespace {

namespace sdp = sipalg::sdp;
using sipalg::test::exact_copy;
using desc = sdp::basic_session_description<4, 16>;

std::uint64_t g_ok = 0;    // inputs both parsers accepted
std::uint64_t g_fail = 0;  // inputs both rejected

void compare(std::string_view text) {
  const exact_copy copy(text);
  const std::string_view body = copy.view();
  static desc fast, ref;
  const sdp::parse_result rf = sdp::parse_sdp(body, fast);
  const sdp::parse_result rr = sipalg::sdp_reference::parse_sdp(body, ref);
  (rr.ok() ? g_ok : g_fail) += 1;
  if (rf == rr && (!rf.ok() || sipalg::test::describe(fast) == sipalg::test::describe(ref))) return;
  INFO("body: " << ::Catch::Detail::stringify(std::string(text)));
  CHECK(sdp::to_string(rf.ec) == sdp::to_string(rr.ec));
  CHECK(rf.offset == rr.offset);
  if (rf.ok() && rr.ok()) CHECK(sipalg::test::describe(fast) == sipalg::test::describe(ref));
}

// Octet texts: valid edges, leading zeros, too large, too long, empty, and other bytes.
const std::vector<std::string>& octets() {
  static const std::vector<std::string> v{"0",    "1",   "9",    "10",  "99",  "100", "199", "200", "249", "250",
                                          "255",  "256", "260",  "299", "300", "999", "01",  "00",  "001", "010",
                                          "1000", "",    "2555", "1a",  "-1",  "1 ",  ":",   "0x1"};
  return v;
}

// The seven places of an address in a body: o= and c= lines followed by further lines, the c= line as
// the last line with and without its line end and with trailing blanks, a media-level c=, and o=
// with long fields before the address (other alignments, and values over 64 bytes).
std::vector<std::string> bodies_with(const std::string& a) {
  return {
      "v=0\r\no=- 1 2 IN IP4 " + a + "\r\ns=-\r\nc=IN IP4 " + a + "\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nc=IN IP4 " + a,
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nc=IN IP4 " + a + "\r\n",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nc=IN IP4 " + a + " \t",
      "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 " + a + "\n",
      "v=0\r\no=user 12345678901234 98765432109876 IN IP4 " + a,
      "v=0\r\no=a-much-longer-user-name 1234567890123456789 1234567890123456789 IN IP4 " + a + "\r\n",
  };
}

}  // namespace

TEST_CASE("sdp fast paths: dotted quads in o= and c= at every place", "[sdp][fast]") {
  g_ok = g_fail = 0;
  const auto& o = octets();
  // Every octet text in every position, the others valid; then random combinations.
  const char* const fill[] = {"1", "22", "192"};
  for (int pos = 0; pos < 4; ++pos) {
    for (const std::string& x : o) {
      for (const char* f : fill) {
        std::string a;
        for (int k = 0; k < 4; ++k) a += (k ? "." : "") + (k == pos ? x : std::string(f));
        for (const std::string& b : bodies_with(a)) compare(b);
      }
    }
  }
  std::mt19937 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::string a;
    for (int k = 0; k < 4; ++k) a += (k ? "." : "") + o[rng() % o.size()];
    for (const std::string& b : bodies_with(a)) compare(b);
  }
  // Not four octets, and other shapes of the address field.
  for (const char* a : {"1.2.3",
                        "1.2.3.4.5",
                        "1.2.3.",
                        ".1.2.3",
                        "1..2.3",
                        "1.2.3.4/127",
                        "1.2.3.4/127/2",
                        "224.2.1.1/127",
                        "192.168.100.1000",
                        "192.168.100.1001",
                        "255.255.255.255",
                        "255.255.255.2555",
                        "0.0.0.0",
                        "1.1.1.1",
                        "10.0.0.1x",
                        "host.example.com",
                        "2001:db8::1",
                        "123456789012345",
                        "1234567.90123",
                        "1.2.3.4.5.6.7.8"})
    for (const std::string& b : bodies_with(a)) compare(b);
  CHECK(g_ok > 1000);
  CHECK(g_fail > 1000);
}

TEST_CASE("sdp fast paths: the nettype/addrtype word and the field blanks", "[sdp][fast]") {
  g_ok = g_fail = 0;
  // Bytes for each of the 7 bytes of "IN IP4 ": either case, the other family, bytes that or-ed with
  // 0x20 look right but are not, blanks of every kind.
  using namespace std::string_literals;
  const std::vector<std::string> alts[7] = {
      {"I", "i", "J", "j", "\x09"}, {"N", "n", "M", "\x0e"},      {" ", "\t", "\0"s, "\x0b", "!"}, {"I", "i", "H"},
      {"P", "p", "Q", "\x10"},      {"4", "6", "3", "5", "\x14"}, {" ", "\t", "!", "\x0b", "\0"s}};
  const std::string base = "IN IP4 ";
  for (std::size_t k = 0; k < 7; ++k) {
    for (const std::string& c : alts[k]) {
      std::string w = base;
      w[k] = c[0];
      compare("v=0\r\no=- 1 2 " + w + "10.0.0.1\r\nc=" + w + "10.0.0.1\r\n");
      compare("v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\nc=" + w + "10.0.0.1");
    }
  }
  // Blank runs, tabs and missing or extra fields around the fast shape.
  for (const char* o :
       {"- 1 2 IN IP4 10.1.2.3", "-  1 2 IN IP4 10.1.2.3", "- 1\t2 IN IP4 10.1.2.3", " - 1 2 IN IP4 10.1.2.3",
        "- 1 2  IN IP4 10.1.2.3", "- 1 2 IN  IP4 10.1.2.3", "- 1 2 IN IP4  10.1.2.3", "- 1 2 IN\tIP4 10.1.2.3",
        "- 1 2 IN IP4\t10.1.2.3", "1 2 IN IP4 10.1.2.3", "a b - 1 2 IN IP4 10.1.2.3", "- 1 2 IN IP4 10.1.2.3 x",
        "- 1 2 in ip4 10.1.2.3", "- 1 2 IN IP6 ::1", "- 1 2 IN IP4 ::1", "-- 1 2 IN IP4 10.1.2.3", "- 1 2 IN IP4",
        "- 1 2 IN IP4 1", "- 1 2 X IN IP4 10.1.2.3"}) {
    compare(std::string("v=0\r\no=") + o + "\r\ns=-\r\n");
    compare(std::string("v=0\r\no=") + o);
  }
  for (const char* c : {"IN IP4 10.1.2.3", "IN IP4 10.1.2.3 x", "IN IP4  10.1.2.3", " IN IP4 10.1.2.3",
                        "IN IP4\t10.1.2.3", "in ip4 10.1.2.3", "IN IP6 ::1", "IN IP6 10.1.2.3", "IN IP4", "IN IP4 ",
                        "IN IP4 1.2.3", "IN IP4 1.2.3.4.", "IN IP4 100.100.100.100", "IN IP4 100.100.100.1000"}) {
    compare(std::string("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nc=") + c + "\r\nm=audio 1 RTP/AVP 0\r\nc=" + c);
    compare(std::string("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nc=") + c);
  }
  CHECK(g_ok > 20);
  CHECK(g_fail > 20);
}

TEST_CASE("sdp fast paths: line ends in the body's last 16 bytes", "[sdp][fast]") {
  using namespace std::string_literals;
  g_ok = g_fail = 0;
  // Short lines of every length, so that every line end falls at every offset of the last block;
  // every truncation and every line-end byte at the end.
  const std::string head = "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\n";
  for (std::size_t n = 0; n < 20; ++n) {
    for (const std::string& end : {"\r\n"s, "\n"s, "\r"s, ""s, " \r\n"s, "\t\n"s, "\r\r\n"s, "\x0b\r\n"s, "\0"s}) {
      const std::string line = "a=" + std::string(n, 'x');
      for (const std::string& b : {head + line + end, head + line + end + "a=y", head + "s=-\r\n" + line + end,
                                   "v=0\r\n" + line + end, line + end}) {
        for (std::size_t k = 0; k <= b.size(); ++k) compare(std::string_view(b).substr(0, k));
      }
    }
  }
  // Bodies under 16 bytes, and of exactly 15, 16 and 17.
  for (const char* b : {"v=0", "v=0\r\n", "v=0\r\na=b\r\n", "v=0\r\no=x\r\n", "v=0\r\n\r\n\r\n\r\n\r\n\r\n",
                        "v=0\r\ns=0123456", "v=0\r\ns=01234567", "v=0\r\ns=012345678"})
    compare(b);
  CHECK(g_ok + g_fail > 5000);
}

TEST_CASE("sdp fast paths: a c= address that repeats an earlier one", "[sdp][fast]") {
  g_ok = g_fail = 0;
  // The c= value is reused only for the same text as an IPv4 literal parsed before in the same body;
  // every neighbour of that case: other lengths, one byte different (first, middle, last, in either
  // 8-byte word), 7-byte texts, an earlier IPv6 or host name or broken address, c= before o=, media c=
  // after a session c=, a multicast earlier address with suffix.
  const std::vector<std::pair<std::string, std::string>> pairs{
      {"192.168.20.100", "192.168.20.100"},
      {"192.168.20.100", "192.168.20.101"},
      {"192.168.20.100", "292.168.20.100"},
      {"192.168.20.100", "192.168.21.100"},
      {"192.168.20.100", "192.168.20.10"},
      {"1.2.3.4", "1.2.3.4"},
      {"1.2.3.4", "1.2.3.5"},
      {"1.2.3.4", "2.2.3.4"},
      {"1.2.3.4", "1.2.3.44"},
      {"10.0.0.1", "10.0.0.1"},
      {"10.0.0.1", "10.0.0.2"},
      {"255.255.255.255", "255.255.255.255"},
      {"255.255.255.255", "255.255.255.256"},
      {"host.example", "host.example"},
      {"1.2.3.04", "1.2.3.04"},
      {"224.2.1.1/127", "224.2.1.1"},
  };
  for (const auto& [first, second] : pairs) {
    for (const char* fam : {"IP4", "IP6"}) {
      const std::string f = std::string("IN ") + fam + " " + first;
      compare("v=0\r\no=- 1 2 " + f + "\r\nc=IN IP4 " + second + "\r\n");
      compare("v=0\r\no=- 1 2 " + f + "\r\nc=IN IP4 " + second);
      compare("v=0\r\nc=IN IP4 " + second + "\r\no=- 1 2 " + f + "\r\n");
      compare("v=0\r\no=- 1 2 IN IP6 ::1\r\nc=" + f + "\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP4 " + second + "\r\n");
      compare("v=0\r\no=- 1 2 " + f + "\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP4 " + second +
              "\r\nm=audio 2 RTP/AVP 0\r\nc=IN IP4 " + first + "\r\n");
      compare("v=0\r\nc=" + f + "\r\no=- 1 2 IN IP4 " + second + "\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP4 " + second +
              "\r\nc=IN IP4 " + second + "\r\n");
    }
  }
  // Parsing one body after another into the same index: nothing of the first body is reused (ASan: the
  // first body's buffer is gone when the second is parsed).
  desc d, r;
  for (const char* b : {"v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.1\r\n", "v=0\r\nc=IN IP4 10.0.0.1\r\n",
                        "v=0\r\nc=IN IP4 10.0.0.2\r\no=- 1 2 IN IP4 10.0.0.1\r\n"}) {
    const exact_copy copy(b);
    const auto rf = sdp::parse_sdp(copy.view(), d);
    const auto rr = sipalg::sdp_reference::parse_sdp(copy.view(), r);
    CHECK(rf == rr);
    if (rf.ok() && rr.ok()) CHECK(sipalg::test::describe(d) == sipalg::test::describe(r));
  }
  CHECK(g_ok > 50);
  CHECK(g_fail > 10);
}

TEST_CASE("sdp fast paths: m= lines around the one-pass split", "[sdp][fast]") {
  g_ok = g_fail = 0;
  // Media, port and proto of every length around the 32 bytes the fast path looks at, ports of 1 to 6
  // digits (65535, 65536, leading zeros), /count, blank runs and tabs, other token characters, no formats.
  const std::vector<std::string> medias{"audio",  "a",      "video",   "application",        "x-y",
                                        "Audio9", "au.dio", "aud\x80", std::string(20, 'm'), std::string(27, 'm')};
  const std::vector<std::string> ports{"0",   "9",   "14254", "65535", "65536", "99999", "000001",
                                       "012", "1/2", "1/0",   "",      "x",     "1a",    "123456"};
  const std::vector<std::string> protos{
      "RTP/AVP", "udptl", "UDP/TLS/RTP/SAVPF", "TCP/MRCPv2", "RTP/AVP+", "R", std::string(18, 'p'), "/", "a:b"};
  const std::vector<std::string> tails{"", " 0", " 0 8 101", "  0", "\t0", " 0 ", " " + std::string(40, '1')};
  for (const auto& m : medias)
    for (const auto& p : ports)
      for (const auto& pr : protos)
        for (const auto& t : tails) {
          const std::string line = "m=" + m + " " + p + " " + pr + t;
          compare("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\n" + line + "\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n");
          compare("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\n" + line);
        }
  for (const char* line : {"m=audio  1 RTP/AVP 0", "m=audio 1  RTP/AVP 0", "m= audio 1 RTP/AVP 0",
                           "m=audio\t1\tRTP/AVP\t0", "m=audio 1 RTP/AVP", "m=audio 1", "m=audio",
                           "m=audio 1 RTP/AVP 0 ", "m=audio 1 RTP/AVP                              0"})
    compare(std::string("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\n") + line + "\r\na=x\r\na=y:z\r\na=rtcp:9\r\n");
  CHECK(g_ok > 1000);
  CHECK(g_fail > 1000);
}

TEST_CASE("sdp fast paths: an m= line near the body end never makes the port load read past it", "[sdp][fast]") {
  g_ok = g_fail = 0;
  // The port word is 8 bytes read at the port; with a long media name the port sits near the end of
  // the 32 bytes the fast path may read, and a body that ends 0 to 8 bytes after the value would be
  // over-read (ASan, exact-size copies) if the fast path took the line.
  for (std::size_t n = 18; n <= 29; ++n) {
    for (const char* port : {"1", "12", "12345"}) {
      for (const char* proto : {"R", "RT", "RTP/AVP"}) {
        const std::string line = "m=" + std::string(n, 'm') + " " + port + " " + proto;
        for (const char* end : {"", "\n", "\r\n", "\r\n ", "\r\na=x", "\r\na=xyz", "\r\na=xyzw\r\n"}) {
          compare("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\n" + line + end);
          compare("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\n" + line + " 0" + end);
        }
      }
    }
  }
  CHECK(g_ok > 400);
}

TEST_CASE("sdp fast paths: a=rtcp with a port and an IPv4 address", "[sdp][fast]") {
  g_ok = g_fail = 0;
  // Ports of 0 to 6 digits and out of range, separators other than one SP, the address repeated from
  // o=/c= or not, broken, or another family; at session and media level, twice in a section.
  for (const char* port : {"0", "9", "4005", "65535", "65536", "00001", "000001", "123456", "", "x", "1x"}) {
    for (const char* sep : {" ", "  ", "\t", ""}) {
      for (const char* addr : {"IN IP4 192.168.20.68", "IN IP4 192.168.20.69", "IN IP4 10.0.0.1", "in ip4 10.0.0.1",
                               "IN IP4 1.2.3", "IN IP4 1.2.3.4/127", "IN IP6 ::1", "IN IP4 host.example", "IN IP4",
                               "IN  IP4 10.0.0.1", "IN IP4 10.0.0.1 x", ""}) {
        const std::string rtcp = std::string("a=rtcp:") + port + (*addr ? sep : "") + addr;
        const std::string head = "v=0\r\no=- 1 2 IN IP4 192.168.20.68\r\nc=IN IP4 192.168.20.68\r\n";
        compare(head + "m=audio 4004 RTP/AVP 0\r\n" + rtcp + "\r\na=sendrecv\r\n");
        compare(head + "m=audio 4004 RTP/AVP 0\r\n" + rtcp);
        compare(head + rtcp + "\r\nm=audio 4004 RTP/AVP 0\r\n");
        compare(head + "m=audio 4004 RTP/AVP 0\r\n" + rtcp + "\r\n" + rtcp + "\r\n");
      }
    }
  }
  CHECK(g_ok > 200);
  CHECK(g_fail > 200);
}
