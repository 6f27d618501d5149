// parse_name_addr(): name-addr / addr-spec with header parameters (RFC 3261 20.10, 25.1; RFC 4475).
#include <catch2/catch.hpp>

#include "core/exact_copy.hpp"
#include "sipalg/sip/name_addr.hpp"

using namespace sipalg;
using namespace sipalg::sip;

TEST_CASE("name_addr: forms", "[sip][name_addr]") {
  struct row {
    std::string_view in;
    std::string_view display;
    bool quoted, brackets;
    std::string_view uri, params, text;
  };
  const row rows[] = {
      {"<sip:a@b>", "", false, true, "sip:a@b", "", "<sip:a@b>"},
      {"Bob <sip:bob@192.0.2.4>", "Bob", false, true, "sip:bob@192.0.2.4", "", "Bob <sip:bob@192.0.2.4>"},
      {"\"Alice A\" <sip:alice@10.0.0.1:5060>;tag=1", "\"Alice A\"", true, true, "sip:alice@10.0.0.1:5060", ";tag=1",
       "\"Alice A\" <sip:alice@10.0.0.1:5060>;tag=1"},
      {"  \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8  ",  // RFC 4475 wsinv
       "\"J Rosenberg \\\\\\\"\"", true, true, "sip:jdrosen@example.com", ";\r\n  tag = 98asjd8",
       "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8"},
      {"caller<sip:caller@example.com>;tag=323", "caller", false, true, "sip:caller@example.com", ";tag=323",
       "caller<sip:caller@example.com>;tag=323"},  // RFC 4475 3.1.1.6
      {"\"\"<sip:a@b>", "\"\"", true, true, "sip:a@b", "", "\"\"<sip:a@b>"},
      {"token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"x\";tag=_token~1'+`*%!-.",
       "token1~` token2'+_ token3*%!.-", false, true, "sip:mundane@example.com",
       ";fromParam''~+*_!.-%=\"x\";tag=_token~1'+`*%!-.",
       "token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"x\";tag=_token~1'+`*%!-."},
      // addr-spec: parameters after the URI belong to the header (RFC 3261 20.10, RFC 4475 3.3.12).
      {"sip:+19725552222@gw1.example.net;unknownparam", "", false, false, "sip:+19725552222@gw1.example.net",
       ";unknownparam", "sip:+19725552222@gw1.example.net;unknownparam"},
      {"sip:caller@example.net;tag=134161461246", "", false, false, "sip:caller@example.net", ";tag=134161461246",
       "sip:caller@example.net;tag=134161461246"},
      {"sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n", "", false, false,
       "sip:vivekg@chair-dnrc.example.com", ";   tag    = 1918181833n",
       "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n"},
      {"<sip:+19725552222@gw1.example.net;unknownparam>", "", false, true, "sip:+19725552222@gw1.example.net;unknownparam",
       "", "<sip:+19725552222@gw1.example.net;unknownparam>"},  // RFC 4475 3.3.13: a uri-param
      {"\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33",
       "\"Quoted string \\\"\\\"\"", true, true, "sip:jdrosen@example.com",
       "; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33",
       "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33"},
      {"\"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423", "\"Bell, Alexander\"", true, true,
       "sip:a.g.bell@example.com", ";tag=433423", "\"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423"},
      {"J\xC3\xB6rg <sip:j@h>", "J\xC3\xB6rg", false, true, "sip:j@h", "", "J\xC3\xB6rg <sip:j@h>"},  // UTF-8 tolerated
      {"tel:+1234;tag=x", "", false, false, "tel:+1234", ";tag=x", "tel:+1234;tag=x"},
      {"< sip:t.watson@example.org >", "", false, true, "sip:t.watson@example.org", "", "< sip:t.watson@example.org >"},
  };
  for (const row& r : rows) {
    INFO(r.in);
    test::exact_copy c(r.in);
    name_addr na;
    REQUIRE(parse_name_addr(c.view(), na).ec == errc::ok);
    CHECK(na.display_name == r.display);
    CHECK(na.quoted_display_name == r.quoted);
    CHECK(na.angle_brackets == r.brackets);
    CHECK(na.uri == r.uri);
    CHECK(na.params == r.params);
    CHECK(na.text == r.text);
  }
}

TEST_CASE("name_addr: helpers", "[sip][name_addr]") {
  name_addr na;
  REQUIRE(parse_name_addr("\"A \\\"B\\\"\" <sip:a@10.0.0.1:5070>;tag=x;expires=60", na).ok());
  CHECK(na.unquoted_display_name() == "A \\\"B\\\"");
  CHECK(na.find_param("TAG")->value == "x");
  CHECK(na.find_param("expires")->value == "60");
  uri u;
  REQUIRE(na.parse_uri(u).ok());
  CHECK(u.host.address == "10.0.0.1");
  CHECK(u.host.port == 5070);
  REQUIRE(parse_name_addr("Bob <sip:b@h>", na).ok());
  CHECK(na.unquoted_display_name() == "Bob");
}

TEST_CASE("name_addr: errors", "[sip][name_addr]") {
  const std::pair<std::string_view, errc> rows[] = {
      {"", errc::bad_name_addr},
      {"   ", errc::bad_name_addr},
      {"\"unterminated <sip:a@b>", errc::bad_quoted_string},  // RFC 4475 3.1.2.6
      {"\"x\" sip:a@b", errc::bad_name_addr},
      {"<sip:a@b", errc::bad_name_addr},
      {"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", errc::bad_name_addr},  // RFC 4475 3.1.2.15
      {"<sip:a@b> junk", errc::bad_name_addr},
      {"<sip:a@b>, <sip:c@d>", errc::bad_name_addr},  // a list where one value is expected
      {"nocolon", errc::bad_name_addr},
      {"sip:a@b junk", errc::bad_name_addr},
      {"\\\"arik\\\" <sip:816666@voip.brurjula.net>;tag=6433ef9", errc::bad_name_addr},  // broken capture
  };
  for (const auto& [in, ec] : rows) {
    INFO(in);
    test::exact_copy c(in);
    name_addr na;
    CHECK(parse_name_addr(c.view(), na).ec == ec);
  }
}
