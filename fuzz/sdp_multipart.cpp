// Fuzz target: locating the SDP of a SIP body (sdp::find_sdp_body,
// sdp::multipart_reader, Content-Type helpers), then parsing it.
//
// Input: a SIP message (its Content-Type value and body are used), or, when
// the input is not a SIP message with a Content-Type, "<Content-Type value>
// LF <body>". An optional leading control byte (>= 0x80) with bit 0 set makes
// the body the whole rest of the input even for a SIP message.
//
// Invariants:
//   - media_type_of and content_type_parameter return views inside the value;
//   - find_sdp_body: an error offset lies inside the body; the SDP found is a
//     view inside the body, `range` names the same bytes, `in_multipart` is
//     set exactly for multipart Content-Types, application/sdp gives the whole
//     body; the SDP found, when it parses, passes the sdp target's checks;
//   - multipart_reader: parts come in order, do not overlap, lie inside the
//     body; a part's Content-Type/-Transfer-Encoding values lie inside its
//     headers, headers precede content; the reader terminates and stays done;
//   - everything is deterministic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sdp_checks.hpp"
#include "sipalg/sdp/multipart.hpp"
#include "sipalg/sdp/parser.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/parser.hpp"

namespace {

namespace sdp = sipalg::sdp;
using sipalg::fuzz::before;
using sipalg::fuzz::within;

void check_reader(std::string_view body, std::string_view boundary) {
  sdp::multipart_reader reader(body, boundary);
  sdp::body_part part;
  std::string_view prev;
  std::size_t n = 0;
  while (reader.next(part)) {
    SIPALG_FUZZ_CHECK(++n <= body.size());
    SIPALG_FUZZ_CHECK(within(part.headers, body) && within(part.content, body));
    // A value lies inside the part's headers (an empty one, e.g. "Content-Type:" at the end of the
    // headers, may sit just past them, on the line end).
    for (std::string_view v : {part.content_type, part.content_transfer_encoding})
      SIPALG_FUZZ_CHECK(within(v, part.headers) || (v.empty() && within(v, body)));
    SIPALG_FUZZ_CHECK(before(part.headers, part.content) && before(prev, part.headers));
    // The part body never contains the delimiter line that ends it.
    prev = part.content;
  }
  const sdp::parse_result st = reader.status();
  SIPALG_FUZZ_CHECK(st.offset <= body.size());
  SIPALG_FUZZ_CHECK(!reader.next(part) && reader.status() == st);
  if (st.ok() && !boundary.empty()) SIPALG_FUZZ_CHECK(reader.done());
}

void check(std::string_view content_type, std::string_view body) {
  SIPALG_FUZZ_CHECK(within(sdp::media_type_of(content_type), content_type));
  const auto boundary = sdp::content_type_parameter(content_type, "boundary");
  if (boundary) SIPALG_FUZZ_CHECK(within(*boundary, content_type));
  const bool is_sdp = sdp::is_sdp_content_type(content_type);
  const bool is_multipart = sdp::is_multipart_content_type(content_type);
  SIPALG_FUZZ_CHECK(!(is_sdp && is_multipart));

  const sdp::sdp_body found = sdp::find_sdp_body(content_type, body);
  SIPALG_FUZZ_CHECK(sdp::to_string(found.ec) != "unknown");
  const sdp::sdp_body again = sdp::find_sdp_body(content_type, body);
  SIPALG_FUZZ_CHECK(again.ec == found.ec && again.offset == found.offset && again.sdp.data() == found.sdp.data() &&
                    again.sdp.size() == found.sdp.size());
  if (!found.ok()) {
    SIPALG_FUZZ_CHECK(found.offset <= body.size());
    if (!is_sdp && !is_multipart) SIPALG_FUZZ_CHECK(found.ec == sdp::errc::not_sdp);
  } else {
    SIPALG_FUZZ_CHECK(is_sdp || is_multipart);
    SIPALG_FUZZ_CHECK(within(found.sdp, body) && found.sdp.data() != nullptr);
    SIPALG_FUZZ_CHECK(found.range == sipalg::text_range::of(body, found.sdp));
    SIPALG_FUZZ_CHECK(found.in_multipart == is_multipart);
    if (is_sdp) SIPALG_FUZZ_CHECK(found.sdp.data() == body.data() && found.sdp.size() == body.size());
    // Parse what was found, as the rewriter does (an exact-size copy: the SDP may end mid-body).
    const sipalg::fuzz::exact_buffer copy(found.sdp);
    static sdp::session_description s;
    const sdp::parse_result r = sdp::parse_sdp(copy.view(), s);
    SIPALG_FUZZ_CHECK(r.offset <= copy.size());
    if (r.ok()) sipalg::fuzz::check_session(s, copy.view());
  }
  if (is_multipart && boundary) check_reader(body, *boundary);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = sipalg::fuzz::split_control(data, size, 1);
  const std::uint8_t mode = in.control.empty() ? 0 : in.control[0];
  const sipalg::fuzz::exact_buffer buf(in.text);
  const std::string_view text = buf.view();

  if ((mode & 1) == 0) {
    static sipalg::sip::message m;
    if (sipalg::sip::parse_message(text, m).ok()) {
      if (const auto* h = m.find(sipalg::sip::header_id::content_type)) {
        // Exact-size copies: a multipart body ends where the datagram ends.
        const sipalg::fuzz::exact_buffer ct(h->value.in(text)), body(m.body.in(text));
        check(ct.view(), body.view());
        return 0;
      }
    }
  }
  const std::size_t lf = text.find('\n');
  std::string_view ct = text.substr(0, lf);
  if (!ct.empty() && ct.back() == '\r') ct.remove_suffix(1);
  const sipalg::fuzz::exact_buffer ct_buf(ct);
  const sipalg::fuzz::exact_buffer body(lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1));
  check(ct_buf.view(), body.view());
  return 0;
}
