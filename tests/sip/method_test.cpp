// method_id: tokens to ids and back (RFC 3261 7.1: methods are case-sensitive).
#include <catch2/catch.hpp>

#include "sipalg/sip/method.hpp"

using namespace sipalg::sip;

TEST_CASE("method: round trip of every known method", "[sip][method]") {
  for (int i = 1; i <= static_cast<int>(method_id::publish); ++i) {
    const auto m = static_cast<method_id>(i);
    const auto name = to_string(m);
    INFO(name);
    REQUIRE(!name.empty());
    CHECK(lookup_method(name) == m);
  }
  CHECK(to_string(method_id::unknown).empty());
}

TEST_CASE("method: unknown tokens", "[sip][method]") {
  for (std::string_view t : {"", "invite", "Invite", "INVITEX", "INVIT", "RE%47IST%45R", "FOO", "NOTIFy", "ACK "})
    CHECK(lookup_method(t) == method_id::unknown);
  static_assert(lookup_method("REGISTER") == method_id::register_);
}
