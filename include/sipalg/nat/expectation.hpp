/**
 * @file expectation.hpp
 * `expectation_table`: the return flows the ALG told the NAT to let in
 * (RTP/RTCP media announced in SDP, incoming signalling for a registration).
 * An expectation says: a packet of this transport arriving at the public
 * `outside` endpoint from the allowed remote (one address, optionally one
 * port, or any) goes to the `inside` endpoint. The engine turns a match into
 * a conntrack flow.
 *
 * Fixed capacity, one allocation at construction (`::operator new(size,
 * std::nothrow)`: entries plus three open-addressing indexes, by outside
 * endpoint, by inside endpoint and by owner flow; check valid()). Removal by
 * call, by owner or by outside endpoint probes an index, not the whole table.
 * Expiry is lazy (match/find remove what they meet after its deadline) plus
 * an incremental sweep; every removal calls the erase hook first (the engine
 * releases the public port there). Time as in deadline.hpp.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string_view>
#include <utility>

#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/nat/deadline.hpp"
#include "sipalg/nat/errc.hpp"
#include "sipalg/nat/flow_key.hpp"
#include "sipalg/nat/hash_index.hpp"

namespace sipalg::nat {

/// What the expected flow carries.
enum class expectation_kind : std::uint8_t { rtp, rtcp, signalling };

[[nodiscard]] constexpr std::string_view to_string(expectation_kind k) noexcept {
  switch (k) {
    case expectation_kind::rtp: return "rtp";
    case expectation_kind::rtcp: return "rtcp";
    case expectation_kind::signalling: return "signalling";
  }
  return "unknown";
}

/**
 * A SIP call named without copying its Call-ID: a 64-bit hash (FNV-1a) of the
 * Call-ID bytes (case-sensitive, RFC 3261 section 20.8) and their length.
 */
struct call_key {
  std::uint64_t hash = 0;
  std::uint16_t length = 0;  ///< saturates at 65535

  [[nodiscard]] static constexpr call_key of(std::string_view call_id) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : call_id) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
    return {h, static_cast<std::uint16_t>(call_id.size() > 0xFFFF ? 0xFFFF : call_id.size())};
  }
  friend constexpr bool operator==(const call_key&, const call_key&) noexcept = default;
};

/// What to insert (IPv4 endpoints; the ALG's expectation descriptor maps onto it).
struct expectation_spec {
  expectation_kind kind = expectation_kind::rtp;
  transport proto = transport::udp;
  endpoint outside;                   ///< public address:port the remote sends to
  endpoint inside;                    ///< where a matching packet is forwarded
  std::optional<ip_address> remote;   ///< the only source address allowed; nullopt = any (direct media)
  std::uint16_t remote_port = 0;      ///< the only source port allowed; 0 = any
  std::uint32_t timeout = 180;        ///< seconds
  std::uint32_t owner = 0xFFFFFFFFu;  ///< the conntrack flow (SIP signalling) that created it
  call_key call;                      ///< the call it belongs to ({} for a registration)
};

/// One expectation (40 bytes).
class expectation {
 public:
  [[nodiscard]] constexpr bool in_use() const noexcept { return proto_ != 0; }
  [[nodiscard]] constexpr expectation_kind kind() const noexcept { return kind_; }
  [[nodiscard]] constexpr transport proto() const noexcept { return static_cast<transport>(proto_); }
  [[nodiscard]] constexpr std::uint32_t outside_addr() const noexcept { return outside_addr_; }
  [[nodiscard]] constexpr std::uint16_t outside_port() const noexcept { return outside_port_; }
  [[nodiscard]] constexpr std::uint32_t inside_addr() const noexcept { return inside_addr_; }
  [[nodiscard]] constexpr std::uint16_t inside_port() const noexcept { return inside_port_; }
  [[nodiscard]] constexpr endpoint outside() const noexcept {
    return endpoint{ip_address::from_v4_uint(outside_addr_), outside_port_};
  }
  [[nodiscard]] constexpr endpoint inside() const noexcept {
    return endpoint{ip_address::from_v4_uint(inside_addr_), inside_port_};
  }
  [[nodiscard]] constexpr bool any_remote_address() const noexcept { return (flags_ & any_address_flag) != 0; }
  /// The allowed remote address (meaningless when any_remote_address()).
  [[nodiscard]] constexpr std::uint32_t remote_addr() const noexcept { return remote_addr_; }
  /// The allowed remote port, 0 = any.
  [[nodiscard]] constexpr std::uint16_t remote_port() const noexcept { return remote_port_; }
  [[nodiscard]] constexpr std::uint32_t deadline() const noexcept { return deadline_; }
  [[nodiscard]] constexpr bool expired(time_s now) const noexcept { return deadline_passed(deadline_, now); }
  [[nodiscard]] constexpr std::uint32_t owner() const noexcept { return owner_; }
  [[nodiscard]] constexpr call_key call() const noexcept { return {call_hash_, call_len_}; }

  /// Whether a packet from remote_addr:remote_port may use it: 0 no, 1..4 yes, higher = more specific.
  [[nodiscard]] constexpr int accepts(std::uint32_t addr, std::uint16_t port) const noexcept {
    int score = 1;
    if (!any_remote_address()) {
      if (addr != remote_addr_) return 0;
      score += 2;
    }
    if (remote_port_ != 0) {
      if (port != remote_port_) return 0;
      score += 1;
    }
    return score;
  }
  /// The flow_key a packet from `remote` to outside() has.
  [[nodiscard]] constexpr flow_key incoming_key(std::uint32_t remote, std::uint16_t rport) const noexcept {
    return flow_key{remote, outside_addr_, rport, outside_port_, proto_};
  }

 private:
  friend class expectation_table;
  static constexpr std::uint8_t any_address_flag = 1;

  std::uint64_t call_hash_ = 0;
  std::uint32_t outside_addr_ = 0;
  std::uint32_t inside_addr_ = 0;
  std::uint32_t remote_addr_ = 0;
  std::uint32_t deadline_ = 0;
  std::uint32_t owner_ = 0xFFFFFFFFu;  // free list link while free
  std::uint16_t outside_port_ = 0;
  std::uint16_t inside_port_ = 0;
  std::uint16_t remote_port_ = 0;
  std::uint16_t call_len_ = 0;
  expectation_kind kind_ = expectation_kind::rtp;
  std::uint8_t proto_ = 0;  // 0 = free
  std::uint8_t flags_ = 0;
};
static_assert(sizeof(expectation) == 40);

struct expectation_params {
  std::uint32_t capacity = 4096;  ///< at most expectation_table::max_capacity
  std::uint64_t hash_seed = 0x13198A2E03707344ULL;
};

struct expectation_counters {
  std::uint64_t inserts = 0;     ///< new expectations
  std::uint64_t refreshed = 0;   ///< inserts of an identical expectation (retransmitted SDP): deadline moved
  std::uint64_t conflicts = 0;   ///< inserts refused: outside endpoint expected for another inside endpoint
  std::uint64_t full_drops = 0;  ///< inserts refused: table full
  std::uint64_t matches = 0;     ///< match() calls that found one
  std::uint64_t misses = 0;      ///< match() calls that found none
  std::uint64_t expired = 0;     ///< removed after their deadline (lazily or by sweep)
  std::uint64_t removed = 0;     ///< removed by erase / remove_* / erase_if
};

/// Why the expectation erase hook is called.
enum class expectation_removal : std::uint8_t { removed, expired };

/// Outcome of an insert: the entry index (new or refreshed), or npos and why not.
struct [[nodiscard]] expectation_insert {
  std::uint32_t index = 0xFFFFFFFFu;
  errc code = errc::ok;
  bool refreshed = false;  ///< an identical expectation existed; only its deadline moved
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
};

class expectation_table {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  static constexpr std::uint32_t max_capacity = 1u << 24;
  /// Called before an expectation is removed; it must not insert into or remove from this table.
  using erase_hook = void (*)(void* context, std::uint32_t index, const expectation& e, expectation_removal why);

  explicit expectation_table(const expectation_params& params = {}) noexcept { allocate(params); }
  ~expectation_table() { ::operator delete(static_cast<void*>(entries_)); }
  expectation_table(const expectation_table&) = delete;
  expectation_table& operator=(const expectation_table&) = delete;
  expectation_table(expectation_table&& o) noexcept { steal(o); }
  expectation_table& operator=(expectation_table&& o) noexcept {
    if (this != &o) {
      ::operator delete(static_cast<void*>(entries_));
      steal(o);
    }
    return *this;
  }

  [[nodiscard]] bool valid() const noexcept { return entries_ != nullptr; }
  [[nodiscard]] std::uint32_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::uint32_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return bytes_; }
  [[nodiscard]] const expectation_counters& counters() const noexcept { return counters_; }
  void set_erase_hook(erase_hook hook, void* context) noexcept { hook_ = hook, hook_context_ = context; }
  /// Entry `i`. Precondition: i < capacity().
  [[nodiscard]] const expectation& operator[](std::uint32_t i) const noexcept { return entries_[i]; }

  /**
   * Adds an expectation alive until now + timeout. An identical one (same
   * transport, outside, inside, remote, kind, owner, call) only gets the new
   * deadline (a retransmitted SDP): `refreshed` is set. Errors: unsupported
   * (an endpoint is not IPv4), conflict (the outside endpoint is expected
   * for another inside endpoint), table_full.
   */
  expectation_insert insert(const expectation_spec& s, time_s now) noexcept {
    if (!valid()) return {npos, errc::table_full, false};
    if (!s.outside.address.is_v4() || !s.inside.address.is_v4() || (s.remote && !s.remote->is_v4()))
      return {npos, errc::unsupported, false};
    expectation n;
    n.kind_ = s.kind;
    n.proto_ = static_cast<std::uint8_t>(s.proto);
    n.outside_addr_ = s.outside.address.v4_uint(), n.outside_port_ = s.outside.port;
    n.inside_addr_ = s.inside.address.v4_uint(), n.inside_port_ = s.inside.port;
    n.flags_ = s.remote ? 0 : expectation::any_address_flag;
    n.remote_addr_ = s.remote ? s.remote->v4_uint() : 0;
    n.remote_port_ = s.remote_port;
    n.owner_ = s.owner;
    n.call_hash_ = s.call.hash, n.call_len_ = s.call.length;
    n.deadline_ = make_deadline(now, s.timeout);

    const std::uint32_t otag = outside_tag(n.proto_, n.outside_addr_, n.outside_port_);
    std::uint32_t same = npos;
    bool conflict = false;
    sweep_chain(outside_, otag, now, [&](std::uint32_t i) {
      const expectation& e = entries_[i];
      if (e.proto_ != n.proto_ || e.outside_addr_ != n.outside_addr_ || e.outside_port_ != n.outside_port_) return;
      if (e.inside_addr_ != n.inside_addr_ || e.inside_port_ != n.inside_port_) conflict = true;
      else if (same_rule(e, n)) same = i;
    });
    if (conflict) {
      ++counters_.conflicts;
      return {npos, errc::conflict, false};
    }
    if (same != npos) {
      entries_[same].deadline_ = n.deadline_;
      ++counters_.refreshed;
      return {same, errc::ok, true};
    }
    if (free_head_ == npos) {
      ++counters_.full_drops;
      return {npos, errc::table_full, false};
    }
    const std::uint32_t i = free_head_;
    free_head_ = entries_[i].owner_;
    entries_[i] = n;
    outside_.insert(otag, i);
    inside_.insert(inside_tag(n.proto_, n.inside_addr_, n.inside_port_), i);
    owners_.insert(owner_tag(n.owner_), i);
    ++size_;
    ++counters_.inserts;
    return {i, errc::ok, false};
  }

  /**
   * The expectation a packet with tuple `incoming` (from the remote, to the
   * public outside endpoint) may use, or npos: same transport and outside
   * endpoint, remote accepted; the most specific one wins (address and port,
   * then address, then port, then any). Expired entries met are removed.
   */
  [[nodiscard]] std::uint32_t match(const flow_key& incoming, time_s now) noexcept {
    if (!valid()) return npos;
    std::uint32_t best = npos;
    int best_score = 0;
    sweep_chain(outside_, outside_tag(incoming.proto, incoming.dst_addr, incoming.dst_port), now,
                [&](std::uint32_t i) {
                  const expectation& e = entries_[i];
                  if (e.proto_ != incoming.proto || e.outside_addr_ != incoming.dst_addr ||
                      e.outside_port_ != incoming.dst_port)
                    return;
                  const int score = e.accepts(incoming.src_addr, incoming.src_port);
                  if (score > best_score || (score == best_score && score > 0 && i < best)) best = i, best_score = score;
                });
    ++(best == npos ? counters_.misses : counters_.matches);
    return best;
  }

  /// A live expectation forwarding to `inside` (e.g. the phone sends RTP before the remote: SNAT it to
  /// that expectation's outside endpoint; or map_media reusing a mapping), or npos. Expired ones met are removed.
  [[nodiscard]] std::uint32_t find_inside(transport t, std::uint32_t addr, std::uint16_t port, time_s now) noexcept {
    if (!valid()) return npos;
    const auto proto = static_cast<std::uint8_t>(t);
    std::uint32_t found = npos;
    sweep_chain(inside_, inside_tag(proto, addr, port), now, [&](std::uint32_t i) {
      const expectation& e = entries_[i];
      if (e.proto_ == proto && e.inside_addr_ == addr && e.inside_port_ == port && (found == npos || i < found))
        found = i;
    });
    return found;
  }
  /// A live expectation at the public endpoint `addr:port`, or npos. Expired ones met are removed.
  [[nodiscard]] std::uint32_t find_outside(transport t, std::uint32_t addr, std::uint16_t port, time_s now) noexcept {
    if (!valid()) return npos;
    const auto proto = static_cast<std::uint8_t>(t);
    std::uint32_t found = npos;
    sweep_chain(outside_, outside_tag(proto, addr, port), now, [&](std::uint32_t i) {
      const expectation& e = entries_[i];
      if (e.proto_ == proto && e.outside_addr_ == addr && e.outside_port_ == port && (found == npos || i < found))
        found = i;
    });
    return found;
  }

  /// Moves the deadline of entry `i` to now + timeout.
  void refresh(std::uint32_t i, time_s now, std::uint32_t timeout) noexcept {
    entries_[i].deadline_ = make_deadline(now, timeout);
  }
  /// Removes entry `i`; false when not in use.
  bool erase(std::uint32_t i) noexcept {
    if (!valid() || i >= capacity_ || !entries_[i].in_use()) return false;
    ++counters_.removed;
    remove(i, expectation_removal::removed, nullptr);
    return true;
  }
  /// Removes the call's expectations created by `owner` (BYE, CANCEL, a final 4xx-6xx to INVITE,
  /// or before a re-INVITE's new set). Returns how many.
  std::uint32_t remove_call(std::uint32_t owner, call_key call) noexcept {
    return remove_by(owners_, owner_tag(owner), [&](const expectation& e) { return e.owner_ == owner && e.call() == call; });
  }
  /// Removes everything `owner` created (its SIP flow ended). Returns how many.
  std::uint32_t remove_owner(std::uint32_t owner) noexcept {
    return remove_by(owners_, owner_tag(owner), [&](const expectation& e) { return e.owner_ == owner; });
  }
  /// Removes every expectation at the public endpoint. Returns how many.
  std::uint32_t remove_outside(transport t, std::uint32_t addr, std::uint16_t port) noexcept {
    const auto proto = static_cast<std::uint8_t>(t);
    return remove_by(outside_, outside_tag(proto, addr, port), [&](const expectation& e) {
      return e.proto_ == proto && e.outside_addr_ == addr && e.outside_port_ == port;
    });
  }

  /// Visits at most `budget` entry slots from where the previous call stopped and removes expired entries.
  std::uint32_t sweep(time_s now, std::uint32_t budget) noexcept {
    if (!valid()) return 0;
    std::uint32_t removed = 0;
    for (std::uint32_t n = 0; n < budget; ++n) {
      const std::uint32_t i = cursor_;
      cursor_ = cursor_ + 1 == capacity_ ? 0 : cursor_ + 1;
      if (entries_[i].in_use() && entries_[i].expired(now)) {
        ++counters_.expired;
        remove(i, expectation_removal::expired, nullptr);
        ++removed;
      }
    }
    return removed;
  }
  /// Calls `f(index, const expectation&)` for every entry in use.
  template <class F>
  void for_each(F&& f) const {
    for (std::uint32_t i = 0; i < capacity_ && valid(); ++i)
      if (entries_[i].in_use()) f(i, static_cast<const expectation&>(entries_[i]));
  }
  /// Removes every entry for which `pred(index, const expectation&)` holds (e.g. on a public address change). O(capacity).
  template <class Pred>
  std::uint32_t erase_if(Pred&& pred) {
    std::uint32_t removed = 0;
    for (std::uint32_t i = 0; i < capacity_ && valid(); ++i) {
      if (entries_[i].in_use() && pred(i, static_cast<const expectation&>(entries_[i]))) {
        ++counters_.removed;
        remove(i, expectation_removal::removed, nullptr);
        ++removed;
      }
    }
    return removed;
  }
  /// Removes everything without calling the hook.
  void clear() noexcept {
    if (!valid()) return;
    outside_.clear(), inside_.clear(), owners_.clear();
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      entries_[i] = expectation{};
      entries_[i].owner_ = i + 1 < capacity_ ? i + 1 : npos;
    }
    free_head_ = 0, size_ = 0, cursor_ = 0;
  }

 private:
  using slot = detail::hash_index::slot;

  [[nodiscard]] std::uint32_t outside_tag(std::uint8_t proto, std::uint32_t addr, std::uint16_t port) const noexcept {
    return detail::hash_index::tag_of(detail::hash_words(
        (std::uint64_t{proto} << 48) | (std::uint64_t{port} << 32) | addr, 0x6f75747369646521ULL, seed_));
  }
  [[nodiscard]] std::uint32_t inside_tag(std::uint8_t proto, std::uint32_t addr, std::uint16_t port) const noexcept {
    return detail::hash_index::tag_of(detail::hash_words(
        (std::uint64_t{proto} << 48) | (std::uint64_t{port} << 32) | addr, 0x696e736964652121ULL, seed_));
  }
  [[nodiscard]] std::uint32_t owner_tag(std::uint32_t owner) const noexcept {
    return detail::hash_index::tag_of(detail::hash_words(owner, 0x6f776e6572212121ULL, seed_));
  }
  [[nodiscard]] static constexpr bool same_rule(const expectation& a, const expectation& b) noexcept {
    return a.kind_ == b.kind_ && a.flags_ == b.flags_ && a.remote_addr_ == b.remote_addr_ &&
           a.remote_port_ == b.remote_port_ && a.owner_ == b.owner_ && a.call_hash_ == b.call_hash_ &&
           a.call_len_ == b.call_len_;
  }

  // Walks the chain of `tag` in `index`: removes expired entries (hook, counted) and shows live ones to `visit`.
  template <class Visit>
  void sweep_chain(detail::hash_index& index, std::uint32_t tag, time_s now, Visit&& visit) noexcept {
    index.erase_matching(tag, [&](std::uint32_t i) {
      if (entries_[i].expired(now)) {
        ++counters_.expired;
        remove(i, expectation_removal::expired, &index);
        return true;
      }
      visit(i);
      return false;
    });
  }
  template <class Pred>
  std::uint32_t remove_by(detail::hash_index& index, std::uint32_t tag, Pred&& pred) noexcept {
    if (!valid()) return 0;
    const std::uint32_t n = index.erase_matching(tag, [&](std::uint32_t i) {
      if (!pred(static_cast<const expectation&>(entries_[i]))) return false;
      remove(i, expectation_removal::removed, &index);
      return true;
    });
    counters_.removed += n;
    return n;
  }
  // Frees entry i and drops it from every index except `skip` (whose caller erases the slot itself).
  void remove(std::uint32_t i, expectation_removal why, const detail::hash_index* skip) noexcept {
    expectation& e = entries_[i];
    if (hook_) hook_(hook_context_, i, e, why);
    if (skip != &outside_) outside_.erase(outside_tag(e.proto_, e.outside_addr_, e.outside_port_), i);
    if (skip != &inside_) inside_.erase(inside_tag(e.proto_, e.inside_addr_, e.inside_port_), i);
    if (skip != &owners_) owners_.erase(owner_tag(e.owner_), i);
    e = expectation{};
    e.owner_ = free_head_;
    free_head_ = i;
    --size_;
  }

  void allocate(const expectation_params& p) noexcept {
    seed_ = p.hash_seed;
    if (p.capacity == 0 || p.capacity > max_capacity) return;
    const std::uint32_t slots = (p.capacity * 2 + 7) & ~7u;  // each index at most half full
    const std::size_t entry_bytes = std::size_t{p.capacity} * sizeof(expectation);
    const std::size_t bytes = entry_bytes + 3 * std::size_t{slots} * sizeof(slot);
    void* mem = ::operator new(bytes, std::nothrow);
    if (mem == nullptr) return;
    auto* base = static_cast<std::byte*>(mem);
    for (std::uint32_t i = 0; i < p.capacity; ++i) new (base + std::size_t{i} * sizeof(expectation)) expectation{};
    entries_ = std::launder(reinterpret_cast<expectation*>(base));
    slot* s[3];
    for (int k = 0; k < 3; ++k) {
      std::byte* at = base + entry_bytes + std::size_t(k) * slots * sizeof(slot);
      for (std::uint32_t j = 0; j < slots; ++j) new (at + std::size_t{j} * sizeof(slot)) slot{0, 0};
      s[k] = std::launder(reinterpret_cast<slot*>(at));
    }
    outside_.attach(s[0], slots), inside_.attach(s[1], slots), owners_.attach(s[2], slots);
    capacity_ = p.capacity;
    bytes_ = bytes;
    clear();
  }
  void steal(expectation_table& o) noexcept {
    entries_ = std::exchange(o.entries_, nullptr);
    outside_ = o.outside_, inside_ = o.inside_, owners_ = o.owners_;
    capacity_ = std::exchange(o.capacity_, 0);
    size_ = std::exchange(o.size_, 0);
    free_head_ = o.free_head_, cursor_ = o.cursor_, bytes_ = o.bytes_, seed_ = o.seed_;
    counters_ = o.counters_, hook_ = o.hook_, hook_context_ = o.hook_context_;
  }

  expectation* entries_ = nullptr;
  detail::hash_index outside_, inside_, owners_;
  std::uint32_t capacity_ = 0;
  std::uint32_t size_ = 0;
  std::uint32_t free_head_ = npos;
  std::uint32_t cursor_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t seed_ = 0;
  expectation_counters counters_;
  erase_hook hook_ = nullptr;
  void* hook_context_ = nullptr;
};

}  // namespace sipalg::nat
