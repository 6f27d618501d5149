// ip_address: RFC 4291 (2.2) text forms in, RFC 5952 canonical text out, strict rejects.
#include "sipalg/core/ip_address.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/exact_copy.hpp"

using sipalg::ip_address;
using sipalg::ip_family;
using sipalg::test::exact_copy;

namespace {

// Parses from an exact-size heap copy (out-of-bounds reads show under ASan).
std::optional<ip_address> parse(std::string_view s) { return ip_address::parse(exact_copy(s).view()); }

std::string text(const ip_address& a) { return std::string(a.to_text().view()); }

struct canonical_case {
  std::string_view in;
  std::string_view out;
};

}  // namespace

TEST_CASE("IPv4 dotted quads parse and print back unchanged", "[ip_address]") {
  const struct {
    std::string_view in;
    std::uint32_t value;
  } cases[] = {
      {"0.0.0.0", 0x00000000u},         {"255.255.255.255", 0xffffffffu}, {"192.168.0.1", 0xc0a80001u},
      {"1.2.3.4", 0x01020304u},         {"10.0.0.1", 0x0a000001u},        {"100.64.0.0", 0x64400000u},
      {"212.19.6.166", 0xd41306a6u},    {"9.99.199.250", 0x0963c7fau},    {"0.0.0.1", 0x00000001u},
      {"127.0.0.1", 0x7f000001u},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto a = parse(c.in);
    REQUIRE(a);
    CHECK(a->is_v4());
    CHECK(a->family() == ip_family::v4);
    CHECK(a->v4_uint() == c.value);
    CHECK(*a == ip_address::from_v4_uint(c.value));
    CHECK(text(*a) == c.in);
    CHECK(ip_address::parse_v4(c.in) == a);
  }
}

TEST_CASE("IPv4: every octet text 0..999 and 000..099 in every position", "[ip_address]") {
  for (int pos = 0; pos < 4; ++pos) {
    for (int width = 1; width <= 3; ++width) {
      int limit = width == 1 ? 10 : width == 2 ? 100 : 1000;
      for (int v = 0; v < limit; ++v) {
        std::string octet = std::to_string(v);
        while (static_cast<int>(octet.size()) < width) octet.insert(0, "0");  // leading zeros
        std::string s;
        for (int k = 0; k < 4; ++k) s += (k ? "." : "") + (k == pos ? octet : std::string("7"));
        const bool want = v <= 255 && (octet.size() == 1 || octet[0] != '0');
        const auto a = parse(s);
        if (a.has_value() != want) FAIL_CHECK("input " << s << " parsed=" << a.has_value());
        if (a) CHECK(a->bytes()[static_cast<std::size_t>(pos)] == v);
      }
    }
  }
}

TEST_CASE("IPv4: malformed text is rejected", "[ip_address]") {
  const std::string_view bad[] = {
      "",            "1.2.3",        "1.2",          "1",           "1.2.3.4.5",     "01.2.3.4",
      "1.2.3.04",    "00.0.0.0",     "1.02.3.4",     "1.2.003.4",   "256.0.0.0",     "1.2.3.256",
      "999.1.1.1",   "300.300.300.300", "1234.1.1.1", "1.2.3.1000", "1..2.3",        ".1.2.3",
      "1.2.3.",      "1.2.3.4.",     "...",          " 1.2.3.4",    "1.2.3.4 ",      "1.2.3.4\n",
      "1.2.3.4\r\n", "1.2.3.4\t",    "1.2. 3.4",     "1.2.3.-4",    "+1.2.3.4",      "1.2.3.4/24",
      "1.2.3.4%eth0", "0x1.2.3.4",   "0x7f.0.0.1",   "1.2.3.a",     "a.b.c.d",       "1,2,3,4",
      "1.2.3.4:5060", "4294967295",  "0177.0.0.1",   "1e2.0.0.1",   "１.2.3.4",
      std::string_view("1.2.3.4\0", 8), std::string_view("\0" "1.2.3.4", 8),
  };
  for (auto s : bad) {
    CAPTURE(s);
    CHECK_FALSE(parse(s));
    CHECK_FALSE(ip_address::parse_v4(exact_copy(s).view()));
  }
}

TEST_CASE("IPv6: RFC 4291 2.2 text forms parse to the right bytes", "[ip_address]") {
  const auto a = parse("2001:DB8:0:0:8:800:200C:417A");
  REQUIRE(a);
  CHECK(a->is_v6());
  CHECK(a->family() == ip_family::v6);
  const std::array<std::uint8_t, 16> want{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0x08, 0x08, 0x00, 0x20, 0x0c, 0x41, 0x7a};
  CHECK(a->bytes() == want);
  CHECK(*a == ip_address::v6(want));
  CHECK(parse("2001:DB8::8:800:200C:417A") == a);   // compressed
  CHECK(parse("2001:db8:0000:0000:0008:0800:200c:417a") == a);
  CHECK(parse("0:0:0:0:0:0:13.1.68.3") == parse("::13.1.68.3"));          // IPv4-compatible
  CHECK(parse("0:0:0:0:0:FFFF:129.144.52.38") == parse("::FFFF:129.144.52.38"));
  const auto mixed = parse("::ffff:129.144.52.38");
  REQUIRE(mixed);
  const std::array<std::uint8_t, 16> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 129, 144, 52, 38};
  CHECK(mixed->bytes() == mapped);
  CHECK(parse("::ffff:8190:3426") == mixed);
  CHECK(parse("::1") == ip_address::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  CHECK(parse("::") == ip_address::v6({}));
  CHECK(parse("1::") == ip_address::v6({0, 1}));
  CHECK(parse("1:2:3:4:5:6:1.2.3.4") == ip_address::v6({0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}));
  CHECK(parse("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789") ==
        ip_address::v6({0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89}));
  CHECK(ip_address::parse_v6(exact_copy("fe80::1").view()) == parse("fe80:0:0:0:0:0:0:1"));
}

TEST_CASE("IPv6: RFC 5952 canonical text", "[ip_address]") {
  const canonical_case cases[] = {
      // RFC 5952 section 2.1: one address, many forms.
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:db8::1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:0db8::1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:db8:0:0:1::1", "2001:db8::1:0:0:1"},
      {"2001:db8:0000:0:1::1", "2001:db8::1:0:0:1"},
      {"2001:DB8:0:0:1::1", "2001:db8::1:0:0:1"},
      // 2.2: leading zeros.
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"},
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"},
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:01", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"},
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"},
      // 2.2: zero compression choices.
      {"2001:db8:aaaa:bbbb:cccc:dddd::1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1"},
      {"2001:db8:aaaa:bbbb:cccc:dddd:0:1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1"},
      {"2001:db8:0:0:0::1", "2001:db8::1"},
      {"2001:db8:0:0::1", "2001:db8::1"},
      {"2001:db8:0::1", "2001:db8::1"},
      {"2001:db8::1", "2001:db8::1"},
      {"2001:db8::aaaa:0:0:1", "2001:db8::aaaa:0:0:1"},
      {"2001:db8:0:0:aaaa::1", "2001:db8::aaaa:0:0:1"},
      // 2.3 / 4.3: lower case.
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"},
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"},
      {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:AaAa", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"},
      {"2001:DB8::ABCD", "2001:db8::abcd"},
      // 4.1: leading zeros suppressed.
      {"2001:0db8::0001", "2001:db8::1"},
      // 4.2.1: "::" as long as possible.
      {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"},
      {"2001:db8::0:1", "2001:db8::1"},
      // 4.2.2: not for a single 16-bit 0 field.
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      {"2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      // 4.2.3: the longest run; the first on a tie.
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"1:0:0:2:3:4:0:0", "1::2:3:4:0:0"},
      {"1:0:0:0:2:0:0:0", "1::2:0:0:0"},
      {"1:0:2:0:0:3:0:4", "1:0:2::3:0:4"},
      // Edges: runs at the start, at the end, everything, nothing.
      {"0:0:0:0:0:0:0:0", "::"},
      {"::", "::"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"1:0:0:0:0:0:0:0", "1::"},
      {"0:2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
      {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"0:0:3:4:5:6:7:8", "::3:4:5:6:7:8"},
      {"1:2:3:4:5:6:0:0", "1:2:3:4:5:6::"},
      {"FF01:0:0:0:0:0:0:101", "ff01::101"},
      {"fe80::1", "fe80::1"},
      {"1111:2222:3333:4444:5555:6666:7777:8888", "1111:2222:3333:4444:5555:6666:7777:8888"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
      // Section 5: IPv4-mapped addresses in mixed notation; other embedded quads in hex.
      {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
      {"::FFFF:c000:0201", "::ffff:192.0.2.1"},
      {"0:0:0:0:0:ffff:129.144.52.38", "::ffff:129.144.52.38"},
      {"::ffff:1:2", "::ffff:0.1.0.2"},
      {"::ffff:0.0.0.0", "::ffff:0.0.0.0"},
      {"::ffff:255.255.255.255", "::ffff:255.255.255.255"},
      {"::13.1.68.3", "::d01:4403"},
      {"::1.2.3.4", "::102:304"},
      {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
      {"::fffe:1.2.3.4", "::fffe:102:304"},
      {"1::ffff:1.2.3.4", "1::ffff:102:304"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto a = parse(c.in);
    REQUIRE(a);
    CHECK(a->is_v6());
    CHECK(text(*a) == c.out);
    // The canonical text parses back to the same address.
    CHECK(parse(c.out) == a);
  }
}

TEST_CASE("IPv6: malformed text is rejected", "[ip_address]") {
  const std::string_view bad[] = {
      // Too many or too few groups.
      ":::", "::::", ":::1", "1:::", "1:::2", "1::2::3", "::1::", "1::2:3::", "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::8", "1:2:3:4::5:6:7:8",
      "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "1:2:3:4:5:1.2.3.4",
      // Groups of more than four hex digits.
      "12345::", "::12345", "1:2:3:4:5:6:7:12345", "00000:0:0:0:0:0:0:0", "1:2:3:4:5:6:7:00001",
      // Lone colons.
      "1:2:3:4:5:6:7:8:", "1::2:", "1:", ":1", ":", ":1::", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:::",
      // Zone ids, brackets, prefixes, whitespace.
      "fe80::1%eth0", "fe80::1%25eth0", "fe80::1%1", "[::1]", "[::1]:5060", "::1/128", " ::1", "::1 ", "::1\t",
      "::1\r\n", ":: 1", "1 ::", std::string_view("::1\0", 4),
      // Not hex, signs, prefixes.
      "g::1", "::g", "::-1", "-::1", "1:-2::", "0x1::", "+1::", "1:2:3:4:5:6:7:x", "::ffff:1.2.3.4x",
      // Bad embedded IPv4.
      "::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "::1.2.3.04", "::256.1.1.1", "::1.2.3.4:5", "::1.2.3.4::",
      "1.2.3.4::", "::ffff:1a.2.3.4", "::ffff:1.2.3.", "::ffff:.1.2.3", "::1.2.3.4.", "::ffff:1..2.3",
  };
  for (auto s : bad) {
    CAPTURE(s);
    CHECK_FALSE(parse(s));
    CHECK_FALSE(ip_address::parse_v6(exact_copy(s).view()));
  }
}

TEST_CASE("ip_address: every prefix of valid text is handled within bounds", "[ip_address]") {
  const std::string_view inputs[] = {"2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", "::ffff:192.168.100.200",
                                     "1:2:3:4:5:6:1.2.3.4", "255.255.255.255", "fe80::1"};
  for (auto in : inputs) {
    for (std::size_t n = 0; n <= in.size(); ++n) {
      const auto prefix = in.substr(0, n);
      CAPTURE(prefix);
      const auto a = parse(prefix);  // exact-size copy: ASan catches any over-read
      if (a) CHECK(parse(text(*a)) == a);
    }
  }
  // Prefixes that are complete addresses.
  CHECK(parse("fe80::"));
  CHECK(parse("1:2:3:4:5:6:1.2.3.4").has_value());
  CHECK_FALSE(parse("1:2:3:4:5:6:1.2.3."));
  CHECK(parse("255.255.255.25"));
}

TEST_CASE("ip_address: classification", "[ip_address]") {
  const struct {
    std::string_view in;
    bool is_private, unspecified, mapped;
  } cases[] = {
      {"10.0.0.1", true, false, false},          {"10.255.255.255", true, false, false},
      {"9.255.255.255", false, false, false},    {"11.0.0.0", false, false, false},
      {"172.16.0.1", true, false, false},        {"172.31.255.255", true, false, false},
      {"172.15.255.255", false, false, false},   {"172.32.0.0", false, false, false},
      {"192.168.1.1", true, false, false},       {"192.169.0.0", false, false, false},
      {"192.167.255.255", false, false, false},  {"100.64.0.1", true, false, false},
      {"100.127.255.255", true, false, false},   {"100.128.0.0", false, false, false},
      {"100.63.255.255", false, false, false},   {"8.8.8.8", false, false, false},
      {"0.0.0.0", false, true, false},           {"0.0.0.1", false, false, false},
      {"::", false, true, false},                {"::1", false, false, false},
      {"fc00::1", true, false, false},           {"fd12:3456::1", true, false, false},
      {"fbff::1", false, false, false},          {"fe80::1", false, false, false},
      {"2001:db8::1", false, false, false},      {"::ffff:1.2.3.4", false, false, true},
      {"::ffff:0.0.0.0", false, false, true},    {"::fffe:1.2.3.4", false, false, false},
      {"1::ffff:1.2.3.4", false, false, false},  {"::1.2.3.4", false, false, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto a = parse(c.in);
    REQUIRE(a);
    CHECK(a->is_private() == c.is_private);
    CHECK(a->is_unspecified() == c.unspecified);
    CHECK(a->is_v4_mapped() == c.mapped);
  }
  CHECK(ip_address{}.is_v4());
  CHECK(ip_address{}.is_unspecified());
}

TEST_CASE("ip_address: equality and constructors", "[ip_address]") {
  CHECK(ip_address::v4(192, 168, 0, 1) == *parse("192.168.0.1"));
  CHECK(ip_address::from_v4_uint(0xc0a80001u).v4_uint() == 0xc0a80001u);
  CHECK(ip_address::v4(1, 2, 3, 4) != *parse("::ffff:1.2.3.4"));  // families differ
  CHECK(ip_address::v4(0, 0, 0, 0) != *parse("::"));
  CHECK(*parse("1.2.3.4") != *parse("1.2.3.5"));
  CHECK(*parse("::1") != *parse("::2"));
  CHECK(*parse("::1") == *parse("0:0:0:0:0:0:0:1"));
  CHECK(parse("::1")->v4_uint() == 0);
  // constexpr all the way.
  static_assert(ip_address::parse("192.168.0.1")->v4_uint() == 0xc0a80001u);
  static_assert(!ip_address::parse("192.168.0.01"));
  static_assert(ip_address::parse("2001:DB8::1")->to_text() == std::string_view("2001:db8::1"));
  static_assert(ip_address::parse("::ffff:10.0.0.1")->is_v4_mapped());
}

TEST_CASE("ip_address::to_chars writes nothing when the buffer is too small", "[ip_address]") {
  const canonical_case cases[] = {{"1.2.3.4", "1.2.3.4"},
                                  {"255.255.255.255", "255.255.255.255"},
                                  {"1111:2222:3333:4444:5555:6666:7777:8888", "1111:2222:3333:4444:5555:6666:7777:8888"},
                                  {"::ffff:255.255.255.255", "::ffff:255.255.255.255"},
                                  {"::", "::"}};
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto a = parse(c.in);
    REQUIRE(a);
    REQUIRE(c.out.size() <= ip_address::max_text_size);
    char buf[64];
    // Exactly the right size fits.
    std::string(sizeof buf, '#').copy(buf, sizeof buf);
    auto r = a->to_chars(buf, buf + c.out.size());
    CHECK(r.ec == std::errc{});
    CHECK(r.ptr == buf + c.out.size());
    CHECK(std::string_view(buf, c.out.size()) == c.out);
    // One byte less: value_too_large, ptr == last, nothing written.
    std::string(sizeof buf, '#').copy(buf, sizeof buf);
    r = a->to_chars(buf, buf + c.out.size() - 1);
    CHECK(r.ec == std::errc::value_too_large);
    CHECK(r.ptr == buf + c.out.size() - 1);
    CHECK(std::string_view(buf, sizeof buf) == std::string(sizeof buf, '#'));
    // Empty buffer.
    r = a->to_chars(buf, buf);
    CHECK(r.ec == std::errc::value_too_large);
  }
}

TEST_CASE("ip_address: IPv4 text into a roomy buffer writes only the text; equality never mixes families",
          "[ip_address]") {
  for (std::string_view in : {"0.0.0.0", "9.10.99.100", "75.142.151.49", "255.255.255.255"}) {
    CAPTURE(in);
    const auto a = parse(in);
    REQUIRE(a);
    char buf[32];
    std::string(sizeof buf, '#').copy(buf, sizeof buf);
    const auto r = a->to_chars(buf, buf + sizeof buf);
    CHECK(r.ec == std::errc{});
    CHECK(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)) == in);
    CHECK(std::string_view(r.ptr, static_cast<std::size_t>(buf + sizeof buf - r.ptr)) ==
          std::string(static_cast<std::size_t>(buf + sizeof buf - r.ptr), '#'));
  }
  // Same leading bytes, other family: never equal (also :: against 0.0.0.0).
  CHECK_FALSE(*parse("1.2.3.4") == *parse("102:304::"));
  CHECK_FALSE(*parse("0.0.0.0") == *parse("::"));
  CHECK_FALSE(*parse("10.0.0.1") == *parse("10.0.0.2"));
  CHECK(*parse("10.0.0.1") == ip_address::from_v4_uint(0x0A000001));
}
