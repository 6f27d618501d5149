// text_range: (offset, length) into the caller's buffer; never reads outside it.
#include "sipalg/core/text_range.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string_view>

using sipalg::text_range;

TEST_CASE("text_range: absent by default", "[text_range]") {
  const text_range r;
  CHECK_FALSE(r.present());
  CHECK(r.empty());
  CHECK(r.offset == text_range::absent_offset);
  CHECK(r.in("anything").empty());
  CHECK(r.in("").empty());
  STATIC_REQUIRE(sizeof(text_range) == 8);
}

TEST_CASE("text_range::in: the named bytes, or empty when out of bounds", "[text_range]") {
  constexpr std::string_view buf = "Via: SIP/2.0/UDP 1.2.3.4:5060";
  const struct {
    std::uint32_t offset, length;
    std::string_view want;
  } cases[] = {
      {0, 3, "Via"},
      {17, 12, "1.2.3.4:5060"},
      {0, 29, buf},
      {29, 0, ""},           // empty at the very end: present, empty
      {3, 0, ""},
      {28, 1, "0"},
      {28, 2, ""},           // one past the end
      {29, 1, ""},
      {30, 0, ""},           // offset past the end
      {0, 30, ""},
      {1, 0xFFFFFFFFu, ""},  // offset + length wraps in 32 bits
      {0xFFFFFFF0u, 0x20, ""},
      {0xFFFFFFFEu, 1, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.offset, c.length);
    const text_range r{c.offset, c.length};
    CHECK(r.present());
    CHECK(r.in(buf) == c.want);
    if (!c.want.empty()) CHECK(r.in(buf).data() == buf.data() + c.offset);  // a view, not a copy
  }
}

TEST_CASE("text_range::of and end", "[text_range]") {
  constexpr std::string_view buf = "Contact: <sip:200@192.168.2.100:5060>";
  const auto part = buf.substr(18, 13);
  const auto r = text_range::of(buf, part);
  CHECK(r == text_range{18, 13});
  CHECK(r.end() == 31);
  CHECK(r.in(buf) == "192.168.2.100");
  CHECK_FALSE(r.empty());
  const auto at_end = text_range::of(buf, buf.substr(buf.size()));
  CHECK(at_end.present());
  CHECK(at_end.empty());
  CHECK(at_end.offset == buf.size());
  CHECK(text_range{1, 2} != text_range{1, 3});
  CHECK(text_range{1, 2} != text_range{2, 2});
  STATIC_REQUIRE(text_range::of(buf, buf.substr(9, 5)).in(buf) == "<sip:");
}
