// Content-Length value (RFC 3261 20.14).
#include <catch2/catch.hpp>

#include "sipalg/sip/content_length.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("content_length", "[sip][content_length]") {
  std::uint32_t v = 1;
  REQUIRE(parse_content_length("0", v).ok());
  CHECK(v == 0);
  REQUIRE(parse_content_length("  253\r\n ", v).ok());
  CHECK(v == 253);
  REQUIRE(parse_content_length("4294967295", v).ok());
  CHECK(v == 4294967295u);
  CHECK(parse_content_length("-999", v).ec == errc::negative_content_length);
  CHECK(parse_content_length(" -0", v).ec == errc::negative_content_length);
  for (std::string_view in : {"", "   ", "4294967296", "1a", "a1", "1 1", "+1", "1.0"}) {
    INFO(in);
    CHECK(parse_content_length(in, v).ec == errc::bad_content_length);
  }
  CHECK(parse_content_length("12x", v).offset == 2);
}
