// Tests of sipalg/sdp/multipart.hpp: Content-Type recognition, parameters,
// the multipart reader (RFC 2046 5.1.1) and find_sdp_body, on exact-size
// heap copies.
#include "sipalg/sdp/multipart.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "sdp/sdp_test_support.hpp"
#include "sipalg/sdp/parser.hpp"

using namespace std::literals;
using sipalg::sdp::body_part;
using sipalg::sdp::errc;
using sipalg::sdp::find_sdp_body;
using sipalg::sdp::multipart_reader;
using sipalg::test::exact_copy;

namespace {

constexpr std::string_view sdp_text = "v=0\r\no=- 1 1 IN IP4 10.249.30.2\r\ns=-\r\nc=IN IP4 10.249.30.145\r\nt=0 0\r\n"
                                      "m=audio 38060 RTP/AVP 8\r\na=sendrecv";

std::vector<body_part> read_all(std::string_view body, std::string_view boundary, sipalg::sdp::parse_result& status) {
  multipart_reader r(body, boundary);
  std::vector<body_part> parts;
  body_part p;
  while (r.next(p)) parts.push_back(p);
  CHECK_FALSE(r.next(p));  // stays at the end
  status = r.status();
  if (status.ok()) CHECK(r.done());
  return parts;
}

}  // namespace

TEST_CASE("is_sdp_content_type", "[sdp][multipart]") {
  struct row {
    std::string_view value;
    bool sdp, multipart;
  };
  const std::array rows{
      row{"application/sdp", true, false},
      row{"Application/SDP", true, false},
      row{"APPLICATION/SDP", true, false},
      row{"application/sdp;charset=utf-8", true, false},
      row{"application/SDP; charset=ISO-10646", true, false},
      row{"  application/sdp  ", true, false},
      row{"application/sdp ; version=1", true, false},
      row{"application/sdp\r\n", true, false},
      row{"application/sdpx", false, false},
      row{"application/sd", false, false},
      row{"application/ sdp", false, false},
      row{"application", false, false},
      row{"text/plain", false, false},
      row{"application/isup", false, false},
      row{"message/sipfrag", false, false},
      row{"", false, false},
      row{"multipart/mixed;boundary=x", false, true},
      row{"Multipart/Alternative; boundary=\"x\"", false, true},
      row{"multipart/related", false, true},
      row{"multipart/", false, false},
      row{"multipartx/mixed", false, false},
  };
  for (const auto& r : rows) {
    INFO(r.value);
    CHECK(sipalg::sdp::is_sdp_content_type(r.value) == r.sdp);
    CHECK(sipalg::sdp::is_multipart_content_type(r.value) == r.multipart);
  }
  static_assert(sipalg::sdp::is_sdp_content_type("application/sdp"));
}

TEST_CASE("content_type_parameter", "[sdp][multipart]") {
  struct row {
    std::string_view value, name;
    std::optional<std::string_view> expected;
  };
  const std::array rows{
      row{"multipart/mixed;boundary=8AF759A6", "boundary", "8AF759A6"sv},
      row{"multipart/mixed; boundary=unique-boundary-1", "boundary", "unique-boundary-1"sv},
      row{"multipart/mixed; BOUNDARY = b1 ", "boundary", "b1"sv},
      row{"multipart/mixed; boundary=\"a;b c\"", "boundary", "a;b c"sv},
      row{"multipart/mixed; boundary=\"\"", "boundary", ""sv},
      row{"multipart/mixed; type=x; boundary=++", "boundary", "++"sv},
      row{"multipart/mixed; flag; boundary=z", "boundary", "z"sv},
      row{"multipart/mixed; boundary=z; charset=utf-8", "charset", "utf-8"sv},
      row{"multipart/mixed; x=\"q\\\"uote\"; boundary=y", "boundary", "y"sv},
      row{"multipart/mixed", "boundary", std::nullopt},
      row{"multipart/mixed;", "boundary", std::nullopt},
      row{"multipart/mixed; boundaryx=1", "boundary", std::nullopt},
      row{"multipart/mixed; boundary=\"open", "boundary", std::nullopt},
      row{"multipart/mixed; boundary", "boundary", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.value);
    CHECK(sipalg::sdp::content_type_parameter(r.value, r.name) == r.expected);
  }
}

TEST_CASE("multipart_reader: RFC 2046 structure", "[sdp][multipart]") {
  SECTION("preamble, two parts, epilogue, CRLF") {
    const std::string text =
        "This is the preamble.\r\n--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b1\r\n"
        "Content-Type: application/ISUP;version=itu-t92+\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        "\x01\x00 \x01\n\x00\x02\r\n--b1--\r\nepilogue"s;
    exact_copy c(text);
    sipalg::sdp::parse_result st;
    const auto parts = read_all(c.view(), "b1", st);
    REQUIRE(st.ok());
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].headers == "Content-Type: text/plain");
    CHECK(parts[0].content_type == "text/plain");
    CHECK(parts[0].content == "Hello");
    CHECK(parts[1].content_type == "application/ISUP;version=itu-t92+");
    CHECK(parts[1].content_transfer_encoding == "binary");
    CHECK(parts[1].content == "\x01\x00 \x01\n\x00\x02"sv);
  }
  SECTION("LF only, transport padding, no headers, folded header, boundary-like text") {
    const std::string text =
        "--b1  \n\nno headers\n--b1\t\nContent-Type:\n application/sdp\n\nv=0\n--b1x is text\n---b1\n--b1--";
    exact_copy c(text);
    sipalg::sdp::parse_result st;
    const auto parts = read_all(c.view(), "b1", st);
    REQUIRE(st.ok());
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].headers.empty());
    CHECK(parts[0].content_type.empty());
    CHECK(parts[0].content == "no headers");
    CHECK(parts[1].content_type == "application/sdp");
    CHECK(parts[1].content == "v=0\n--b1x is text\n---b1");
  }
  SECTION("empty parts") {
    exact_copy c("--b\r\n\r\n--b\r\nX-A: 1\r\n--b--"sv);
    sipalg::sdp::parse_result st;
    const auto parts = read_all(c.view(), "b", st);
    REQUIRE(st.ok());
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].headers.empty());
    CHECK(parts[0].content.empty());
    CHECK(parts[1].headers == "X-A: 1");
    CHECK(parts[1].content.empty());
  }
  SECTION("close delimiter first: no parts") {
    exact_copy c("--b--\r\n"sv);
    sipalg::sdp::parse_result st;
    CHECK(read_all(c.view(), "b", st).empty());
    CHECK(st.ok());
  }
  SECTION("errors") {
    struct row {
      std::string_view name, body, boundary;
      errc ec;
      std::string_view marker;
      int delta = 0;
      std::size_t parts_before = 0;
    };
    const std::array rows{
        row{"empty boundary", "--\r\n\r\nx\r\n----", "", errc::missing_boundary, ""},
        row{"no delimiter", "v=0\r\n", "b", errc::unterminated_multipart, ""},
        row{"boundary not at line start", "x--b\r\n\r\n", "b", errc::unterminated_multipart, ""},
        row{"no close delimiter", "--b\r\n\r\nhello\r\n", "b", errc::unterminated_multipart, "\r\n\r\n", 2},
        row{"opening delimiter at the very end", "--b", "b", errc::unterminated_multipart, ""},
        row{"second part unterminated", "--b\r\n\r\none\r\n--b\r\n\r\ntwo", "b", errc::unterminated_multipart,
            "\r\n\r\ntwo", 2, 1},
        row{"close without dashes at end", "--b\r\n\r\none\r\n--b", "b", errc::unterminated_multipart, "\r\n\r\none",
            2},
        row{"header line without colon", "--b\r\nv=0\r\n\r\nx\r\n--b--", "b", errc::bad_part, "v=0"},
        row{"header name not a token", "--b\r\nContent Type: x\r\n\r\nx\r\n--b--", "b", errc::bad_part, "Content"},
        row{"continuation first", "--b\r\n x: y\r\n\r\nx\r\n--b--", "b", errc::bad_part, " x"},
        row{"bad second part", "--b\r\n\r\nok\r\n--b\r\nnot a header\r\n--b--", "b", errc::bad_part, "not", 0, 1},
    };
    for (const auto& r : rows) {
      INFO(r.name);
      exact_copy c(r.body);
      sipalg::sdp::parse_result st;
      const auto parts = read_all(c.view(), r.boundary, st);
      CHECK(to_string(st.ec) == to_string(r.ec));
      CHECK(st.offset == r.body.find(r.marker) + static_cast<std::size_t>(r.delta));
      CHECK(parts.size() == r.parts_before);
    }
  }
}

TEST_CASE("find_sdp_body", "[sdp][multipart]") {
  const std::string sdp(sdp_text);
  const std::string isup =
      "--B\r\nContent-Type:application/ISUP;base=itu-t92+;version=itu-t92+\r\n"
      "Content-Disposition:signal;handling=required\r\nContent-Transfer-Encoding:binary\r\n\r\n"
      "\x01\x00 \x01\n\x00\x02\r\n"s;
  const std::string sdp_part = "--B\r\nContent-Type:application/sdp\r\nContent-Disposition:session\r\n\r\n" + sdp + "\r\n";

  SECTION("application/sdp: the whole body") {
    exact_copy c(sdp);
    const auto r = find_sdp_body("application/sdp", c.view());
    REQUIRE(r.ok());
    CHECK(r.sdp.data() == c.view().data());
    CHECK(r.sdp.size() == sdp.size());
    CHECK(r.range == sipalg::text_range{0, static_cast<std::uint32_t>(sdp.size())});
    CHECK(!r.in_multipart);
  }
  SECTION("application/sdp, empty body") {
    const auto r = find_sdp_body("application/sdp", ""sv);
    CHECK(r.ok());
    CHECK(r.sdp.empty());
  }
  SECTION("SIP-I style: SDP then ISUP, SDP second, with preamble") {
    for (const std::string& body : {sdp_part + isup + "--B--\r\n", isup + sdp_part + "--B--", "preamble\r\n" + sdp_part + "--B--"}) {
      exact_copy c(body);
      const auto r = find_sdp_body("multipart/mixed;boundary=B", c.view());
      REQUIRE(r.ok());
      CHECK(r.in_multipart);
      CHECK(r.sdp == sdp);
      CHECK(r.range.offset == body.find("v=0"));
      CHECK(r.range.length == sdp.size());
      CHECK(r.range.in(c.view()) == sdp);
      sipalg::sdp::session_description d;
      REQUIRE(parse_sdp(r.sdp, d).ok());
      CHECK(d.media[0].port == 38060);
    }
  }
  SECTION("nested: multipart/alternative inside multipart/mixed") {
    const std::string inner = "--in\r\nContent-Type: text/plain\r\n\r\nhi\r\n--in\r\nContent-Type: application/sdp\r\n\r\n" +
                              sdp + "\r\n--in--";
    const std::string body =
        "--out\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n" + inner + "\r\n--out\r\n\r\nx\r\n--out--\r\n";
    exact_copy c(body);
    const auto r = find_sdp_body("multipart/mixed; boundary=\"out\"", c.view());
    REQUIRE(r.ok());
    CHECK(r.sdp == sdp);
    CHECK(r.range.offset == body.find("v=0"));
  }
  SECTION("errors") {
    auto nest = [&](int depth) {
      std::string body = sdp_part + "--B--";
      std::string ct = "multipart/mixed;boundary=B";
      for (int i = 0; i < depth; ++i) {
        const std::string b = "L" + std::to_string(i);
        body = "--" + b + "\r\nContent-Type: " + ct + "\r\n\r\n" + body + "\r\n--" + b + "--";
        ct = "multipart/related;boundary=" + b;
      }
      return std::pair{ct, body};
    };
    struct row {
      std::string name, content_type, body;
      errc ec;
      std::string marker;
      int delta = 0;
    };
    const std::vector<row> rows{
        {"not SDP", "text/plain", sdp, errc::not_sdp, ""},
        {"no Content-Type", "", sdp, errc::not_sdp, ""},
        {"missing boundary", "multipart/mixed", sdp_part + "--B--", errc::missing_boundary, ""},
        {"empty boundary", "multipart/mixed; boundary=\"\"", sdp_part + "--B--", errc::missing_boundary, ""},
        {"unterminated", "multipart/mixed;boundary=B", sdp_part, errc::unterminated_multipart, "Content-Type"},
        {"unterminated after the SDP", "multipart/mixed;boundary=B", sdp_part + isup, errc::unterminated_multipart,
         "Content-Type:application/ISUP"},
        {"wrong boundary", "multipart/mixed;boundary=C", sdp_part + "--B--", errc::unterminated_multipart, ""},
        {"no SDP part", "multipart/mixed;boundary=B", isup + "--B--", errc::no_sdp_part, ""},
        {"two SDP parts", "multipart/alternative;boundary=B", sdp_part + sdp_part + "--B--", errc::multiple_sdp_parts,
         ""},  // offset checked below
        {"base64 SDP", "multipart/mixed;boundary=B",
         "--B\r\nContent-Type: application/sdp\r\nContent-Transfer-Encoding: base64\r\n\r\ndj0w\r\n--B--",
         errc::unsupported_encoding, "base64"},
        {"bad part header", "multipart/mixed;boundary=B", "--B\r\nv=0\r\n--B--", errc::bad_part, "v=0"},
        {"nested without boundary", "multipart/mixed;boundary=B",
         "--B\r\nContent-Type: multipart/alternative\r\n\r\nstuff\r\n--B--", errc::missing_boundary, "stuff"},
        {"too deep", nest(4).first, nest(4).second, errc::multipart_too_deep, "--B\r\nContent-Type:application/sdp"},
    };
    for (const auto& r : rows) {
      INFO(r.name);
      exact_copy c(r.body);
      const auto res = find_sdp_body(r.content_type, c.view());
      CHECK(to_string(res.ec) == to_string(r.ec));
      if (r.name != "two SDP parts") CHECK(res.offset == r.body.find(r.marker) + static_cast<std::size_t>(r.delta));
      CHECK(res.sdp.data() == nullptr);
    }
    // Four multipart levels (the top one and three nested) are allowed.
    const auto [ct, body] = nest(3);
    exact_copy c(body);
    const auto ok = find_sdp_body(ct, c.view());
    REQUIRE(ok.ok());
    CHECK(ok.sdp == sdp);
  }
  SECTION("two SDP parts: the offset names the second") {
    const std::string body = sdp_part + sdp_part + "--B--";
    exact_copy c(body);
    const auto r = find_sdp_body("multipart/mixed;boundary=B", c.view());
    CHECK(r.ec == errc::multiple_sdp_parts);
    CHECK(r.offset == body.rfind("v=0"));
  }
  SECTION("every prefix of a multipart body is safe") {
    const std::string body = "pre\r\n" + sdp_part + isup + "--B--\r\n";
    for (std::size_t k = 0; k <= body.size(); ++k) {
      exact_copy c(std::string_view(body).substr(0, k));
      const auto r = find_sdp_body("multipart/mixed;boundary=B", c.view());
      CHECK(r.offset <= k);
      if (r.ok()) CHECK(sipalg::test::inside(c.view(), r.sdp));
      // Only a prefix that reaches the close delimiter is complete.
      CHECK(r.ok() == (k >= body.size() - 2));
    }
  }
}
