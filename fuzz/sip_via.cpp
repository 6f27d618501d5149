// Fuzz target: sip::via_reader / sip::parse_via on arbitrary text (a Via
// header value, possibly folded, possibly several comma-separated via-parms).
//
// Invariants (sip_checks.hpp): every view lies inside the input, in order
// (protocol name, version, transport, sent-by, params); name/version/transport
// are tokens; the sent-by passes the host checks and ends where the params (or
// the via-parm) end; the via-parms come out in order separated by one comma;
// parse_via returns the first via-parm; the reader terminates and stays
// stopped after an error; results are deterministic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sip_checks.hpp"
#include "sipalg/sip/via.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sip = sipalg::sip;
  using sipalg::fuzz::before;
  const sipalg::fuzz::exact_buffer buf(data, size);
  const std::string_view s = buf.view();

  sip::via_reader reader(s);
  sip::via v, first;
  std::string_view prev;
  std::size_t n = 0;
  while (reader.next(v)) {
    SIPALG_FUZZ_CHECK(++n <= s.size());
    if (n == 1) first = v;
    sipalg::fuzz::check_via(v, s);
    SIPALG_FUZZ_CHECK(before(prev, v.text));
    if (n > 1) {
      const std::size_t gap_start = sipalg::fuzz::offset_in(prev, s) + prev.size();
      const std::string_view gap = s.substr(gap_start, sipalg::fuzz::offset_in(v.text, s) - gap_start);
      std::size_t commas = 0;
      for (char ch : gap) {
        commas += ch == ',';
        SIPALG_FUZZ_CHECK(ch == ',' || sip::detail::is_lws(ch));
      }
      SIPALG_FUZZ_CHECK(commas == 1);
    }
    prev = v.text;
  }
  const sip::parse_result st = reader.status();
  SIPALG_FUZZ_CHECK(st.offset <= s.size());
  SIPALG_FUZZ_CHECK(!reader.next(v) && reader.status() == st && reader.count() == n);

  sip::via top;
  const sip::parse_result r = sip::parse_via(s, top);
  SIPALG_FUZZ_CHECK(r.ok() == (n > 0));
  if (r.ok()) {
    SIPALG_FUZZ_CHECK(top.text == first.text && top.sent_by.text == first.sent_by.text && top.params == first.params);
    SIPALG_FUZZ_CHECK(r.offset == sipalg::fuzz::offset_in(top.text, s) + top.text.size());
  } else {
    SIPALG_FUZZ_CHECK(r.offset <= s.size() && r == st);
  }
  return 0;
}
