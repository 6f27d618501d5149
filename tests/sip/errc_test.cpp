// errc: names, descriptions, parse_result.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "sipalg/sip/errc.hpp"

using namespace sipalg::sip;

TEST_CASE("errc: every code has a distinct name and a description", "[sip][errc]") {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(errc::bad_content_type); ++i) {
    const auto e = static_cast<errc>(i);
    const auto name = to_string(e);
    INFO(i);
    CHECK(name != "unknown");
    CHECK(!describe(e).empty());
    CHECK(describe(e) != "unknown error");
    CHECK(names.insert(std::string(name)).second);
  }
  CHECK(to_string(static_cast<errc>(200)) == "unknown");
  CHECK(to_string(errc::ok) == "ok");
  CHECK(to_string(errc::conflicting_content_length) == "conflicting_content_length");
}

TEST_CASE("errc: parse_result", "[sip][errc]") {
  constexpr parse_result ok{};
  static_assert(ok.ok() && static_cast<bool>(ok) && ok.ec == errc::ok);
  constexpr parse_result bad{errc::bare_cr, 7};
  static_assert(!bad.ok() && !static_cast<bool>(bad) && bad.offset == 7);
  CHECK(bad == parse_result{errc::bare_cr, 7});
  CHECK(!(bad == parse_result{errc::bare_cr, 8}));
  static_assert(static_cast<int>(errc::ok) == 0);
  static_assert(sizeof(errc) == 1);
}
