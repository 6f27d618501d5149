// The core of `sipalg pcap` (examples/sipalg/pcap_command.cpp): replays a capture taken on
// the LAN side of a router through the reference NAT engine and its SIP ALG, and writes the
// capture a sniffer on the WAN side would have taken.
//
//   LAN capture (IN)                         WAN capture (OUT)
//   phone -> server    --engine(lan)-->      public -> server              (translated, ALG applied)
//   server -> phone    <--rebuild---         server -> public              (the WAN form, rebuilt)
//                      --engine(wan)-->      compared with the captured LAN form: consistent/differs
//
// A packet from the WAN reaches the LAN capture already translated. Its WAN form is rebuilt:
// destination = the public endpoint the engine mapped the phone to (engine::public_endpoint_of),
// and for SIP the inverse of the ALG's inbound restore (the rewriter run inbound with the binding
// swapped: inside = the public endpoint, outside = the phone's private one). That WAN form is
// written to OUT and run through the engine from the WAN side, so flows and expectations evolve
// as in the router; the engine's output is compared with the captured LAN bytes. A router without
// an ALG, or with a bad one, shows up as "differs".
//
// Kept in a header (not in the .cpp) so that the tests can drive it in-process over in-memory
// captures (fmemopen) for the truncation/bit-flip sweeps.
#pragma once

#include <fmt/format.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "../common/expectation_json.hpp"
#include "../common/link_layer.hpp"
#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"
#include "sipalg/fmt.hpp"
#include "sipalg/nat/engine.hpp"
#include "sipalg/sip/cseq.hpp"
#include "sipalg/sip/framing.hpp"
#include "sipalg/sip/header_id.hpp"
#include "sipalg/sip/parser.hpp"

namespace sipalg::tools {

/// What `sipalg pcap` is asked to do.
struct replay_options {
  nat::ipv4_prefix lan{0xC0A80000u, 16};  ///< --lan: sources behind the NAT
  ip_address public_address;              ///< --public: the NAT's public IPv4 address
  alg::policy policy{};                   ///< --policy / --sip-ports
  nat::port_range ports{1024, 65535};     ///< --port-range: public ports for masquerade and media
  bool alg = true;                        ///< false with --no-alg: a plain NAT
  bool json = false;                      ///< --json: JSON lines instead of the table
  std::uint32_t max_flows = 65536;        ///< engine table sizes (the tests use small ones)
  std::uint32_t max_expectations = 4096;
};

/// Why a record was not translated. Every record is counted once: written, or skipped for one reason.
enum class skip_reason : std::uint8_t {
  read_error,      ///< the capture ends with a damaged record (libpcap error); reading stops
  link_truncated,  ///< the frame ends inside its link-layer header
  not_ipv4,        ///< ARP, IPv6, LLDP, ...
  snaplen_cut,     ///< captured with a short snaplen: the IPv4 packet is incomplete
  invalid_ipv4,    ///< bad IPv4/UDP/TCP header (length, checksum, ...)
  lan_internal,    ///< both ends inside --lan: never crosses the NAT
  not_routed,      ///< broadcast, multicast or from 0.0.0.0
  no_mapping,      ///< to the LAN, but the NAT has no flow or expectation for it (capture started late?)
  dropped_by_nat,  ///< from the LAN, dropped by the engine (unsupported protocol, table full, policy)
  count_
};

[[nodiscard]] inline std::string_view to_string(skip_reason r) {
  switch (r) {
    case skip_reason::read_error:
      return "read_error";
    case skip_reason::link_truncated:
      return "link_truncated";
    case skip_reason::not_ipv4:
      return "not_ipv4";
    case skip_reason::snaplen_cut:
      return "snaplen_cut";
    case skip_reason::invalid_ipv4:
      return "invalid_ipv4";
    case skip_reason::lan_internal:
      return "lan_internal";
    case skip_reason::not_routed:
      return "not_routed";
    case skip_reason::no_mapping:
      return "no_mapping";
    case skip_reason::dropped_by_nat:
      return "dropped_by_nat";
    case skip_reason::count_:
      break;
  }
  return "unknown";
}

/// Totals of one run (the summary line).
struct replay_stats {
  std::uint64_t records = 0;   ///< capture records read
  std::uint64_t written = 0;   ///< frames written to OUT
  std::uint64_t outbound = 0;  ///< from the LAN, translated
  std::uint64_t inbound = 0;   ///< to the LAN, WAN form rebuilt
  std::uint64_t passed = 0;    ///< neither end in --lan: written unchanged
  std::array<std::uint64_t, static_cast<std::size_t>(skip_reason::count_)> skipped{};
  std::uint64_t consistent = 0;          ///< inbound: the engine turns the rebuilt WAN form into the captured LAN bytes
  std::uint64_t differs = 0;             ///< inbound: it does not (another router's ALG, or none)
  std::uint64_t checksums_repaired = 0;  ///< IPv4/UDP/TCP checksums wrong in the capture (offload), fixed first
  std::string read_error;                ///< libpcap's message for the damaged record, if any

  [[nodiscard]] std::uint64_t skipped_total() const {
    std::uint64_t n = 0;
    for (auto v : skipped) n += v;
    return n;
  }
};

namespace detail {

/// The stored form of one SIP message the ALG looked at, for the table.
struct field_change {
  std::string field, before, after;
};
struct message_record {
  alg::direction dir = alg::direction::outbound;
  std::string title;   ///< "INVITE", "200 OK (INVITE)"
  std::string status;  ///< rewritten / unchanged / malformed (...)
  bool applied = false;
  bool problem = false;  ///< malformed / no fit / not applied
  std::string note;      ///< a line to print under the title (--no-alg)
  alg::binding binding;
  std::vector<field_change> changes;
  std::vector<std::string> expectations;  ///< "+ rtp udp 2.2.2.2:10036 -> ..." lines
  nlohmann::ordered_json expectations_json = nlohmann::ordered_json::array();
};

/// TCP sequence-number correction (the same model as nat::flow's): the last change and the
/// cumulative offset before and after it.
struct seq_fix {
  std::uint32_t pos = 0, after = 0;
  std::int32_t last = 0;
  [[nodiscard]] static bool seq_after(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }
  [[nodiscard]] std::uint32_t before() const { return after - static_cast<std::uint32_t>(last); }
  void record(std::uint32_t seq, std::int32_t delta) {
    if (delta == 0) return;
    if (last == 0 || seq_after(seq, pos)) {
      pos = seq;
      after += static_cast<std::uint32_t>(delta);
      last = delta;
    }
  }
  /// What the engine does to a sequence number of this direction.
  [[nodiscard]] std::uint32_t adjust_seq(std::uint32_t seq) const {
    return seq + (seq_after(seq, pos) ? after : before());
  }
  /// Its inverse: the sequence number that adjust_seq turns into `adjusted`.
  [[nodiscard]] std::uint32_t unadjust_seq(std::uint32_t adjusted) const {
    const std::uint32_t a = adjusted - after;
    return seq_after(a, pos) ? a : adjusted - before();
  }
  /// The inverse of the engine's ACK adjustment of the other direction (adjust_ack).
  [[nodiscard]] std::uint32_t unadjust_ack(std::uint32_t adjusted) const {
    const std::uint32_t a = adjusted + after;
    return seq_after(a - before(), pos) ? a : adjusted + before();
  }
};
struct tcp_track {
  seq_fix out;  ///< the engine's changes of the phone's stream (LAN seq space)
  seq_fix in;   ///< the engine's changes of the remote's stream (WAN seq space)
};

[[nodiscard]] inline std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

/// The name of the SIP/SDP field that holds byte `off` of `msg` (parsed as `m`).
template <std::size_t N>
std::string field_at(std::string_view msg, const sip::basic_message<N>& m, std::uint32_t off) {
  if (off < m.start_line.offset + m.start_line.length) return m.is_request() ? "Request-URI" : "Status-Line";
  if (off < m.head_end) {
    for (const sip::header& h : m.headers) {
      if (off < h.line.offset || off >= h.line.offset + h.line.length) continue;
      std::string name =
          h.id != sip::header_id::unknown ? std::string(sip::canonical_name(h.id)) : std::string(h.name.in(msg));
      if (h.id == sip::header_id::via) {
        const std::string_view before = msg.substr(h.line.offset, off - h.line.offset);
        if (before.ends_with("received="))
          name += " received";
        else if (before.ends_with("rport="))
          name += " rport";
      }
      return name;
    }
    return fmt::format("@{}", off);
  }
  // Body: the SDP line (o=, c=, m=audio, a=rtcp, ...).
  std::size_t start = msg.rfind('\n', off == 0 ? 0 : off - 1);
  start = (start == std::string_view::npos || start < m.head_end - 1) ? m.head_end : start + 1;
  std::string_view line = msg.substr(start);
  line = line.substr(0, std::min(line.find_first_of("\r\n"), line.size()));
  if (line.size() >= 2 && line[1] == '=') {
    if (line[0] == 'm' || line[0] == 'a') {
      const std::size_t end = line.find_first_of(line[0] == 'm' ? " " : ": ");
      return std::string(line.substr(0, end == std::string_view::npos ? line.size() : end));
    }
    return std::string(line.substr(0, 2));
  }
  return fmt::format("body@{}", off - m.head_end);
}

/// "INVITE", "200 OK (INVITE)", or the start of the first line when the message does not parse.
template <std::size_t N>
std::string title_of(std::string_view msg, const sip::basic_message<N>& m, bool parsed) {
  if (!parsed) {
    std::string_view first = msg.substr(0, std::min<std::size_t>(msg.find_first_of("\r\n"), 40));
    std::string s;
    for (char c : first) s += (c >= 0x20 && c < 0x7F) ? c : '.';
    return s.empty() ? std::string("(empty)") : s;
  }
  if (m.is_request()) return std::string(m.method.in(msg));
  std::string s = fmt::format("{} {}", m.status_code, m.reason.in(msg));
  if (const sip::header* h = m.find(sip::header_id::cseq)) {
    sip::cseq c;
    if (sip::parse_cseq(h->value.in(msg), c).ec == sip::errc::ok) s += fmt::format(" ({})", c.method);
  }
  return s;
}

inline std::string printable(std::string_view s, std::size_t max = 200) {
  std::string out;
  for (char c : s.substr(0, max)) {
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      out += '.';
    else
      out += c;
  }
  if (s.size() > max) out += "...";
  return out;
}

inline std::string expectation_line(const alg::expectation& e) {
  if (e.action == alg::expectation_action::remove) {
    if (e.scope == alg::expectation_scope::call)
      return fmt::format("- {} of call {}", alg::to_string(e.kind), printable(e.call_id, 80));
    return fmt::format("- {} {} {}", alg::to_string(e.kind), e.transport, e.outside);
  }
  std::string remote = e.remote ? std::string(e.remote->to_text().view()) : std::string("any");
  return fmt::format("+ {} {} {} -> {} from {} {}s", alg::to_string(e.kind), e.transport, e.outside, e.inside, remote,
                     e.timeout);
}

}  // namespace detail

/**
 * One replay of one capture. Not reusable: construct, run() once.
 * Exit status of run(): 0 the capture was processed (skipped records are counted, not errors);
 * 1 the input is not a usable capture (not pcap/pcapng, unsupported link type) or ends with a
 * damaged record (OUT then holds everything before it); 2 OUT cannot be written.
 */
class replayer {
 public:
  explicit replayer(const replay_options& o) : opt_(o) {
    nat::engine_config cfg;
    cfg.public_address = o.public_address;
    cfg.lan = o.lan;
    cfg.ports = o.ports;
    cfg.policy = o.policy;
    cfg.alg_enabled = o.alg;
    cfg.max_flows = o.max_flows;
    cfg.max_expectations = o.max_expectations;
    engine_ = std::make_unique<nat::engine>(cfg);
    reverse_ = std::make_unique<alg::rewriter>(o.policy);
    engine_->set_alg_observer(&replayer::observe, this);
  }

  [[nodiscard]] const replay_stats& stats() const { return stats_; }
  [[nodiscard]] const nat::engine& engine() const { return *engine_; }

  /**
   * Reads `in`, writes `out` (both are taken over and closed), prints the table (or JSON lines)
   * and the summary to `report`. On exit status 1/2 before any packet, `error` says why.
   */
  int run(std::FILE* in, std::FILE* out, std::FILE* report, std::string& error) {
    report_ = report;
    if (!engine_->valid()) {
      error = "the NAT engine could not be created (public address must be IPv4; tables too large?)";
      if (in) std::fclose(in);
      if (out) std::fclose(out);
      return 2;
    }
    // pcap magic: keep nanosecond timestamps when the input has them.
    bool nano = false;
    {
      unsigned char magic[4] = {0, 0, 0, 0};
      const std::size_t n = std::fread(magic, 1, 4, in);
      nano = n == 4 && ((magic[0] == 0xa1 && magic[1] == 0xb2 && magic[2] == 0x3c && magic[3] == 0x4d) ||
                        (magic[0] == 0x4d && magic[1] == 0x3c && magic[2] == 0xb2 && magic[3] == 0xa1));
      std::rewind(in);
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_t* rd = pcap_fopen_offline_with_tstamp_precision(in, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (rd == nullptr) {
      std::fclose(in);
      std::fclose(out);
      error = fmt::format("not a readable pcap/pcapng capture: {}", errbuf);
      return 1;
    }
    const int dlt = pcap_datalink(rd);
    if (!link_type_from_dlt(dlt, link_)) {
      const char* name = pcap_datalink_val_to_name(dlt);
      error = fmt::format(
          "unsupported link type {} ({}): sipalg pcap reads Ethernet (with VLAN tags), Linux cooked "
          "(SLL, SLL2), raw IP and BSD loopback captures",
          dlt, name ? name : "unknown");
      pcap_close(rd);
      std::fclose(out);
      return 1;
    }
    pcap_t* dead = pcap_open_dead_with_tstamp_precision(
        dlt, 262144, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    pcap_dumper_t* dump = dead ? pcap_dump_fopen(dead, out) : nullptr;
    if (dump == nullptr) {
      error = fmt::format("cannot write the output capture: {}", dead ? pcap_geterr(dead) : "pcap_open_dead failed");
      if (dead) pcap_close(dead);
      pcap_close(rd);
      std::fclose(out);
      return 2;
    }
    out_nano_ = nano;
    dump_ = dump;
    print_header();

    int rc = 0;
    for (;;) {
      pcap_pkthdr* h = nullptr;
      const u_char* data = nullptr;
      const int r = pcap_next_ex(rd, &h, &data);
      if (r == PCAP_ERROR_BREAK) break;  // end of file
      if (r != 1) {
        ++stats_.records;
        skip(skip_reason::read_error);
        stats_.read_error = pcap_geterr(rd);
        rc = 1;
        break;
      }
      on_record(*h, data);
    }
    pcap_close(rd);
    pcap_dump_flush(dump);
    const bool write_failed = std::ferror(pcap_dump_file(dump)) != 0;
    pcap_dump_close(dump);
    pcap_close(dead);
    print_summary();
    if (write_failed) {
      error = "cannot write the output capture (I/O error)";
      return 2;
    }
    if (rc != 0) error = fmt::format("the capture ends with a damaged record: {}", stats_.read_error);
    return rc;
  }

 private:
  // ---------------------------------------------------------------- per record
  void on_record(const pcap_pkthdr& h, const u_char* data) {
    ++stats_.records;
    const std::uint64_t ns =
        static_cast<std::uint64_t>(h.ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(h.ts.tv_usec);
    if (!have_t0_) t0_ = ns, have_t0_ = true;
    now_ns_ = ns;
    now_ = static_cast<nat::time_s>(h.ts.tv_sec < 0 ? 0 : h.ts.tv_sec);
    ts_ = h.ts;
    const std::span<const std::uint8_t> frame(data, h.caplen);
    const frame_info fi = locate_ipv4(link_, frame);
    if (fi.status == frame_status::truncated) return skip(skip_reason::link_truncated);
    if (fi.status == frame_status::not_ipv4) return skip(skip_reason::not_ipv4);
    const std::span<const std::uint8_t> ip = frame.subspan(fi.ip_offset);
    const bool cut = h.caplen < h.len;
    if (ip.size() < 20) return skip(cut ? skip_reason::snaplen_cut : skip_reason::invalid_ipv4);
    const std::size_t total = detail::be16(ip.data() + 2);
    if (total > ip.size()) return skip(cut ? skip_reason::snaplen_cut : skip_reason::invalid_ipv4);
    if (total < 20) return skip(skip_reason::invalid_ipv4);

    link_header_ = frame.first(fi.ip_offset);
    trailer_ = ip.subspan(total);
    lan_.assign(ip.begin(), ip.begin() + static_cast<std::ptrdiff_t>(total));

    std::copy(lan_.begin(), lan_.end(), buf_.begin());
    // Checksums left to the NIC (offload) are wrong in captures taken on the sending host (Windows
    // even leaves the IPv4 header checksum 0); on the wire they are right. Repair, and count.
    nat::ipv4_view v4;
    if (nat::ipv4_view::parse({buf_.data(), total}, v4, false).ok() && !v4.header_checksum_ok()) {
      v4.update_header_checksum();
      ++stats_.checksums_repaired;
    }
    nat::packet_view pv;
    const nat::result pr = nat::packet_view::parse(buf_, pv);  // the whole buffer: the payload may grow into it
    const bool fragment = pr.code == nat::errc::fragment;
    if (!pr.ok() && !fragment) return skip(skip_reason::invalid_ipv4);
    if (pr.ok() && pv.has_ports() && !pv.l4_checksum_ok()) {
      pv.update_l4_checksum();
      ++stats_.checksums_repaired;
    }
    std::copy(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(total), lan_.begin());

    const std::uint32_t src = pv.ip().src_uint(), dst = pv.ip().dst_uint();
    if ((dst >> 28) == 0xE || dst == 0xFFFFFFFFu || src == 0 || (src >> 28) == 0xE)
      return skip(skip_reason::not_routed);
    const bool src_lan = opt_.lan.contains(src), dst_lan = opt_.lan.contains(dst);
    if (src_lan && dst_lan) return skip(skip_reason::lan_internal);
    if (src_lan) return outbound(total, pv, fragment);
    if (dst_lan) return inbound(pv, fragment);
    ++stats_.passed;
    write(lan_.data(), lan_.size());
  }

  void skip(skip_reason r) { ++stats_.skipped[static_cast<std::size_t>(r)]; }

  // ---------------------------------------------------------------- LAN -> WAN
  void outbound(std::size_t total, nat::packet_view& pv, bool fragment) {
    records_.clear();
    packet_delta_ = 0;
    const bool tcp = !fragment && pv.is_tcp();
    const std::uint32_t seq = tcp ? pv.tcp().seq() : 0;
    const nat::flow_key lan_key = pv.key();
    const auto conn = tcp ? conn_key(lan_key.src(), lan_key.dst()) : conn_key_t{};
    if (!fragment && pv.has_ports()) {
      // The engine runs the ALG on a flow the phone opens to a SIP port (its sip flag).
      const transport t = pv.is_tcp() ? transport::tcp : transport::udp;
      sip_flows_.try_emplace(flow_id(lan_key.src(), lan_key.dst(), t), opt_.policy.is_sip_port(lan_key.dst_port, t));
    }
    const nat::process_result r = engine_->process(buf_, total, nat::side::lan, now_);
    if (tcp && packet_delta_ != 0) tcp_[conn].out.record(seq, packet_delta_);
    if (fragment && r.action == nat::verdict::forward && r.length >= 28 && lan_.size() >= 28) {
      const std::size_t l4 = (lan_[0] & 0x0Fu) * 4u, wl4 = (buf_[0] & 0x0Fu) * 4u;
      if (lan_.size() >= l4 + 4 && r.length >= wl4 + 4)
        note_fragmented_sip(alg::direction::outbound, endpoint{lan_key.src().address, detail::be16(lan_.data() + l4)},
                            endpoint{pv.ip().src(), detail::be16(buf_.data() + wl4)},
                            endpoint{lan_key.dst().address, detail::be16(lan_.data() + l4 + 2)});
    }
    if (!opt_.alg && r.action == nat::verdict::forward) {
      nat::packet_view wan;
      if (nat::packet_view::parse({buf_.data(), r.length}, wan).ok() && wan.has_ports())
        list_without_alg(lan_, alg::direction::outbound, lan_key.src(), wan.key().src(), lan_key.dst());
    }
    print_records(nullptr);
    if (r.action == nat::verdict::drop) return skip(skip_reason::dropped_by_nat);
    ++stats_.outbound;
    write(buf_.data(), r.length);
  }

  // ---------------------------------------------------------------- WAN -> LAN
  void inbound(nat::packet_view& pv, bool fragment) {
    records_.clear();
    std::optional<endpoint> pub;
    if (fragment) {
      pub = inbound_fragment(pv);
    } else {
      if (!pv.has_ports()) return skip(skip_reason::no_mapping);  // ICMP etc.: the engine keeps no mapping for them
      pub = engine_->public_endpoint_of(pv.key(), now_);
    }
    if (!pub || !pub->address.is_v4()) return skip(skip_reason::no_mapping);

    // Rebuild the WAN form in buf_ (it holds a copy of the captured LAN form).
    std::string diff_note;
    const nat::flow_key lan_key = pv.key();
    if (fragment) {
      rewrite_fragment_dst(pv, *pub);
    } else {
      const endpoint phone = pv.key().dst();
      const endpoint remote = pv.key().src();
      const bool tcp = pv.is_tcp();
      const std::uint32_t lan_seq = tcp ? pv.tcp().seq() : 0, lan_ack = tcp ? pv.tcp().ack() : 0;
      pv.set_dst_address(pub->address.v4_uint());
      pv.set_dst_port(pub->port);
      std::int32_t delta = 0;
      const transport t = tcp ? transport::tcp : transport::udp;
      // Whether the engine runs the ALG on this flow: as decided when the phone opened it; a flow
      // opened from the WAN (an expectation) is SIP when it reaches the phone's SIP port.
      const bool sip_flow =
          sip_flows_.try_emplace(flow_id(phone, remote, t), opt_.policy.is_sip_port(phone.port, t)).first->second;
      if (opt_.alg && pv.payload_size() != 0 && sip_flow) delta = unrestore_sip(pv, *pub, phone, remote);
      if (tcp) {
        nat::tcp_view tv = pv.tcp();
        const auto it = tcp_.find(conn_key(phone, remote));
        const std::uint32_t wan_seq = it == tcp_.end() ? lan_seq : it->second.in.unadjust_seq(lan_seq);
        if (wan_seq != lan_seq) tv.set_seq(wan_seq);
        if (tv.has(nat::tcp_flags::ack) && it != tcp_.end()) {
          const std::uint32_t wan_ack = it->second.out.unadjust_ack(lan_ack);
          if (wan_ack != lan_ack) tv.set_ack(wan_ack);
        }
        // The engine will record the opposite change at the WAN sequence number.
        if (delta != 0) tcp_[conn_key(phone, remote)].in.record(wan_seq, -delta);
      }
    }
    const std::size_t wan_len = pv.ip().total_length();
    wan_.assign(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(wan_len));
    if (!opt_.alg && !fragment) list_without_alg(wan_, alg::direction::inbound, lan_key.dst(), *pub, lan_key.src());
    if (fragment) {
      const std::size_t l4 = (lan_[0] & 0x0Fu) * 4u;
      if (lan_.size() >= l4 + 4)
        note_fragmented_sip(alg::direction::inbound,
                            endpoint{lan_key.dst().address, detail::be16(lan_.data() + l4 + 2)}, *pub,
                            endpoint{lan_key.src().address, detail::be16(lan_.data() + l4)});
    }
    ++stats_.inbound;
    write(wan_.data(), wan_.size());

    // The router's view: the WAN form through the engine, compared with what was captured.
    const nat::process_result r = engine_->process(buf_, wan_len, nat::side::wan, now_);
    if (r.action == nat::verdict::drop) {
      diff_note = "the NAT drops the rebuilt WAN form";
    } else {
      diff_note = compare({buf_.data(), r.length}, lan_);
    }
    if (diff_note.empty())
      ++stats_.consistent;
    else
      ++stats_.differs;
    print_records(&diff_note);
  }

  /// Undoes the inbound restore on the SIP payload of `pv` (already addressed to `pub`).
  /// Returns the payload size change.
  std::int32_t unrestore_sip(nat::packet_view& pv, const endpoint& pub, const endpoint& phone, const endpoint& remote) {
    alg::binding b;
    b.inside = pub;  // swapped: the rewriter restores outside -> inside, i.e. private -> public
    b.outside = phone;
    b.peer = remote;
    b.transport = pv.is_tcp() ? transport::tcp : transport::udp;
    b.dir = alg::direction::inbound;
    std::int32_t total_delta = 0;
    std::uint32_t offset = 0;
    bool changed = false;
    for (;;) {
      const std::span<std::uint8_t> payload = pv.payload();
      if (offset >= payload.size()) break;
      const std::string_view rest(reinterpret_cast<const char*>(payload.data()) + offset, payload.size() - offset);
      std::string_view msg = rest;
      if (pv.is_tcp()) {
        sip::parse_options po = sip::parse_options::stream();
        po.max_message_size = opt_.policy.tcp_max_message;
        const sip::framing_result fr = sip::frame_message(rest, po);
        if (!fr.ok()) break;
        msg = rest.substr(0, fr.length);
        if (fr.kind == sip::frame_kind::keep_alive) {
          offset += fr.length;
          continue;
        }
      }
      const alg::rewrite_result rr = reverse_->plan(msg, b);
      std::int64_t d = 0;
      if (rr.status == alg::rewrite_status::rewritten) {
        const auto& plan = reverse_->edits();
        const std::uint32_t base = offset;
        const alg::apply_result ar = alg::apply_with(plan, [&](std::uint32_t off, std::uint32_t old_len,
                                                               std::string_view rep) {
          return pv.splice_payload(base + off, old_len, {reinterpret_cast<const std::uint8_t*>(rep.data()), rep.size()})
              .ok();
        });
        if (ar.ec == alg::apply_errc::ok) d = plan.delta(), changed = true;
      }
      offset += static_cast<std::uint32_t>(static_cast<std::int64_t>(msg.size()) + d);
      total_delta += static_cast<std::int32_t>(d);
      if (!pv.is_tcp()) break;
    }
    if (changed) pv.update_l4_checksum();
    return total_delta;
  }

  // IPv4 fragments to the LAN: the first one carries the ports; later ones reuse its mapping.
  struct frag_id {
    std::uint32_t src, dst;
    std::uint16_t id;
    std::uint8_t proto;
    auto operator<=>(const frag_id&) const = default;
  };
  std::optional<endpoint> inbound_fragment(nat::packet_view& pv) {
    nat::ipv4_view& ip = pv.ip();
    const frag_id id{ip.src_uint(), ip.dst_uint(), ip.identification(), ip.protocol()};
    if (ip.fragment_offset() != 0) {
      const auto it = frags_.find(id);
      if (it == frags_.end()) return std::nullopt;
      return it->second;
    }
    if ((ip.protocol() != nat::ip_proto_udp && ip.protocol() != nat::ip_proto_tcp) || ip.payload().size() < 8)
      return std::nullopt;
    const std::uint8_t* l4 = ip.payload().data();
    const nat::flow_key k{ip.src_uint(), ip.dst_uint(), detail::be16(l4), detail::be16(l4 + 2), ip.protocol()};
    auto pub = engine_->public_endpoint_of(k, now_);
    if (pub) frags_[id] = *pub;
    return pub;
  }
  static void rewrite_fragment_dst(nat::packet_view& pv, const endpoint& pub) {
    nat::ipv4_view& ip = pv.ip();
    const std::uint32_t old = ip.dst_uint(), to = pub.address.v4_uint();
    if (ip.fragment_offset() == 0) {
      std::uint8_t* l4 = ip.payload().data();
      if (ip.protocol() == nat::ip_proto_udp) {
        nat::udp_view u = nat::udp_view::at(l4);
        if (u.has_checksum()) u.checksum_replace32(old, to);
        if (u.dst_port() != pub.port) u.set_dst_port(pub.port);
      } else if (ip.payload().size() >= 20) {
        nat::tcp_view t = nat::tcp_view::at(l4, static_cast<std::uint32_t>(ip.payload().size()));
        t.checksum_replace32(old, to);
        if (t.dst_port() != pub.port) t.set_dst_port(pub.port);
      }
    }
    ip.set_dst(to);
  }

  /// "" when `got` (the engine's LAN form) carries the same addresses, ports, sequence numbers and
  /// payload as `captured`; else what differs. Checksums, TTL and IP id are not compared.
  static std::string compare(std::span<const std::uint8_t> got, const std::vector<std::uint8_t>& captured) {
    if (got.size() < 20 || captured.size() < 20) return "not an IPv4 packet";
    const std::size_t ghl = (got[0] & 0x0Fu) * 4u, chl = (captured[0] & 0x0Fu) * 4u;
    auto addr = [](std::span<const std::uint8_t> p, std::size_t at) {
      return ip_address::from_v4_uint((std::uint32_t{p[at]} << 24) | (std::uint32_t{p[at + 1]} << 16) |
                                      (std::uint32_t{p[at + 2]} << 8) | p[at + 3]);
    };
    if (!std::equal(got.begin() + 12, got.begin() + 20, captured.begin() + 12))
      return fmt::format("addresses: sipalg {} -> {}, captured {} -> {}", addr(got, 12), addr(got, 16),
                         addr(captured, 12), addr(captured, 16));
    const std::uint8_t proto = got[9];
    const bool frag = (detail::be16(got.data() + 6) & 0x3FFFu) != 0;
    if (frag || (proto != nat::ip_proto_udp && proto != nat::ip_proto_tcp)) {
      if (got.size() - ghl != captured.size() - chl ||
          !std::equal(got.begin() + static_cast<std::ptrdiff_t>(ghl), got.end(),
                      captured.begin() + static_cast<std::ptrdiff_t>(chl)))
        return "IP payload differs";
      return {};
    }
    if (got.size() < ghl + 8 || captured.size() < chl + 8) return "truncated L4 header";
    const std::uint8_t* g4 = got.data() + ghl;
    const std::uint8_t* c4 = captured.data() + chl;
    if (std::memcmp(g4, c4, 4) != 0)
      return fmt::format("ports: sipalg {} -> {}, captured {} -> {}", detail::be16(g4), detail::be16(g4 + 2),
                         detail::be16(c4), detail::be16(c4 + 2));
    std::size_t goff = ghl + 8, coff = chl + 8;
    if (proto == nat::ip_proto_tcp) {
      if (got.size() < ghl + 20 || captured.size() < chl + 20) return "truncated TCP header";
      if (std::memcmp(g4 + 4, c4 + 4, 4) != 0) return "TCP sequence number";
      if (std::memcmp(g4 + 8, c4 + 8, 4) != 0) return "TCP acknowledgement number";
      goff = ghl + (g4[12] >> 4) * 4u, coff = chl + (c4[12] >> 4) * 4u;
      if (goff > got.size() || coff > captured.size()) return "bad TCP header length";
    }
    const std::string_view g(reinterpret_cast<const char*>(got.data()) + goff, got.size() - goff);
    const std::string_view c(reinterpret_cast<const char*>(captured.data()) + coff, captured.size() - coff);
    if (g == c) return {};
    // First differing line, for the operator.
    std::size_t i = 0;
    while (i < g.size() && i < c.size() && g[i] == c[i]) ++i;
    auto line_at = [](std::string_view s, std::size_t at) {
      const std::size_t b = s.rfind('\n', at == 0 ? 0 : at - 1);
      const std::size_t start = (b == std::string_view::npos || at == 0) ? 0 : b + 1;
      const std::size_t e = s.find_first_of("\r\n", start);
      return s.substr(start, (e == std::string_view::npos ? s.size() : e) - start);
    };
    return fmt::format("payload: sipalg \"{}\", captured \"{}\"", detail::printable(line_at(g, i), 120),
                       detail::printable(line_at(c, i), 120));
  }

  /// The first fragment of a SIP message (lan_ holds it): the engine passes SIP in IP fragments without
  /// the ALG (reassembly is the host's job), so its private addresses cross the NAT. Listed as a problem.
  void note_fragmented_sip(alg::direction dir, const endpoint& inside, const endpoint& outside, const endpoint& peer) {
    const std::size_t hl = (lan_[0] & 0x0Fu) * 4u;
    const std::uint16_t frag = detail::be16(lan_.data() + 6);
    const std::uint8_t proto = lan_[9];
    if ((frag & 0x1FFFu) != 0 || (proto != nat::ip_proto_udp && proto != nat::ip_proto_tcp)) return;
    std::size_t payload = hl + 8;
    if (proto == nat::ip_proto_tcp) payload = lan_.size() >= hl + 20 ? hl + (lan_[hl + 12] >> 4) * 4u : lan_.size();
    if (lan_.size() < hl + 4 || payload >= lan_.size()) return;
    const transport t = proto == nat::ip_proto_tcp ? transport::tcp : transport::udp;
    if (!opt_.policy.is_sip_port(detail::be16(lan_.data() + hl), t) &&
        !opt_.policy.is_sip_port(detail::be16(lan_.data() + hl + 2), t))
      return;
    const std::string_view msg(reinterpret_cast<const char*>(lan_.data()) + payload, lan_.size() - payload);
    sip::message m;
    detail::message_record rec;
    rec.dir = dir;
    rec.binding = alg::binding{inside, outside, peer, t, dir};
    const std::string first = detail::title_of(msg, m, false);
    rec.title = first.substr(0, first.find(' ') == std::string::npos ? first.size() : first.find(' '));
    if (rec.title == "SIP/2.0") rec.title = first.substr(0, std::min<std::size_t>(first.size(), 22));
    rec.status = "SIP in IP fragments: passed without ALG (the host must reassemble first)";
    rec.problem = true;
    records_.push_back(std::move(rec));
  }

  /// With --no-alg the observer is silent: list the SIP messages anyway (first message of the payload).
  void list_without_alg(const std::vector<std::uint8_t>& ip, alg::direction dir, const endpoint& inside,
                        const endpoint& outside, const endpoint& peer) {
    scratch_.assign(ip.begin(), ip.end());
    nat::packet_view pv;
    if (!nat::packet_view::parse(scratch_, pv).ok() || !pv.has_ports() || pv.payload_size() == 0) return;
    const transport t = pv.is_tcp() ? transport::tcp : transport::udp;
    if (!opt_.policy.is_sip_port(pv.src_port(), t) && !opt_.policy.is_sip_port(pv.dst_port(), t)) return;
    const std::string_view msg(reinterpret_cast<const char*>(pv.payload().data()), pv.payload_size());
    sip::message m;
    sip::parse_options po;
    po.allow_missing_content_length = t == transport::udp;
    const bool parsed = sip::parse_message(msg, m, po).ec == sip::errc::ok;
    detail::message_record rec;
    rec.dir = dir;
    rec.binding = alg::binding{inside, outside, peer, t, dir};
    rec.title = detail::title_of(msg, m, parsed);
    rec.status = "not rewritten (ALG off)";
    rec.note = rec.status;
    records_.push_back(std::move(rec));
  }

  // ---------------------------------------------------------------- the ALG observer
  static void observe(void* ctx, const nat::alg_event& ev) {
    auto* self = static_cast<replayer*>(ctx);
    self->on_event(ev);
  }
  void on_event(const nat::alg_event& ev) {
    detail::message_record rec;
    rec.dir = ev.binding.dir;
    rec.binding = ev.binding;
    rec.applied = ev.applied;
    sip::message m;
    sip::parse_options po;
    po.allow_missing_content_length = ev.binding.transport == transport::udp;
    const bool parsed = sip::parse_message(ev.message, m, po).ec == sip::errc::ok;
    rec.title = detail::title_of(ev.message, m, parsed);
    rec.status = fmt::format("{}", ev.result);
    if (ev.result.status == alg::rewrite_status::rewritten && !ev.applied) {
      rec.status = "rewrite does not fit the packet: forwarded unchanged";
      rec.problem = true;
    } else if (ev.result.status != alg::rewrite_status::rewritten &&
               ev.result.status != alg::rewrite_status::unchanged) {
      rec.problem = true;
    }
    if (parsed) {
      for (const alg::edit& e : ev.edits) {
        rec.changes.push_back({detail::field_at(ev.message, m, e.offset), detail::printable(ev.edits.original(e)),
                               detail::printable(ev.edits.replacement(e))});
      }
    }
    if (ev.applied) packet_delta_ += static_cast<std::int32_t>(ev.edits.delta());
    for (const alg::expectation& e : ev.expectations) {
      rec.expectations.push_back(detail::expectation_line(e));
      // replace: a Call-ID is bytes off the wire, not necessarily UTF-8 (dump() would throw).
      rec.expectations_json.push_back(nlohmann::ordered_json::parse(
          expectation_to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
    records_.push_back(std::move(rec));
  }

  // ---------------------------------------------------------------- output
  using conn_key_t = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>;
  static conn_key_t conn_key(const endpoint& inside, const endpoint& remote) {
    return {inside.address.v4_uint(), inside.port, remote.address.v4_uint(), remote.port};
  }

  using flow_id_t = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t, transport>;
  static flow_id_t flow_id(const endpoint& inside, const endpoint& remote, transport t) {
    return {inside.address.v4_uint(), inside.port, remote.address.v4_uint(), remote.port, t};
  }

  void write(const std::uint8_t* ip, std::size_t n) {
    frame_.assign(link_header_.begin(), link_header_.end());
    frame_.insert(frame_.end(), ip, ip + n);
    frame_.insert(frame_.end(), trailer_.begin(), trailer_.end());
    pcap_pkthdr h{};
    h.ts.tv_sec = ts_.tv_sec;
    h.ts.tv_usec = out_nano_ ? ts_.tv_usec : ts_.tv_usec / 1000;
    h.caplen = h.len = static_cast<bpf_u_int32>(frame_.size());
    pcap_dump(reinterpret_cast<u_char*>(dump_), &h, frame_.data());
    ++stats_.written;
  }

  [[nodiscard]] std::string time_text() const {
    const std::uint64_t rel = now_ns_ >= t0_ ? now_ns_ - t0_ : 0;
    return fmt::format("{}.{:03}", rel / 1000000000ull, (rel / 1000000ull) % 1000);
  }

  void print_header() {
    if (opt_.json) return;
    std::string ports;
    for (const auto& p : opt_.policy.ports) {
      if (!ports.empty()) ports += ',';
      ports += fmt::format("{}{}", p.port,
                           p.transports == alg::transport_mask::udp   ? "/udp"
                           : p.transports == alg::transport_mask::tcp ? "/tcp"
                                                                      : "");
    }
    fmt::print(report_, "sipalg pcap: lan {}/{}, public {}, public ports {}-{}, SIP ports {}, ALG {}\n",
               ip_address::from_v4_uint(opt_.lan.network), opt_.lan.length, opt_.public_address, opt_.ports.first,
               opt_.ports.last, ports, opt_.alg ? "on" : "off");
    fmt::print(report_, "{:>8}  {:<3}  {:<22}  {}\n", "time", "dir", "message", "flow (before -> after)");
  }

  void print_records(const std::string* diff) {
    for (const detail::message_record& r : records_) {
      const bool out = r.dir == alg::direction::outbound;
      const alg::binding& b = r.binding;
      if (opt_.json) {
        nlohmann::ordered_json j;
        j["time"] = time_text();
        j["direction"] = out ? "out" : "in";
        j["message"] = r.title;
        j["status"] = r.status;
        j["transport"] = std::string(to_string(b.transport));
        j["inside"] = std::string(b.inside.to_text().view());
        j["outside"] = std::string(b.outside.to_text().view());
        j["peer"] = std::string(b.peer.to_text().view());
        nlohmann::ordered_json ch = nlohmann::ordered_json::array();
        for (const auto& c : r.changes) ch.push_back({{"field", c.field}, {"before", c.before}, {"after", c.after}});
        j["changes"] = std::move(ch);
        j["expectations"] = r.expectations_json;
        if (!out && diff) j["lan_capture"] = diff->empty() ? std::string("consistent") : "differs: " + *diff;
        fmt::print(report_, "{}\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        continue;
      }
      const std::string flow = out ? fmt::format("{} -> {}  as {}", b.inside, b.peer, b.outside)
                                   : fmt::format("{} -> {}  to {}", b.peer, b.outside, b.inside);
      fmt::print(report_, "{:>8}  {:<3}  {:<22}  {}\n", time_text(), out ? "out" : "in", r.title, flow);
      if (r.problem) fmt::print(report_, "{:15}! {}\n", "", r.status);
      if (!r.note.empty()) fmt::print(report_, "{:15}{}\n", "", r.note);
      for (const auto& c : r.changes) {
        if (r.problem) break;
        fmt::print(report_, "{:15}{:<22}  {} -> {}\n", "", c.field, c.before, c.after);
      }
      for (const auto& e : r.expectations) fmt::print(report_, "{:15}{}\n", "", e);
      if (!out && diff && !diff->empty()) fmt::print(report_, "{:15}! LAN capture differs: {}\n", "", *diff);
    }
    if (records_.empty() && diff && !diff->empty() && !opt_.json)
      fmt::print(report_, "{:>8}  {:<3}  {:<22}  ! LAN capture differs: {}\n", time_text(), "in", "(packet)", *diff);
  }

  void print_summary() {
    const nat::engine_counters& c = engine_->counters();
    std::string skipped;
    for (std::size_t i = 0; i < stats_.skipped.size(); ++i) {
      if (stats_.skipped[i] == 0) continue;
      skipped += fmt::format("{}{} {}", skipped.empty() ? "" : ", ", to_string(static_cast<skip_reason>(i)),
                             stats_.skipped[i]);
    }
    if (opt_.json) {
      nlohmann::ordered_json j;
      j["packets"] = stats_.records;
      j["written"] = stats_.written;
      j["outbound"] = stats_.outbound;
      j["inbound"] = stats_.inbound;
      j["passed"] = stats_.passed;
      j["sip_messages"] = c.sip_messages;
      j["rewritten"] = c.sip_rewritten;
      j["unchanged"] = c.sip_unchanged;
      j["malformed"] = c.sip_malformed;
      j["no_fit"] = c.sip_no_fit + c.sip_no_room;
      j["expectations_added"] = c.expectations_added;
      j["expectations_removed"] = c.expectations_removed;
      nlohmann::ordered_json s = nlohmann::ordered_json::object();
      for (std::size_t i = 0; i < stats_.skipped.size(); ++i)
        if (stats_.skipped[i] != 0) s[std::string(to_string(static_cast<skip_reason>(i)))] = stats_.skipped[i];
      j["skipped"] = std::move(s);
      j["consistent"] = stats_.consistent;
      j["differs"] = stats_.differs;
      j["checksums_repaired"] = stats_.checksums_repaired;
      if (!stats_.read_error.empty()) j["read_error"] = stats_.read_error;
      fmt::print(report_, "{}\n", nlohmann::ordered_json{{"summary", j}}.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
      return;
    }
    fmt::print(report_,
               "summary: {} packets ({} out, {} in, {} passed, {} skipped{}{}), {} written; {} SIP messages ({} "
               "rewritten, {} unchanged, {} malformed, {} not fitting); expectations +{} -{}; inbound vs LAN capture: "
               "{} consistent, {} differ\n",
               stats_.records, stats_.outbound, stats_.inbound, stats_.passed, stats_.skipped_total(),
               skipped.empty() ? "" : ": ", skipped, stats_.written, c.sip_messages, c.sip_rewritten, c.sip_unchanged,
               c.sip_malformed, c.sip_no_fit + c.sip_no_room, c.expectations_added, c.expectations_removed,
               stats_.consistent, stats_.differs);
    if (stats_.checksums_repaired != 0)
      fmt::print(report_,
                 "note: {} IPv4/UDP/TCP checksums were wrong in the capture (checksum offload?) and were "
                 "recomputed before translation\n",
                 stats_.checksums_repaired);
  }

  replay_options opt_;
  std::unique_ptr<nat::engine> engine_;
  std::unique_ptr<alg::rewriter> reverse_;
  link_type link_ = link_type::ethernet;
  std::FILE* report_ = stdout;
  pcap_dumper_t* dump_ = nullptr;
  bool out_nano_ = false;
  bool have_t0_ = false;
  std::uint64_t t0_ = 0, now_ns_ = 0;
  nat::time_s now_ = 0;
  timeval ts_{};
  std::span<const std::uint8_t> link_header_, trailer_;
  std::vector<std::uint8_t> lan_, wan_, frame_, scratch_;
  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(65535 + 64);  // the packet plus tailroom (64 KiB)
  std::vector<detail::message_record> records_;
  std::int32_t packet_delta_ = 0;
  std::map<conn_key_t, detail::tcp_track> tcp_;
  std::map<frag_id, endpoint> frags_;
  std::map<flow_id_t, bool> sip_flows_;  ///< (phone, remote, transport) -> the engine runs the ALG on it
  replay_stats stats_;
};

/// Runs one replay (see replayer::run).
inline int replay_capture(const replay_options& o, std::FILE* in, std::FILE* out, std::FILE* report, std::string& error,
                          replay_stats* stats = nullptr) {
  auto r = std::make_unique<replayer>(o);
  const int rc = r->run(in, out, report, error);
  if (stats) *stats = r->stats();
  return rc;
}

}  // namespace sipalg::tools
