// contact_reader: Contact values (RFC 3261 20.10, 10.2.1.1; RFC 4475 3.3.12-3.3.14).
#include <catch2/catch.hpp>

#include <vector>

#include "core/exact_copy.hpp"
#include "sipalg/sip/contact.hpp"

using namespace sipalg;
using namespace sipalg::sip;

namespace {
std::vector<contact> read_all(std::string_view s, parse_result* status = nullptr) {
  std::vector<contact> out;
  contact_reader r(s);
  contact c;
  while (r.next(c)) out.push_back(c);
  if (status) *status = r.status();
  return out;
}
}  // namespace

TEST_CASE("contact: several contacts, expires and q", "[sip][contact]") {
  test::exact_copy c(
      "\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "
      "\"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1,sip:bob@10.0.0.2:5062;expires=0");
  parse_result st;
  const auto cs = read_all(c.view(), &st);
  CHECK(st.ec == errc::ok);
  REQUIRE(cs.size() == 3);
  CHECK(!cs[0].wildcard);
  CHECK(cs[0].uri() == "sip:watson@worcester.bell-telephone.com");
  CHECK(cs[0].q() == "0.7");
  CHECK(cs[0].expires() == 3600u);
  CHECK(cs[1].uri() == "mailto:watson@bell-telephone.com");
  CHECK(cs[1].q() == "0.1");
  CHECK(!cs[1].expires());
  CHECK(cs[2].uri() == "sip:bob@10.0.0.2:5062");
  CHECK(cs[2].expires() == 0u);
  CHECK(cs[2].text() == "sip:bob@10.0.0.2:5062;expires=0");
  uri u;
  REQUIRE(cs[2].address.parse_uri(u).ok());
  CHECK(u.host.port == 5062);
}

TEST_CASE("contact: wildcard", "[sip][contact]") {
  parse_result st;
  auto cs = read_all("*", &st);
  CHECK(st.ec == errc::ok);
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].wildcard);
  CHECK(cs[0].text() == "*");
  cs = read_all("  *  ", &st);
  CHECK(st.ec == errc::ok);
  CHECK(cs.size() == 1);
  (void)read_all("*, <sip:a@b>", &st);
  CHECK(st.ec == errc::bad_name_addr);
  (void)read_all("*;expires=0", &st);
  CHECK(st.ec == errc::bad_name_addr);
}

TEST_CASE("contact: addr-spec parameters are contact-params (RFC 4475 3.3.12/3.3.13)", "[sip][contact]") {
  auto cs = read_all("sip:+19725552222@gw1.example.net;unknownparam");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].uri() == "sip:+19725552222@gw1.example.net");
  CHECK(cs[0].find_param("unknownparam"));
  cs = read_all("<sip:+19725552222@gw1.example.net;unknownparam>");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].uri() == "sip:+19725552222@gw1.example.net;unknownparam");
  CHECK(!cs[0].find_param("unknownparam"));
  // Escaped header in a Contact URI (RFC 4475 3.3.14).
  cs = read_all("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>");
  REQUIRE(cs.size() == 1);
  uri u;
  REQUIRE(cs[0].address.parse_uri(u).ok());
  CHECK(u.headers == "Route=%3Csip:sip.example.com%3E");
}

TEST_CASE("contact: quoted display names with commas, folded values", "[sip][contact]") {
  parse_result st;
  const auto cs = read_all("\"Bell, Alexander\" <sip:a@b>;q=1,\r\n \"x,y\" <sip:c@d>", &st);
  CHECK(st.ec == errc::ok);
  REQUIRE(cs.size() == 2);
  CHECK(cs[1].address.display_name == "\"x,y\"");
  CHECK(cs[1].uri() == "sip:c@d");
}

TEST_CASE("contact: errors", "[sip][contact]") {
  const std::pair<std::string_view, errc> rows[] = {
      {"", errc::bad_name_addr},
      {"<sip:a@b>,", errc::bad_name_addr},
      {",<sip:a@b>", errc::bad_name_addr},
      {"<sip:a@b>,,<sip:c@d>", errc::bad_name_addr},
      {"<sip:a@b", errc::bad_name_addr},
      {"\"Joe <sip:a@b>", errc::bad_quoted_string},
      {"<sip:a@b> <sip:c@d>", errc::bad_name_addr},
  };
  for (const auto& [in, ec] : rows) {
    INFO(in);
    test::exact_copy c(in);
    parse_result st;
    (void)read_all(c.view(), &st);
    CHECK(st.ec == ec);
  }
  // An expires that is not delta-seconds reads as absent.
  CHECK(!read_all("<sip:a@b>;expires=soon")[0].expires());
  CHECK(!read_all("<sip:a@b>;expires=99999999999")[0].expires());
  CHECK(read_all("<sip:a@b>;expires=\"60\"")[0].expires() == 60u);
}
