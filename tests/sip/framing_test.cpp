// frame_message(): TCP stream framing (RFC 3261 18.3) and keep-alives (RFC 5626 4.4.1).
// Every golden message is re-framed split at every offset, alone and concatenated.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "sip/sip_support.hpp"
#include "sipalg/sip/framing.hpp"
#include "support.hpp"

using namespace sipalg;
using namespace sipalg::sip;

namespace {

std::vector<std::string> golden_messages() {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  const fs::path dir = sipalg::test::data_dir() / "golden";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    for (const char* n : {"before.sip", "after.sip"})
      if (fs::exists(e.path() / n)) files.push_back(e.path() / n);
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(*sipalg::test::read_file(f));
  return out;
}

struct frame {
  std::size_t length;
  frame_kind kind;
  bool operator==(const frame&) const = default;
};

/// Frames `stream` as a receiver would that got it in two pieces split at `split`:
/// it frames what it has, keeps the incomplete rest, and continues when the rest arrives.
std::vector<frame> frame_in_two(std::string_view stream, std::size_t split) {
  std::vector<frame> out;
  std::size_t at = 0;
  for (std::size_t have : {split, stream.size()}) {
    for (;;) {
      test::exact_copy c(stream.substr(at, have - at));
      const framing_result r = frame_message(c.view());
      if (r.need_more()) break;
      REQUIRE(r.ok());
      REQUIRE(r.length > 0);
      REQUIRE(r.length <= have - at);
      out.push_back({r.length, r.kind});
      at += r.length;
      if (at == have) break;
    }
  }
  CHECK(at == stream.size());
  return out;
}

}  // namespace

TEST_CASE("framing: each golden message, split at every offset", "[sip][framing]") {
  const auto msgs = golden_messages();
  REQUIRE(msgs.size() >= 12);
  for (const std::string& m : msgs) {
    test::exact_copy whole(m);
    const framing_result r = frame_message(whole.view());
    REQUIRE(r.ok());
    CHECK(r.kind == frame_kind::message);
    CHECK(r.length == m.size());
    for (std::size_t cut = 0; cut < m.size(); ++cut) {
      INFO("cut " << cut);
      test::exact_copy part(std::string_view(m).substr(0, cut));
      CHECK(frame_message(part.view()).need_more());
      const auto frames = frame_in_two(m, cut);
      REQUIRE(frames.size() == 1);
      CHECK(frames[0] == frame{m.size(), frame_kind::message});
    }
  }
}

TEST_CASE("framing: several messages and keep-alives in one stream, split at every offset", "[sip][framing]") {
  const auto msgs = golden_messages();
  std::string stream;
  std::vector<frame> expected;
  const std::string_view alives[] = {"\r\n\r\n", "\r\n", "", "\r\n\r\n\r\n"};
  for (std::size_t i = 0; i < 4; ++i) {
    stream += msgs[i];
    expected.push_back({msgs[i].size(), frame_kind::message});
    stream += alives[i];
    if (alives[i] == "\r\n\r\n") expected.push_back({4, frame_kind::keep_alive});
    if (alives[i] == "\r\n") expected.push_back({2, frame_kind::keep_alive});
    if (alives[i] == "\r\n\r\n\r\n") {
      expected.push_back({4, frame_kind::keep_alive});
      expected.push_back({2, frame_kind::keep_alive});
    }
  }
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    INFO("split " << split);
    const auto got = frame_in_two(stream, split);
    // A split inside a CRLFCRLF ping may frame it as two CRLF pongs: compare the keep-alive
    // bytes between messages, not how they were cut.
    auto merge = [](const std::vector<frame>& in) {
      std::vector<frame> out;
      for (const frame& f : in) {
        if (f.kind == frame_kind::keep_alive && !out.empty() && out.back().kind == frame_kind::keep_alive)
          out.back().length += f.length;
        else
          out.push_back(f);
      }
      return out;
    };
    const auto merged = merge(got);
    const auto exp_merged = merge(expected);
    CHECK(merged == exp_merged);
  }
  // Every message frame parses with the stream rules and is the original message.
  std::size_t at = 0;
  std::size_t k = 0;
  while (at < stream.size()) {
    const framing_result r = frame_message(std::string_view(stream).substr(at));
    REQUIRE(r.ok());
    if (r.kind == frame_kind::message) {
      const test::parsed<> p(std::string_view(stream).substr(at, r.length), parse_options::stream());
      REQUIRE(p.result.ec == errc::ok);
      CHECK(p.buf() == msgs[k]);
      ++k;
    }
    at += r.length;
  }
  CHECK(k == 4);
}

TEST_CASE("framing: keep-alives (RFC 5626)", "[sip][framing]") {
  struct row {
    std::string_view in;
    errc ec;
    std::uint32_t length;
  };
  const row rows[] = {
      {"", errc::need_more, 0},
      {"\r", errc::need_more, 0},
      {"\r\n", errc::ok, 2},
      {"\r\n\r", errc::need_more, 0},
      {"\r\n\r\n", errc::ok, 4},
      {"\r\n\r\n\r\n", errc::ok, 4},
      {"\r\nINVITE", errc::ok, 2},
      {"\r\n\rX", errc::ok, 2},
      {"\n", errc::ok, 1},
      {"\n\n", errc::ok, 1},
      {"\rX", errc::bare_cr, 0},
  };
  for (const row& r : rows) {
    INFO(r.in.size());
    test::exact_copy c(r.in);
    const framing_result f = frame_message(c.view());
    CHECK(f.ec == r.ec);
    CHECK(f.length == r.length);
    if (f.ok()) CHECK(f.kind == frame_kind::keep_alive);
  }
}

TEST_CASE("framing: errors break the stream", "[sip][framing]") {
  struct row {
    std::string in;
    errc ec;
  };
  const std::string req = "OPTIONS sip:a SIP/2.0\r\n";
  const std::vector<row> rows = {
      {req + "Call-ID: x\r\n\r\n", errc::missing_content_length},
      {req + "Content-Length: -1\r\n\r\n", errc::negative_content_length},
      {req + "Content-Length: 5\r\nl: 6\r\n\r\n", errc::conflicting_content_length},
      {req + "Content-Length: x\r\n\r\n", errc::bad_content_length},
      {req + "Content-Length: 70000\r\n\r\n", errc::message_too_large},
      {"GARBAGE\r\n", errc::bad_start_line},  // known before the head is complete
      {"HTTP/1.1 200 OK\r\n", errc::bad_method},
      {"GET / HTTP/1.1\r\n", errc::bad_request_uri},
      {req + "Foo\r\nBar: 1\r\n", errc::missing_colon},  // "Foo\r\n" alone may still be folded: need_more
      {req + "Subject: " + std::string(9000, 'x'), errc::line_too_long},  // no need to wait for the LF
  };
  for (const row& r : rows) {
    INFO(r.in.substr(0, 60));
    test::exact_copy c(r.in);
    CHECK(frame_message(c.view()).ec == r.ec);
  }
  // A head that never ends within max_message_size.
  parse_options o = parse_options::stream();
  o.max_message_size = 100;
  o.max_line_length = 100;
  std::string many = req;
  while (many.size() < 100) many += "X-A: b\r\n";
  CHECK(frame_message(many, o).ec == errc::message_too_large);
  CHECK(frame_message(std::string_view(many).substr(0, 99), o).need_more());
  // Content-Length larger than what arrived: wait (RFC 4475 3.1.2.2 over a stream).
  const std::string clerr = req + "Content-Length: 10\r\n\r\n12345";
  CHECK(frame_message(clerr).need_more());
  CHECK(frame_message(clerr + "67890").length == clerr.size() + 5);
  CHECK(frame_message(clerr + "67890EXTRA").length == clerr.size() + 5);
}

TEST_CASE("framing: constexpr", "[sip][framing]") {
  static_assert(frame_message<8>("\r\n\r\n").length == 4);
  static_assert(frame_message<8>("SIP/2.0 200 OK\r\nl: 2\r\n\r\nokNEXT").length == 26);
  static_assert(frame_message<8>("SIP/2.0 200 OK\r\nl: 2\r\n\r\no").ec == errc::need_more);
  SUCCEED();
}

TEST_CASE("framing: the verdict does not depend on how much has arrived", "[sip][framing]") {
  // For every prefix of an input, the framer answers need_more or exactly what it answers for
  // the whole input (fuzz/crashes/sip_framing/error-code-depends-on-segmentation).
  const std::string req = "OPTIONS sip:a SIP/2.0\r\n";
  const unsigned char fuzzed[] = {
      0xff, 0xff, 0xff, 0x9f, 0xff, 0xff, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85,
      0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85,
      0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85,
      0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x05, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85,
      0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x00, 0x00, 0x61, 0x50, 0x00, 0x9e, 0xed, 0x80, 0x85,
      0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0xff, 0xfb, 0xff, 0xff, 0xff, 'S',  'I',  'P',  '/',
      '2',  '.',  '0',  ' ',  '1',  '0',  '0',  ' ',  'T',  'r',  'y',  'i',  'n',  'g',  0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xcc, 0xff, 0xf5, 0xff, 0xff, '(',  0xff, 0xff, 'U',  'P',  'D',  'A',  'T',
      'E',  '\n', 0x0e, 0xab};
  const std::vector<std::string> inputs = {
      std::string(reinterpret_cast<const char*>(fuzzed), sizeof fuzzed),
      req + "Subject: " + std::string(100, 'x') + std::string("\0", 1) + "\r\n\r\n",
      req + "Subject: " + std::string(20, 'x') + "\r\n" + " " + std::string(80, 'y') + "\r\n\r\n",
      req + "To: a\rb\r\n\r\n",
      req + "Foo bar: x\r\nl: 0\r\n\r\n",
      req + "Foo bar\r\n\r\n",
      req + "X-1: a\r\nX-2: b\r\nX-3: c\r\nX-4: d\r\nX-5: e\r\nl: 0\r\n\r\n",
      req + "Content-Length: 3\r\nl: 4\r\n\r\nabcd",
      "SIP/2.0 999 Bad\r\nl: 0\r\n\r\n",
      std::string(100, 'A') + " sip:a SIP/2.0\r\n\r\n",
      // A CR as the 64th byte of a line (the limit): LF next makes the line too long, anything
      // else is a bare CR; until that byte arrives the framer must wait
      // (fuzz/crashes/sip_framing/line-too-long-then-bare-cr-waits).
      "OPTIONS sip:" + std::string(43, 'a') + " SIP/2.0\r\x96l: 0\r\n\r\n",
      "OPTIONS sip:" + std::string(43, 'a') + " SIP/2.0\r\nl: 0\r\n\r\n",
      req + "Subject: " + std::string(54, 's') + "\rx\r\nl: 0\r\n\r\n",
      req + "Subject: " + std::string(54, 's') + "\r\nl: 0\r\n\r\n",
      // A header name longer than the limit that turns out to have no colon / a bad byte: the
      // verdict is the name's, not line_too_long of the unfinished line.
      req + std::string(70, 'n') + "\x96 v\r\nl: 0\r\n\r\n",
      req + std::string(70, 'n') + "\x96: v\r\nl: 0\r\n\r\n",
      req + std::string(70, 'n') + "\t\x01 v\r\nl: 0\r\n\r\n",
      req + std::string(70, 'n') + ": v\r\nl: 0\r\n\r\n",
  };
  parse_options o = parse_options::stream();
  o.max_line_length = 64;
  for (const std::string& in : inputs) {
    INFO(in.substr(0, 40));
    const framing_result whole = frame_message<4>(in, o);
    CHECK(!whole.need_more());
    for (std::size_t k = 0; k < in.size(); ++k) {
      INFO("prefix " << k);
      test::exact_copy c(std::string_view(in).substr(0, k));
      const framing_result part = frame_message<4>(c.view(), o);
      if (part.need_more()) continue;
      CHECK(part.ec == whole.ec);
      CHECK(part.length == whole.length);
    }
  }
}

TEST_CASE("framing: a header line at the end of what arrived waits for a possible fold", "[sip][framing]") {
  // fuzz/crashes/sip_framing/header-name-line-at-segment-end: "Call-ID\r\n : x" is one header
  // (a fold before the colon), so "Call-ID\r\n" alone is not yet an error.
  const std::string head = "INVITE sip:a@b SIP/2.0\r\nCall-ID\r\n";
  CHECK(frame_message(head).need_more());
  const std::string whole = head + " : x\r\nContent-Length: 0\r\n\r\n";
  CHECK(frame_message(whole).length == whole.size());
  // A complete head with the same line is an error at once.
  CHECK(frame_message(head + "Via: x\r\n\r\n").ec == errc::missing_colon);
}
