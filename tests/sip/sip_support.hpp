// Helpers shared by the SIP-layer tests: parsing an exact-size heap copy (so ASan
// catches any read past the end) and the structural invariants of a parsed message.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/exact_copy.hpp"
#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/parser.hpp"

namespace sipalg::test {

/// A message parsed from its own exact-size copy of the input.
template <std::size_t N = 64>
struct parsed {
  exact_copy copy;
  sip::basic_message<N> msg;
  sip::parse_result result;

  explicit parsed(std::string_view text, const sip::parse_options& opt = {})
      : copy(text), msg(), result(sip::parse_message(copy.view(), msg, opt)) {}
  [[nodiscard]] std::string_view buf() const { return copy.view(); }
  [[nodiscard]] std::string_view text(text_range r) const { return r.in(copy.view()); }
  [[nodiscard]] std::string_view value(sip::header_id id) const {
    const sip::header* h = msg.find(id);
    return h ? h->value.in(copy.view()) : std::string_view{};
  }
};

inline bool inside(text_range r, std::size_t size) {
  return r.present() && r.offset <= size && r.length <= size - r.offset;
}

/// Checks everything a successful parse promises: ranges inside the buffer, the start line
/// and header lines tiling the head exactly, names/values inside their lines, body placement.
template <std::size_t N>
void check_invariants(std::string_view buf, const sip::basic_message<N>& m) {
  const std::size_t n = buf.size();
  REQUIRE(inside(m.start_line, n));
  REQUIRE(inside(m.version, n));
  if (m.is_request()) {
    REQUIRE(inside(m.method, n));
    REQUIRE(inside(m.request_uri, n));
    CHECK(m.method.offset == m.start_line.offset);
    CHECK(ascii::is_token(m.method.in(buf)));
    CHECK(m.request_uri.length > 0);
    CHECK(m.status_code == 0);
  } else {
    REQUIRE(inside(m.reason, n));
    CHECK(m.status_code >= 100);
    CHECK(m.status_code <= 699);
    CHECK(m.version.offset == m.start_line.offset);
  }
  std::uint32_t at = m.start_line.end();
  for (const sip::header& h : m.headers) {
    REQUIRE(inside(h.line, n));
    REQUIRE(inside(h.name, n));
    REQUIRE(inside(h.value, n));
    CHECK(h.line.offset == at);  // lines tile the head
    CHECK(h.name.offset == h.line.offset);
    CHECK(h.name.length > 0);
    CHECK(h.value.offset >= h.name.end());
    CHECK(h.value.end() <= h.line.end());
    CHECK(ascii::is_token(h.name.in(buf)));
    CHECK(sip::lookup_header(h.name.in(buf)) == h.id);
    const std::string_view line = h.line.in(buf);
    CHECK(line.back() == '\n');
    const std::string_view v = h.value.in(buf);
    if (!v.empty()) {
      CHECK(!ascii::trim_lws(v).empty());
      CHECK(ascii::trim_lws(v).size() == v.size());
    }
    at = h.line.end();
  }
  // The empty line.
  REQUIRE(m.head_end > at);
  const std::string_view blank = buf.substr(at, m.head_end - at);
  CHECK((blank == "\r\n" || blank == "\n"));
  CHECK(m.body.offset == m.head_end);
  CHECK(m.body.end() == m.message_end);
  CHECK(m.message_end <= n);
  if (m.content_length) {
    CHECK(*m.content_length == m.body.length);
    REQUIRE(m.content_length_header < m.headers.size());
    CHECK(m.headers[m.content_length_header].id == sip::header_id::content_length);
  } else {
    CHECK(m.content_length_header == sip::basic_message<N>::npos);
    CHECK(m.message_end == n);
  }
}

}  // namespace sipalg::test
