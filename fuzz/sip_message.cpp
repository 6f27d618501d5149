// Fuzz target: sip::parse_message over arbitrary bytes.
//
// Input: [mode byte] [limit bytes...] message  (control bytes are >= 0x80, see
// fuzzer_common.hpp; a raw message runs with the defaults). Mode bits (llhttp
// style, low 7 bits of the first control byte):
//   bit 0     stream rules (Content-Length mandatory) instead of datagram rules
//   bits 1-2  header index capacity: 64 (default), 3, 16, 128
//   bit 3     small max_line_length (from the next control byte: 1..1016)
//   bit 4     small max_message_size (from the next control byte: 0..4064)
//
// Invariants checked on every input:
//   - the error offset lies inside the input; headers.size() <= capacity;
//   - when ok: every range lies inside the input, in order (start line, then
//     each header line, then the empty line, then the body); offset ==
//     message_end; body = [head_end, head_end + Content-Length), or the rest of
//     the datagram when Content-Length is absent (never under stream rules);
//     each header's name starts its line, value inside the line and trimmed;
//     header ids agree with lookup_header and with a naive table search;
//     no NUL (outside a quoted-pair) and no bare CR in the head;
//     requests have method/URI, responses a 100..699 status;
//   - the parse is deterministic, independent of the capacity (a larger index
//     gives the same result), and of bytes after message_end;
//   - differential: the word-at-a-time scanners (find_head_special,
//     find_colon_or_control) agree with naive loops.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/content_length.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/header_id.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/parser.hpp"

namespace {

namespace sip = sipalg::sip;
using sipalg::text_range;
using sipalg::fuzz::within;

sip::header_id naive_lookup(std::string_view name) {
  if (name.size() == 1) {
    for (std::size_t i = 1; i < sip::header_id_count; ++i)
      if (sip::compact_form(static_cast<sip::header_id>(i)) == sipalg::ascii::to_lower(name[0]))
        return static_cast<sip::header_id>(i);
    return sip::header_id::unknown;
  }
  for (std::size_t i = 1; i < sip::header_id_count; ++i)
    if (sipalg::ascii::iequals(name, sip::canonical_name(static_cast<sip::header_id>(i))))
      return static_cast<sip::header_id>(i);
  return sip::header_id::unknown;
}

void check_scanners(std::string_view s) {
  // The SWAR scanners against naive loops, from a few start offsets.
  for (std::size_t start : {std::size_t{0}, std::size_t{1}, std::size_t{7}, s.size() / 2}) {
    if (start > s.size()) continue;
    const char* p = s.data() + start;
    const char* end = s.data() + s.size();
    std::size_t naive = 0;
    while (p + naive < end && !sip::detail::is_head_special(p[naive])) ++naive;
    SIPALG_FUZZ_CHECK(sip::detail::find_head_special(p, end) == naive);
    naive = 0;
    while (p + naive < end && p[naive] != ':' && static_cast<unsigned char>(p[naive]) >= 0x0E) ++naive;
    SIPALG_FUZZ_CHECK(sip::detail::find_colon_or_control(p, end) == naive);
  }
}

template <std::size_t N1, std::size_t N2>
bool same_index(const sip::basic_message<N1>& a, const sip::basic_message<N2>& b) {
  if (a.headers.size() != b.headers.size()) return false;
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    const auto &x = a.headers[i], &y = b.headers[i];
    if (x.id != y.id || x.name != y.name || x.value != y.value || x.line != y.line) return false;
  }
  return a.kind == b.kind && a.method_type == b.method_type && a.status_code == b.status_code &&
         a.start_line == b.start_line && a.method == b.method && a.request_uri == b.request_uri &&
         a.version == b.version && a.reason == b.reason && a.head_end == b.head_end && a.body == b.body &&
         a.content_length == b.content_length && a.content_length_header == b.content_length_header &&
         a.message_end == b.message_end;
}

template <std::size_t N>
void check(std::string_view buf, const sip::parse_options& opt) {
  static sip::basic_message<N> m;  // static: large indexes stay off the stack
  const sip::parse_result r = sip::parse_message(buf, m, opt);
  const std::size_t n = buf.size();
  SIPALG_FUZZ_CHECK(m.headers.size() <= N);
  SIPALG_FUZZ_CHECK(sip::to_string(r.ec) != "unknown");

  // Determinism, and a larger index gives the same answer unless this one overflowed.
  {
    static sip::basic_message<64> again;
    const sip::parse_result r2 = sip::parse_message(buf, again, opt);
    if (N <= 64) {
      if (r.ec == sip::errc::too_many_headers) {
        SIPALG_FUZZ_CHECK(N < 64 || r2.ec == sip::errc::too_many_headers);
      } else {
        SIPALG_FUZZ_CHECK(r2 == r);
        if (r) SIPALG_FUZZ_CHECK(same_index(m, again));
      }
    } else if (r2.ec != sip::errc::too_many_headers) {
      SIPALG_FUZZ_CHECK(r2 == r);
      if (r) SIPALG_FUZZ_CHECK(same_index(m, again));
    }
  }

  if (!r) {
    SIPALG_FUZZ_CHECK(r.offset <= n || (r.ec == sip::errc::message_too_large && r.offset == opt.max_message_size));
    return;
  }

  // ---- success: the index describes the input
  SIPALG_FUZZ_CHECK(r.offset == m.message_end);
  SIPALG_FUZZ_CHECK(m.message_end <= n && m.head_end <= m.message_end);
  SIPALG_FUZZ_CHECK(m.start_line.present() && within(m.start_line, n) && m.start_line.end() <= m.head_end);
  for (std::size_t i = 0; i < m.start_line.offset; ++i) SIPALG_FUZZ_CHECK(buf[i] == '\r' || buf[i] == '\n');
  SIPALG_FUZZ_CHECK(within(m.version, n) && m.version.present());
  SIPALG_FUZZ_CHECK(sipalg::ascii::iequals(m.version.in(buf), "SIP/2.0"));
  for (const text_range part : {m.method, m.request_uri, m.version, m.reason}) {
    SIPALG_FUZZ_CHECK(within(part, n));
    if (part.present())
      SIPALG_FUZZ_CHECK(part.offset >= m.start_line.offset && part.end() <= m.start_line.end());
  }
  if (m.is_request()) {
    SIPALG_FUZZ_CHECK(m.method.present() && !m.method.empty() && m.request_uri.present() && !m.request_uri.empty());
    SIPALG_FUZZ_CHECK(!m.reason.present() && m.status_code == 0);
    SIPALG_FUZZ_CHECK(sipalg::ascii::is_token(m.method.in(buf)));
    SIPALG_FUZZ_CHECK(m.method_type == sip::lookup_method(m.method.in(buf)));
    for (char c : m.request_uri.in(buf)) SIPALG_FUZZ_CHECK(c != ' ' && c != '\t' && c != '\r' && c != '\n');
  } else {
    SIPALG_FUZZ_CHECK(m.status_code >= 100 && m.status_code <= 699);
    SIPALG_FUZZ_CHECK(!m.method.present() && !m.request_uri.present() && m.reason.present());
  }

  std::uint32_t pos = m.start_line.end();
  for (std::size_t i = 0; i < m.headers.size(); ++i) {
    const sip::header& h = m.headers[i];
    SIPALG_FUZZ_CHECK(within(h.line, n) && within(h.name, n) && within(h.value, n));
    SIPALG_FUZZ_CHECK(h.line.present() && h.name.present() && h.value.present());
    SIPALG_FUZZ_CHECK(h.line.offset == pos && h.line.end() <= m.head_end);
    SIPALG_FUZZ_CHECK(h.name.offset == h.line.offset && !h.name.empty());
    SIPALG_FUZZ_CHECK(h.value.offset >= h.name.end() && h.value.end() <= h.line.end());
    const std::string_view name = h.name.in(buf), value = h.value.in(buf), line = h.line.in(buf);
    SIPALG_FUZZ_CHECK(line.back() == '\n');
    SIPALG_FUZZ_CHECK(value.empty() || (!sip::detail::is_lws(value.front()) && !sip::detail::is_lws(value.back())));
    SIPALG_FUZZ_CHECK(sip::lookup_header(name) == h.id);
    SIPALG_FUZZ_CHECK(naive_lookup(name) == h.id);
    if (h.id == sip::header_id::unknown) SIPALG_FUZZ_CHECK(sipalg::ascii::is_token(name));
    if (h.id == sip::header_id::content_length) {
      std::uint32_t v = 0;
      SIPALG_FUZZ_CHECK(sip::parse_content_length(value, v).ok());
      SIPALG_FUZZ_CHECK(m.content_length && *m.content_length == v);
    }
    pos = h.line.end();
  }
  // The empty line.
  SIPALG_FUZZ_CHECK(m.head_end == pos + 1 || m.head_end == pos + 2);
  SIPALG_FUZZ_CHECK(buf.substr(pos, m.head_end - pos) == "\n" || buf.substr(pos, m.head_end - pos) == "\r\n");
  // Strict head: no bare CR, no NUL outside a quoted-pair.
  for (std::size_t i = m.start_line.offset; i < m.head_end; ++i) {
    if (buf[i] == '\r') SIPALG_FUZZ_CHECK(i + 1 < m.head_end && buf[i + 1] == '\n');
    if (buf[i] == '\0') SIPALG_FUZZ_CHECK(i > 0 && buf[i - 1] == '\\');
  }
  // Body and Content-Length.
  SIPALG_FUZZ_CHECK(m.body.present() && within(m.body, n));
  SIPALG_FUZZ_CHECK(m.body.offset == m.head_end && m.body.end() == m.message_end);
  if (m.content_length) {
    SIPALG_FUZZ_CHECK(m.body.length == *m.content_length);
    SIPALG_FUZZ_CHECK(m.content_length_header < m.headers.size());
    SIPALG_FUZZ_CHECK(m.headers[m.content_length_header].id == sip::header_id::content_length);
    SIPALG_FUZZ_CHECK(m.find_index(sip::header_id::content_length) == m.content_length_header);
  } else {
    SIPALG_FUZZ_CHECK(opt.allow_missing_content_length);
    SIPALG_FUZZ_CHECK(m.message_end == n && m.content_length_header == m.npos);
    SIPALG_FUZZ_CHECK(m.find(sip::header_id::content_length) == nullptr);
  }
  SIPALG_FUZZ_CHECK(m.message_end <= opt.max_message_size);

  // Bytes after the message do not matter: the message alone parses the same.
  if (m.message_end < n && m.content_length) {
    const sipalg::fuzz::exact_buffer alone(buf.substr(0, m.message_end));
    static sip::basic_message<N> m2;
    const sip::parse_result r3 = sip::parse_message(alone.view(), m2, opt);
    SIPALG_FUZZ_CHECK(r3 == r);
    SIPALG_FUZZ_CHECK(same_index(m2, m));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = sipalg::fuzz::split_control(data, size, 3);
  const std::uint8_t mode = in.control.empty() ? 0 : in.control[0];
  std::size_t next = 1;
  auto take = [&]() -> unsigned { return next < in.control.size() ? in.control[next++] : 0u; };

  sip::parse_options opt = (mode & 1) ? sip::parse_options::stream() : sip::parse_options::datagram();
  if (mode & 8) opt.max_line_length = 1 + take() * 8;
  if (mode & 16) opt.max_message_size = take() * 32;

  const sipalg::fuzz::exact_buffer buf(in.text);
  check_scanners(buf.view());
  switch ((mode >> 1) & 3) {
    case 0: check<64>(buf.view(), opt); break;
    case 1: check<3>(buf.view(), opt); break;
    case 2: check<16>(buf.view(), opt); break;
    default: check<128>(buf.view(), opt); break;
  }
  return 0;
}
