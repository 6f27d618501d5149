/**
 * @file flow.hpp
 * `flow`: one tracked connection of the reference NAT, 64 bytes (one cache
 * line): both directions' 5-tuples (the NAT translation), state, deadline,
 * flags, TCP sequence adjustment after ALG length changes, and links to the
 * expectation that created it and to per-flow SIP helper state.
 *
 * Tuples follow the conntrack convention. `original` is the first packet as
 * it arrived; `reply` is what an answer looks like when it arrives. Without
 * NAT, reply == original.reversed(). With NAT they differ, and a packet of
 * direction d leaves translated to translated(d) = tuple(opposite(d)).reversed():
 *
 * @code
 *   SNAT, phone 192.168.1.10:5060 -> server 198.51.100.7:5060, public 203.0.113.5:1024
 *     original  192.168.1.10:5060 -> 198.51.100.7:5060
 *     reply     198.51.100.7:5060 -> 203.0.113.5:1024
 *   DNAT (an RTP expectation), remote 198.51.100.9:40000 -> public 203.0.113.5:20000 -> phone 192.168.1.10:16384
 *     original  198.51.100.9:40000 -> 203.0.113.5:20000
 *     reply     192.168.1.10:16384 -> 198.51.100.9:40000
 * @endcode
 */
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "sipalg/nat/deadline.hpp"
#include "sipalg/nat/flow_key.hpp"
#include "sipalg/nat/tcp.hpp"

namespace sipalg::nat {

/// Which of a flow's two tuples a packet matched.
enum class direction : std::uint8_t { original = 0, reply = 1 };

[[nodiscard]] constexpr direction opposite(direction d) noexcept {
  return d == direction::original ? direction::reply : direction::original;
}
[[nodiscard]] constexpr std::string_view to_string(direction d) noexcept {
  return d == direction::original ? "original" : "reply";
}

/// Connection state. UDP states are also used for other protocols without connections.
enum class flow_state : std::uint8_t {
  free = 0,          ///< slot not in use
  udp_unreplied,     ///< packets seen in the original direction only
  udp_replied,       ///< a reply was seen
  udp_assured,       ///< traffic continued after the reply (a stream)
  tcp_syn_sent,      ///< SYN seen, no answer yet
  tcp_established,   ///< the answer came (simplified: SYN-ACK and ACK are not told apart)
  tcp_fin_wait,      ///< one side sent FIN
  tcp_closed,        ///< both sides sent FIN, or RST
};

[[nodiscard]] constexpr std::string_view to_string(flow_state s) noexcept {
  switch (s) {
    case flow_state::free: return "free";
    case flow_state::udp_unreplied: return "udp_unreplied";
    case flow_state::udp_replied: return "udp_replied";
    case flow_state::udp_assured: return "udp_assured";
    case flow_state::tcp_syn_sent: return "tcp_syn_sent";
    case flow_state::tcp_established: return "tcp_established";
    case flow_state::tcp_fin_wait: return "tcp_fin_wait";
    case flow_state::tcp_closed: return "tcp_closed";
  }
  return "unknown";
}

/// Flag bits of a flow. Bits 0x10..0x80 are free for the engine.
enum class flow_flag : std::uint8_t {
  sip = 0x01,               ///< signalling flow the ALG runs on (timeout: the policy's sip_timeout)
  nat_applied = 0x02,       ///< the tuples differ: packets are translated
  from_expectation = 0x04,  ///< created by an expectation (master() is its owner flow)
  port_forward = 0x08,      ///< created by a DNAT port forward
};

/// Default timeouts in seconds per state (close to Linux nf_conntrack defaults; TCP established is shorter).
struct flow_timeouts {
  std::uint32_t udp_unreplied = 30;
  std::uint32_t udp_replied = 60;
  std::uint32_t udp_assured = 180;
  std::uint32_t tcp_syn_sent = 120;
  std::uint32_t tcp_established = 7440;
  std::uint32_t tcp_fin_wait = 120;
  std::uint32_t tcp_closed = 10;

  [[nodiscard]] constexpr std::uint32_t for_state(flow_state s) const noexcept {
    switch (s) {
      case flow_state::udp_unreplied: return udp_unreplied;
      case flow_state::udp_replied: return udp_replied;
      case flow_state::udp_assured: return udp_assured;
      case flow_state::tcp_syn_sent: return tcp_syn_sent;
      case flow_state::tcp_established: return tcp_established;
      case flow_state::tcp_fin_wait: return tcp_fin_wait;
      case flow_state::tcp_closed: return tcp_closed;
      case flow_state::free: break;
    }
    return 0;
  }
};

class conntrack_table;

/**
 * A flow record. The tuples are set by conntrack_table::insert and cannot be
 * changed (they are the keys of the index); everything else is the engine's
 * to read and update through the table's `operator[]`.
 */
class alignas(64) flow {
 public:
  /// "No index" for helper() and master().
  static constexpr std::uint32_t none = 0xFFFFFFFFu;

  [[nodiscard]] constexpr bool in_use() const noexcept { return state_ != flow_state::free; }
  [[nodiscard]] constexpr const flow_key& original() const noexcept { return original_; }
  [[nodiscard]] constexpr flow_key reply() const noexcept {
    return flow_key{reply_.src_addr, reply_.dst_addr, reply_.src_port, reply_.dst_port, original_.proto};
  }
  [[nodiscard]] constexpr flow_key tuple(direction d) const noexcept {
    return d == direction::original ? original_ : reply();
  }
  /// The tuple a packet of direction `d` must leave with: tuple(opposite(d)).reversed().
  [[nodiscard]] constexpr flow_key translated(direction d) const noexcept {
    return tuple(opposite(d)).reversed();
  }
  /// True when packets are rewritten (reply != original.reversed()).
  [[nodiscard]] constexpr bool is_translated() const noexcept { return !(reply() == original_.reversed()); }
  /// IP protocol number.
  [[nodiscard]] constexpr std::uint8_t proto() const noexcept { return original_.proto; }

  [[nodiscard]] constexpr flow_state state() const noexcept { return state_; }
  /// Sets the state (e.g. tcp_established for a TCP flow picked up mid-stream). Not `free`.
  constexpr void set_state(flow_state s) noexcept {
    if (s != flow_state::free) state_ = s;
  }

  [[nodiscard]] constexpr std::uint8_t flags() const noexcept { return flags_; }
  [[nodiscard]] constexpr bool has(flow_flag f) const noexcept { return (flags_ & static_cast<std::uint8_t>(f)) != 0; }
  constexpr void set(flow_flag f) noexcept { flags_ = static_cast<std::uint8_t>(flags_ | static_cast<std::uint8_t>(f)); }
  constexpr void clear(flow_flag f) noexcept {
    flags_ = static_cast<std::uint8_t>(flags_ & ~static_cast<std::uint8_t>(f));
  }
  /// Raw flag bits, including the engine's own (0x10..0x80).
  constexpr void set_flags(std::uint8_t bits) noexcept { flags_ = bits; }

  /// The stored deadline (low 32 bits of seconds, see deadline.hpp).
  [[nodiscard]] constexpr std::uint32_t deadline() const noexcept { return deadline_; }
  [[nodiscard]] constexpr bool expired(time_s now) const noexcept { return deadline_passed(deadline_, now); }
  [[nodiscard]] constexpr std::uint32_t seconds_left(time_s now) const noexcept {
    return nat::seconds_left(deadline_, now);
  }

  /// Index of the per-flow SIP helper state (alg layer), or none.
  [[nodiscard]] constexpr std::uint32_t helper() const noexcept { return helper_; }
  constexpr void set_helper(std::uint32_t i) noexcept { helper_ = i; }
  /// For a flow created by an expectation: the flow that owns the expectation (the SIP flow), or none.
  [[nodiscard]] constexpr std::uint32_t master() const noexcept { return master_; }
  constexpr void set_master(std::uint32_t i) noexcept { master_ = i; }
  /// A spare byte for the engine (e.g. which public address or forward rule the flow uses).
  [[nodiscard]] constexpr std::uint8_t user() const noexcept { return user_; }
  constexpr void set_user(std::uint8_t v) noexcept { user_ = v; }

  /**
   * Advances the state for a packet of direction `d` (`tcp_flag_bits` from
   * tcp_view::flags(), ignored for other protocols) and returns the new state.
   * UDP: a reply makes it replied, any packet after that assured. TCP: RST
   * closes; in syn_sent a reply with ACK establishes; a FIN moves to fin_wait,
   * FINs from both sides close; a new SYN (no ACK) in the original direction
   * reopens a closed flow. Refreshing the deadline is the caller's choice
   * (conntrack_table::refresh with flow_timeouts::for_state).
   */
  constexpr flow_state track(direction d, std::uint8_t tcp_flag_bits = 0) noexcept {
    if (original_.proto != ip_proto_tcp) {
      if (state_ == flow_state::udp_unreplied) {
        if (d == direction::reply) state_ = flow_state::udp_replied;
      } else if (state_ == flow_state::udp_replied) {
        state_ = flow_state::udp_assured;
      }
      return state_;
    }
    const bool syn = (tcp_flag_bits & tcp_flags::syn) != 0, ack = (tcp_flag_bits & tcp_flags::ack) != 0;
    const bool fin = (tcp_flag_bits & tcp_flags::fin) != 0;
    const auto dir_bit = static_cast<std::uint8_t>(1u << static_cast<unsigned>(d));
    if (tcp_flag_bits & tcp_flags::rst) {
      state_ = flow_state::tcp_closed;
      return state_;
    }
    switch (state_) {
      case flow_state::tcp_syn_sent:
        if (d == direction::reply && ack) state_ = flow_state::tcp_established;
        break;
      case flow_state::tcp_established:
      case flow_state::tcp_fin_wait:
        if (fin) {
          fin_seen_ = static_cast<std::uint8_t>(fin_seen_ | dir_bit);
          state_ = fin_seen_ == 3 ? flow_state::tcp_closed : flow_state::tcp_fin_wait;
        }
        break;
      case flow_state::tcp_closed:
        if (d == direction::original && syn && !ack) state_ = flow_state::tcp_syn_sent, fin_seen_ = 0;
        break;
      default:
        break;
    }
    return state_;
  }

  /**
   * TCP sequence adjustment (the role of Linux nf_ct_seqadj). Records that
   * the ALG changed the length of the direction-`d` segment whose sequence
   * number, as the sender wrote it, is `seq` by `delta` bytes (the total for
   * the segment). Later segments of `d` get their seq moved by the cumulative
   * delta and the other side's ACKs moved back. Only the latest correction
   * point is kept: a retransmission of the changed segment itself (same
   * `seq`) is not counted twice; a retransmission of an older changed segment
   * gets the offset before the latest change (as in Linux).
   * Returns false (nothing recorded) when `delta` is outside +-32767; the
   * engine then forwards the segment unchanged.
   */
  constexpr bool record_seq_change(direction d, std::uint32_t seq, std::int32_t delta) noexcept {
    if (delta == 0) return true;
    if (delta < -32767 || delta > 32767) return false;
    const auto i = static_cast<unsigned>(d);
    if (seq_delta_[i] == 0 || seq_after(seq, seq_pos_[i])) {
      seq_pos_[i] = seq;
      seq_after_[i] += static_cast<std::uint32_t>(delta);
      seq_delta_[i] = static_cast<std::int16_t>(delta);
    }
    return true;
  }
  /// The sequence number a direction-`d` segment with sender sequence `seq` must carry.
  [[nodiscard]] constexpr std::uint32_t adjust_seq(direction d, std::uint32_t seq) const noexcept {
    const auto i = static_cast<unsigned>(d);
    return seq + (seq_after(seq, seq_pos_[i]) ? seq_after_[i] : offset_before(i));
  }
  /// The acknowledgement number a direction-`d` segment carrying `ack` must carry
  /// (it acknowledges the other direction's adjusted stream).
  [[nodiscard]] constexpr std::uint32_t adjust_ack(direction d, std::uint32_t ack) const noexcept {
    const auto o = static_cast<unsigned>(opposite(d));
    const std::uint32_t before = offset_before(o);
    return ack - (seq_after(ack - before, seq_pos_[o]) ? seq_after_[o] : before);
  }
  /// Whether any length change was recorded in direction `d`.
  [[nodiscard]] constexpr bool has_seq_adjust(direction d) const noexcept {
    const auto i = static_cast<unsigned>(d);
    return seq_after_[i] != 0 || seq_delta_[i] != 0;
  }

 private:
  friend class conntrack_table;
  struct reply_addrs {
    std::uint32_t src_addr;
    std::uint32_t dst_addr;
    std::uint16_t src_port;
    std::uint16_t dst_port;
  };

  /// a is after b in sequence space (RFC 1982).
  [[nodiscard]] static constexpr bool seq_after(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b) > 0;
  }
  [[nodiscard]] constexpr std::uint32_t offset_before(unsigned i) const noexcept {
    return seq_after_[i] - static_cast<std::uint32_t>(static_cast<std::int32_t>(seq_delta_[i]));
  }

  flow_key original_{};                  // 0..15
  reply_addrs reply_{};                  // 16..27 (protocol: original_.proto)
  std::uint32_t deadline_ = 0;           // 28
  std::uint32_t helper_ = none;          // 32 (free list link while the slot is free)
  std::uint32_t master_ = none;          // 36
  std::uint32_t seq_pos_[2] = {0, 0};    // 40 correction position per direction
  std::uint32_t seq_after_[2] = {0, 0};  // 48 cumulative offset after it (mod 2^32)
  std::int16_t seq_delta_[2] = {0, 0};   // 56 the last change: offset after - offset before
  flow_state state_ = flow_state::free;  // 60
  std::uint8_t flags_ = 0;               // 61
  std::uint8_t fin_seen_ = 0;            // 62 TCP: bit per direction that sent FIN
  std::uint8_t user_ = 0;                // 63
};
static_assert(sizeof(flow) == 64, "a flow is one cache line");

}  // namespace sipalg::nat
