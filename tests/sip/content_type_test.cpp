// Content-Type value (RFC 3261 20.15).
#include <catch2/catch.hpp>

#include "sipalg/sip/content_type.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("content_type", "[sip][content_type]") {
  content_type ct;
  REQUIRE(parse_content_type("application/sdp", ct).ok());
  CHECK(ct.is_sdp());
  CHECK(ct.type == "application");
  CHECK(ct.subtype == "sdp");
  CHECK(ct.params.empty());
  CHECK(ct.text == "application/sdp");
  REQUIRE(parse_content_type(" Application / SDP ", ct).ok());
  CHECK(ct.is_sdp());
  CHECK(ct.text == "Application / SDP");
  REQUIRE(parse_content_type("multipart/mixed;boundary=unique-boundary-1", ct).ok());
  CHECK(ct.is_multipart());
  CHECK(ct.boundary() == "unique-boundary-1");
  REQUIRE(parse_content_type("multipart/related; type=\"application/sdp\"; boundary=\"b 1\"", ct).ok());
  CHECK(ct.boundary() == "b 1");
  CHECK(ct.find_param("type")->unquoted_value() == "application/sdp");
  CHECK(ct.params == "; type=\"application/sdp\"; boundary=\"b 1\"");
  REQUIRE(parse_content_type("message/sipfrag;version=2.0", ct).ok());
  CHECK(ct.is_sipfrag());
  CHECK(!ct.boundary());
  REQUIRE(parse_content_type("text/plain ; charset=ISO-8859-4", ct).ok());
  CHECK(ct.is("TEXT", "plain"));
  for (std::string_view in : {"", "application", "application/", "/sdp", "application/sdp x", "app lication/sdp",
                              "application/sdp,text/plain"}) {
    INFO(in);
    CHECK(parse_content_type(in, ct).ec == errc::bad_content_type);
  }
}
