// Fuzz target: sdp::parse_sdp over an arbitrary body.
//
// Input: [mode byte] body   (a control byte is >= 0x80, see fuzzer_common.hpp;
// a raw SDP body runs with the defaults). Mode bits 0-1 pick the index
// capacities (MaxMedia, MaxAttrs): (16, 64) default, (1, 1), (2, 8), (64, 512).
//
// Invariants (sdp_checks.hpp): every view lies inside the body; lines start
// with their type letter, hold no line end and no trailing blank; o= is
// present with non-empty fields before the first m=; addresses agree with
// their parsed literal and their addrtype; a host name is never an unparsed IP
// literal; ports and counts agree with their digits; the attribute ranges of
// the sections tile the attribute list in order. Also:
//   - deterministic; capacity-independent: with a larger index the result is
//     the same unless the small one overflowed (too_many_*);
//   - line ends do not matter: the body with every CRLF turned into LF parses
//     to the same verdict, ports and addresses; the body without its final
//     line end parses the same;
//   - an error offset lies inside the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sdp_checks.hpp"
#include "sipalg/sdp/parser.hpp"
#include "sipalg/sdp/session.hpp"

namespace {

namespace sdp = sipalg::sdp;
using big_t = sdp::basic_session_description<64, 512>;

/// What must not depend on the line ends.
template <std::size_t M, std::size_t A>
std::string summary(const sdp::basic_session_description<M, A>& s) {
  std::string out(s.origin.address);
  out += '|';
  out += s.connection.address;
  for (const auto& m : s.media) {
    out.append("|m ").append(m.media).append(" ").append(m.port_text).append(" ").append(m.proto);
    out.append(" c ").append(m.connection.address).append(" r ").append(m.rtcp.port_text);
    out.append(" a ").append(std::to_string(m.attr_end - m.attr_begin));
  }
  out.append("|a ").append(std::to_string(s.attributes.size()));
  return out;
}

template <std::size_t M, std::size_t A>
void check(std::string_view body) {
  static sdp::basic_session_description<M, A> s;
  const sdp::parse_result r = sdp::parse_sdp(body, s);
  SIPALG_FUZZ_CHECK(r.offset <= body.size());
  SIPALG_FUZZ_CHECK(sdp::to_string(r.ec) != "unknown");
  if (r.ok()) sipalg::fuzz::check_session(s, body);

  static big_t big;
  const sdp::parse_result rb = sdp::parse_sdp(body, big);
  if (r.ok()) {
    SIPALG_FUZZ_CHECK(rb.ok() && big.media.size() == s.media.size() && big.attributes.size() == s.attributes.size());
    SIPALG_FUZZ_CHECK(summary(big) == summary(s));
  } else if (r.ec != sdp::errc::too_many_media && r.ec != sdp::errc::too_many_attributes) {
    SIPALG_FUZZ_CHECK(rb == r);
  }
  if (rb.ok()) sipalg::fuzz::check_session(big, body);
  if (rb.ec == sdp::errc::too_many_media || rb.ec == sdp::errc::too_many_attributes) return;
  // The line-end variants below only hold when every CR ends a line (a bare CR is an error either way,
  // but removing the LF after "\r\r\n" would turn the first CR into a line end).
  for (std::size_t i = 0; i < body.size(); ++i)
    if (body[i] == '\r' && (i + 1 == body.size() || body[i + 1] != '\n')) return;

  // CRLF -> LF.
  std::string lf;
  lf.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i)
    if (!(body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n')) lf += body[i];
  if (lf.size() != body.size()) {
    const sipalg::fuzz::exact_buffer lf_buf(lf);
    static big_t s2;
    const sdp::parse_result r2 = sdp::parse_sdp(lf_buf.view(), s2);
    SIPALG_FUZZ_CHECK(r2.ec == rb.ec);
    if (r2.ok()) {
      sipalg::fuzz::check_session(s2, lf_buf.view());
      SIPALG_FUZZ_CHECK(summary(s2) == summary(big));
    }
  }
  // Without the final line end.
  std::size_t cut = body.size();
  if (cut > 0 && body[cut - 1] == '\n') --cut;
  if (cut > 0 && cut < body.size() && body[cut - 1] == '\r') --cut;
  if (cut < body.size()) {
    const sipalg::fuzz::exact_buffer short_buf(body.substr(0, cut));
    static big_t s3;
    const sdp::parse_result r3 = sdp::parse_sdp(short_buf.view(), s3);
    SIPALG_FUZZ_CHECK(r3.ec == rb.ec);
    if (r3.ok()) SIPALG_FUZZ_CHECK(summary(s3) == summary(big));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = sipalg::fuzz::split_control(data, size, 1);
  const std::uint8_t mode = in.control.empty() ? 0 : in.control[0];
  const sipalg::fuzz::exact_buffer body(in.text);
  switch (mode & 3) {
    case 0: check<16, 64>(body.view()); break;
    case 1: check<1, 1>(body.view()); break;
    case 2: check<2, 8>(body.view()); break;
    default: check<64, 512>(body.view()); break;
  }
  return 0;
}
