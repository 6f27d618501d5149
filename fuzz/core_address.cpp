// Fuzz target: core text parsers (ip_address, endpoint, parse_decimal /
// parse_port, ascii helpers) on arbitrary text.
//
// Invariants:
//   - a parsed address prints canonically, the canonical text re-parses to the
//     same address and prints identically (fixed point); a dotted quad prints
//     exactly as written (the parser rejects leading zeros);
//   - the same for endpoints (and `[v6]:port` round trips);
//   - a parsed decimal prints as the input without its leading zeros;
//   - ihash agrees with iequals, icompare is 0 exactly when iequals holds;
//     trims return views inside their input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sipalg/core/ascii.hpp"
#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"

namespace {

using sipalg::fuzz::within;

void check_address(std::string_view s) {
  const auto a = sipalg::ip_address::parse(s);
  if (!a) return;
  const auto text = a->to_text();
  SIPALG_FUZZ_CHECK(!text.empty() && text.size() <= sipalg::ip_address::max_text_size);
  const auto again = sipalg::ip_address::parse(text.view());
  SIPALG_FUZZ_CHECK(again.has_value() && *again == *a);
  SIPALG_FUZZ_CHECK(again->to_text() == text);
  if (a->is_v4()) SIPALG_FUZZ_CHECK(text.view() == s);
  // to_chars into a buffer one byte too small reports value_too_large and writes nothing past it.
  char small[sipalg::ip_address::max_text_size];
  const auto r = a->to_chars(small, small + text.size() - 1);
  SIPALG_FUZZ_CHECK(r.ec == std::errc::value_too_large);
}

void check_endpoint(std::string_view s) {
  const auto e = sipalg::endpoint::parse(s);
  if (!e) return;
  const auto text = e->to_text();
  SIPALG_FUZZ_CHECK(text.size() <= sipalg::endpoint::max_text_size);
  const auto again = sipalg::endpoint::parse(text.view());
  SIPALG_FUZZ_CHECK(again.has_value() && *again == *e);
  SIPALG_FUZZ_CHECK(again->to_text() == text);
}

void check_decimal(std::string_view s) {
  const auto v64 = sipalg::parse_decimal<std::uint64_t>(s);
  const auto v16 = sipalg::parse_port(s);
  if (v16) SIPALG_FUZZ_CHECK(v64.has_value() && *v64 == *v16);
  if (v64) {
    char digits[sipalg::max_decimal_digits];
    const std::string_view printed(digits, sipalg::format_decimal(*v64, digits));
    std::string_view stripped = s;
    while (stripped.size() > 1 && stripped.front() == '0') stripped.remove_prefix(1);
    SIPALG_FUZZ_CHECK(printed == stripped);
    SIPALG_FUZZ_CHECK(v16.has_value() == (*v64 <= 65535));
  }
}

void check_ascii(std::string_view a, std::string_view b) {
  namespace ascii = sipalg::ascii;
  const bool eq = ascii::iequals(a, b);
  if (eq) SIPALG_FUZZ_CHECK(ascii::ihash(a) == ascii::ihash(b));
  SIPALG_FUZZ_CHECK((ascii::icompare(a, b) == 0) == eq);
  SIPALG_FUZZ_CHECK(ascii::icompare(a, b) == -ascii::icompare(b, a));
  SIPALG_FUZZ_CHECK(ascii::istarts_with(a, b) == (a.size() >= b.size() && ascii::iequals(a.substr(0, b.size()), b)));
  const auto w = ascii::trim_wsp(a);
  const auto l = ascii::trim_lws(a);
  SIPALG_FUZZ_CHECK(within(w, a) && within(l, a) && l.size() <= w.size());
  if (ascii::is_token(a)) SIPALG_FUZZ_CHECK(!a.empty() && ascii::trim_lws(a) == a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sipalg::fuzz::exact_buffer buf(data, size);
  const std::string_view s = buf.view();
  check_address(s);
  check_endpoint(s);
  check_decimal(s);
  // Split at the first NUL or newline into two strings for the comparisons.
  const std::size_t cut = s.find_first_of(std::string_view("\0\n", 2));
  if (cut == std::string_view::npos) {
    check_ascii(s, s);
  } else {
    const sipalg::fuzz::exact_buffer left(s.substr(0, cut)), right(s.substr(cut + 1));
    check_ascii(left.view(), right.view());
    check_address(left.view());
    check_endpoint(right.view());
  }
  return 0;
}
