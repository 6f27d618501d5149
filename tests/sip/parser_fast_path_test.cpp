// The parser's header-line fast path (parse_header_lines_fast, lookup_header_colon) must give
// exactly the general loop's result. Constant evaluation never takes the fast path (it needs
// vector loads), so each message here is parsed twice: at compile time (general loop only)
// and at run time from an exact-size heap copy (fast path wherever the line has its shape;
// ASan reports any read past the end), and the two indexes are compared field by field.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/sip_support.hpp"
#include "sipalg/sip/header_id.hpp"
#include "sipalg/sip/parser.hpp"

using namespace sipalg;
using namespace sipalg::sip;
using namespace std::string_view_literals;

namespace {

constexpr std::size_t kMaxHeaders = 6;  // small, so that too_many_headers is reached too

/// Everything parse_message() reports, flattened (fixed size: usable in constant expressions).
struct summary {
  errc ec = errc::ok;
  std::uint32_t offset = 0;
  std::array<std::uint32_t, 20> fields{};
  std::array<std::uint32_t, kMaxHeaders * 7> headers{};
  friend constexpr bool operator==(const summary&, const summary&) = default;
};

constexpr summary summarize(std::string_view s, const parse_options& opt) {
  basic_message<kMaxHeaders> m;
  const parse_result r = parse_message(s, m, opt);
  summary out;
  out.ec = r.ec;
  out.offset = r.offset;
  if (!r) return out;  // after an error the index is unspecified
  std::size_t i = 0;
  out.fields[i++] = static_cast<std::uint32_t>(m.kind);
  out.fields[i++] = static_cast<std::uint32_t>(m.method_type);
  out.fields[i++] = m.status_code;
  for (const text_range t : {m.start_line, m.method, m.request_uri, m.version, m.reason, m.body}) {
    out.fields[i++] = t.offset;
    out.fields[i++] = t.length;
  }
  out.fields[i++] = m.head_end;
  out.fields[i++] = m.message_end;
  out.fields[i++] = m.content_length ? *m.content_length + 1 : 0;
  out.fields[i++] = m.content_length_header;
  out.fields[i++] = static_cast<std::uint32_t>(m.headers.size());
  std::size_t k = 0;
  for (const header& h : m.headers) {
    out.headers[k++] = static_cast<std::uint32_t>(h.id);
    for (const text_range t : {h.name, h.value, h.line}) {
      out.headers[k++] = t.offset;
      out.headers[k++] = t.length;
    }
  }
  return out;
}

summary summarize_runtime(std::string_view s, const parse_options& opt) {
  const test::exact_copy copy(s);
  return summarize(copy.view(), opt);
}

constexpr parse_options with_line_limit(std::uint32_t max) {
  parse_options o;
  o.max_line_length = max;
  return o;
}

// Options: defaults, stream rules, and line limits around the lengths of the lines below.
// (The start line "OPTIONS sip:a@b SIP/2.0\r\n" is 25 bytes.)
constexpr std::array<parse_options, 6> kOptions = {parse_options{}, parse_options::stream(), with_line_limit(25),
                                                   with_line_limit(26), with_line_limit(27), with_line_limit(40)};

// Each message: a start line and header lines of the fast shape and of every shape next to it.
constexpr std::array<std::string_view, 44> kMessages = {
    // Plain fast-path lines, CRLF and LF, known/unknown/compact names, in any case.
    "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nCALL-ID: abc@def\r\n"
    "x-custom-header: value\r\nContent-Length: 4\r\n\r\nbody"sv,
    "OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\ni: abc@defghijklmnop\nl:4\n\nbody"sv,
    "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:a@b>;tag=1\r\nt: <sip:c@d>\r\nl: 0\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nReply-To: <sip:a@b>  \r\nRefer-To: <sip:c@d>\t\r\nREFER-TO: <sip:e@f>\r\n\r\n"sv,
    // Value shapes: empty, only WSP, leading TAB, TAB inside, trailing WSP, several SP.
    "OPTIONS sip:a@b SIP/2.0\r\nSubject:\r\nSubject: \r\nSubject: \t \r\nSubject:\tx\ty\t\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject:    many spaces before    \r\nSubject:x\r\nSubject: a\x0b" "b\r\n\r\n"sv,
    // SP or TAB before the colon, name of 15/16/17 bytes, colon at offset 15/16 of the line.
    "OPTIONS sip:a@b SIP/2.0\r\nCall-ID : x\r\nCall-ID\t: y\r\nSecurity-Client: z\r\nWWW-Authenticate: w\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nX-Fifteen-bytes: 1\r\nX-Sixteen-bytes1: 2\r\nX-Seventeen-bytes: 3\r\n\r\n"sv,
    // Folded lines after and before fast lines; a value starting on the continuation line.
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: first\r\n second\r\nCall-ID: c@d\r\nTo:\r\n <sip:x@y>\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\nSubject: first\n\tsecond\nCall-ID: c@d\nTo: <sip:x@y>\n \n\n"sv,
    // Content-Length: fast path, compact, repeated equal / conflicting / malformed.
    "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nl: 2\r\nCall-ID: x@y\r\n\r\nab"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2x\r\n\r\nab"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999999999\r\n\r\nab"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nContent-Length:   7   \r\n\r\nabc"sv,
    // Bad names: non-token bytes, a byte that folds onto ':' (0x1A) or '-' (CR), empty name.
    "OPTIONS sip:a@b SIP/2.0\r\nCall@ID: x\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nTo\x1a" "x: <sip:a@b>\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nCall\x1aID: x\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\n: no name here\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\n Leading-space: x\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nNo colon on this line at all\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nX-\x80\xff: y\r\n\r\n"sv,
    // A bad name on a line that is also too long: the name is reported first.
    "OPTIONS sip:a@b SIP/2.0\r\nBad(name): 0123456789012345678901234567890123456789\r\n\r\n"sv,
    // Control bytes: NUL (alone, and as a quoted-pair), bare CR, CR at the end, VT/FF.
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: a\0b\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: \"a\\\0b\"\r\nCall-ID: x\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: a\rb\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: abc\r"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: a\x0c" "b\x01" "c\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSub\x0bject: abc\r\n\r\n"sv,
    // Unterminated heads: input ends inside a line, after a line, inside the empty line.
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789abcdef"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789abcdef\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789abcdef\r\n\r"sv,
    // Line lengths around the limits of kOptions (25 to 28 bytes with the terminator).
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789abcd\r\nSubject: 0123456789abcde\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789abcdef\r\nSubject: 0123456789abcdefg\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\nSubject: 0123456789abcdef\nSubject: 0123456789abcdefg\n\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789abcd\r\n x\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789abcdefghijk\r\r\n\r\n"sv,
    // Too many headers (kMaxHeaders = 6) on fast lines.
    "OPTIONS sip:a@b SIP/2.0\r\nA-1: 1\r\nA-2: 2\r\nA-3: 3\r\nA-4: 4\r\nA-5: 5\r\nA-6: 6\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nA-1: 1\r\nA-2: 2\r\nA-3: 3\r\nA-4: 4\r\nA-5: 5\r\nA-6: 6\r\nA-7: 7\r\n\r\n"sv,
    // Long values: the line end 16, 31, 32, 33, 47, 48, 64 and 100 bytes after the line start.
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 1234567\r\nSubject: 0123456789012345678901\r\n"
    "Subject: 01234567890123456789012\r\nSubject: 012345678901234567890123\r\n\r\n"sv,
    "OPTIONS sip:a@b SIP/2.0\r\nSubject: 0123456789012345678901234567890123456789\r\n"
    "Subject: 012345678901234567890123456789012345678\r\n"
    "Subject: 0123456789012345678901234567890123456789012345678901234\r\n"
    "Subject: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890\r\n\r\n"sv,
    // A TAB in the first block after the colon, with the line end in the same block or later.
    "OPTIONS sip:a@b SIP/2.0\r\nTo:\t<sip:a>\r\nTo: a\tb\r\nTo: a\tbcdefghijklmnopqrstuvwxyz\r\n\r\n"sv,
    // Headers right at the end of the input (fewer than 16 bytes left at the line start).
    "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: abc\r\nl: 0\r\n\r\n"sv,
    "SIP/2.0 180 Ringing\r\nCall-ID: abcdefghijklmnopq\r\nCSeq: 1 INVITE\r\n\r\n"sv,
};

constexpr auto kCompileTime = [] {
  std::array<std::array<summary, kOptions.size()>, kMessages.size()> out{};
  for (std::size_t i = 0; i < kMessages.size(); ++i)
    for (std::size_t j = 0; j < kOptions.size(); ++j) out[i][j] = summarize(kMessages[i], kOptions[j]);
  return out;
}();

// Every prefix of two messages (each cut is a different input end for the 16-byte checks).
constexpr std::string_view kCutA =
    "INVITE sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n"
    "To: Bob <sip:bob@192.0.2.4>\r\nCall-ID: a84b4c76e66710@10.0.0.1\r\nSubject:\tfolded\r\n next\r\n"
    "l: 4\r\n\r\nv=0\n"sv;
constexpr std::string_view kCutB = "SIP/2.0 200 OK\nv: SIP/2.0/UDP h\ni: x@yyyyyyyyyyyyyyyy\nCSeq: 1 INVITE\nl: 0\n\n"sv;

template <std::size_t Size>
constexpr std::array<summary, Size + 1> all_prefixes(std::string_view s) {
  std::array<summary, Size + 1> out{};
  for (std::size_t k = 0; k <= Size; ++k) out[k] = summarize(s.substr(0, k), parse_options{});
  return out;
}
constexpr auto kCutsA = all_prefixes<kCutA.size()>(kCutA);
constexpr auto kCutsB = all_prefixes<kCutB.size()>(kCutB);

}  // namespace

TEST_CASE("parse_message fast path: same index as the general loop", "[sip][parser][fast]") {
  for (std::size_t i = 0; i < kMessages.size(); ++i) {
    for (std::size_t j = 0; j < kOptions.size(); ++j) {
      INFO("message " << i << ", options " << j);
      const summary rt = summarize_runtime(kMessages[i], kOptions[j]);
      CHECK(rt.ec == kCompileTime[i][j].ec);
      CHECK(rt.offset == kCompileTime[i][j].offset);
      CHECK(rt == kCompileTime[i][j]);
    }
  }
}

TEST_CASE("parse_message fast path: the table exercises it and its exits", "[sip][parser][fast]") {
  // Guards against a table that no longer tests anything: a few expected verdicts.
  CHECK(kCompileTime[0][0].ec == errc::ok);
  CHECK(kCompileTime[0][0].fields[19] == 4);  // four headers
  CHECK(kCompileTime[11][0].ec == errc::conflicting_content_length);
  CHECK(kCompileTime[15][0].ec == errc::bad_header_name);
  CHECK(kCompileTime[22][0].ec == errc::bad_header_name);  // name before length
  CHECK(kCompileTime[22][5].ec == errc::bad_header_name);
  CHECK(kCompileTime[23][0].ec == errc::nul_in_head);
  CHECK(kCompileTime[24][0].ec == errc::ok);  // quoted-pair NUL
  CHECK(kCompileTime[25][0].ec == errc::bare_cr);
  CHECK(kCompileTime[32][2].ec == errc::line_too_long);
  CHECK(kCompileTime[32][3].ec == errc::ok);  // 25- and 26-byte lines, limit 26
  CHECK(kCompileTime[37][0].ec == errc::ok);
  CHECK(kCompileTime[38][0].ec == errc::too_many_headers);
}

TEST_CASE("parse_message fast path: every prefix", "[sip][parser][fast]") {
  for (std::size_t k = 0; k <= kCutA.size(); ++k) {
    INFO("A cut at " << k);
    CHECK(summarize_runtime(kCutA.substr(0, k), parse_options{}) == kCutsA[k]);
  }
  for (std::size_t k = 0; k <= kCutB.size(); ++k) {
    INFO("B cut at " << k);
    CHECK(summarize_runtime(kCutB.substr(0, k), parse_options{}) == kCutsB[k]);
  }
  CHECK(kCutsA[kCutA.size()].ec == errc::ok);
  CHECK(kCutsB[kCutB.size()].ec == errc::ok);
}

TEST_CASE("lookup_header_colon: same id as lookup_header for the name before the first colon",
          "[sip][header_id][fast]") {
  // Every known name and compact form, in three cases, followed by its colon and a value.
  auto check_name = [](std::string name) {
    std::string line = name + ": some value after it";
    const std::size_t n = line.find(':');
    if (n == 0 || n > detail::colon_max_name) return;
    const test::exact_copy copy(line);
    const header_id want = lookup_header(copy.view().data(), n);
    const header_id got = detail::lookup_header_colon(copy.view().data(), n);
    if (got != want) FAIL_CHECK("name '" << name << "': " << static_cast<int>(got) << " != " << static_cast<int>(want));
  };
  int known = 0;
  for (std::size_t i = 1; i < header_id_count; ++i) {
    const std::string name(canonical_name(static_cast<header_id>(i)));
    std::string up = name, low = name;
    for (char& c : up) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    for (char& c : low) c = ascii::to_lower(c);
    check_name(name);
    check_name(up);
    check_name(low);
    if (name.size() <= detail::colon_max_name) {
      const std::string line = low + ":xxxxxxxxxxxxxxxxx";
      CHECK(detail::lookup_header_colon(line.data(), name.size()) == static_cast<header_id>(i));
      ++known;
    }
    // Every byte value at every position of the name (a ':' there shortens the name).
    if (name.size() <= detail::colon_max_name) {
      for (std::size_t pos = 0; pos < name.size(); ++pos)
        for (int c = 0; c < 256; ++c) {
          std::string changed = name;
          changed[pos] = static_cast<char>(c);
          check_name(changed);
        }
    }
  }
  CHECK(known >= 70);
  for (char c = 'a'; c <= 'z'; ++c) {
    check_name(std::string(1, c));
    check_name(std::string(1, static_cast<char>(c - 32)));
  }
  for (int c = 0; c < 256; ++c) check_name(std::string(1, static_cast<char>(c)));
  CHECK(detail::lookup_header_colon("v: SIP/2.0/UDP h", 1) == header_id::via);
  CHECK(detail::lookup_header_colon("Reply-To: <sip:x>", 8) == header_id::reply_to);
  CHECK(detail::lookup_header_colon("Refer-To: <sip:x>", 8) == header_id::refer_to);
  CHECK(detail::lookup_header_colon("To\x1ax: <sip:x>   ", 4) == header_id::unknown);  // 0x1A | 0x20 == ':'
  CHECK(detail::lookup_header_colon("Call\rID: <sip:x>", 7) == header_id::unknown);   // CR | 0x20 == '-'
}
