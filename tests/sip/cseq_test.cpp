// CSeq value (RFC 3261 20.16).
#include <catch2/catch.hpp>

#include "core/exact_copy.hpp"
#include "sipalg/sip/cseq.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("cseq", "[sip][cseq]") {
  cseq c;
  REQUIRE(parse_cseq("314159 INVITE", c).ok());
  CHECK(c.number == 314159);
  CHECK(c.method == "INVITE");
  CHECK(c.method_type == method_id::invite);
  REQUIRE(parse_cseq("0009\r\n  INVITE", c).ok());  // RFC 4475 3.1.1.1
  CHECK(c.number == 9);
  CHECK(c.number_text == "0009");
  REQUIRE(parse_cseq(" 2147483647 FOO ", c).ok());
  CHECK(c.number == 2147483647u);
  CHECK(c.method_type == method_id::unknown);
  REQUIRE(parse_cseq("139122385 !interesting-Method0123456789_*+`.%indeed'~", c).ok());
  const std::pair<std::string_view, std::uint32_t> bad[] = {
      {"", 0},
      {"INVITE", 0},
      {"1", 1},
      {"1INVITE", 1},
      {"2147483648 INVITE", 9},                    // >= 2^31 (RFC 3261 8.1.1.5)
      {"36893488147419103232 INVITE", 9},           // RFC 4475 3.1.2.4
      {"1 INVITE x", 9},
      {"1 INV@TE", 5},
      {"-1 INVITE", 0},
  };
  for (const auto& [in, at] : bad) {
    INFO(in);
    test::exact_copy e(in);
    const parse_result r = parse_cseq(e.view(), c);
    CHECK(r.ec == errc::bad_cseq);
    CHECK(r.offset == at);
  }
}
