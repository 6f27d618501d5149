#include "sipalg/nat/conntrack.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <utility>
#include <vector>

#include "nat/packet_builder.hpp"

using namespace sipalg::nat;

namespace {
constexpr std::uint32_t phone = 0xC0A8010A, server = 0xC6336407, pub = 0xCB007105;

flow_key out_key(std::uint32_t n) { return flow_key{phone + (n >> 16), server, static_cast<std::uint16_t>(n), 5060, 17}; }
// The SNAT reply of out_key(n): public port 1024 + n.
flow_key reply_key(std::uint32_t n) {
  return flow_key{server, pub + (n >> 16), 5060, static_cast<std::uint16_t>(1024 + n), 17};
}

struct hook_log {
  std::vector<std::pair<std::uint32_t, erase_reason>> calls;
  static void record(void* ctx, std::uint32_t i, const flow& f, erase_reason why) {
    REQUIRE(f.in_use());  // called before the slot is freed
    static_cast<hook_log*>(ctx)->calls.emplace_back(i, why);
  }
};
}  // namespace

TEST_CASE("conntrack: invalid parameters give an invalid table that fails gracefully", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{0});
  CHECK_FALSE(t.valid());
  CHECK(t.insert(out_key(1), reply_key(1), 0, 30).code == errc::table_full);
  CHECK_FALSE(t.find(out_key(1), 0));
  CHECK_FALSE(t.peek(out_key(1)));
  CHECK_FALSE(t.erase(0));
  CHECK(t.sweep(0, 100) == 0);
  CHECK(t.erase_if([](auto, const flow&) { return true; }) == 0);
  conntrack_table big(conntrack_params{conntrack_table::max_capacity + 1});
  CHECK_FALSE(big.valid());
}

TEST_CASE("conntrack: insert, then find by either tuple", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{1024});
  REQUIRE(t.valid());
  CHECK(t.capacity() == 1024);
  CHECK(t.index_slots() >= 2 * 1024 * 100 / 75);
  CHECK(t.index_slots() % 12 == 0);  // whole 64-byte buckets of 12 entries
  CHECK(t.index_slots() < 2 * 1024 * 100 / 75 + 12);
  CHECK(t.memory_bytes() == 1024 * 64 + std::size_t{t.index_slots()} / 12 * 64);

  const auto a = t.insert(out_key(1), reply_key(1), 100, 30);
  REQUIRE(a.ok());
  const auto b = t.insert(out_key(2), reply_key(2), 100, 30);
  REQUIRE(b.ok());
  CHECK(a.flow != b.flow);
  CHECK(t.size() == 2);

  const flow_match m1 = t.find(out_key(1), 101);
  REQUIRE(m1);
  CHECK(m1.flow == a.flow);
  CHECK(m1.dir == direction::original);
  const flow_match m2 = t.find(reply_key(1), 101);
  REQUIRE(m2);
  CHECK(m2.flow == a.flow);
  CHECK(m2.dir == direction::reply);
  CHECK(t.find(reply_key(2), 101).flow == b.flow);
  CHECK_FALSE(t.find(out_key(3), 101));
  CHECK_FALSE(t.find(out_key(1).reversed(), 101));  // the un-NATed reverse is not a key

  const flow& f = t[a.flow];
  CHECK(f.state() == flow_state::udp_unreplied);
  CHECK(f.has(flow_flag::nat_applied));
  CHECK(f.seconds_left(100) == 30);

  // Hash + prefetch + find_with_hash is the same lookup.
  const std::uint64_t h = t.hash(reply_key(2));
  t.prefetch(h);
  CHECK(t.find_with_hash(reply_key(2), h, 101).flow == b.flow);

  // A flow without NAT: reply is the plain reverse.
  const flow_key lan{phone, 0xC0A80101, 40000, 53, 17};
  const auto c = t.insert(lan, lan.reversed(), 100, 30);
  REQUIRE(c.ok());
  CHECK_FALSE(t[c.flow].has(flow_flag::nat_applied));
  CHECK_FALSE(t[c.flow].is_translated());
  CHECK(t.find(lan.reversed(), 100).dir == direction::reply);

  const flow_key tcp{phone, server, 40001, 5060, 6};
  const auto d = t.insert(tcp, flow_key{server, pub, 5060, 40001, 6}, 100, 120);
  REQUIRE(d.ok());
  CHECK(t[d.flow].state() == flow_state::tcp_syn_sent);
  CHECK_FALSE(t.find(flow_key{phone, server, 40001, 5060, 17}, 100));  // protocol is part of the key
  // The reserved bytes are part of the key too, in both directions (the compare reads them from original).
  for (const flow_key& base : {out_key(1), reply_key(1), tcp}) {
    for (int r = 0; r < 3; ++r) {
      flow_key k = base;
      k.reserved[r] = 1;
      CHECK_FALSE(t.find(k, 100));
      CHECK_FALSE(t.peek(k));
    }
  }

  const auto& c1 = t.counters();
  CHECK(c1.inserts == 4);
  CHECK(c1.lookups == 17);  // insert's own duplicate checks are not counted
  CHECK(c1.hits == 5);
}

TEST_CASE("conntrack: duplicate tuples are refused", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{16});
  REQUIRE(t.insert(out_key(1), reply_key(1), 0, 30).ok());
  CHECK(t.insert(out_key(1), reply_key(9), 0, 30).code == errc::exists);    // same original
  CHECK(t.insert(out_key(9), reply_key(1), 0, 30).code == errc::exists);    // same reply
  CHECK(t.insert(reply_key(1), out_key(9), 0, 30).code == errc::exists);    // original = a tracked reply
  CHECK(t.insert(out_key(5), out_key(5), 0, 30).code == errc::exists);      // both tuples the same
  CHECK(t.counters().insert_exists == 4);
  flow_key tcp_reply = reply_key(6);
  tcp_reply.proto = 6;
  CHECK(t.insert(out_key(6), tcp_reply, 0, 30).code == errc::conflict);  // one protocol per flow
  CHECK(t.size() == 1);
}

TEST_CASE("conntrack: lazy expiry on find and insert over an expired tuple", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{16});
  hook_log log;
  t.set_erase_hook(&hook_log::record, &log);
  const auto a = t.insert(out_key(1), reply_key(1), 1000, 30);
  REQUIRE(a.ok());
  CHECK(t.find(out_key(1), 1029));
  t.refresh(a.flow, 1029, 30);  // alive until 1059
  CHECK(t.find(reply_key(1), 1058));
  CHECK(log.calls.empty());
  CHECK_FALSE(t.find(reply_key(1), 1059));  // deadline reached: removed
  REQUIRE(log.calls.size() == 1);
  CHECK(log.calls[0] == std::make_pair(a.flow, erase_reason::expired));
  CHECK(t.size() == 0);
  CHECK(t.counters().expired == 1);
  CHECK_FALSE(t.find(out_key(1), 1000));  // gone for good, even "in the past"

  // An expired flow holding a tuple does not block a new flow.
  REQUIRE(t.insert(out_key(2), reply_key(2), 2000, 10).ok());
  const auto b = t.insert(out_key(3), reply_key(2), 2010, 10);
  REQUIRE(b.ok());
  CHECK(log.calls.back().second == erase_reason::expired);
  CHECK(t.size() == 1);
  CHECK(t.find(reply_key(2), 2011).flow == b.flow);
  // peek ignores deadlines and counts nothing.
  const auto lookups = t.counters().lookups;
  CHECK(t.peek(out_key(3)).flow == b.flow);
  CHECK(t.peek(reply_key(2)).dir == direction::reply);
  CHECK(t.counters().lookups == lookups);
}

TEST_CASE("conntrack: time beyond 2^32 seconds", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{4});
  const time_s now = (time_s{1} << 32) - 5;
  const auto a = t.insert(out_key(1), reply_key(1), now, 30);
  REQUIRE(a.ok());
  CHECK(t.find(out_key(1), now + 29));
  CHECK_FALSE(t.find(out_key(1), now + 30));
}

TEST_CASE("conntrack: a full table drops inserts until a slot is freed", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{4});
  std::vector<std::uint32_t> ids;
  for (std::uint32_t n = 0; n < 4; ++n) {
    const auto r = t.insert(out_key(n), reply_key(n), 0, 30);
    REQUIRE(r.ok());
    ids.push_back(r.flow);
  }
  CHECK(t.insert(out_key(4), reply_key(4), 0, 30).code == errc::table_full);
  CHECK(t.counters().full_drops == 1);
  REQUIRE(t.erase(ids[2]));
  CHECK_FALSE(t.erase(ids[2]));
  CHECK_FALSE(t.erase(99));
  const auto r = t.insert(out_key(4), reply_key(4), 0, 30);
  REQUIRE(r.ok());
  CHECK(r.flow == ids[2]);  // the freed slot is reused
  CHECK_FALSE(t.find(out_key(2), 0));
  for (std::uint32_t n : {0u, 1u, 3u, 4u}) CHECK(t.find(reply_key(n), 0));
}

TEST_CASE("conntrack: erasing in the middle of probe chains keeps the rest findable", "[nat][conntrack]") {
  // 90% index load: long clusters, many chains cross each other.
  conntrack_table t(conntrack_params{2000, 90});
  std::vector<std::uint32_t> ids(2000);
  for (std::uint32_t n = 0; n < 2000; ++n) {
    const auto r = t.insert(out_key(n), reply_key(n), 0, 1000);
    REQUIRE(r.ok());
    ids[n] = r.flow;
  }
  CHECK(t.max_probe_distance() > 8);  // the test really exercises chains
  std::vector<bool> gone(2000, false);
  sipalg::nat::test::prng rng(9);
  for (int round = 0; round < 1000; ++round) {
    const std::uint32_t n = rng.below(2000);
    if (gone[n]) continue;
    REQUIRE(t.erase(ids[n]));
    gone[n] = true;
  }
  for (std::uint32_t n = 0; n < 2000; ++n) {
    INFO("n=" << n);
    CHECK(t.find(out_key(n), 1).found() == !gone[n]);
    CHECK(t.find(reply_key(n), 1).found() == !gone[n]);
    if (!gone[n]) CHECK(t.find(reply_key(n), 1).flow == ids[n]);
  }
}

TEST_CASE("conntrack: sweep visits at most budget slots per call", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{100});
  hook_log log;
  t.set_erase_hook(&hook_log::record, &log);
  for (std::uint32_t n = 0; n < 100; ++n) REQUIRE(t.insert(out_key(n), reply_key(n), 0, n % 2 ? 10 : 1000).ok());
  CHECK(t.sweep(5, 100) == 0);  // nothing expired yet
  // 50 flows expired at 10; slots are used in order, so each 10-slot step holds 5 of them.
  CHECK(t.sweep(10, 10) == 5);
  CHECK(t.size() == 95);
  std::uint32_t total = 5;
  for (int k = 0; k < 9; ++k) {
    const std::uint32_t r = t.sweep(10, 10);
    CHECK(r == 5);
    total += r;
  }
  CHECK(total == 50);
  CHECK(t.size() == 50);
  CHECK(t.sweep(10, 1000) == 0);
  CHECK(t.counters().expired == 50);
  CHECK(log.calls.size() == 50);
  for (const auto& c : log.calls) CHECK(c.second == erase_reason::swept);
  for (std::uint32_t n = 0; n < 100; ++n) CHECK(t.find(out_key(n), 10).found() == (n % 2 == 0));
  CHECK(t.sweep(1000, 0) == 0);  // budget 0 does nothing
  CHECK(t.size() == 50);
}

TEST_CASE("conntrack: flush the flows on an old public address", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{64});
  hook_log log;
  t.set_erase_hook(&hook_log::record, &log);
  for (std::uint32_t n = 0; n < 10; ++n) REQUIRE(t.insert(out_key(n), reply_key(n), 0, 100).ok());
  const std::uint32_t new_pub = 0xCB007106;
  for (std::uint32_t n = 10; n < 14; ++n)
    REQUIRE(t.insert(out_key(n), flow_key{server, new_pub, 5060, static_cast<std::uint16_t>(n), 17}, 0, 100).ok());
  std::uint32_t seen = 0;
  t.for_each([&](std::uint32_t, const flow&) { ++seen; });
  CHECK(seen == 14);
  const std::uint32_t removed = t.erase_if([&](std::uint32_t, const flow& f) { return f.reply().dst_addr == pub; });
  CHECK(removed == 10);
  CHECK(t.size() == 4);
  CHECK(log.calls.size() == 10);
  CHECK(log.calls.front().second == erase_reason::flushed);
  for (std::uint32_t n = 0; n < 14; ++n) CHECK(t.find(out_key(n), 1).found() == (n >= 10));
  t.clear();
  CHECK(t.size() == 0);
  CHECK(log.calls.size() == 10);  // clear does not call the hook
  CHECK(t.insert(out_key(1), reply_key(1), 0, 1).ok());
}

TEST_CASE("conntrack: move keeps the flows", "[nat][conntrack]") {
  conntrack_table a(conntrack_params{8});
  const auto r = a.insert(out_key(1), reply_key(1), 0, 100);
  REQUIRE(r.ok());
  conntrack_table b(std::move(a));
  CHECK_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  CHECK(b.find(reply_key(1), 1).flow == r.flow);
  conntrack_table c(conntrack_params{2});
  c = std::move(b);
  CHECK(c.capacity() == 8);
  CHECK(c.find(out_key(1), 1).flow == r.flow);
}

TEST_CASE("conntrack: random operations against a model", "[nat][conntrack]") {
  conntrack_table t(conntrack_params{300, 85});
  sipalg::nat::test::prng rng(2024);
  struct entry {
    std::uint32_t n;
    time_s deadline;
  };
  std::map<std::uint32_t, entry> model;  // flow index -> key number + deadline
  std::map<std::uint32_t, std::uint32_t> by_n;  // key number -> flow index
  time_s now = 0;
  auto drop_expired_in_model = [&](std::uint32_t idx) {
    by_n.erase(model[idx].n);
    model.erase(idx);
  };
  hook_log log;
  t.set_erase_hook(&hook_log::record, &log);
  for (int step = 0; step < 40000; ++step) {
    const std::uint32_t op = rng.below(10);
    const std::uint32_t n = rng.below(600);
    if (op < 4) {
      const time_s d = now + 1 + rng.below(50);
      const auto r = t.insert(out_key(n), reply_key(n), now, static_cast<std::uint32_t>(d - now));
      // The model: a live entry with the same n blocks; expired ones are removed by the insert.
      auto it = by_n.find(n);
      if (it != by_n.end() && model[it->second].deadline <= now) drop_expired_in_model(it->second), it = by_n.end();
      if (it != by_n.end()) {
        REQUIRE(r.code == errc::exists);
      } else if (model.size() == 300) {
        REQUIRE(r.code == errc::table_full);
      } else {
        REQUIRE(r.ok());
        REQUIRE(model.count(r.flow) == 0);
        model[r.flow] = entry{n, d};
        by_n[n] = r.flow;
      }
    } else if (op < 7) {
      const flow_key k = rng.below(2) ? out_key(n) : reply_key(n);
      const flow_match m = t.find(k, now);
      auto it = by_n.find(n);
      if (it != by_n.end() && model[it->second].deadline <= now) {
        REQUIRE_FALSE(m);
        drop_expired_in_model(it->second);
      } else if (it != by_n.end()) {
        REQUIRE(m);
        REQUIRE(m.flow == it->second);
      } else {
        REQUIRE_FALSE(m);
      }
    } else if (op == 7) {
      auto it = by_n.find(n);
      REQUIRE(t.erase(it == by_n.end() ? 299 - (n % 300) : it->second) ==
              (it != by_n.end() || model.count(299 - (n % 300)) == 1));
      if (it != by_n.end()) drop_expired_in_model(it->second);
      else if (model.count(299 - (n % 300))) drop_expired_in_model(299 - (n % 300));
    } else if (op == 8) {
      now += rng.below(5);
    } else {
      const std::uint32_t before = t.size();
      const std::uint32_t removed = t.sweep(now, 1 + rng.below(60));
      REQUIRE(before - removed == t.size());
      for (auto it = model.begin(); it != model.end();) {
        if (!t[it->first].in_use()) by_n.erase(it->second.n), it = model.erase(it);
        else ++it;
      }
    }
    REQUIRE(t.size() == model.size());
  }
  CHECK(t.counters().inserts > 1000);
  CHECK(t.counters().expired > 100);
}

TEST_CASE("conntrack: sequential tuples spread evenly (hash quality)", "[nat][conntrack]") {
  // 100k flows whose tuples differ in a few low bits: a weak hash would cluster them.
  conntrack_table t(conntrack_params{100000});
  for (std::uint32_t n = 0; n < 100000; ++n) REQUIRE(t.insert(out_key(n), reply_key(n), 0, 100).ok());
  // 12-entry buckets at 75% load: the longest overflow run stays under 17 buckets (~200 entries).
  CHECK(t.max_probe_distance() < 17);
  conntrack_table s(conntrack_params{100000, 75, 12345});  // another seed, the same property
  for (std::uint32_t n = 0; n < 100000; ++n) REQUIRE(s.insert(out_key(n), reply_key(n), 0, 100).ok());
  CHECK(s.max_probe_distance() < 17);
  UNSCOPED_INFO("max probe distance at 75% load: " << t.max_probe_distance() << " / " << s.max_probe_distance());
}

TEST_CASE("conntrack: find_bulk gives what find gives, counters included", "[nat][conntrack]") {
  conntrack_table a(conntrack_params{500}), b(conntrack_params{500});
  for (std::uint32_t n = 0; n < 400; ++n) {
    REQUIRE(a.insert(out_key(n), reply_key(n), 0, n % 3 == 0 ? 5 : 100).ok());
    REQUIRE(b.insert(out_key(n), reply_key(n), 0, n % 3 == 0 ? 5 : 100).ok());
  }
  // 45 keys (not a multiple of the group size): hits both ways, misses, expired flows.
  std::vector<flow_key> keys;
  for (std::uint32_t n = 0; n < 45; ++n) keys.push_back(n % 4 == 0 ? out_key(n * 11) : n % 4 == 1 ? reply_key(n * 7) : n % 4 == 2 ? out_key(1000 + n) : reply_key(n));
  std::vector<flow_match> got(keys.size());
  a.find_bulk(keys, got, 10);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const flow_match want = b.find(keys[i], 10);
    INFO("i=" << i);
    CHECK(got[i].flow == want.flow);
    CHECK(got[i].dir == want.dir);
  }
  CHECK(a.counters().lookups == b.counters().lookups);
  CHECK(a.counters().hits == b.counters().hits);
  CHECK(a.counters().expired == b.counters().expired);
  CHECK(a.counters().expired > 0);
  CHECK(a.size() == b.size());
  // A shorter output span limits the work.
  std::vector<flow_match> two(2);
  a.find_bulk(keys, two, 10);
  CHECK(two[0].flow == got[0].flow);
}

TEST_CASE("conntrack: caller-provided memory", "[nat][conntrack]") {
  const conntrack_params p{100};
  const std::size_t need = conntrack_table::memory_required(p);
  CHECK(conntrack_table::index_slots_for(p) == 23 * 12);  // 200 entries at 75%: 266.7 -> 23 buckets
  CHECK(need == 100 * 64 + 23 * 64);
  CHECK(conntrack_table::memory_required(conntrack_params{0}) == 0);
  alignas(64) static std::byte arena[100 * 64 + 300 * 8 + 64];
  REQUIRE(sizeof(arena) >= need);
  {
    conntrack_table t(p, std::span<std::byte>(arena, need));
    REQUIRE(t.valid());
    CHECK(t.memory_bytes() == need);
    REQUIRE(t.insert(out_key(1), reply_key(1), 0, 10).ok());
    CHECK(t.find(reply_key(1), 1));
    conntrack_table moved(std::move(t));
    CHECK(moved.find(out_key(1), 1));
  }  // the arena is not freed (ASan would report freeing a static)
  conntrack_table small(p, std::span<std::byte>(arena, need - 1));
  CHECK_FALSE(small.valid());
  conntrack_table misaligned(p, std::span<std::byte>(arena + 8, need));
  CHECK_FALSE(misaligned.valid());
  conntrack_table empty(p, std::span<std::byte>());  // never falls back to allocating
  CHECK_FALSE(empty.valid());
  CHECK(empty.memory_bytes() == 0);

  // check_memory says why, and agrees with valid().
  CHECK(conntrack_table::check_memory(p, std::span<const std::byte>(arena, need)) == errc::ok);
  CHECK(conntrack_table::check_memory(p, std::span<const std::byte>(arena, sizeof(arena))) == errc::ok);
  CHECK(conntrack_table::check_memory(p, std::span<const std::byte>(arena, need - 1)) == errc::no_room);
  CHECK(conntrack_table::check_memory(p, std::span<const std::byte>()) == errc::no_room);
  for (std::size_t off : {1u, 8u, 32u, 63u}) {
    INFO("offset " << off);
    CHECK(conntrack_table::check_memory(p, std::span<const std::byte>(arena + off, need)) == errc::bad_range);
  }
  REQUIRE(sizeof(arena) >= need + 64);
  CHECK(conntrack_table::check_memory(p, std::span<const std::byte>(arena + 64, need)) == errc::ok);  // any 64-byte boundary
  CHECK(conntrack_table::check_memory(conntrack_params{0}, std::span<const std::byte>(arena, need)) == errc::unsupported);
  CHECK(conntrack_table::check_memory(conntrack_params{conntrack_table::max_capacity + 1},
                                      std::span<const std::byte>(arena, need)) == errc::unsupported);
  // A table at an offset of 64 bytes works (alignment is all that matters).
  {
    conntrack_table shifted(p, std::span<std::byte>(arena + 64, need));
    REQUIRE(shifted.valid());
    REQUIRE(shifted.insert(out_key(2), reply_key(2), 0, 10).ok());
    CHECK(shifted.find(reply_key(2), 1));
  }
}
