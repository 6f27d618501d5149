// Expires value: delta-seconds (RFC 3261 20.19).
#include <catch2/catch.hpp>

#include "sipalg/sip/expires.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("expires", "[sip][expires]") {
  std::uint32_t v = 1;
  REQUIRE(parse_expires("0", v).ok());
  CHECK(v == 0);
  REQUIRE(parse_expires(" 3600 ", v).ok());
  CHECK(v == 3600);
  REQUIRE(parse_expires("4294967295", v).ok());
  CHECK(v == 4294967295u);
  REQUIRE(parse_expires("000240", v).ok());
  CHECK(v == 240);
  for (std::string_view in : {"", " ", "4294967296", "-1", "60s", "Thu, 01 Dec 1994 16:00:00 GMT", "1 2", "0x10"}) {
    INFO(in);
    CHECK(parse_expires(in, v).ec == errc::bad_value);
  }
}
