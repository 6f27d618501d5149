// basic_message: lookup helpers over the header index.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sip/sip_support.hpp"
#include "sipalg/sip/message.hpp"

using namespace sipalg;
using namespace sipalg::sip;

namespace {
constexpr std::string_view kMsg =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
    "v: SIP/2.0/UDP b;branch=z9hG4bK2\r\n"
    "Record-Route: <sip:p1;lr>\r\n"
    "X-Custom: one\r\n"
    "VIA: SIP/2.0/TCP c;branch=z9hG4bK3\r\n"
    "x-custom: two\r\n"
    "Content-Length: 0\r\n"
    "\r\n";
}

TEST_CASE("message: find, count, all, find_index, find_name", "[sip][message]") {
  test::parsed p(kMsg);
  REQUIRE(p.result.ec == errc::ok);
  const message& m = p.msg;
  CHECK(m.count(header_id::via) == 3);
  CHECK(m.count(header_id::record_route) == 1);
  CHECK(m.count(header_id::contact) == 0);
  CHECK(m.find(header_id::contact) == nullptr);
  REQUIRE(m.find(header_id::via) == &m.headers[0]);
  std::vector<std::string_view> vias;
  for (const header& h : m.all(header_id::via)) vias.push_back(h.value.in(p.buf()));
  CHECK(vias == std::vector<std::string_view>{"SIP/2.0/UDP a;branch=z9hG4bK1", "SIP/2.0/UDP b;branch=z9hG4bK2",
                                              "SIP/2.0/TCP c;branch=z9hG4bK3"});
  int n = 0;
  for (const header& h : m.all(header_id::contact)) {
    (void)h;
    ++n;
  }
  CHECK(n == 0);
  CHECK(m.find_index(header_id::via) == 0);
  CHECK(m.find_index(header_id::via, 1) == 1);
  CHECK(m.find_index(header_id::via, 2) == 4);
  CHECK(m.find_index(header_id::via, 5) == message::npos);
  CHECK(m.find_index(header_id::to) == message::npos);
  // By name: unknown names compare text (case-insensitively); known names use the id (compact forms too).
  REQUIRE(m.find_name(p.buf(), "x-CUSTOM") == &m.headers[3]);
  CHECK(m.find_name(p.buf(), "v") == &m.headers[0]);
  CHECK(m.find_name(p.buf(), "Record-route") == &m.headers[2]);
  CHECK(m.find_name(p.buf(), "X-Other") == nullptr);
  CHECK(m.head() == text_range{0, static_cast<std::uint32_t>(kMsg.size())});
}

TEST_CASE("message: the id iterator works with std algorithms", "[sip][message]") {
  test::parsed p(kMsg);
  REQUIRE(p.result.ec == errc::ok);
  const auto r = p.msg.all(header_id::via);
  CHECK(std::distance(r.begin(), r.end()) == 3);
  auto it = r.begin();
  CHECK(it->id == header_id::via);
  auto old = it++;
  CHECK(old != it);
  CHECK(p.text(it->name) == "v");
}
