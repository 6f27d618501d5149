/**
 * @file rewriter.hpp
 * The SIP ALG rewriter: given one SIP message, the NAT binding of the flow it
 * crosses and a policy, it plans the edits that translate the binding's
 * address in the SIP and SDP (it never writes while planning) and the
 * expectations the host must open or close.
 *
 * Outbound (inside to outside, what the phone sends): the inside endpoint
 * becomes the outside one in the top Via sent-by, every Contact URI, the
 * Request-URI, and SDP o=, c= (session and media level), m= ports and a=rtcp.
 * Media ports come from the host (`map_media`).
 *
 * Inbound (outside to inside, what the server sends): the outside endpoint is
 * restored in the top Via sent-by and its received=/rport=, in Contact URIs,
 * and in the Request-URI of an incoming request. The peer's SDP is not touched.
 *
 * Exact match only: an address is rewritten only when it is the binding's own
 * address, and its port where a port is written (a missing port means 5060,
 * 5061 for sips). Never touched: Call-ID, branch, tags, CSeq,
 * Authorization/Proxy-Authorization, anything the policy does not name.
 *
 * All or nothing: when the message is malformed, or the edits do not fit,
 * the plan is left empty and the result says why and whether to forward the
 * message unchanged or drop it (policy::on_malformed / on_no_fit).
 *
 * @code
 *   sipalg::alg::rewriter rw;                       // reuse one per thread: no allocation per message
 *   auto r = rw.plan(payload, binding, [&](const sipalg::endpoint& inside, bool want_pair)
 *                                          -> std::optional<sipalg::endpoint> { return nat.map_media(inside, want_pair); });
 *   if (!r.forward()) drop();
 *   else if (r.status == sipalg::alg::rewrite_status::rewritten) apply_with(rw.edits(), skb_mangle);
 *   for (const auto& e : rw.expectations()) nat.expect(e);
 * @endcode
 */
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/alg/binding.hpp"
#include "sipalg/alg/edit_plan.hpp"
#include "sipalg/alg/expectation.hpp"
#include "sipalg/alg/policy.hpp"
#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/fixed_string.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sdp/multipart.hpp"
#include "sipalg/sdp/parser.hpp"
#include "sipalg/sip/contact.hpp"
#include "sipalg/sip/cseq.hpp"
#include "sipalg/sip/name_addr.hpp"
#include "sipalg/sip/parser.hpp"
#include "sipalg/sip/uri.hpp"
#include "sipalg/sip/via.hpp"

namespace sipalg::alg {

/// What the rewriter decided.
enum class rewrite_status : std::uint8_t {
  unchanged,          ///< nothing of the binding's in the message: forward it as is
  rewritten,          ///< the plan holds the edits: apply them, then forward
  malformed,          ///< SIP or SDP that cannot be rewritten safely (see errors): forward unchanged or drop
  no_fit,             ///< too many headers, edits or expectations: forward unchanged or drop
  media_unavailable,  ///< the host could not map a media port: forward unchanged or drop
};

[[nodiscard]] constexpr std::string_view to_string(rewrite_status s) noexcept {
  switch (s) {
    case rewrite_status::unchanged: return "unchanged";
    case rewrite_status::rewritten: return "rewritten";
    case rewrite_status::malformed: return "malformed";
    case rewrite_status::no_fit: return "no_fit";
    case rewrite_status::media_unavailable: return "media_unavailable";
  }
  return "unknown";
}

/// The verdict on one message.
struct [[nodiscard]] rewrite_result {
  rewrite_status status = rewrite_status::unchanged;
  failure_action action = failure_action::pass;  ///< pass: forward (rewritten or unchanged); drop: drop it
  sip::errc sip_error = sip::errc::ok;           ///< the SIP parse error, when malformed / no_fit
  sdp::errc sdp_error = sdp::errc::ok;           ///< the SDP parse error, when malformed
  plan_errc plan_error = plan_errc::ok;          ///< why the edits did not fit, when no_fit
  std::uint32_t offset = 0;                      ///< byte offset of the error in the message

  /// True when the host should forward the message (with the plan applied, if any).
  [[nodiscard]] constexpr bool forward() const noexcept { return action == failure_action::pass; }
  /// True when the plan must be applied before forwarding.
  [[nodiscard]] constexpr bool changed() const noexcept { return status == rewrite_status::rewritten; }
};

/// Name of a verdict's error for logs: the SIP, SDP or plan error, or the status.
[[nodiscard]] constexpr std::string_view error_name(const rewrite_result& r) noexcept {
  if (r.sip_error != sip::errc::ok) return sip::to_string(r.sip_error);
  if (r.sdp_error != sdp::errc::ok) return sdp::to_string(r.sdp_error);
  if (r.plan_error != plan_errc::ok) return to_string(r.plan_error);
  return to_string(r.status);
}

/**
 * The default media mapper: the same port on the binding's outside address
 * (what a NAT that preserves ports does). Hosts with a real port allocator
 * pass their own callable with the same signature.
 */
struct same_port_mapper {
  ip_address outside;
  [[nodiscard]] constexpr std::optional<endpoint> operator()(const endpoint& inside, bool) const noexcept {
    return endpoint{outside, inside.port};
  }
};

/**
 * Plans rewrites. Holds its scratch space (message index, SDP index, edit
 * plan, expectations: about 16 KiB) so that one object, reused per thread or
 * per packet, makes planning allocation-free. Not thread-safe; cheap to keep.
 */
template <std::size_t MaxHeaders = 64, std::size_t MaxEdits = 48, std::size_t ArenaSize = 2048>
class basic_rewriter {
 public:
  using plan_type = basic_edit_plan<MaxEdits, ArenaSize>;

  constexpr basic_rewriter() noexcept = default;
  constexpr explicit basic_rewriter(const alg::policy& p) noexcept : policy_(p) {}

  [[nodiscard]] constexpr const alg::policy& policy() const noexcept { return policy_; }
  constexpr void set_policy(const alg::policy& p) noexcept { policy_ = p; }

  /**
   * Plans the rewrite of `message` (one SIP message; for UDP a datagram may
   * carry trailing octets after it, which are left alone).
   *
   * @param map_media callable `std::optional<endpoint>(const endpoint& inside, bool want_pair)`
   *        returning the outside endpoint for an inside RTP (or RTCP) endpoint;
   *        with want_pair the host also reserves the next port for RTCP.
   *        nullopt: no port available (media_unavailable).
   * @return the verdict; on `rewritten` edits() holds the plan. expectations()
   *         holds the pinholes to open/close whenever the message is forwarded
   *         (it is empty after malformed / no_fit / media_unavailable).
   *         Views in edits() and expectations() refer to `message` and to this object.
   */
  template <class MapMedia>
  rewrite_result plan(std::string_view message, const binding& b, MapMedia&& map_media) noexcept {
    plan_.reset(message);
    expectations_.clear();
    msg_text_ = message;
    binding_ = b;
    sip::parse_options opt;
    opt.allow_missing_content_length = (b.transport == transport::udp);
    const sip::parse_result pr = sip::parse_message(message, msg_, opt);
    if (pr.ec != sip::errc::ok) {
      rewrite_result r = fail(pr.ec == sip::errc::too_many_headers || pr.ec == sip::errc::message_too_large
                                  ? rewrite_status::no_fit
                                  : rewrite_status::malformed,
                              pr.offset);
      r.sip_error = pr.ec;
      return r;
    }
    index_known_headers();
    call_id_ = known_[ks_call_id] != nullptr ? known_[ks_call_id]->value.in(message) : std::string_view{};

    const bool outbound = b.dir == direction::outbound;
    const endpoint& from = outbound ? b.inside : b.outside;
    const endpoint& to = outbound ? b.outside : b.inside;
    // An IPv4 host matches only when it is written exactly as the canonical
    // dotted quad (parse_v4 takes no leading zeros, and an IPv6 host never
    // equals an IPv4 address): text that does not contain it cannot match.
    from_ = from;
    // Both texts are kept from one message to the next while the address stays the
    // same (the public address of a NAT rarely changes): formatting costs ~100 instructions.
    if (!from_text_valid_ || !(from_text_ip_ == from.address)) {
      from_v4_text_ = from.address.is_v4() ? from.address.to_text() : ip_address::text{};
      from_text_ip_ = from.address;
      from_text_valid_ = true;
    }

    rewrite_result r;
    if (msg_.is_request() && policy_.rewrites(rewrite_request_uri)) {
      if (!rewrite_uri_text(msg_.request_uri.in(message), to, r)) return r;
    }
    if (policy_.rewrites(rewrite_via) && !rewrite_top_via(from, to, outbound, r)) return r;
    if (policy_.rewrites(rewrite_contact) && !rewrite_contacts(to, r)) return r;
    if (policy_.rewrites(rewrite_from_to)) rewrite_from_to_headers(to);
    if (policy_.rewrites(rewrite_extra_headers)) {
      for (std::size_t i = 0; i < policy_.extra_headers.size(); ++i) {
        const std::string_view name = policy_.extra_headers[i];
        const sip::header_id id = sip::lookup_header(name);
        if (!extra_header_allowed(id, i)) continue;
        rewrite_name_addr_headers(id, name, to);
      }
    }

    // Lifetimes of earlier expectations: BYE, CANCEL and final 4xx-6xx to INVITE end the call.
    const bool ends_call = ends_call_media();
    if (ends_call) {
      if (!remove_call_media()) return no_fit_expectations();
    }

    const bool has_sdp = outbound && policy_.rewrites(rewrite_sdp) && !ends_call;
    if (has_sdp && !plan_sdp(map_media, r)) return r;

    if (outbound && msg_.is_request() && msg_.method_type == sip::method_id::register_) {
      if (!track_registration()) return no_fit_expectations();
    }

    fix_content_length();
    if (plan_.error() != plan_errc::ok) return no_fit_plan();
    r.status = plan_.empty() ? rewrite_status::unchanged : rewrite_status::rewritten;
    return r;
  }

  /// Plans with the default mapper (same port on the outside address).
  rewrite_result plan(std::string_view message, const binding& b) noexcept {
    return plan(message, b, same_port_mapper{b.outside.address});
  }

  /// The edits of the last plan(), sorted, non-overlapping, against the original message.
  [[nodiscard]] constexpr const plan_type& edits() const noexcept SIPALG_LIFETIMEBOUND { return plan_; }
  /// The expectations of the last plan().
  [[nodiscard]] constexpr const expectation_list& expectations() const noexcept SIPALG_LIFETIMEBOUND {
    return expectations_;
  }
  /// The message index of the last plan() (valid when it parsed).
  [[nodiscard]] constexpr const sip::basic_message<MaxHeaders>& message() const noexcept SIPALG_LIFETIMEBOUND {
    return msg_;
  }

 private:
  // --- verdicts --------------------------------------------------------------
  constexpr rewrite_result fail(rewrite_status s, std::uint32_t offset) noexcept {
    plan_.reset(msg_text_);
    expectations_.clear();
    rewrite_result r;
    r.status = s;
    r.offset = offset;
    r.action = s == rewrite_status::malformed ? policy_.on_malformed : policy_.on_no_fit;
    return r;
  }
  constexpr rewrite_result no_fit_plan() noexcept {
    const plan_errc e = plan_.error();
    rewrite_result r = fail(rewrite_status::no_fit, 0);
    r.plan_error = e;
    return r;
  }
  constexpr rewrite_result no_fit_expectations() noexcept { return fail(rewrite_status::no_fit, 0); }

  // --- headers ---------------------------------------------------------------
  /// The single-instance headers the plan reads, found in one pass over the index
  /// (instead of one linear find() each): known_[slot] is the first header of that
  /// kind, or nullptr.
  enum known_slot : std::uint8_t { ks_other, ks_call_id, ks_via, ks_content_type, ks_cseq, ks_to, ks_expires, ks_count };
  static constexpr std::array<std::uint8_t, 256> known_slot_of = [] {
    std::array<std::uint8_t, 256> t{};
    t[static_cast<std::uint8_t>(sip::header_id::call_id)] = ks_call_id;
    t[static_cast<std::uint8_t>(sip::header_id::via)] = ks_via;  // the top Via (the first Via header line)
    t[static_cast<std::uint8_t>(sip::header_id::content_type)] = ks_content_type;
    t[static_cast<std::uint8_t>(sip::header_id::cseq)] = ks_cseq;
    t[static_cast<std::uint8_t>(sip::header_id::to)] = ks_to;
    t[static_cast<std::uint8_t>(sip::header_id::expires)] = ks_expires;
    return t;
  }();

  constexpr void index_known_headers() noexcept {
    for (const sip::header*& k : known_) k = nullptr;
    // Backwards and unconditionally, so the first header of a kind is the one that stays
    // (slot ks_other collects the rest): no branch per header.
    for (std::size_t i = msg_.headers.size(); i-- > 0;)
      known_[known_slot_of[static_cast<std::uint8_t>(msg_.headers[i].id)]] = &msg_.headers[i];
  }

  // --- addresses -------------------------------------------------------------
  /**
   * True when `hp` names exactly the translated endpoint `from_` (address, and
   * port or the default port). An IPv4 host (host_kind::ipv4 is a dotted quad
   * that parses, so it is canonical: no leading zeros) equals an IPv4 address
   * exactly when its text is that address's text, so no re-parse is needed.
   * Over TCP the phone connects from an ephemeral port while its Via and
   * Contact name its listening port (RFC 3261 18.1.1): the NAT maps only the
   * connection, and requests come back over it, so on TCP bindings the address
   * alone decides and the connection's public endpoint is written.
   */
  constexpr bool matches_from(const sip::host_port& hp, std::uint16_t default_port) const noexcept {
    if (hp.kind == sip::host_kind::ipv4) {
      if (!from_.address.is_v4() || hp.address != from_v4_text_.view()) return false;
    } else if (hp.kind == sip::host_kind::ipv6) {
      const auto ip = hp.ip();
      if (!ip || *ip != from_.address) return false;
    } else {
      return false;
    }
    return binding_.transport == transport::tcp || hp.port_or(default_port) == from_.port;
  }

  /// Replaces `host[:port]` of `hp` by `to`. A written port is always written;
  /// a missing one is added only when `to` is not on the default port.
  constexpr void replace_host_port(const sip::host_port& hp, const endpoint& to, std::uint16_t default_port) noexcept {
    const bool with_port = hp.has_port || to.port != default_port;
    const std::string_view m = msg_text_;
    const std::size_t begin = static_cast<std::size_t>(hp.host.data() - m.data());
    const std::size_t end =
        hp.has_port ? static_cast<std::size_t>(hp.port_text.data() + hp.port_text.size() - m.data())
                    : begin + hp.host.size();
    (void)plan_.replace(static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end - begin),
                        host_port_text(to, with_port));
  }

  /// What endpoint::to_text() writes for `to` ("[v6]" bracketed), with or without the
  /// ":port". Kept from one call (and message) to the next while `to` stays the same:
  /// the Via and the Contact of a message usually get the same text.
  constexpr std::string_view host_port_text(const endpoint& to, bool with_port) noexcept {
    if (!host_port_valid_ || host_port_port_ != to.port || !(host_port_ip_ == to.address)) {
      endpoint::text& t = host_port_;
      t.clear();
      if (to.address.is_v6()) t.push_back('[');
      t.append(address_text(to.address));
      if (to.address.is_v6()) t.push_back(']');
      host_port_host_len_ = t.size();
      t.push_back(':');
      char digits[max_decimal_digits];
      t.append(std::string_view(digits, format_decimal(to.port, digits)));
      host_port_ip_ = to.address;
      host_port_port_ = to.port;
      host_port_valid_ = true;
    }
    const std::string_view v = host_port_.view();
    return with_port ? v : v.substr(0, host_port_host_len_);
  }

  /// The canonical text of `a`: formatted once per plan for the address the edits write.
  constexpr std::string_view address_text(const ip_address& a) noexcept {
    if (!text_cache_valid_ || !(text_cache_ip_ == a)) {
      text_cache_ip_ = a;
      text_cache_ = a.to_text();
      text_cache_valid_ = true;
    }
    return text_cache_.view();
  }

  /// Rewrites one URI (a view into the message) when its host:port is `from`.
  /// Non-SIP URIs (tel:, ...) and domain names are left alone.
  constexpr bool rewrite_uri_text(std::string_view text, const endpoint& to,
                                  rewrite_result& r, bool strict = false) noexcept {
    if (!strict && cannot_match(text)) return true;  // parse errors are ignored here anyway
    sip::uri u;
    if (const sip::parse_result pr = sip::parse_uri(text, u); pr.ec != sip::errc::ok) {
      if (!strict) return true;  // Request-URI, From/To, extra headers: not ours to judge (e.g. unbracketed IPv6)
      r = fail(rewrite_status::malformed, static_cast<std::uint32_t>(text.data() - msg_text_.data()) + pr.offset);
      r.sip_error = pr.ec;
      return false;
    }
    if (!u.is_sip()) return true;
    if (matches_from(u.host, u.default_port())) replace_host_port(u.host, to, u.default_port());
    return true;
  }

  /// True when `text` cannot name the (IPv4) address being translated; always false for IPv6.
  constexpr bool cannot_match(std::string_view text) const noexcept {
    const std::string_view a = from_v4_text_.view();
    return !a.empty() && text.find(a) == std::string_view::npos;
  }

  /// True when `text` may carry a tag header parameter: "tag" in any case after
  /// the first '>' (or anywhere, for an addr-spec). A name-addr's header
  /// parameters follow the URI's closing '>', and the first '>' of the text is
  /// that one or an earlier one inside a quoted display name, so nothing is
  /// missed. A quick test before parsing a To for its tag.
  static constexpr bool may_have_tag(std::string_view text) noexcept {
    const std::size_t gt = text.find('>');
    if (gt != std::string_view::npos) text.remove_prefix(gt + 1);
    for (std::size_t i = 0; i + 3 <= text.size(); ++i)
      if ((text[i] | 0x20) == 't' && (text[i + 1] | 0x20) == 'a' && (text[i + 2] | 0x20) == 'g') return true;
    return false;
  }

  constexpr bool rewrite_top_via(const endpoint& from, const endpoint& to, bool outbound, rewrite_result& r) noexcept {
    const sip::header* h = known_[ks_via];
    if (h == nullptr) return true;
    const std::string_view value = h->value.in(msg_text_);
    sip::via v;
    const sip::parse_result pr = sip::parse_via(value, v);
    if (pr.ec != sip::errc::ok) {
      r = fail(rewrite_status::malformed, h->value.offset + pr.offset);
      r.sip_error = pr.ec;
      return false;
    }
    const std::uint16_t def = v.transport_is("TLS") ? 5061 : 5060;  // RFC 3261 18.2.2 / 19.1.2
    const bool sent_by = matches_from(v.sent_by, def);
    if (sent_by) replace_host_port(v.sent_by, to, def);
    if (outbound) return true;
    // Inbound: the server echoes what it saw (RFC 3581): received= the public
    // address, rport= the public port. Restore them when they are our mapping.
    bool received_ours = false, received_other = false;
    if (auto rec = v.find_param("received")) {
      const auto ip = ip_address::parse(strip_brackets(rec->value));
      received_other = !(ip && *ip == from.address);
      if (ip && *ip == from.address) {
        received_ours = true;
        const std::string_view addr = strip_brackets(rec->value);
        (void)plan_.replace(addr, address_text(to.address));
      }
    }
    if (auto rp = v.find_param("rport"); rp && !rp->value.empty() && (received_ours || (sent_by && !received_other))) {
      const auto port = parse_port(rp->value);
      if (port && *port == from.port) {
        char digits[max_decimal_digits];
        (void)plan_.replace(rp->value, std::string_view(digits, format_decimal(to.port, digits)));
      }
    }
    return true;
  }

  static constexpr std::string_view strip_brackets(std::string_view s) noexcept {
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
    return s;
  }

  constexpr bool rewrite_contacts(const endpoint& to, rewrite_result& r) noexcept {
    for (const sip::header& h : msg_.all(sip::header_id::contact)) {
      const std::string_view value = h.value.in(msg_text_);
      sip::contact_reader list(value);
      sip::contact c;
      while (list.next(c)) {
        if (c.wildcard) continue;
        if (!rewrite_uri_text(c.address.uri, to, r, true)) return false;  // a Contact we cannot read is malformed
      }
      if (list.status().ec != sip::errc::ok) {
        r = fail(rewrite_status::malformed, h.value.offset + list.status().offset);
        r.sip_error = list.status().ec;
        return false;
      }
    }
    return true;
  }

  /// From and To in one pass: single name-addr values (errors ignored: not ours to judge).
  constexpr void rewrite_from_to_headers(const endpoint& to) noexcept {
    for (const sip::header& h : msg_.headers)
      if (h.id == sip::header_id::from || h.id == sip::header_id::to) rewrite_name_addr_value(h.value.in(msg_text_), to);
  }

  /// policy::extra_headers: single name-addr values (or lists of them).
  constexpr void rewrite_name_addr_headers(sip::header_id id, std::string_view name, const endpoint& to) noexcept {
    for (const sip::header& h : msg_.headers) {
      if (id != sip::header_id::unknown ? h.id != id
                                        : (h.id != sip::header_id::unknown || !ascii::iequals(h.name.in(msg_text_), name)))
        continue;
      rewrite_name_addr_value(h.value.in(msg_text_), to);
    }
  }

  /// The URIs of one name-addr header value (From, To, an extra header). Errors in these
  /// headers are not ours to judge: the non-strict URI rewrite cannot fail.
  constexpr void rewrite_name_addr_value(std::string_view value, const endpoint& to) noexcept {
    if (cannot_match(value)) return;
    rewrite_result ignored;
    sip::contact_reader list(value);
    sip::contact c;
    while (list.next(c))
      if (!c.wildcard) (void)rewrite_uri_text(c.address.uri, to, ignored);
  }

  /// Protected and already handled headers are never taken from policy::extra_headers, nor one named twice.
  constexpr bool extra_header_allowed(sip::header_id id, std::size_t index) const noexcept {
    using sip::header_id;
    switch (id) {
      case header_id::call_id: case header_id::cseq: case header_id::authorization:
      case header_id::proxy_authorization: case header_id::via: case header_id::contact:
      case header_id::content_length: return false;
      case header_id::from: case header_id::to: if (policy_.rewrites(rewrite_from_to)) return false; break;
      default: break;
    }
    for (std::size_t j = 0; j < index; ++j) {
      const std::string_view other = policy_.extra_headers[j];
      if (id != header_id::unknown ? sip::lookup_header(other) == id : ascii::iequals(other, policy_.extra_headers[index]))
        return false;
    }
    return true;
  }

  // --- SDP -------------------------------------------------------------------
  template <class MapMedia>
  constexpr bool plan_sdp(MapMedia& map_media, rewrite_result& r) noexcept {
    const sip::header* ct = known_[ks_content_type];
    if (msg_.body.length == 0) return true;
    const std::string_view body = msg_.body.in(msg_text_);
    // RFC 3261 20.15 requires Content-Type with a body, but some phones omit it
    // on SDP (seen in captures): a body that starts like SDP is taken as SDP.
    const bool looks_like_sdp = body.starts_with("v=0\r\n") || body.starts_with("v=0\n");
    if (ct == nullptr && !looks_like_sdp) return true;
    const sdp::sdp_body located = ct != nullptr ? sdp::find_sdp_body(ct->value.in(msg_text_), body)
                                                : sdp::find_sdp_body("application/sdp", body);
    if (located.ec == sdp::errc::not_sdp || located.ec == sdp::errc::no_sdp_part) return true;
    if (!located.ok()) {
      r = fail(rewrite_status::malformed, msg_.body.offset + located.offset);
      r.sdp_error = located.ec;
      return false;
    }
    const sdp::parse_result sr = sdp::parse_sdp(located.sdp, sdp_);
    if (sr.ec != sdp::errc::ok) {
      const bool capacity = sr.ec == sdp::errc::too_many_media || sr.ec == sdp::errc::too_many_attributes;
      r = fail(capacity ? rewrite_status::no_fit : rewrite_status::malformed, msg_.body.offset + located.range.offset + sr.offset);
      r.sdp_error = sr.ec;
      return false;
    }

    const endpoint& inside = binding_.inside;
    const ip_address& outside_ip = binding_.outside.address;
    auto ours = [&](const sdp::net_address& a) { return a.present() && a.ip && *a.ip == inside.address; };

    // o= and session c= name the phone itself; each line is rewritten for what it is.
    if (ours(sdp_.origin)) replace_sdp_address(sdp_.origin, outside_ip);
    if (ours(sdp_.connection)) replace_sdp_address(sdp_.connection, outside_ip);

    // A re-INVITE/UPDATE inside a dialog replaces the call's media pinholes.
    if (in_dialog_offer() && !remove_call_media()) {
      r = no_fit_expectations();
      return false;
    }

    for (const sdp::media_description& m : sdp_.media) {
      const sdp::connection_field& c = sdp_.effective_connection(m);
      if (!ours(c) || c.is_hold() || m.disabled()) continue;  // not ours, on hold, or rejected
      const endpoint rtp_in{inside.address, m.port};
      // RTCP: the next port (RFC 3550), unless a=rtcp names another one (RFC 3605).
      const bool explicit_rtcp = m.rtcp.has_rtcp();
      const bool rtcp_ours = !explicit_rtcp || !m.rtcp.has_address() || ours(m.rtcp);
      const bool rtcp_next = !explicit_rtcp || (m.rtcp.port == m.port + 1 && rtcp_ours);
      const bool rtcp_mux = explicit_rtcp && rtcp_ours && m.rtcp.port == m.port;  // RFC 5761: RTCP on the RTP port
      const std::optional<endpoint> rtp_out = map_media(rtp_in, rtcp_next);
      if (!rtp_out) {
        r = fail(rewrite_status::media_unavailable, msg_.body.offset + located.range.offset + sdp_.offset_of(m.port_text));
        return false;
      }
      char digits[max_decimal_digits];
      (void)plan_.replace(m.port_text, std::string_view(digits, format_decimal(rtp_out->port, digits)));
      if (m.connection.present() && ours(m.connection)) replace_sdp_address(m.connection, rtp_out->address);
      if (!add_media_expectation(expectation_kind::rtp, *rtp_out, rtp_in)) {
        r = no_fit_expectations();
        return false;
      }
      if (!rtcp_ours) continue;  // RTCP goes elsewhere (another host): not ours to open
      if (rtcp_mux) {  // RTCP shares the RTP port and its pinhole
        (void)plan_.replace(m.rtcp.port_text, std::string_view(digits, format_decimal(rtp_out->port, digits)));
        if (m.rtcp.has_address()) replace_sdp_address(m.rtcp, rtp_out->address);
        continue;
      }
      const endpoint rtcp_in{inside.address, explicit_rtcp ? m.rtcp.port : static_cast<std::uint16_t>(m.port + 1)};
      std::optional<endpoint> rtcp_out;
      if (rtcp_next) {
        rtcp_out = endpoint{rtp_out->address, static_cast<std::uint16_t>(rtp_out->port + 1)};
      } else {
        rtcp_out = map_media(rtcp_in, false);
        if (!rtcp_out) {
          r = fail(rewrite_status::media_unavailable,
                   msg_.body.offset + located.range.offset + sdp_.offset_of(m.rtcp.port_text));
          return false;
        }
      }
      if (explicit_rtcp) {
        (void)plan_.replace(m.rtcp.port_text, std::string_view(digits, format_decimal(rtcp_out->port, digits)));
        if (m.rtcp.has_address()) replace_sdp_address(m.rtcp, rtcp_out->address);
      }
      if ((m.port == 65535 || rtp_out->port == 65535) && rtcp_next) continue;  // no port after 65535 for RTCP
      if (!add_media_expectation(expectation_kind::rtcp, *rtcp_out, rtcp_in)) {
        r = no_fit_expectations();
        return false;
      }
    }
    return true;
  }

  /// Replaces an SDP address; when the NAT changes the family (NAT64-style
  /// bindings) the `<addrtype>` (IP4/IP6) is rewritten with it.
  constexpr void replace_sdp_address(const sdp::net_address& a, const ip_address& to) noexcept {
    if (a.ip && a.ip->family() != to.family()) (void)plan_.replace(a.addrtype, to.is_v4() ? "IP4" : "IP6");
    // Some phones bracket IPv6 in SDP ("[fd00::1]"); the brackets go with the
    // address: kept for IPv6, dropped for IPv4 (which cannot be bracketed).
    const std::string_view m = msg_text_;
    const std::size_t at = static_cast<std::size_t>(a.address.data() - m.data());
    const std::size_t end = at + a.address.size();
    if (at > 0 && end < m.size() && m[at - 1] == '[' && m[end] == ']') {
      fixed_string<ip_address::max_text_size + 2> text;
      if (to.is_v6()) text.push_back('[');
      text.append(to.to_text().view());
      if (to.is_v6()) text.push_back(']');
      (void)plan_.replace(static_cast<std::uint32_t>(at - 1), static_cast<std::uint32_t>(a.address.size() + 2),
                          text.view());
      return;
    }
    (void)plan_.replace(a.address, address_text(to));
  }

  constexpr bool add_media_expectation(expectation_kind k, const endpoint& outside, const endpoint& inside) noexcept {
    expectation e;
    e.kind = k;
    e.action = expectation_action::add;
    e.transport = transport::udp;  // RTP/RTCP over UDP; TCP media (RFC 4571) is not opened
    e.outside = outside;
    e.inside = inside;
    if (!policy_.direct_media) e.remote = binding_.peer.address;
    e.timeout = policy_.media_timeout;
    e.call_id = call_id_;
    return expectations_.push_back(e);
  }

  // --- lifetimes -------------------------------------------------------------
  /// The CSeq method of the message (responses name their request there).
  constexpr sip::method_id cseq_method() const noexcept {
    const sip::header* h = known_[ks_cseq];
    if (h == nullptr) return sip::method_id::unknown;
    sip::cseq c;
    if (sip::parse_cseq(h->value.in(msg_text_), c).ec != sip::errc::ok) return sip::method_id::unknown;
    return c.method_type;
  }

  constexpr bool ends_call_media() const noexcept {
    if (msg_.is_request())
      return msg_.method_type == sip::method_id::bye || msg_.method_type == sip::method_id::cancel;
    return msg_.status_code >= 400 && cseq_method() == sip::method_id::invite;
  }

  /// A request inside a dialog (To has a tag) that offers new SDP.
  constexpr bool in_dialog_offer() const noexcept {
    if (!msg_.is_request()) return false;
    if (msg_.method_type != sip::method_id::invite && msg_.method_type != sip::method_id::update) return false;
    const sip::header* to = known_[ks_to];
    if (to == nullptr || !may_have_tag(to->value.in(msg_text_))) return false;
    sip::name_addr na;
    if (sip::parse_name_addr(to->value.in(msg_text_), na).ec != sip::errc::ok) return false;
    return na.find_param("tag").has_value();
  }

  constexpr bool remove_call_media() noexcept {
    for (expectation_kind k : {expectation_kind::rtp, expectation_kind::rtcp}) {
      expectation e;
      e.kind = k;
      e.action = expectation_action::remove;
      e.scope = expectation_scope::call;
      e.transport = transport::udp;
      e.call_id = call_id_;
      if (!expectations_.push_back(e)) return false;
    }
    return true;
  }

  /**
   * REGISTER (RFC 3261 10.2): Expires > 0 (Contact `expires` param, else the
   * Expires header) keeps the signalling pinhole for sip_timeout; 0 (or
   * Contact: *) removes it. A REGISTER without Contact only queries bindings.
   */
  constexpr bool track_registration() noexcept {
    bool any_contact = false, any_positive = false, any_absent = false;
    std::optional<std::uint32_t> header_expires;
    if (const sip::header* h = known_[ks_expires])
      header_expires = parse_decimal<std::uint32_t>(ascii::trim_lws(h->value.in(msg_text_)));
    for (const sip::header& h : msg_.all(sip::header_id::contact)) {
      sip::contact_reader list(h.value.in(msg_text_));
      sip::contact c;
      while (list.next(c)) {
        any_contact = true;
        if (c.wildcard) continue;  // "*" only with Expires: 0 (RFC 3261 10.2.2)
        std::optional<std::uint32_t> exp = c.expires();
        if (!exp) exp = header_expires;
        if (!exp) any_absent = true;
        else if (*exp > 0) any_positive = true;
      }
    }
    if (!any_contact) return true;
    if (any_absent && policy_.register_without_expires == absent_expires::registrar_default) any_positive = true;
    expectation e;
    e.kind = expectation_kind::signalling;
    e.action = any_positive ? expectation_action::add : expectation_action::remove;
    e.transport = binding_.transport;
    e.outside = binding_.outside;
    e.inside = binding_.inside;
    if (!policy_.direct_signalling) e.remote = binding_.peer.address;
    e.timeout = policy_.sip_timeout;
    e.call_id = call_id_;
    return expectations_.push_back(e);
  }

  // --- Content-Length --------------------------------------------------------
  /// When the body changes size, every Content-Length (also compact `l:`) gets the new length.
  constexpr void fix_content_length() noexcept {
    if (!msg_.content_length) return;
    const std::int64_t d = plan_.delta_within(msg_.body.offset, msg_.body.end());
    if (d == 0) return;
    const std::int64_t len = static_cast<std::int64_t>(*msg_.content_length) + d;
    char digits[max_decimal_digits];
    const std::string_view text(digits, format_decimal(static_cast<std::uint64_t>(len), digits));
    for (const sip::header& h : msg_.all(sip::header_id::content_length)) (void)plan_.replace(h.value.in(msg_text_), text);
  }

  alg::policy policy_{};
  binding binding_{};
  std::string_view msg_text_{};
  std::string_view call_id_{};
  endpoint from_{};                  ///< the endpoint being translated (inside outbound, outside inbound)
  ip_address::text from_v4_text_{};  ///< from_'s address as text when it is IPv4, else empty
  ip_address text_cache_ip_{};       ///< the address whose text address_text() holds
  ip_address::text text_cache_{};
  bool text_cache_valid_ = false;
  ip_address from_text_ip_{};  ///< the address whose text from_v4_text_ holds
  bool from_text_valid_ = false;
  endpoint::text host_port_{};  ///< host_port_text(): "host:port" of host_port_ip_ and host_port_port_
  ip_address host_port_ip_{};
  std::uint16_t host_port_port_ = 0;
  std::size_t host_port_host_len_ = 0;  ///< the length of the host part of host_port_
  bool host_port_valid_ = false;
  sip::basic_message<MaxHeaders> msg_{};
  const sip::header* known_[ks_count]{};
  sdp::session_description sdp_{};
  plan_type plan_{};
  expectation_list expectations_{};
};

using rewriter = basic_rewriter<>;

}  // namespace sipalg::alg
