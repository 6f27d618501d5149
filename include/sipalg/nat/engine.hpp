/**
 * @file engine.hpp
 * The reference NAT engine: masquerade (SNAT with port preservation) of a
 * LAN behind one public IPv4 address, DNAT port forwards, and the SIP ALG
 * run on the configured SIP ports. It is the model of how a host NAT embeds
 * sipalg: conntrack flows give the ALG its binding, `map_media` allocates
 * real public ports, and the ALG's expectation descriptors become
 * expectations that turn into flows when their first packet arrives.
 *
 * Packets are rewritten in the caller's buffer. Tailroom contract: `buffer`
 * is the whole writable area (its size is the capacity), the packet occupies
 * its first `length` bytes; the ALG may grow the packet up to the capacity
 * (and the 65535-byte IPv4 limit). When a rewrite does not fit, the message
 * is forwarded unchanged or dropped as the policy says (on_no_fit).
 *
 * One allocation at construction (flow and expectation tables); none per
 * packet. Not thread-safe: one engine per core/queue, or a lock around it.
 *
 * @code
 *   sipalg::nat::engine_config cfg;
 *   cfg.public_address = *sipalg::ip_address::parse("203.0.113.1");
 *   cfg.lan = *sipalg::nat::ipv4_prefix::parse("192.168.2.0/24");
 *   sipalg::nat::engine nat(cfg);
 *   auto r = nat.process(buf, len, sipalg::nat::side::lan, now_seconds);
 *   if (r.action == sipalg::nat::verdict::forward) send(buf, r.length);
 * @endcode
 */
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"
#include "sipalg/core/fixed_vector.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/nat/conntrack.hpp"
#include "sipalg/nat/expectation.hpp"
#include "sipalg/nat/flow.hpp"
#include "sipalg/nat/packet.hpp"
#include "sipalg/nat/port_allocator.hpp"
#include "sipalg/sip/framing.hpp"

namespace sipalg::nat {

/// Which interface a packet arrived on.
enum class side : std::uint8_t {
  lan,  ///< from the private network (inside)
  wan,  ///< from the public network (outside)
};

/// An IPv4 prefix such as 192.168.2.0/24.
struct ipv4_prefix {
  std::uint32_t network = 0;  ///< host order, host bits cleared
  std::uint8_t length = 0;    ///< 0..32

  /// Parses "a.b.c.d/len" (or "a.b.c.d" for a /32). Host bits must be zero.
  [[nodiscard]] static constexpr std::optional<ipv4_prefix> parse(std::string_view s) noexcept {
    const auto slash = s.find('/');
    const auto addr = ip_address::parse_v4(s.substr(0, slash));
    if (!addr) return std::nullopt;
    std::uint8_t len = 32;
    if (slash != std::string_view::npos) {
      const auto l = parse_decimal<std::uint8_t>(s.substr(slash + 1), 32);
      if (!l) return std::nullopt;
      len = *l;
    }
    ipv4_prefix p{addr->v4_uint(), len};
    if ((p.network & ~p.mask()) != 0) return std::nullopt;
    return p;
  }
  [[nodiscard]] constexpr std::uint32_t mask() const noexcept {
    return length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
  }
  [[nodiscard]] constexpr bool contains(std::uint32_t addr) const noexcept { return (addr & mask()) == network; }
};

/// A DNAT port forward: public ports [public_ports.first, last] go to inside.address,
/// port inside.port + (p - first) (a server behind the NAT, e.g. a PBX).
struct port_forward {
  transport proto = transport::udp;
  port_range public_ports{5060, 5060};
  endpoint inside;
};

struct engine_config {
  static constexpr std::size_t max_no_nat = 8;
  static constexpr std::size_t max_forwards = 16;

  ip_address public_address;  ///< the address LAN traffic is masqueraded to (IPv4)
  ipv4_prefix lan{0xC0A80000u, 16};  ///< sources that are masqueraded (default 192.168.0.0/16)
  /// Destinations reached without NAT (a VPN route): such flows are neither
  /// translated nor touched by the ALG.
  fixed_vector<ipv4_prefix, max_no_nat> no_nat{};
  fixed_vector<port_forward, max_forwards> forwards{};
  port_range ports{1024, 65535};   ///< public ports for masquerade and media
  std::uint32_t max_flows = 65536;
  std::uint32_t max_expectations = 4096;
  flow_timeouts timeouts{};
  alg::policy policy{};
  bool alg_enabled = true;  ///< false: a plain NAT (what operators compare against)
  std::uint64_t hash_seed = 0x243F6A8885A308D3ULL;
};

enum class verdict : std::uint8_t { forward, drop };

[[nodiscard]] constexpr std::string_view to_string(verdict v) noexcept {
  return v == verdict::forward ? "forward" : "drop";
}

/// What process() did.
struct [[nodiscard]] process_result {
  verdict action = verdict::forward;
  std::size_t length = 0;  ///< the packet's length after rewriting (forward only)
};

/// One packet of a burst for engine::process_burst(): the arguments of process() and its result.
struct burst_packet {
  std::span<std::uint8_t> buffer;  ///< the writable area holding the packet
  std::size_t length = 0;          ///< the packet's length in bytes
  side from = side::lan;           ///< the interface it arrived on
  process_result result{verdict::drop, 0};  ///< filled by process_burst()
};

/// What the engine did; every packet is counted once in `packets` and once in forwarded or a dropped_* counter.
struct engine_counters {
  std::uint64_t packets = 0;
  std::uint64_t forwarded = 0;
  std::uint64_t not_natted = 0;           ///< forwarded untouched: not from the LAN prefix, a no-NAT route, or routed
  std::uint64_t dropped_malformed = 0;    ///< not a valid IPv4 packet
  std::uint64_t dropped_no_flow = 0;      ///< to the public address with no flow, expectation or forward
  std::uint64_t dropped_table_full = 0;   ///< no flow slot or no public port
  std::uint64_t dropped_unsupported = 0;  ///< a protocol without ports that would need NAT (ICMP, ...)
  std::uint64_t dropped_by_policy = 0;    ///< the ALG's verdict was drop (policy on_malformed / on_no_fit)
  std::uint64_t flows_created = 0;
  std::uint64_t flows_from_expectation = 0;
  std::uint64_t flows_from_forward = 0;
  std::uint64_t sip_messages = 0;        ///< SIP messages seen by the ALG
  std::uint64_t sip_rewritten = 0;
  std::uint64_t sip_unchanged = 0;
  std::uint64_t sip_malformed = 0;       ///< passed or dropped as the policy says
  std::uint64_t sip_no_fit = 0;          ///< too many edits/headers, or no media port: passed or dropped
  std::uint64_t sip_no_room = 0;         ///< the rewrite did not fit the buffer's tailroom
  std::uint64_t tcp_partial = 0;         ///< TCP segments holding an incomplete SIP message: passed unchanged
  std::uint64_t tcp_seq_changes = 0;     ///< TCP segments whose length the ALG changed (seq adjusted after)
  std::uint64_t fragments_translated = 0;
  std::uint64_t fragments_dropped = 0;   ///< a later fragment whose first fragment was not seen
  std::uint64_t expectations_added = 0;
  std::uint64_t expectations_refreshed = 0;
  std::uint64_t expectations_removed = 0;
  std::uint64_t expectations_failed = 0;  ///< table full or conflict
  std::uint64_t registrations = 0;        ///< REGISTER with expiry > 0 seen
  std::uint64_t unregistrations = 0;      ///< REGISTER with expiry 0 seen
  std::uint64_t flushed_on_address_change = 0;
};

/// What the ALG did with one SIP message, for observers (logging, the pcap tool).
struct alg_event {
  const alg::binding& binding;                 ///< the flow's binding and the message's direction
  std::string_view message;                    ///< the message as it arrived (before the edits)
  const alg::rewrite_result& result;           ///< the verdict
  const alg::rewriter::plan_type& edits;       ///< the edits planned against `message`
  const alg::expectation_list& expectations;   ///< the expectations it opened or closed
  bool applied;                                ///< the edits are being applied to the packet (called just before)
};

class engine {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  /// Called once per SIP message the ALG planned, just before its edits are applied; must not call back into the engine.
  using alg_observer = void (*)(void* context, const alg_event& event);

  explicit engine(const engine_config& cfg) noexcept
      : cfg_(cfg),
        flows_(conntrack_params{cfg.max_flows, 75, cfg.hash_seed}),
        expects_(expectation_params{cfg.max_expectations, cfg.hash_seed ^ 0x9E3779B97F4A7C15ULL}),
        ports_(cfg.ports),
        rw_(cfg.policy) {
    public_ = cfg.public_address.v4_uint();
    flows_.set_erase_hook(&engine::on_flow_erased, this);
    expects_.set_erase_hook(&engine::on_expectation_erased, this);
    for (const port_forward& f : cfg_.forwards)
      for (std::uint32_t p = f.public_ports.first; p <= f.public_ports.last; ++p)
        (void)ports_.reserve(f.proto, static_cast<std::uint16_t>(p));
  }

  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// False when the tables could not be allocated or the public address is not IPv4.
  [[nodiscard]] bool valid() const noexcept {
    return flows_.valid() && expects_.valid() && cfg_.public_address.is_v4();
  }

  [[nodiscard]] const engine_counters& counters() const noexcept { return counters_; }
  [[nodiscard]] const engine_config& config() const noexcept { return cfg_; }
  [[nodiscard]] const conntrack_table& flows() const noexcept { return flows_; }
  [[nodiscard]] const expectation_table& expectations() const noexcept { return expects_; }
  [[nodiscard]] ip_address public_address() const noexcept { return ip_address::from_v4_uint(public_); }
  /// Switches the ALG on or off (off: a plain NAT).
  void set_alg_enabled(bool on) noexcept { cfg_.alg_enabled = on; }

  /**
   * Translates one IPv4 packet in place.
   * @param buffer the writable area holding the packet (its size is the capacity)
   * @param length the packet's length in bytes (<= buffer.size())
   * @param from   the interface it arrived on
   * @param now    monotonic seconds (see deadline.hpp)
   * @return forward with the new length, or drop.
   */
  process_result process(std::span<std::uint8_t> buffer, std::size_t length, side from, time_s now) noexcept {
    ++counters_.packets;
    if (length > buffer.size() || length < 20) return drop(counters_.dropped_malformed);
    packet_view pv;
    const result pr = packet_view::parse(buffer, pv);
    if (pr.code == errc::fragment) return fragment(pv, length, from, now);
    if (!pr.ok() || pv.ip().total_length() > length) return drop(counters_.dropped_malformed);
    if (!pv.has_ports()) {
      if (needs_nat(pv.ip().src_uint(), pv.ip().dst_uint(), from)) return drop(counters_.dropped_unsupported);
      return pass_untouched(pv);
    }

    const flow_key key = pv.key();
    flow_match m = flows_.find(key, now);
    if (!m) {
      if (!needs_nat(key.src_addr, key.dst_addr, from)) return pass_untouched(pv);
      process_result refused{verdict::drop, 0};
      m = create_flow(key, from, now, refused);
      if (!m) return refused;
    }
    flow& f = flows_[m.flow];
    const std::uint8_t tcp_flags = pv.is_tcp() ? pv.tcp().flags() : 0;
    f.track(m.dir, tcp_flags);
    flows_.refresh(m.flow, now, timeout_of(f));

    bool changed = false;
    const std::uint32_t orig_seq = pv.is_tcp() ? pv.tcp().seq() : 0;
    if (cfg_.alg_enabled && f.has(flow_flag::sip) && pv.payload_size() != 0) {
      std::int32_t delta = 0;
      if (!run_alg(pv, m, from, now, changed, delta)) return drop(counters_.dropped_by_policy);
      if (pv.is_tcp() && delta != 0 && f.record_seq_change(m.dir, orig_seq, delta)) ++counters_.tcp_seq_changes;
    }
    if (pv.is_tcp() && (f.has_seq_adjust(m.dir) || f.has_seq_adjust(opposite(m.dir)))) {
      tcp_view t = pv.tcp();
      t.set_seq(f.adjust_seq(m.dir, orig_seq));
      if (t.has(tcp_flags::ack)) t.set_ack(f.adjust_ack(m.dir, t.ack()));
    }
    pv.translate(f.translated(m.dir));
    if (changed) pv.update_l4_checksum();
    ++counters_.forwarded;
    return {verdict::forward, pv.ip().total_length()};
  }

  /**
   * Translates a burst of packets (as a DPDK or VPP NAT receives them) with
   * exactly the results, packet bytes, tables and counters that process()
   * gives called on each in turn. The difference is memory: at a million
   * flows one lookup is two dependent cache misses (index bucket, then flow),
   * so while packet i is translated the bucket of packet i + 2 * lookahead
   * and the flow of packet i + lookahead are already being loaded. Prefetches
   * are hints: a flow created or removed by an earlier packet of the burst
   * only makes one of them useless, never a result different.
   */
  void process_burst(std::span<burst_packet> burst, time_s now) noexcept {
    constexpr std::size_t lookahead = 4, ring = 2 * lookahead;
    std::uint64_t hashes[ring];
    bool hashed[ring] = {};
    const std::size_t n = burst.size();
    const auto stage_bucket = [&](std::size_t j) {  // hash packet j's key and prefetch its index bucket
      hashed[j % ring] = false;
      if (j >= n) return;
      flow_key k;
      if (!peek_key(burst[j].buffer.first(std::min(burst[j].length, burst[j].buffer.size())), k)) return;
      hashes[j % ring] = flows_.hash(k);
      hashed[j % ring] = true;
      flows_.prefetch(hashes[j % ring]);
    };
    for (std::size_t j = 0; j < ring && j < n; ++j) stage_bucket(j);
    for (std::size_t j = 0; j < lookahead && j < n; ++j)
      if (hashed[j % ring]) flows_.prefetch_candidate(hashes[j % ring]);
    for (std::size_t i = 0; i < n; ++i) {
      if (const std::size_t j = i + lookahead; j < n && hashed[j % ring]) flows_.prefetch_candidate(hashes[j % ring]);
      burst[i].result = process(burst[i].buffer, burst[i].length, burst[i].from, now);
      stage_bucket(i + ring);  // the slot of packet i is free now
    }
  }

  /**
   * The public address changed (DHCP/PPPoE renew): every binding on the old
   * address is flushed, so a stale entry made while the uplink was down (or
   * before the change) cannot keep a phone broken.
   */
  void set_public_address(const ip_address& a) noexcept {
    if (!a.is_v4() || a.v4_uint() == public_) return;
    const std::uint32_t old = public_;
    counters_.flushed_on_address_change += flows_.erase_if([&](std::uint32_t, const flow& f) {
      return f.user() != nat_none && (f.reply().dst_addr == old || f.original().dst_addr == old);
    });
    expects_.erase_if([&](std::uint32_t, const expectation& e) { return e.outside_addr() == old; });
    public_ = a.v4_uint();
    cfg_.public_address = a;
  }

  /// Removes expired flows and expectations, visiting at most `budget` slots of each.
  void sweep(time_s now, std::uint32_t budget) noexcept {
    (void)flows_.sweep(now, budget);
    (void)expects_.sweep(now, budget);
  }

  /// Observes every SIP message the ALG plans (nullptr to stop).
  void set_alg_observer(alg_observer fn, void* context) noexcept { observer_ = fn, observer_context_ = context; }

  /**
   * The public endpoint a WAN packet must have been sent to, given the same
   * packet as it appears on the LAN side after translation (`lan_form`: remote
   * -> inside endpoint). Looks at the flows, then at the expectations (a
   * first media packet). For tools that rebuild a WAN-side view of a LAN
   * capture; nullopt when nothing maps to that inside endpoint.
   */
  [[nodiscard]] std::optional<endpoint> public_endpoint_of(const flow_key& lan_form, time_s now) noexcept {
    const flow_match m = flows_.find(lan_form.reversed(), now);
    if (m) {
      const flow& f = flows_[m.flow];
      if (f.user() == nat_none) return std::nullopt;
      return f.translated(m.dir).src();
    }
    const transport t = transport_of(lan_form.proto);
    const std::uint32_t e = expects_.find_inside(t, lan_form.dst_addr, lan_form.dst_port, now);
    if (e != npos) return expects_[e].outside();
    return std::nullopt;
  }

 private:
  /**
   * The UDP/TCP tuple of the packet in `p` read without validating it (for
   * prefetching only: process() validates, and a wrong guess only wastes a
   * prefetch). False when the bytes cannot hold one.
   */
  static bool peek_key(std::span<const std::uint8_t> p, flow_key& k) noexcept {
    if (p.size() < 20) return false;
    const std::size_t hl = (p[0] & 0x0Fu) * 4u;
    if (p[9] != ip_proto_udp && p[9] != ip_proto_tcp) return false;
    if (hl < 20 || p.size() < hl + 4) return false;
    k = flow_key{detail::load_be32(&p[12]), detail::load_be32(&p[16]), detail::load_be16(&p[hl]),
                 detail::load_be16(&p[hl + 2]), p[9]};
    return true;
  }

  // flow::user(): how the flow holds its public port.
  static constexpr std::uint8_t nat_none = 0;     ///< not translated
  static constexpr std::uint8_t nat_snat = 1;     ///< masquerade: public port = reply().dst_port (one reference)
  static constexpr std::uint8_t nat_inbound = 2;  ///< from an expectation: public port = original().dst_port (one reference)
  static constexpr std::uint8_t nat_forward = 3;  ///< DNAT forward: port reserved by the configuration
  // Engine flag bits of flow::flags().
  static constexpr std::uint8_t flag_unregistered = 0x10;  ///< a REGISTER with expiry 0 went through this SIP flow

  process_result drop(std::uint64_t& counter) noexcept {
    ++counter;
    return {verdict::drop, 0};
  }
  process_result pass_untouched(const packet_view& pv) noexcept {
    ++counters_.not_natted;
    ++counters_.forwarded;
    return {verdict::forward, pv.ip().total_length()};
  }

  [[nodiscard]] bool needs_nat(std::uint32_t src, std::uint32_t dst, side from) const noexcept {
    if (from == side::wan) return dst == public_;
    if (!cfg_.lan.contains(src)) return false;
    for (const ipv4_prefix& p : cfg_.no_nat)
      if (p.contains(dst)) return false;
    return true;
  }

  [[nodiscard]] std::uint32_t timeout_of(const flow& f) const noexcept {
    if (f.has(flow_flag::sip) && (f.flags() & flag_unregistered) == 0) return cfg_.policy.sip_timeout;
    return cfg_.timeouts.for_state(f.state());
  }

  [[nodiscard]] bool is_sip_port(std::uint16_t port, std::uint8_t proto) const noexcept {
    return cfg_.policy.is_sip_port(port, proto == ip_proto_tcp ? transport::tcp : transport::udp);
  }

  static transport transport_of(std::uint8_t proto) noexcept {
    return proto == ip_proto_tcp ? transport::tcp : transport::udp;
  }

  /// A new flow for a packet that matched none: masquerade from the LAN; from the WAN an
  /// expectation or a port forward. On failure `refused` says what to do.
  flow_match create_flow(const flow_key& k, side from, time_s now, process_result& refused) noexcept {
    const transport t = transport_of(k.proto);
    if (from == side::lan) {
      // Media the phone sends first uses the public port its expectation announced.
      std::uint16_t port = 0;
      const std::uint32_t e = expects_.find_inside(t, k.src_addr, k.src_port, now);
      if (e != npos && expects_[e].outside_addr() == public_) {
        port = expects_[e].outside_port();
        if (!ports_.retain(t, port)) port = 0;
      }
      if (port == 0) {
        const auto p = ports_.allocate(t, k.src_port);
        if (!p) return refuse(refused);
        port = *p;
      }
      const flow_key reply{k.dst_addr, public_, k.dst_port, port, k.proto};
      const flow_insert ins = flows_.insert(k, reply, now, cfg_.timeouts.for_state(initial_state(k.proto)));
      if (!ins.ok()) {
        ports_.release(t, port);
        return refuse(refused);
      }
      flow& f = flows_[ins.flow];
      f.set_user(nat_snat);
      if (is_sip_port(k.dst_port, k.proto)) f.set(flow_flag::sip);
      ++counters_.flows_created;
      return {ins.flow, direction::original};
    }
    // From the WAN to the public address.
    const std::uint32_t e = expects_.match(k, now);
    if (e != npos) {
      const expectation& x = expects_[e];
      const flow_key reply{x.inside_addr(), k.src_addr, x.inside_port(), k.src_port, k.proto};
      if (!ports_.retain(t, k.dst_port) && !ports_.reserve(t, k.dst_port)) return refuse(refused);
      const flow_insert ins = flows_.insert(k, reply, now, cfg_.timeouts.for_state(initial_state(k.proto)));
      if (!ins.ok()) {
        ports_.release(t, k.dst_port);
        return refuse(refused);
      }
      flow& f = flows_[ins.flow];
      f.set_user(nat_inbound);
      f.set(flow_flag::from_expectation);
      f.set_master(x.owner());
      if (x.kind() == expectation_kind::signalling || is_sip_port(x.inside_port(), k.proto)) f.set(flow_flag::sip);
      ++counters_.flows_created;
      ++counters_.flows_from_expectation;
      return {ins.flow, direction::original};
    }
    for (const port_forward& fw : cfg_.forwards) {
      if (fw.proto != t || !fw.public_ports.contains(k.dst_port)) continue;
      const auto inside_port = static_cast<std::uint16_t>(fw.inside.port + (k.dst_port - fw.public_ports.first));
      const flow_key reply{fw.inside.address.v4_uint(), k.src_addr, inside_port, k.src_port, k.proto};
      const flow_insert ins = flows_.insert(k, reply, now, cfg_.timeouts.for_state(initial_state(k.proto)));
      if (!ins.ok()) return refuse(refused);
      flow& f = flows_[ins.flow];
      f.set_user(nat_forward);
      f.set(flow_flag::port_forward);
      if (is_sip_port(inside_port, k.proto)) f.set(flow_flag::sip);
      ++counters_.flows_created;
      ++counters_.flows_from_forward;
      return {ins.flow, direction::original};
    }
    ++counters_.dropped_no_flow;
    refused = {verdict::drop, 0};
    return {};
  }

  flow_match refuse(process_result& refused) noexcept {
    ++counters_.dropped_table_full;
    refused = {verdict::drop, 0};
    return {};
  }

  static constexpr flow_state initial_state(std::uint8_t proto) noexcept {
    return proto == ip_proto_tcp ? flow_state::tcp_syn_sent : flow_state::udp_unreplied;
  }

  /// The ALG's view of a flow: who is inside, what they are mapped to, who the peer is.
  [[nodiscard]] alg::binding binding_of(const flow& f, side from) const noexcept {
    alg::binding b;
    const flow_key o = f.original(), r = f.reply();
    if (f.user() == nat_snat) {
      b.inside = o.src(), b.outside = r.dst(), b.peer = o.dst();
    } else {
      b.inside = r.src(), b.outside = o.dst(), b.peer = o.src();
    }
    b.transport = transport_of(o.proto);
    b.dir = from == side::lan ? alg::direction::outbound : alg::direction::inbound;
    return b;
  }

  /// Public media ports: reuse the mapping an expectation already has for this
  /// inside endpoint (a retransmitted or re-sent offer keeps its ports), else
  /// allocate (an even/odd pair for RTP+RTCP), keeping the phone's port when free.
  struct media_mapper {
    engine* self;
    time_s now;
    [[nodiscard]] std::optional<endpoint> operator()(const endpoint& inside, bool want_pair) noexcept {
      return self->map_media(inside, want_pair, now);
    }
  };

  std::optional<endpoint> map_media(const endpoint& inside, bool want_pair, time_s now) noexcept {
    if (!inside.address.is_v4()) return std::nullopt;
    const std::uint32_t e = expects_.find_inside(transport::udp, inside.address.v4_uint(), inside.port, now);
    if (e != npos && expects_[e].outside_addr() == public_)
      return endpoint{ip_address::from_v4_uint(public_), expects_[e].outside_port()};
    std::optional<std::uint16_t> p = want_pair ? ports_.allocate_pair(transport::udp, inside.port)
                                               : ports_.allocate(transport::udp, inside.port);
    if (!p && want_pair) p = ports_.allocate(transport::udp, inside.port);  // no pair left: RTP alone
    if (!p) return std::nullopt;
    if (!pending_.push_back(*p)) {
      ports_.release(transport::udp, *p);
      return std::nullopt;
    }
    if (want_pair && pending_.push_back(static_cast<std::uint16_t>(*p + 1))) {
      // The pair's second reference is tracked too; released below if no RTCP expectation takes it.
    } else if (want_pair) {
      ports_.release(transport::udp, static_cast<std::uint16_t>(*p + 1));
    }
    return endpoint{ip_address::from_v4_uint(public_), *p};
  }

  /// Runs the ALG on the SIP payload of flow `m`. False: drop the packet.
  bool run_alg(packet_view& pv, const flow_match& m, side from, time_s now, bool& changed,
               std::int32_t& delta) noexcept {
    const alg::binding b = binding_of(flows_[m.flow], from);
    const bool tcp = pv.is_tcp();
    std::uint32_t offset = 0;
    for (;;) {
      const std::span<std::uint8_t> payload = pv.payload();
      if (offset >= payload.size()) break;
      const std::string_view rest(reinterpret_cast<const char*>(payload.data()) + offset, payload.size() - offset);
      std::string_view msg = rest;
      if (tcp) {
        sip::parse_options opt = sip::parse_options::stream();
        opt.max_message_size = cfg_.policy.tcp_max_message;
        const sip::framing_result fr = sip::frame_message(rest, opt);
        if (!fr.ok()) {
          ++counters_.tcp_partial;  // the rest of the segment passes unchanged
          break;
        }
        msg = rest.substr(0, fr.length);
        if (fr.kind == sip::frame_kind::keep_alive) {
          offset += fr.length;
          continue;
        }
      }
      ++counters_.sip_messages;
      pending_.clear();
      const alg::rewrite_result r = rw_.plan(msg, b, media_mapper{this, now});
      switch (r.status) {
        case alg::rewrite_status::unchanged: ++counters_.sip_unchanged; break;
        case alg::rewrite_status::rewritten: break;
        case alg::rewrite_status::malformed: ++counters_.sip_malformed; break;
        default: ++counters_.sip_no_fit; break;
      }
      if (!r.forward()) {
        notify(b, msg, r, false);
        release_pending();
        return false;
      }
      std::int64_t msg_delta = 0;
      if (r.status == alg::rewrite_status::rewritten) {
        const auto& plan = rw_.edits();
        const std::int64_t grow = plan.delta();
        if (grow > 0 && static_cast<std::uint64_t>(grow) > pv.max_payload_size() - pv.payload_size()) {
          ++counters_.sip_no_room;
          notify(b, msg, r, false);
          release_pending();
          if (cfg_.policy.on_no_fit == alg::failure_action::drop) return false;
          offset += static_cast<std::uint32_t>(msg.size());
          if (!tcp) break;
          continue;
        }
        notify(b, msg, r, true);  // before the splice: `msg` still holds the original bytes
        const std::uint32_t base = offset;
        const alg::apply_result ar =
            alg::apply_with(plan, [&](std::uint32_t off, std::uint32_t old_len, std::string_view rep) noexcept {
              return pv.splice_payload(base + off, old_len,
                                       {reinterpret_cast<const std::uint8_t*>(rep.data()), rep.size()})
                  .ok();
            });
        if (ar.ec != alg::apply_errc::ok) {  // cannot happen after the room check; never half-rewritten
          ++counters_.sip_no_room;
          release_pending();
          if (ar.ec == alg::apply_errc::rollback_failed) return false;
          offset += static_cast<std::uint32_t>(msg.size());
          if (!tcp) break;
          continue;
        }
        ++counters_.sip_rewritten;
        changed = true;
        msg_delta = grow;
      }
      if (r.status != alg::rewrite_status::rewritten) notify(b, msg, r, false);
      apply_expectations(m.flow, now);
      release_pending();
      offset += static_cast<std::uint32_t>(static_cast<std::int64_t>(msg.size()) + msg_delta);
      delta += static_cast<std::int32_t>(msg_delta);
      if (!tcp) break;
    }
    return true;
  }

  void notify(const alg::binding& b, std::string_view msg, const alg::rewrite_result& r, bool applied) noexcept {
    if (observer_ != nullptr) observer_(observer_context_, alg_event{b, msg, r, rw_.edits(), rw_.expectations(), applied});
  }

  /// Turns the rewriter's expectation descriptors into expectation table entries.
  void apply_expectations(std::uint32_t owner, time_s now) noexcept {
    for (const alg::expectation& e : rw_.expectations()) {
      const transport t = e.transport;
      if (e.action == alg::expectation_action::remove) {
        if (e.scope == alg::expectation_scope::call) {
          counters_.expectations_removed += expects_.remove_call(owner, call_key::of(e.call_id));
        } else if (e.kind == alg::expectation_kind::signalling) {
          ++counters_.unregistrations;
          if (e.outside.address.is_v4())
            counters_.expectations_removed +=
                expects_.remove_outside(t, e.outside.address.v4_uint(), e.outside.port);
          // Expires 0: the signalling mapping leaves the tracker (it falls back to the plain UDP timeout).
          flow& f = flows_[owner];
          f.set_flags(static_cast<std::uint8_t>(f.flags() | flag_unregistered));
          flows_.refresh(owner, now, timeout_of(f));
        }
        continue;
      }
      expectation_spec s;
      s.kind = e.kind == alg::expectation_kind::rtp    ? expectation_kind::rtp
               : e.kind == alg::expectation_kind::rtcp ? expectation_kind::rtcp
                                                       : expectation_kind::signalling;
      s.proto = t;
      s.outside = e.outside;
      s.inside = e.inside;
      s.remote = e.remote;
      s.timeout = e.timeout;
      s.owner = owner;
      if (e.kind != alg::expectation_kind::signalling) s.call = call_key::of(e.call_id);
      if (e.kind == alg::expectation_kind::signalling) {
        ++counters_.registrations;
        flow& f = flows_[owner];
        f.set_flags(static_cast<std::uint8_t>(f.flags() & ~flag_unregistered));
        flows_.refresh(owner, now, timeout_of(f));
      }
      const expectation_insert ins = expects_.insert(s, now);
      if (!ins.ok()) {
        ++counters_.expectations_failed;
        continue;
      }
      if (ins.refreshed) {
        ++counters_.expectations_refreshed;
        continue;
      }
      ++counters_.expectations_added;
      // Every live expectation holds one reference to its public port.
      if (!take_pending(e.outside.port) && !ports_.retain(t, e.outside.port)) (void)ports_.reserve(t, e.outside.port);
    }
  }

  bool take_pending(std::uint16_t port) noexcept {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (pending_[i] == port) {
        pending_.erase(i);
        return true;
      }
    }
    return false;
  }
  void release_pending() noexcept {
    for (std::uint16_t p : pending_) ports_.release(transport::udp, p);
    pending_.clear();
  }

  /// IPv4 fragments: the first one (with the L4 header) is translated by its
  /// flow and remembered; later ones get the same addresses. SIP split into
  /// fragments passes without ALG (counted): reassembly is the host's job.
  process_result fragment(packet_view& pv, std::size_t length, side from, time_s now) noexcept {
    ipv4_view& ip = pv.ip();
    if (!ip.valid() || ip.total_length() > length) return drop(counters_.dropped_malformed);
    const std::uint32_t src = ip.src_uint(), dst = ip.dst_uint();
    if (!needs_nat(src, dst, from) && !(from == side::wan && dst == public_)) return pass_untouched(pv);
    const std::uint8_t proto = ip.protocol();
    const frag_key fk{src, dst, ip.identification(), proto};
    if (ip.fragment_offset() == 0) {
      // The first fragment must hold the whole L4 header the translation touches.
      const std::size_t need = proto == ip_proto_tcp ? 20 : 8;
      if ((proto != ip_proto_udp && proto != ip_proto_tcp) || ip.payload().size() < need)
        return drop(counters_.dropped_unsupported);
      std::uint8_t* l4 = ip.payload().data();
      const flow_key k{src, dst, detail::load_be16(l4), detail::load_be16(l4 + 2), proto};
      flow_match m = flows_.find(k, now);
      if (!m) {
        process_result refused{verdict::drop, 0};
        m = create_flow(k, from, now, refused);
        if (!m) return refused;
      }
      flows_.refresh(m.flow, now, timeout_of(flows_[m.flow]));
      const flow_key to = flows_[m.flow].translated(m.dir);
      if (proto == ip_proto_udp) {
        udp_view u = udp_view::at(l4);
        if (u.has_checksum()) {
          u.checksum_replace32(src, to.src_addr);
          u.checksum_replace32(dst, to.dst_addr);
        }
        if (u.src_port() != to.src_port) u.set_src_port(to.src_port);
        if (u.dst_port() != to.dst_port) u.set_dst_port(to.dst_port);
      } else {
        tcp_view tc = tcp_view::at(l4, static_cast<std::uint32_t>(ip.payload().size()));
        tc.checksum_replace32(src, to.src_addr);
        tc.checksum_replace32(dst, to.dst_addr);
        if (tc.src_port() != to.src_port) tc.set_src_port(to.src_port);
        if (tc.dst_port() != to.dst_port) tc.set_dst_port(to.dst_port);
      }
      ip.set_src(to.src_addr);
      ip.set_dst(to.dst_addr);
      frags_[frag_next_++ % frags_.size()] = {fk, to.src_addr, to.dst_addr, true};
    } else {
      const frag_entry* hit = nullptr;
      for (const frag_entry& fe : frags_)
        if (fe.used && fe.key == fk) hit = &fe;
      if (hit == nullptr) return drop(counters_.fragments_dropped);
      ip.set_src(hit->new_src);
      ip.set_dst(hit->new_dst);
    }
    ++counters_.fragments_translated;
    ++counters_.forwarded;
    return {verdict::forward, ip.total_length()};
  }

  static void on_flow_erased(void* ctx, std::uint32_t i, const flow& f, erase_reason) noexcept {
    auto* self = static_cast<engine*>(ctx);
    const transport t = transport_of(f.proto());
    if (f.user() == nat_snat) self->ports_.release(t, f.reply().dst_port);
    else if (f.user() == nat_inbound) self->ports_.release(t, f.original().dst_port);
    if (f.has(flow_flag::sip)) self->counters_.expectations_removed += self->expects_.remove_owner(i);
  }
  static void on_expectation_erased(void* ctx, std::uint32_t, const expectation& e, expectation_removal) noexcept {
    auto* self = static_cast<engine*>(ctx);
    if (e.outside_addr() == self->public_) self->ports_.release(e.proto(), e.outside_port());
  }

  struct frag_key {
    std::uint32_t src = 0, dst = 0;
    std::uint16_t id = 0;
    std::uint8_t proto = 0;
    friend constexpr bool operator==(const frag_key&, const frag_key&) noexcept = default;
  };
  struct frag_entry {
    frag_key key;
    std::uint32_t new_src = 0, new_dst = 0;
    bool used = false;
  };

  engine_config cfg_;
  std::uint32_t public_ = 0;
  conntrack_table flows_;
  expectation_table expects_;
  port_allocator ports_;
  alg::rewriter rw_;
  fixed_vector<std::uint16_t, 2 * alg::max_expectations> pending_{};
  std::array<frag_entry, 64> frags_{};
  std::uint32_t frag_next_ = 0;
  engine_counters counters_{};
  alg_observer observer_ = nullptr;
  void* observer_context_ = nullptr;
};

}  // namespace sipalg::nat
