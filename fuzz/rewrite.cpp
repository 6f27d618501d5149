// Fuzz target: the ALG rewriter (alg::basic_rewriter::plan) on a random
// message with a random binding, media mapper and policy, then applying the
// plan (alg::apply_copy) and checking the result.
//
// Input: [mode byte] [option bytes...] message  (control bytes >= 0x80, see
// fuzzer_common.hpp; a raw SIP message runs with the defaults: outbound UDP,
// the binding's inside endpoint taken from the message's top Via sent-by).
// Mode bits:
//   bit 0    inbound (server to phone) instead of outbound
//   bit 1    TCP binding (Content-Length mandatory)
//   bits 2-3 which address of the message is the binding's own (inside when
//            outbound, outside when inbound): top Via sent-by, first Contact,
//            Request-URI, SDP c=/o= (falls back to a fixed table)
//   bit 4    take that address from a fixed table instead
//   bit 5    small rewriter (8 headers, 4 edits, 96 arena bytes): no_fit paths
//   bit 6    policy from the option bytes (fields, direct media/signalling,
//            drop on failure, REGISTER without expiry, extra headers)
// The option bytes (FuzzedDataProvider) also pick the binding's other endpoint
// and the media mapper (same port, moved port, failure on the n-th call).
//
// Invariants:
//   - no crash; the verdict is consistent: edits only when `rewritten`, no
//     expectations after malformed/no_fit/media_unavailable, the failure action
//     is the policy's;
//   - edits are sorted, inside the message, and only ever replace an IP
//     address, host:port, port, Content-Length digits or (family change) an SDP
//     addrtype by the same kind of text;
//     no edit touches Call-ID, CSeq, Authorization/Proxy-Authorization lines,
//     the top Via branch or the From/To tags;
//   - the output re-parses as SIP (same rules), with the same headers in the
//     same order, identical Call-ID bytes, Content-Length equal to the body
//     length (the message ends where the input's ended, shifted by the size
//     change; trailing datagram octets are kept); its SDP, if the input's was
//     parsed, still parses;
//   - idempotence: planning again on the output with the same binding gives
//     `unchanged` (when the binding's inside and outside addresses differ);
//   - expectations name the message's Call-ID and the binding's addresses.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzzer_common.hpp"
#include "sdp_checks.hpp"
#include "sip_checks.hpp"
#include "sipalg/alg/binding.hpp"
#include "sipalg/alg/edit_plan.hpp"
#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/policy.hpp"
#include "sipalg/alg/rewriter.hpp"
#include "sipalg/core/endpoint.hpp"
#include "sipalg/sdp/multipart.hpp"
#include "sipalg/sdp/parser.hpp"
#include "sipalg/sip/contact.hpp"
#include "sipalg/sip/name_addr.hpp"
#include "sipalg/sip/parser.hpp"
#include "sipalg/sip/uri.hpp"
#include "sipalg/sip/via.hpp"

namespace {

namespace alg = sipalg::alg;
namespace sip = sipalg::sip;
namespace sdp = sipalg::sdp;
using sipalg::endpoint;
using sipalg::ip_address;

endpoint ep(std::string_view text) { return *endpoint::parse(text); }

const std::array<endpoint, 4>& own_table() {
  static const std::array<endpoint, 4> t = {ep("192.168.1.100:5060"), ep("192.168.20.100:5060"),
                                            ep("10.0.0.2:5062"), ep("[fd00::100]:5060")};
  return t;
}
const std::array<endpoint, 6>& other_table() {
  static const std::array<endpoint, 6> t = {ep("203.0.113.7:61000"),   ep("203.0.113.7:5060"),
                                            ep("198.51.100.200:1024"), ep("[2001:db8::7]:5062"),
                                            ep("10.0.0.1:5060"),       ep("255.255.255.255:65535")};
  return t;
}

std::optional<endpoint> host_endpoint(const sip::host_port& hp, std::uint16_t default_port) {
  const auto ip = hp.ip();
  if (!ip) return std::nullopt;
  return endpoint{*ip, hp.port_or(default_port)};
}

/// The address of the message chosen by `which` (0 Via, 1 Contact, 2 Request-URI, 3 SDP).
std::optional<endpoint> pick_from_message(std::string_view text, unsigned which, bool tcp) {
  static sip::message m;
  sip::parse_options opt;
  opt.allow_missing_content_length = !tcp;
  if (!sip::parse_message(text, m, opt).ok()) return std::nullopt;
  switch (which) {
    case 0: {
      const sip::header* h = m.find(sip::header_id::via);
      sip::via v;
      if (h == nullptr || !sip::parse_via(h->value.in(text), v).ok()) return std::nullopt;
      return host_endpoint(v.sent_by, v.transport_is("TLS") ? 5061 : 5060);
    }
    case 1: {
      const sip::header* h = m.find(sip::header_id::contact);
      if (h == nullptr) return std::nullopt;
      sip::contact_reader r(h->value.in(text));
      sip::contact c;
      sip::uri u;
      if (!r.next(c) || c.wildcard || !sip::parse_uri(c.uri(), u).ok() || !u.is_sip()) return std::nullopt;
      return host_endpoint(u.host, u.default_port());
    }
    case 2: {
      sip::uri u;
      if (!m.is_request() || !sip::parse_uri(m.request_uri.in(text), u).ok() || !u.is_sip()) return std::nullopt;
      return host_endpoint(u.host, u.default_port());
    }
    default: {
      const sip::header* ct = m.find(sip::header_id::content_type);
      if (ct == nullptr) return std::nullopt;
      const auto found = sdp::find_sdp_body(ct->value.in(text), m.body.in(text));
      static sdp::session_description s;
      if (!found.ok() || !sdp::parse_sdp(found.sdp, s).ok()) return std::nullopt;
      const sdp::net_address& a = s.connection.present() ? static_cast<const sdp::net_address&>(s.connection)
                                                          : static_cast<const sdp::net_address&>(s.origin);
      if (!a.ip) return std::nullopt;
      // The SIP port of the phone: the top Via's when there is one, else 5060.
      std::uint16_t port = 5060;
      if (auto via = pick_from_message(text, 0, tcp); via && via->address == *a.ip) port = via->port;
      return endpoint{*a.ip, port};
    }
  }
}

/// A replaced or replacing text must be an address, endpoint or decimal number, or an SDP
/// addrtype when the binding changes address family (LWS aside: a Via sent-by may have LWS
/// around its colon).
bool address_like(std::string_view text) {
  if (text == "IP4" || text == "IP6") return true;
  std::string compact;
  for (char c : text)
    if (!sip::detail::is_lws(c)) compact += c;
  std::string_view s = compact;
  if (sipalg::parse_decimal<std::uint32_t>(s)) return true;
  if (endpoint::parse(s)) return true;
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  return ip_address::parse(s).has_value();
}

/// Byte ranges of the input no edit may touch.
std::vector<sipalg::text_range> protected_ranges(std::string_view text, const sip::message& m) {
  std::vector<sipalg::text_range> out;
  for (const sip::header& h : m.headers) {
    switch (h.id) {
      case sip::header_id::call_id:
      case sip::header_id::cseq:
      case sip::header_id::authorization:
      case sip::header_id::proxy_authorization:
        out.push_back(h.line);
        break;
      case sip::header_id::from:
      case sip::header_id::to: {
        sip::name_addr na;
        if (sip::parse_name_addr(h.value.in(text), na).ok())
          if (auto tag = na.find_param("tag")) out.push_back(sipalg::text_range::of(text, tag->text));
        break;
      }
      default:
        break;
    }
  }
  if (const sip::header* h = m.find(sip::header_id::via)) {
    sip::via v;
    if (sip::parse_via(h->value.in(text), v).ok())
      if (auto b = v.branch()) out.push_back(sipalg::text_range::of(text, b->text));
  }
  return out;
}

struct mapper {
  unsigned mode = 0;       // 0 same port, 1 moved port, 2 fail at call `fail_at`, 3 top port
  unsigned fail_at = 0;
  ip_address outside;
  unsigned calls = 0;
  std::optional<endpoint> operator()(const endpoint& inside, bool want_pair) {
    const unsigned call = calls++;
    switch (mode) {
      case 0: return endpoint{outside, inside.port};
      case 1: return endpoint{outside, static_cast<std::uint16_t>(want_pair ? 40000 + 2 * call : 50001 + call)};
      case 2:
        if (call == fail_at) return std::nullopt;
        return endpoint{outside, static_cast<std::uint16_t>(20000 + 2 * call)};
      default: return endpoint{outside, static_cast<std::uint16_t>(want_pair ? 65534 : 65535)};
    }
  }
};

template <class Rewriter>
void run(std::string_view text, const alg::binding& b, const alg::policy& pol, mapper map) {
  static Rewriter rw;
  rw.set_policy(pol);
  mapper first_map = map;
  const alg::rewrite_result r = rw.plan(text, b, first_map);
  const auto& plan = rw.edits();
  const auto& exps = rw.expectations();

  // ---- the verdict
  SIPALG_FUZZ_CHECK(alg::to_string(r.status) != "unknown" && !alg::error_name(r).empty());
  SIPALG_FUZZ_CHECK(r.changed() == (r.status == alg::rewrite_status::rewritten));
  SIPALG_FUZZ_CHECK(r.changed() == !plan.empty());
  SIPALG_FUZZ_CHECK(plan.message().data() == text.data() && plan.message().size() == text.size());
  const bool failed = r.status == alg::rewrite_status::malformed || r.status == alg::rewrite_status::no_fit ||
                      r.status == alg::rewrite_status::media_unavailable;
  if (failed) {
    SIPALG_FUZZ_CHECK(exps.empty());
    const alg::failure_action want = r.status == alg::rewrite_status::malformed ? pol.on_malformed : pol.on_no_fit;
    if (r.status != alg::rewrite_status::media_unavailable) SIPALG_FUZZ_CHECK(r.action == want);
    SIPALG_FUZZ_CHECK(r.offset <= text.size() || r.sip_error == sip::errc::message_too_large);
  } else {
    SIPALG_FUZZ_CHECK(r.forward() && r.sip_error == sip::errc::ok && r.sdp_error == sdp::errc::ok);
  }
  static sip::message in_msg;
  sip::parse_options opt;
  opt.allow_missing_content_length = b.transport == sipalg::transport::udp;
  const bool in_ok = sip::parse_message(text, in_msg, opt).ok();
  if (!failed) SIPALG_FUZZ_CHECK(in_ok);

  // ---- expectations
  for (const alg::expectation& e : exps) {
    SIPALG_FUZZ_CHECK(e.call_id.empty() || sipalg::fuzz::within(e.call_id, text));
    SIPALG_FUZZ_CHECK(alg::to_string(e.kind) != "unknown");
    if (e.action == alg::expectation_action::add) {
      if (e.kind == alg::expectation_kind::signalling) {
        SIPALG_FUZZ_CHECK(e.outside == b.outside && e.inside == b.inside);
      } else {
        SIPALG_FUZZ_CHECK(e.inside.address == b.inside.address && e.outside.address == b.outside.address);
      }
      if (!e.remote) SIPALG_FUZZ_CHECK(e.kind == alg::expectation_kind::signalling ? pol.direct_signalling
                                                                                   : pol.direct_media);
    }
  }
  if (!r.changed()) return;

  // ---- the edits
  const auto guarded = protected_ranges(text, in_msg);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const alg::edit& e = plan[i];
    SIPALG_FUZZ_CHECK(e.offset <= text.size() && e.old_len <= text.size() - e.offset);
    if (i > 0) SIPALG_FUZZ_CHECK(plan[i - 1].offset + plan[i - 1].old_len <= e.offset);
    SIPALG_FUZZ_CHECK(address_like(plan.original(e)) && address_like(plan.replacement(e)));
    for (const sipalg::text_range& g : guarded)
      SIPALG_FUZZ_CHECK(e.offset + e.old_len <= g.offset || e.offset >= g.end());
  }

  // ---- the output
  std::string out(plan.result_size(), '\0');
  const alg::apply_result ar = alg::apply_copy(plan, std::span<char>(out.data(), out.size()));
  SIPALG_FUZZ_CHECK(ar.ec == alg::apply_errc::ok && ar.size == out.size());
  const sipalg::fuzz::exact_buffer out_buf(out);
  static sip::message out_msg;
  const sip::parse_result pr = sip::parse_message(out_buf.view(), out_msg, opt);
  SIPALG_FUZZ_CHECK(pr.ok());
  SIPALG_FUZZ_CHECK(out_msg.headers.size() == in_msg.headers.size() && out_msg.kind == in_msg.kind);
  for (std::size_t i = 0; i < in_msg.headers.size(); ++i) {
    SIPALG_FUZZ_CHECK(out_msg.headers[i].id == in_msg.headers[i].id);
    if (in_msg.headers[i].id == sip::header_id::call_id || in_msg.headers[i].id == sip::header_id::cseq)
      SIPALG_FUZZ_CHECK(out_msg.headers[i].value.in(out_buf.view()) == in_msg.headers[i].value.in(text));
  }
  // Content-Length is the body length: the message ends where it ended, moved by the size change.
  const std::int64_t delta = plan.delta();
  SIPALG_FUZZ_CHECK(static_cast<std::int64_t>(out_msg.message_end) ==
                    static_cast<std::int64_t>(in_msg.message_end) + delta);
  SIPALG_FUZZ_CHECK(out_buf.size() - out_msg.message_end == text.size() - in_msg.message_end);
  if (out_msg.content_length) SIPALG_FUZZ_CHECK(*out_msg.content_length == out_msg.body.length);
  // The SDP still parses when the rewriter parsed it.
  const sip::header* ct = in_msg.find(sip::header_id::content_type);
  if (ct != nullptr && b.dir == alg::direction::outbound && pol.rewrites(alg::rewrite_sdp)) {
    const auto in_sdp = sdp::find_sdp_body(ct->value.in(text), in_msg.body.in(text));
    static sdp::session_description s;
    if (in_sdp.ok() && sdp::parse_sdp(in_sdp.sdp, s).ok()) {
      const sip::header* oct = out_msg.find(sip::header_id::content_type);
      SIPALG_FUZZ_CHECK(oct != nullptr);
      const auto out_sdp = sdp::find_sdp_body(oct->value.in(out_buf.view()), out_msg.body.in(out_buf.view()));
      SIPALG_FUZZ_CHECK(out_sdp.ok());
      const sipalg::fuzz::exact_buffer sdp_copy(out_sdp.sdp);
      SIPALG_FUZZ_CHECK(sdp::parse_sdp(sdp_copy.view(), s).ok());
      sipalg::fuzz::check_session(s, sdp_copy.view());
    }
  }

  // ---- idempotence: the output holds nothing of the binding's "from" side any more.
  if (b.inside.address != b.outside.address) {
    static Rewriter rw2;
    rw2.set_policy(pol);
    mapper second_map = map;
    const alg::rewrite_result r2 = rw2.plan(out_buf.view(), b, second_map);
    SIPALG_FUZZ_CHECK(r2.status == alg::rewrite_status::unchanged);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = sipalg::fuzz::split_control(data, size, 8);
  const std::uint8_t mode = in.control.empty() ? 0 : in.control[0];
  FuzzedDataProvider fdp(in.control.data() + (in.control.empty() ? 0 : 1),
                         in.control.empty() ? 0 : in.control.size() - 1);
  const sipalg::fuzz::exact_buffer buf(in.text);
  const std::string_view text = buf.view();

  const bool inbound = mode & 1, tcp = mode & 2;
  const unsigned which = (mode >> 2) & 3;
  std::optional<endpoint> own;
  if ((mode & 16) == 0) own = pick_from_message(text, which, tcp);
  if (!own) own = own_table()[which];
  const endpoint other = other_table()[fdp.ConsumeIntegralInRange<std::size_t>(0, other_table().size() - 1)];

  alg::binding b;
  b.dir = inbound ? alg::direction::inbound : alg::direction::outbound;
  b.transport = tcp ? sipalg::transport::tcp : sipalg::transport::udp;
  b.inside = inbound ? other : *own;
  b.outside = inbound ? *own : other;
  b.peer = ep("198.51.100.1:5060");

  mapper map;
  map.mode = fdp.ConsumeIntegralInRange<unsigned>(0, 3);
  map.fail_at = fdp.ConsumeIntegralInRange<unsigned>(0, 7);
  map.outside = b.outside.address;

  alg::policy pol;
  if (mode & 64) {
    pol.fields = fdp.ConsumeIntegralInRange<std::uint32_t>(0, 63);
    pol.direct_media = fdp.ConsumeBool();
    pol.direct_signalling = fdp.ConsumeBool();
    pol.on_malformed = fdp.ConsumeBool() ? alg::failure_action::drop : alg::failure_action::pass;
    pol.on_no_fit = fdp.ConsumeBool() ? alg::failure_action::drop : alg::failure_action::pass;
    pol.register_without_expires =
        fdp.ConsumeBool() ? alg::absent_expires::unregister : alg::absent_expires::registrar_default;
    static constexpr std::array<std::string_view, 5> extra = {"P-Asserted-Identity", "Refer-To", "Route",
                                                              "Record-Route", "X-Custom-Contact"};
    const unsigned bits = fdp.ConsumeIntegralInRange<unsigned>(0, 31);
    for (std::size_t i = 0; i < extra.size(); ++i)
      if (bits & (1u << i)) (void)pol.extra_headers.push_back(extra[i]);
  }

  if (mode & 32)
    run<alg::basic_rewriter<8, 4, 96>>(text, b, pol, map);
  else
    run<alg::rewriter>(text, b, pol, map);
  return 0;
}
