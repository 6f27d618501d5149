// Fuzz target: sip::parse_uri, sip::parse_host_port and sip::param_list on
// arbitrary text (a Request-URI, a URI from <...>, a parameter list).
//
// Invariants (sip_checks.hpp): every view lies inside the input; the parts put
// back together (scheme ":" [userinfo "@"] host[:port] params ["?" headers])
// are exactly the URI; an IPv4 host is canonical; the port text parses to the
// port; the host re-parses on its own to the same result; parameters iterate
// in order inside their list and find() agrees with iteration; the result is
// deterministic; an error offset lies inside the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzzer_common.hpp"
#include "sip_checks.hpp"
#include "sipalg/sip/host.hpp"
#include "sipalg/sip/uri.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sip = sipalg::sip;
  const sipalg::fuzz::exact_buffer buf(data, size);
  const std::string_view s = buf.view();

  sip::uri u;
  const sip::parse_result r = sip::parse_uri(s, u);
  if (r.ok()) {
    SIPALG_FUZZ_CHECK(u.text == s && r.offset == s.size());
    sipalg::fuzz::check_uri(u, s);
  } else {
    SIPALG_FUZZ_CHECK(r.offset <= s.size());
    SIPALG_FUZZ_CHECK(r.ec == sip::errc::bad_uri || r.ec == sip::errc::bad_host || r.ec == sip::errc::bad_port);
  }
  sip::uri again;
  SIPALG_FUZZ_CHECK(sip::parse_uri(s, again) == r);

  sip::host_port hp;
  const sip::parse_result h = sip::parse_host_port(s, hp);
  if (h.ok()) {
    SIPALG_FUZZ_CHECK(hp.text == s);
    sipalg::fuzz::check_host_port(hp, s);
  } else {
    SIPALG_FUZZ_CHECK(h.offset <= s.size());
  }

  sipalg::fuzz::check_params(s, s);
  return 0;
}
