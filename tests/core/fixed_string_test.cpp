// fixed_string<N>: inline text; append is all or nothing, push_back refuses when full.
#include "sipalg/core/fixed_string.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

using sipalg::fixed_string;

TEST_CASE("fixed_string: append fits or changes nothing", "[fixed_string]") {
  fixed_string<8> s;
  STATIC_REQUIRE(decltype(s)::capacity() == 8);
  CHECK(s.empty());
  CHECK(s.view().empty());
  CHECK(s.append("1.2."));
  CHECK(s.append("3.4"));
  CHECK(s == std::string_view("1.2.3.4"));
  CHECK(s.size() == 7);
  CHECK_FALSE(s.append("56"));  // would be 9: refused whole
  CHECK(s == std::string_view("1.2.3.4"));
  CHECK(s.append("5"));  // exactly full
  CHECK(s.size() == 8);
  CHECK_FALSE(s.push_back('x'));
  CHECK_FALSE(s.append("x"));
  CHECK(s.append(""));  // nothing always fits
  CHECK(s.view() == "1.2.3.45");
  const std::string_view v = s;  // implicit view
  CHECK(v.data() == s.data());
  s.clear();
  CHECK(s.empty());
  CHECK(s.push_back('a'));
  CHECK(s.view() == "a");
}

TEST_CASE("fixed_string: construction from text", "[fixed_string]") {
  const fixed_string<5> fits("sip:a");
  CHECK(fits.view() == "sip:a");
  // Documented: a longer text is truncated to N chars.
  const fixed_string<5> longer("sips:alice");
  CHECK(longer.view() == "sips:");
  const fixed_string<5> empty("");
  CHECK(empty.empty());
}

TEST_CASE("fixed_string: resize after writing into data()", "[fixed_string]") {
  fixed_string<6> s;
  s.data()[0] = '5';
  s.data()[1] = '0';
  s.data()[2] = '6';
  s.data()[3] = '0';
  s.resize(4);
  CHECK(s.view() == "5060");
  s.resize(100);  // clamped to capacity, never past the storage
  CHECK(s.size() == 6);
  s.resize(0);
  CHECK(s.empty());
}

TEST_CASE("fixed_string: equality", "[fixed_string]") {
  CHECK(fixed_string<4>("ab") == fixed_string<4>("ab"));
  CHECK(fixed_string<4>("ab") != fixed_string<4>("abc"));
  CHECK(fixed_string<4>("ab") != fixed_string<4>("AB"));
  CHECK(fixed_string<4>("ab") == std::string_view("ab"));
  CHECK(fixed_string<4>() == std::string_view());
  STATIC_REQUIRE(fixed_string<4>("ab") == std::string_view("ab"));
}
