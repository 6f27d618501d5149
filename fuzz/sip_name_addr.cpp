// Fuzz target: sip::parse_name_addr (From/To/Route/Refer-To values) and
// sip::contact_reader (Contact values) on arbitrary text.
//
// Invariants (sip_checks.hpp): every view lies inside the input and in order
// (display name, URI, parameters); the element is trimmed; an addr-spec URI
// holds no ';', ',' or LWS; parameters start with ';' and end the element; the
// URI, when it parses, passes the sip_uri checks; contacts come out in order,
// non-overlapping, separated by commas, a wildcard only alone; the reader
// terminates and stops for good after an error; results are deterministic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sip_checks.hpp"
#include "sipalg/sip/contact.hpp"
#include "sipalg/sip/name_addr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sip = sipalg::sip;
  using sipalg::fuzz::before;
  const sipalg::fuzz::exact_buffer buf(data, size);
  const std::string_view s = buf.view();

  sip::name_addr na;
  const sip::parse_result r = sip::parse_name_addr(s, na);
  if (r.ok()) {
    SIPALG_FUZZ_CHECK(r.offset == s.size());
    sipalg::fuzz::check_name_addr(na, s);
  } else {
    SIPALG_FUZZ_CHECK(r.offset <= s.size());
  }
  sip::name_addr again;
  SIPALG_FUZZ_CHECK(sip::parse_name_addr(s, again) == r);

  sip::contact_reader reader(s);
  sip::contact c;
  std::string_view prev, first_text, first_uri;
  bool first_wildcard = false;
  std::size_t n = 0;
  while (reader.next(c)) {
    if (n == 0) first_text = c.text(), first_uri = c.uri(), first_wildcard = c.wildcard;
    SIPALG_FUZZ_CHECK(++n <= s.size());
    SIPALG_FUZZ_CHECK(reader.count() == n && reader.status().ok());
    sipalg::fuzz::check_contact(c, s);
    if (c.wildcard) SIPALG_FUZZ_CHECK(n == 1);
    SIPALG_FUZZ_CHECK(before(prev, c.text()));
    if (n > 1) {  // only LWS and one comma between two contacts
      const std::size_t gap_start = sipalg::fuzz::offset_in(prev, s) + prev.size();
      const std::string_view gap = s.substr(gap_start, sipalg::fuzz::offset_in(c.text(), s) - gap_start);
      std::size_t commas = 0;
      for (char ch : gap) {
        commas += ch == ',';
        SIPALG_FUZZ_CHECK(ch == ',' || sip::detail::is_lws(ch));
      }
      SIPALG_FUZZ_CHECK(commas == 1);
    }
    prev = c.text();
  }
  const sip::parse_result st = reader.status();
  SIPALG_FUZZ_CHECK(st.offset <= s.size());
  SIPALG_FUZZ_CHECK(!reader.next(c) && reader.status() == st && reader.count() == n);
  // A single-element value parses the same both ways.
  if (st.ok() && n == 1 && r.ok() && !first_wildcard) SIPALG_FUZZ_CHECK(first_text == na.text && first_uri == na.uri);
  return 0;
}
