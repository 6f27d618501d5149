// Tests of examples/sipalg/sdp_json.hpp, the `sdp` object of `sipalg parse`
// (built only when nlohmann-json is installed).
#if __has_include(<nlohmann/json.hpp>)
#include "../../examples/sipalg/sdp_json.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "sdp/sdp_test_support.hpp"

using nlohmann::ordered_json;
using sipalg::cli::sdp_to_json;

TEST_CASE("sdp_to_json: the sdp object of issue 4", "[sdp][json]") {
  const std::string body =
      "v=0\r\no=- 1 1 IN IP4 192.168.1.2\r\ns=-\r\nt=0 0\r\na=recvonly\r\n"
      "m=audio 49170 RTP/AVP 0\r\nc=IN IP4 192.168.1.2\r\na=rtcp:49171 IN IP4 192.168.1.2\r\n"
      "m=video 51372/2 RTP/AVP 31\r\na=rtcp:51375\r\na=inactive\r\n"
      "m=image 0 udptl t38\r\nc=IN IP6 ::\r\n";
  sipalg::test::exact_copy copy(body);
  const ordered_json j = sdp_to_json(copy.view());
  const ordered_json expected = ordered_json::parse(R"({
    "origin": "192.168.1.2",
    "connection": null,
    "media": [
      {"media": "audio", "port": 49170, "port_count": 1, "proto": "RTP/AVP", "connection": "192.168.1.2",
       "rtcp_port": 49171, "rtcp_address": "192.168.1.2", "direction": "recvonly"},
      {"media": "video", "port": 51372, "port_count": 2, "proto": "RTP/AVP", "connection": null,
       "rtcp_port": 51375, "rtcp_address": null, "direction": "inactive"},
      {"media": "image", "port": 0, "port_count": 1, "proto": "udptl", "connection": "::",
       "rtcp_port": null, "rtcp_address": null, "direction": "recvonly"}
    ]})");
  CHECK(j.dump() == expected.dump());  // same keys in the same order
}

TEST_CASE("sdp_to_json: content types, multipart and errors", "[sdp][json]") {
  const std::string sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.2\r\nm=audio 4000 RTP/AVP 0";
  CHECK(sdp_to_json("application/sdp", sdp)["connection"] == "10.0.0.2");
  CHECK(sdp_to_json("text/plain", sdp).is_null());

  const std::string multipart = "--b\r\nContent-Type: application/sdp\r\n\r\n" + sdp + "\r\n--b--\r\n";
  CHECK(sdp_to_json("multipart/mixed;boundary=b", multipart)["media"][0]["port"] == 4000);
  CHECK(sdp_to_json("multipart/mixed;boundary=b", "--b\r\n\r\nhello\r\n--b--").is_null());
  CHECK(sdp_to_json("multipart/mixed", multipart) == ordered_json::parse(R"({"error":"missing_boundary","offset":0})"));

  // SDP errors: the offset counts from the start of the SIP body.
  const std::string bad = "--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nm=audio 70000 "
                          "RTP/AVP 0\r\n--b--";
  const ordered_json e = sdp_to_json("multipart/mixed;boundary=b", bad);
  CHECK(e["error"] == "bad_port");
  CHECK(e["offset"] == bad.find("70000"));
  CHECK(sdp_to_json("v=1") == ordered_json::parse(R"({"error":"bad_version","offset":2})"));
}
#endif
