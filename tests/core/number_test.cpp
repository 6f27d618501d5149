// number: strict unsigned decimal parsing with overflow checks at every width, ports, formatting.
#include "sipalg/core/number.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/exact_copy.hpp"

using sipalg::format_decimal;
using sipalg::parse_decimal;
using sipalg::parse_port;
using sipalg::test::exact_copy;

namespace {

template <class T>
std::optional<T> parse(std::string_view s, T max = std::numeric_limits<T>::max()) {
  return parse_decimal<T>(exact_copy(s).view(), max);
}

std::string format(std::uint64_t v) {
  char buf[sipalg::max_decimal_digits];
  return std::string(buf, format_decimal(v, buf));
}

// max, max+1, 10*max and the neighbours, as text: the boundary of each width.
template <class T>
void check_width_boundaries() {
  constexpr std::uint64_t max = std::numeric_limits<T>::max();
  const std::string m = std::to_string(max);
  CAPTURE(m);
  CHECK(parse<T>(m) == static_cast<T>(max));
  CHECK(parse<T>("0" + m) == static_cast<T>(max));
  CHECK(parse<T>("000000000000000000000000000000" + m) == static_cast<T>(max));
  CHECK(parse<T>(std::to_string(max - 1)) == static_cast<T>(max - 1));
  CHECK_FALSE(parse<T>(m + "0"));
  CHECK_FALSE(parse<T>(m + "9"));
  CHECK_FALSE(parse<T>("1" + m));
  CHECK_FALSE(parse<T>(std::string(m.size() + 1, '9')));
  CHECK_FALSE(parse<T>(std::string(40, '9')));
  // max + 1 .. max + 10, and every text one digit longer than max that starts with 1.
  if (max < std::numeric_limits<std::uint64_t>::max()) {
    for (std::uint64_t k = 1; k <= 10; ++k) CHECK_FALSE(parse<T>(std::to_string(max + k)));
  } else {
    // Past 2^64: these wrap a 64-bit accumulator if the check comes after the multiply.
    for (std::string_view s : {"18446744073709551616", "18446744073709551617", "18446744073709551619",
                               "18446744073709551620", "18446744073709551625", "18446744073709551700",
                               "18446744073709552000", "18446744073709561615", "18446744073709651615",
                               "18446744073719551615", "18446744074709551615", "18446744083709551615",
                               "18446744173709551615", "18446745073709551615", "18446754073709551615",
                               "18446844073709551615", "18447744073709551615", "18456744073709551615",
                               "18546744073709551615", "19446744073709551615", "28446744073709551615",
                               "36893488147419103232", "99999999999999999999", "100000000000000000000"}) {
      CAPTURE(s);
      CHECK_FALSE(parse<T>(s));
    }
  }
  // Every power of ten that fits parses; the first that does not, fails.
  std::uint64_t p = 1;
  std::string text = "1";
  for (;;) {
    CAPTURE(text);
    CHECK(parse<T>(text) == static_cast<T>(p));
    if (p > max / 10) break;
    p *= 10;
    text += "0";
  }
  CHECK_FALSE(parse<T>(text + "0"));
}

}  // namespace

TEST_CASE("parse_decimal: boundaries of every width", "[number]") {
  check_width_boundaries<std::uint8_t>();
  check_width_boundaries<std::uint16_t>();
  check_width_boundaries<std::uint32_t>();
  check_width_boundaries<std::uint64_t>();
  CHECK(parse<std::uint8_t>("255") == 255);
  CHECK_FALSE(parse<std::uint8_t>("256"));
  CHECK(parse<std::uint16_t>("65535") == 65535);
  CHECK_FALSE(parse<std::uint16_t>("65536"));
  CHECK(parse<std::uint32_t>("4294967295") == 4294967295u);
  CHECK_FALSE(parse<std::uint32_t>("4294967296"));
  CHECK(parse<std::uint64_t>("18446744073709551615") == 18446744073709551615u);
  CHECK_FALSE(parse<std::uint64_t>("18446744073709551616"));
}

TEST_CASE("parse_decimal: every value of uint8 and uint16 round-trips; one past fails", "[number]") {
  for (unsigned v = 0; v <= 300; ++v) {
    const auto r = parse<std::uint8_t>(std::to_string(v));
    if (r.has_value() != (v <= 255) || (r && *r != v)) FAIL_CHECK(v);
  }
  for (std::uint32_t v = 0; v <= 70000; ++v) {
    const auto r = parse<std::uint16_t>(std::to_string(v));
    if (r.has_value() != (v <= 65535) || (r && *r != v)) FAIL_CHECK(v);
  }
}

TEST_CASE("parse_decimal: a caller-given maximum", "[number]") {
  CHECK(parse<std::uint32_t>("99", 99u) == 99u);
  CHECK_FALSE(parse<std::uint32_t>("100", 99u));
  CHECK(parse<std::uint32_t>("0", 0u) == 0u);
  CHECK(parse<std::uint32_t>("000", 0u) == 0u);
  CHECK_FALSE(parse<std::uint32_t>("1", 0u));
  for (unsigned d = 0; d <= 9; ++d) {  // single digits against a single-digit max
    const auto r = parse<std::uint32_t>(std::to_string(d), 5u);
    CHECK(r.has_value() == (d <= 5));
  }
  CHECK(parse<std::uint64_t>("18446744073709551614", 18446744073709551614u) == 18446744073709551614u);
  CHECK_FALSE(parse<std::uint64_t>("18446744073709551615", 18446744073709551614u));
  CHECK(parse<std::uint32_t>("2147483647", 2147483647u) == 2147483647u);
  CHECK_FALSE(parse<std::uint32_t>("2147483648", 2147483647u));
}

TEST_CASE("parse_decimal: anything but digits is rejected", "[number]") {
  const std::string_view bad[] = {
      "",   "+1",  "-1",   "-0",  " 1",   "1 ",   "1\t",    "\t1",   "1\r\n", "0x10", "0X10", "1e3",
      "1E3", "1.0", "1,000", "1_000", "1'000", "1a",  "a1",    "abc",   "inf",   "NaN",  "\xef\xbc\x91",  // fullwidth 1
      "١",  // Arabic-indic one
      std::string_view("1\0", 2), std::string_view("\0", 1),
  };
  for (auto s : bad) {
    CAPTURE(s);
    CHECK_FALSE(parse<std::uint32_t>(s));
    CHECK_FALSE(parse<std::uint64_t>(s));
    CHECK_FALSE(parse_port(exact_copy(s).view()));
  }
}

TEST_CASE("parse_port: 0..65535 only", "[number]") {
  CHECK(parse_port("0") == 0);
  CHECK(parse_port("5060") == 5060);
  CHECK(parse_port("05060") == 5060);
  CHECK(parse_port("65535") == 65535);
  for (std::string_view s : {"65536", "70000", "99999", "100000", "4294967296", "-1", "", "0x10", "5060 ", " 5060"}) {
    CAPTURE(s);
    CHECK_FALSE(parse_port(s));
  }
  static_assert(*parse_port("5061") == 5061);
  static_assert(!parse_port("65536"));
  static_assert(!parse_decimal<std::uint64_t>("18446744073709551616"));
}

TEST_CASE("format_decimal: writes the shortest decimal text", "[number]") {
  CHECK(format(0) == "0");
  CHECK(format(7) == "7");
  CHECK(format(10) == "10");
  CHECK(format(5060) == "5060");
  CHECK(format(65535) == "65535");
  CHECK(format(4294967295u) == "4294967295");
  CHECK(format(18446744073709551615u) == "18446744073709551615");
  CHECK(format(18446744073709551615u).size() == sipalg::max_decimal_digits);
  // Round trip through parse_decimal around every power of ten.
  std::uint64_t p = 1;
  for (int k = 0; k < 20; ++k, p *= 10) {
    for (std::uint64_t v : {p - 1, p, p + 1}) {
      CAPTURE(v);
      CHECK(format(v) == std::to_string(v));
      CHECK(parse<std::uint64_t>(format(v)) == v);
    }
  }
  // Every port, and every width of every digit pattern written two digits at a time.
  for (std::uint64_t v = 0; v <= 100000; ++v)
    if (format(v) != std::to_string(v)) FAIL("format(" << v << ") == " << format(v));
  static_assert([] {
    char b[sipalg::max_decimal_digits];
    return format_decimal(65535, b) == 5 && b[0] == '6' && b[4] == '5';
  }());
  // Writes exactly the reported number of bytes.
  char buf[sipalg::max_decimal_digits + 1];
  buf[3] = '#';
  CHECK(format_decimal(123, buf) == 3);
  CHECK(buf[3] == '#');
}
