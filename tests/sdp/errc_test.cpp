// Tests of sipalg/sdp/errc.hpp: every code has its own stable name, and
// parse_result compares and reports success.
#include "sipalg/sdp/errc.hpp"

#include <set>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

using sipalg::sdp::errc;
using sipalg::sdp::parse_result;

TEST_CASE("sdp errc: names", "[sdp][errc]") {
  std::set<std::string_view> names;
  int codes = 0;
  for (int v = 0; v <= static_cast<int>(errc::multipart_too_deep); ++v) {
    const auto name = to_string(static_cast<errc>(v));
    INFO(v);
    CHECK(name != "unknown");
    CHECK(!name.empty());
    for (char c : name) CHECK(((c >= 'a' && c <= 'z') || c == '_'));
    names.insert(name);
    ++codes;
  }
  CHECK(names.size() == static_cast<std::size_t>(codes));  // all distinct
  CHECK(codes == 27);
  CHECK(to_string(errc::ok) == "ok");
  CHECK(to_string(errc::bad_port) == "bad_port");
  CHECK(to_string(errc::no_sdp_part) == "no_sdp_part");
  CHECK(to_string(static_cast<errc>(200)) == "unknown");
  static_assert(to_string(errc::bad_connection) == "bad_connection");
  static_assert(static_cast<int>(errc::ok) == 0);
  static_assert(sizeof(errc) == 1);
}

TEST_CASE("sdp parse_result", "[sdp][errc]") {
  constexpr parse_result ok{};
  static_assert(ok.ok() && ok.ec == errc::ok && ok.offset == 0);
  constexpr parse_result bad{errc::bad_media, 17};
  static_assert(!bad.ok());
  CHECK(bad == parse_result{errc::bad_media, 17});
  CHECK(bad != parse_result{errc::bad_media, 18});
  CHECK(bad != parse_result{errc::bad_port, 17});
}
