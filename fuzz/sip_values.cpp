// Fuzz target: the scalar header-value parsers on arbitrary text: CSeq,
// Call-ID, Expires, Content-Length, Content-Type.
//
// Invariants: views lie inside the input; numbers print back to their digits
// (leading zeros aside) and respect their ranges (CSeq < 2^31, Expires and
// Content-Length < 2^32, and agree with core parse_decimal on the trimmed
// text); Call-ID has no LWS/control bytes and is the trimmed value;
// Content-Type's type/subtype are tokens, its params start with ';', its
// boundary lies inside the params; error offsets lie inside the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sip_checks.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sip/call_id.hpp"
#include "sipalg/sip/content_length.hpp"
#include "sipalg/sip/content_type.hpp"
#include "sipalg/sip/cseq.hpp"
#include "sipalg/sip/expires.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sip = sipalg::sip;
  using sipalg::fuzz::within;
  const sipalg::fuzz::exact_buffer buf(data, size);
  const std::string_view s = buf.view();
  const std::string_view t = sip::detail::trim_lws(s);

  {
    sip::cseq c;
    const auto r = sip::parse_cseq(s, c);
    SIPALG_FUZZ_CHECK(r.offset <= s.size());
    if (r.ok()) {
      SIPALG_FUZZ_CHECK(within(c.number_text, s) && within(c.method, s));
      SIPALG_FUZZ_CHECK(c.number < 0x80000000u);
      SIPALG_FUZZ_CHECK(sipalg::parse_decimal<std::uint32_t>(c.number_text) == c.number);
      SIPALG_FUZZ_CHECK(sipalg::ascii::is_token(c.method) && c.method_type == sip::lookup_method(c.method));
      SIPALG_FUZZ_CHECK(sipalg::fuzz::before(c.number_text, c.method));
    }
  }
  {
    std::string_view id;
    const auto r = sip::parse_call_id(s, id);
    SIPALG_FUZZ_CHECK(r.offset <= s.size());
    if (r.ok()) {
      SIPALG_FUZZ_CHECK(id == t && within(id, s) && !id.empty());
      for (char c : id) SIPALG_FUZZ_CHECK(static_cast<unsigned char>(c) > 0x20 && c != 0x7F);
    }
  }
  {
    std::uint32_t v = 0, w = 0;
    const auto re = sip::parse_expires(s, v);
    const auto rl = sip::parse_content_length(s, w);
    SIPALG_FUZZ_CHECK(re.offset <= s.size() && rl.offset <= s.size());
    const auto expected = sipalg::parse_decimal<std::uint32_t>(t);
    SIPALG_FUZZ_CHECK(re.ok() == expected.has_value() && rl.ok() == expected.has_value());
    if (expected) SIPALG_FUZZ_CHECK(v == *expected && w == *expected);
    if (!t.empty() && t.front() == '-') SIPALG_FUZZ_CHECK(rl.ec == sip::errc::negative_content_length);
  }
  {
    sip::content_type ct;
    const auto r = sip::parse_content_type(s, ct);
    SIPALG_FUZZ_CHECK(r.offset <= s.size());
    if (r.ok()) {
      SIPALG_FUZZ_CHECK(within(ct.text, s) && within(ct.type, ct.text) && within(ct.subtype, ct.text));
      SIPALG_FUZZ_CHECK(within(ct.params, ct.text) && ct.text.data() == ct.type.data());
      SIPALG_FUZZ_CHECK(sipalg::ascii::is_token(ct.type) && sipalg::ascii::is_token(ct.subtype));
      SIPALG_FUZZ_CHECK(sipalg::fuzz::before(ct.type, ct.subtype) && sipalg::fuzz::before(ct.subtype, ct.params));
      if (!ct.params.empty()) SIPALG_FUZZ_CHECK(ct.params.front() == ';');
      sipalg::fuzz::check_params(ct.params, ct.text);
      if (const auto b = ct.boundary()) SIPALG_FUZZ_CHECK(within(*b, ct.params));
      SIPALG_FUZZ_CHECK(ct.is_sdp() == (sipalg::ascii::iequals(ct.type, "application") &&
                                        sipalg::ascii::iequals(ct.subtype, "sdp")));
    }
  }
  return 0;
}
