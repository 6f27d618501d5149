// ascii: RFC 3261 (25.1) character classes, case-insensitive compare and hash, trimming.
#include "sipalg/core/ascii.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace ascii = sipalg::ascii;

TEST_CASE("ascii: character classes over all 256 byte values", "[ascii]") {
  const std::string_view token_marks = "-.!%*_+`'~";  // RFC 3261 token, besides alphanum
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    CAPTURE(i);
    const bool digit = i >= '0' && i <= '9';
    const bool upper = i >= 'A' && i <= 'Z';
    const bool lower = i >= 'a' && i <= 'z';
    CHECK(ascii::is_digit(c) == digit);
    CHECK(ascii::is_alpha(c) == (upper || lower));
    CHECK(ascii::is_alnum(c) == (digit || upper || lower));
    const bool hex = digit || (i >= 'a' && i <= 'f') || (i >= 'A' && i <= 'F');
    CHECK(ascii::is_hex(c) == hex);
    const int hv = digit ? i - '0' : (i >= 'a' && i <= 'f') ? i - 'a' + 10 : (i >= 'A' && i <= 'F') ? i - 'A' + 10 : -1;
    CHECK(ascii::hex_value(c) == hv);
    CHECK(ascii::is_wsp(c) == (i == ' ' || i == '\t'));
    CHECK(ascii::to_lower(c) == (upper ? static_cast<char>(i + 32) : c));  // only ASCII letters change
    const bool token = digit || upper || lower || token_marks.find(c) != std::string_view::npos;
    CHECK(ascii::is_token(c) == token);
  }
}

TEST_CASE("ascii: is_token on strings", "[ascii]") {
  CHECK(ascii::is_token("INVITE"));
  CHECK(ascii::is_token("z9hG4bK-7badf56d"));
  CHECK(ascii::is_token("a.b!c%d*e_f+g`h'i~j"));
  CHECK_FALSE(ascii::is_token(""));
  CHECK_FALSE(ascii::is_token("IN VITE"));
  CHECK_FALSE(ascii::is_token("a:b"));
  CHECK_FALSE(ascii::is_token("a\"b"));
  CHECK_FALSE(ascii::is_token("a;b"));
  CHECK_FALSE(ascii::is_token("caf\xc3\xa9"));
  CHECK_FALSE(ascii::is_token(std::string_view("a\0b", 3)));
}

TEST_CASE("ascii: iequals, istarts_with, icompare", "[ascii]") {
  const struct {
    std::string_view a, b;
    int order;  // sign of icompare(a, b)
  } cases[] = {
      {"", "", 0},
      {"Via", "via", 0},
      {"CONTENT-LENGTH", "content-length", 0},
      {"Call-ID", "call-id", 0},
      {"Via", "Vía", -1},
      {"a", "b", -1},
      {"B", "a", 1},
      {"abc", "ABCD", -1},
      {"abcd", "ABC", 1},
      {"", "a", -1},
      {"[", "a", -1},   // '[' (0x5b) sorts after 'A' but before 'a': compare folded
      {"_", "A", -1},   // '_' (0x5f) < 'a'
      {"\xc4", "\xe4", -1},  // Latin-1 A/a umlaut: not ASCII, not folded
      {"@", "`", -1},
      {std::string_view("a\0", 2), "a", 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.a, c.b);
    CHECK(ascii::iequals(c.a, c.b) == (c.order == 0));
    CHECK(ascii::iequals(c.b, c.a) == (c.order == 0));
    CHECK(ascii::icompare(c.a, c.b) == c.order);
    CHECK(ascii::icompare(c.b, c.a) == -c.order);
    if (c.order == 0) CHECK(ascii::ihash(c.a) == ascii::ihash(c.b));
  }
  CHECK(ascii::istarts_with("Content-Type", "content-"));
  CHECK(ascii::istarts_with("sip:alice", "SIP:"));
  CHECK(ascii::istarts_with("x", ""));
  CHECK(ascii::istarts_with("", ""));
  CHECK_FALSE(ascii::istarts_with("sip", "sips"));
  CHECK_FALSE(ascii::istarts_with("", "s"));
  CHECK_FALSE(ascii::istarts_with("tel:1", "sip:"));
  static_assert(ascii::iequals("Max-Forwards", "max-FORWARDS"));
}

TEST_CASE("ascii: ihash is FNV-1a over lower-cased bytes", "[ascii]") {
  CHECK(ascii::ihash("") == 2166136261u);  // FNV-1a offset basis
  CHECK(ascii::ihash("a") == 0xe40c292cu);  // published FNV-1a 32-bit vector
  CHECK(ascii::ihash("A") == 0xe40c292cu);
  CHECK(ascii::ihash("foobar") == 0xbf9cf968u);
  CHECK(ascii::ihash("FooBar") == 0xbf9cf968u);
  // Distinct header names hash apart (the header index relies on a usable hash).
  const std::string_view names[] = {"Via", "From", "To", "Call-ID", "CSeq", "Contact", "Content-Length",
                                    "Content-Type", "Max-Forwards", "Route", "Record-Route", "Expires",
                                    "Authorization", "Proxy-Authorization", "User-Agent", "Allow", "Supported",
                                    "v", "f", "t", "i", "m", "l", "c", "k", "s", "e", "o", "u", "r", "b", "x", "y"};
  std::set<std::uint32_t> seen;
  for (auto n : names) seen.insert(ascii::ihash(n));
  CHECK(seen.size() == std::size(names));
}

TEST_CASE("ascii: trim_wsp and trim_lws", "[ascii]") {
  const struct {
    std::string_view in, wsp, lws;
  } cases[] = {
      {"", "", ""},
      {" ", "", ""},
      {" \t \t", "", ""},
      {"abc", "abc", "abc"},
      {"  abc\t", "abc", "abc"},
      {"a b", "a b", "a b"},
      {" a \t b ", "a \t b", "a \t b"},
      {"\r\n abc \r\n", "\r\n abc \r\n", "abc"},
      {"abc\r\n\t", "abc\r\n", "abc"},
      {"\r\n", "\r\n", ""},
      {"\v abc \f", "\v abc \f", "\v abc \f"},  // only SP/HTAB (and CR/LF for LWS)
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(ascii::trim_wsp(c.in) == c.wsp);
    CHECK(ascii::trim_lws(c.in) == c.lws);
  }
  // The result is a view into the input, not a copy.
  const std::string_view s = "  5060  ";
  CHECK(ascii::trim_wsp(s).data() == s.data() + 2);
}

TEST_CASE("ascii::hex_digit agrees with hex_value on every byte", "[ascii]") {
  for (unsigned c = 0; c < 256; ++c) {
    CAPTURE(c);
    const int v = sipalg::ascii::hex_value(static_cast<char>(c));
    const unsigned d = sipalg::ascii::hex_digit(static_cast<char>(c));
    if (v < 0) CHECK(d > 15);
    else CHECK(d == static_cast<unsigned>(v));
  }
  static_assert(sipalg::ascii::hex_digit('F') == 15 && sipalg::ascii::hex_digit('g') > 15);
}
