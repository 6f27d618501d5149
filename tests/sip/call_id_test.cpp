// Call-ID value (RFC 3261 20.8).
#include <catch2/catch.hpp>

#include "core/exact_copy.hpp"
#include "sipalg/sip/call_id.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("call_id", "[sip][call_id]") {
  std::string_view id;
  test::exact_copy c("  a84b4c76e66710@pc33.atlanta.com  ");
  REQUIRE(parse_call_id(c.view(), id).ok());
  CHECK(id == "a84b4c76e66710@pc33.atlanta.com");
  CHECK(id.data() == c.view().data() + 2);
  constexpr std::string_view odd = "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{";  // RFC 4475 3.1.1.2
  REQUIRE(parse_call_id(odd, id).ok());
  CHECK(id == odd);
  REQUIRE(parse_call_id("9c8a315e-419d32d1@192.168.20.100", id).ok());
  CHECK(parse_call_id("", id).ec == errc::bad_value);
  CHECK(parse_call_id("   ", id).ec == errc::bad_value);
  CHECK(parse_call_id("a b", id).offset == 1);
  CHECK(parse_call_id("a\x7f", id).ec == errc::bad_value);
}
