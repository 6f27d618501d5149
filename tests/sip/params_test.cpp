// param_list: ;name[=value] lists (RFC 3261 19.1.1, 25.1 generic-param).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/exact_copy.hpp"
#include "sipalg/sip/params.hpp"

using namespace sipalg;
using namespace sipalg::sip;

namespace {
struct flat {
  std::string name, value;
  bool has_value;
  bool operator==(const flat&) const = default;
};
std::vector<flat> all(std::string_view s) {
  std::vector<flat> out;
  for (const param& p : param_list(s)) out.push_back({std::string(p.name), std::string(p.value), p.has_value});
  return out;
}
}  // namespace

TEST_CASE("param_list: iteration", "[sip][params]") {
  CHECK(all("").empty());
  CHECK(all(";").empty());
  CHECK(all(" ; ;; ").empty());
  CHECK(all(";transport=udp;lr") == std::vector<flat>{{"transport", "udp", true}, {"lr", "", false}});
  CHECK(all("transport=udp") == std::vector<flat>{{"transport", "udp", true}});
  CHECK(all(";rport;branch=z9hG4bK1") == std::vector<flat>{{"rport", "", false}, {"branch", "z9hG4bK1", true}});
  CHECK(all(";rport=") == std::vector<flat>{{"rport", "", true}});
  CHECK(all(" ;   tag    = 1918181833n") == std::vector<flat>{{"tag", "1918181833n", true}});
  CHECK(all(";\r\n  tag = 98asjd8") == std::vector<flat>{{"tag", "98asjd8", true}});  // folded
  CHECK(all(";received=[2001:db8::9:255];x") ==
        std::vector<flat>{{"received", "[2001:db8::9:255]", true}, {"x", "", false}});
  CHECK(all(";text=\"a;b=c\\\"d\";n=1") == std::vector<flat>{{"text", "\"a;b=c\\\"d\"", true}, {"n", "1", true}});
  CHECK(all(";;;;a;;") == std::vector<flat>{{"a", "", false}});
  CHECK(all(";text=\"unterminated") == std::vector<flat>{{"text", "\"unterminated", true}});
  CHECK(all(";=v") == std::vector<flat>{{"", "v", true}});
}

TEST_CASE("param_list: find is case-insensitive and views into the input", "[sip][params]") {
  test::exact_copy c(";Transport=UDP;LR;maddr=10.0.0.1;q=\"0.5\"");
  const param_list l(c.view());
  const auto t = l.find("transport");
  REQUIRE(t);
  CHECK(t->value == "UDP");
  CHECK(t->text == "Transport=UDP");
  CHECK(t->value.data() > c.view().data());
  CHECK(t->value.data() + t->value.size() <= c.view().data() + c.view().size());
  CHECK(l.contains("lr"));
  CHECK(!l.contains("ttl"));
  CHECK(l.find("q")->unquoted_value() == "0.5");
  CHECK(l.find("q")->quoted());
  CHECK(!l.find("maddr")->quoted());
  CHECK(l.find("maddr")->unquoted_value() == "10.0.0.1");
  CHECK(!l.empty());
  CHECK(param_list(";;").empty());
  static_assert(param_list(";a=1;b").find("B").has_value());
}

TEST_CASE("param_list: validate", "[sip][params]") {
  const std::pair<std::string_view, errc> rows[] = {
      {"", errc::ok},
      {";a", errc::ok},
      {";a=b;c=\"x y\";d", errc::ok},
      {" ; a = b ; c ", errc::ok},
      {";maddr=[::1];received=2001:db8::9", errc::ok},
      {";;", errc::bad_param},   // RFC 4475 3.1.2.1
      {";a;", errc::bad_param},
      {";a=", errc::bad_param},
      {";a=\"x", errc::bad_quoted_string},
      {";a b", errc::bad_param},
      {";a=b c", errc::bad_param},
      {";a=<x>", errc::bad_param},
  };
  for (const auto& [in, ec] : rows) {
    INFO(in);
    CHECK(param_list(in).validate().ec == ec);
  }
}
