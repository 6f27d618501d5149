#include "sipalg/nat/hash_index.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <vector>

#include "nat/packet_builder.hpp"

using sipalg::nat::detail::hash_index;

namespace {
// Tag whose home slot is `home` in an index of `size` slots (fastrange inverse, plus a salt in the low bits).
std::uint32_t tag_for(std::uint32_t home, std::uint32_t size, std::uint32_t salt) {
  const std::uint64_t lo = (std::uint64_t{home} << 32) / size;  // smallest tag mapping to home
  const std::uint32_t t = static_cast<std::uint32_t>(lo + 1 + salt % 16);
  REQUIRE(static_cast<std::uint32_t>((std::uint64_t{t} * size) >> 32) == home);
  return t;
}
}  // namespace

TEST_CASE("hash_index: backward-shift deletion keeps every chain reachable", "[nat][hash_index]") {
  constexpr std::uint32_t size = 16;
  std::vector<hash_index::slot> mem(size);
  hash_index ix;
  ix.attach(mem.data(), size);
  // One long cluster that wraps around the end: homes 13, 13, 14, 13, 15, 0, 13, 1.
  const std::uint32_t homes[] = {13, 13, 14, 13, 15, 0, 13, 1};
  std::vector<std::uint32_t> tags;
  for (std::uint32_t i = 0; i < 8; ++i) {
    tags.push_back(tag_for(homes[i], size, i));
    ix.insert(tags.back(), i);
  }
  CHECK(ix.count() == 8);
  CHECK(ix.max_probe_distance() >= 5);
  auto found = [&](std::uint32_t ref) {
    return ix.find(tags[ref], [ref](std::uint32_t r) { return r == ref; }) != hash_index::npos;
  };
  for (std::uint32_t i = 0; i < 8; ++i) CHECK(found(i));
  // Delete from the middle of the chain, then from its head, then one that wrapped.
  const std::uint32_t order[] = {3, 0, 5, 6, 1, 7, 2, 4};
  std::vector<bool> gone(8, false);
  for (std::uint32_t k : order) {
    REQUIRE(ix.erase(tags[k], k));
    gone[k] = true;
    for (std::uint32_t i = 0; i < 8; ++i) {
      INFO("after erasing " << k << ", looking for " << i);
      CHECK(found(i) == !gone[i]);
    }
  }
  CHECK(ix.count() == 0);
  CHECK_FALSE(ix.erase(tags[0], 0));
  for (std::uint32_t i = 0; i < size; ++i) CHECK(ix.at(i).ref == hash_index::empty_ref);
}

TEST_CASE("hash_index: erase_matching removes duplicates of one tag mid-walk", "[nat][hash_index]") {
  constexpr std::uint32_t size = 32;
  std::vector<hash_index::slot> mem(size);
  hash_index ix;
  ix.attach(mem.data(), size);
  const std::uint32_t t = tag_for(30, size, 0), u = tag_for(31, size, 1), w = tag_for(30, size, 2);
  for (std::uint32_t i = 0; i < 6; ++i) ix.insert(t, i);       // six entries with the same tag
  ix.insert(u, 100), ix.insert(w, 200), ix.insert(t, 6);
  const std::uint32_t n = ix.erase_matching(t, [](std::uint32_t r) { return r % 2 == 0; });
  CHECK(n == 4);  // 0, 2, 4, 6
  std::vector<std::uint32_t> left;
  ix.erase_matching(t, [&](std::uint32_t r) { left.push_back(r); return false; });
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::uint32_t>{1, 3, 5});
  CHECK(ix.find(u, [](std::uint32_t r) { return r == 100; }) != hash_index::npos);
  CHECK(ix.find(w, [](std::uint32_t r) { return r == 200; }) != hash_index::npos);
  CHECK(ix.count() == 5);
}

TEST_CASE("hash_index: random inserts and erases against a model", "[nat][hash_index]") {
  constexpr std::uint32_t size = 61;  // not a power of two
  std::vector<hash_index::slot> mem(size);
  hash_index ix;
  ix.attach(mem.data(), size);
  sipalg::nat::test::prng rng(77);
  std::map<std::uint32_t, std::uint32_t> model;  // ref -> tag
  std::uint32_t next_ref = 0;
  for (int step = 0; step < 20000; ++step) {
    if (model.size() < 50 && (model.empty() || rng.below(2) == 0)) {
      const std::uint32_t tag = rng.below(4) == 0 ? 0xFFFFFFFFu : rng.u32() & 0xF000000Fu;  // clustered
      ix.insert(tag, next_ref);
      model[next_ref++] = tag;
    } else {
      auto it = model.begin();
      std::advance(it, rng.below(static_cast<std::uint32_t>(model.size())));
      REQUIRE(ix.erase(it->second, it->first));
      model.erase(it);
    }
    REQUIRE(ix.count() == model.size());
    if (step % 97 == 0)
      for (const auto& [ref, tag] : model)
        REQUIRE(ix.find(tag, [r = ref](std::uint32_t x) { return x == r; }) != hash_index::npos);
  }
}

// ---- bucket_index (the conntrack table's index) ----

using sipalg::nat::detail::bucket_index;

namespace {
// A hash whose home bucket is `home` among `buckets`, with tag byte `tag` (bits 24..31) and a salt below.
std::uint64_t hash_for(std::uint32_t home, std::uint32_t buckets, std::uint8_t tag, std::uint32_t salt = 0) {
  const std::uint64_t hi = ((std::uint64_t{home} << 32) + buckets - 1) / buckets;  // smallest value mapping to home
  const std::uint64_t h = hi << 32 | std::uint64_t{tag} << 24 | (salt & 0xFFFFFFu);
  REQUIRE(static_cast<std::uint32_t>(((h >> 32) * buckets) >> 32) == home);
  return h;
}
}  // namespace

TEST_CASE("bucket_index: tag compare (SIMD and SWAR agree, only the 12 tag bytes count)", "[nat][hash_index]") {
  sipalg::nat::test::prng rng(77);
  for (int round = 0; round < 2000; ++round) {
    bucket_index::bucket b{};
    for (auto& t : b.tag) t = static_cast<std::uint8_t>(rng.below(4));  // many repeats and zeros
    b.overflow = static_cast<std::uint8_t>(rng.below(4));                // bytes 12..15 may equal the tag
    for (auto& x : b.spare) x = static_cast<std::uint8_t>(rng.below(4));
    for (std::uint32_t t = 0; t < 4; ++t) {
      std::uint32_t want = 0;
      for (std::uint32_t i = 0; i < bucket_index::bucket_slots; ++i)
        if (b.tag[i] == t) want |= 1u << i;
      INFO("round " << round << " tag " << t);
      CHECK(bucket_index::match(b, static_cast<std::uint8_t>(t)) == want);
      CHECK(bucket_index::match_swar(b, static_cast<std::uint8_t>(t)) == want);
    }
  }
  bucket_index::bucket full{};
  for (auto& t : full.tag) t = 0xFF;
  CHECK(bucket_index::match_swar(full, 0xFF) == 0xFFFu);
  CHECK(bucket_index::match_swar(full, 0x7F) == 0u);
  CHECK(bucket_index::match(full, 0) == 0u);
  // Tags are never 0 (0 marks a free entry).
  CHECK(bucket_index::tag_of(0) == 1);
  CHECK(bucket_index::tag_of(std::uint64_t{0xAB} << 24) == 0xAB);
  CHECK(bucket_index::tag_of(0xFFFFFFFF00FFFFFFULL) == 1);
}

TEST_CASE("bucket_index: overflow chains, erase in the middle, wrap-around", "[nat][hash_index]") {
  constexpr std::uint32_t nb = 4;
  std::vector<bucket_index::bucket> mem(nb);
  bucket_index ix;
  ix.attach(mem.data(), nb);
  CHECK(ix.size() == 48);
  // 30 entries whose home is the last bucket: 12 there, 12 wrap into bucket 0, 6 into bucket 1.
  // Tags repeat (3 values), so lookups must rely on accept() for the rest.
  std::vector<std::uint64_t> h;
  for (std::uint32_t i = 0; i < 30; ++i) {
    h.push_back(hash_for(3, nb, static_cast<std::uint8_t>(1 + i % 3), i));
    ix.insert(h.back(), i);
  }
  CHECK(ix.count() == 30);
  CHECK(ix.at(3).overflow == 18);
  CHECK(ix.at(0).overflow == 6);
  CHECK(ix.at(1).overflow == 0);
  CHECK(ix.max_probe_distance() == 2);  // the run 3 -> 0 wraps around the end
  auto pos_of = [&](std::uint32_t ref) { return ix.find(h[ref], [ref](std::uint32_t r) { return r == ref; }); };
  for (std::uint32_t i = 0; i < 30; ++i) {
    const std::uint32_t pos = pos_of(i);
    REQUIRE(pos != bucket_index::npos);
    CHECK(ix.ref_at(pos) == i);
    CHECK(pos / 12 == (i < 12 ? 3u : i < 24 ? 0u : 1u));
    CHECK(ix.find_ref(h[i], [i](std::uint32_t r) { return r == i; }) == i);
  }
  // An absent key with the same home and tag: the lookup scans the chain and stops.
  CHECK(ix.find(h[0], [](std::uint32_t r) { return r == 999; }) == bucket_index::npos);
  CHECK(ix.find_ref(h[0], [](std::uint32_t r) { return r == 999; }) == bucket_index::npos);
  // A key at home 1 (not part of the chain's start) does not scan past bucket 1.
  std::uint32_t visited = 0;
  CHECK(ix.find(hash_for(1, nb, 1), [&](std::uint32_t) { return ++visited, false; }) == bucket_index::npos);
  CHECK(visited == 2);  // the two entries with tag 1 stored in bucket 1 (refs 24 and 27)
  // Erase from the middle (bucket 0) and from the home bucket; everything else stays findable.
  std::vector<bool> gone(30, false);
  for (std::uint32_t k : {15u, 3u, 27u, 0u}) {
    REQUIRE(ix.erase(h[k], k));
    CHECK_FALSE(ix.erase(h[k], k));
    gone[k] = true;
    for (std::uint32_t i = 0; i < 30; ++i) CHECK((pos_of(i) != bucket_index::npos) == !gone[i]);
  }
  CHECK(ix.count() == 26);
  CHECK(ix.at(3).overflow == 16);  // 15 and 27 had passed over bucket 3, 27 also over 0
  CHECK(ix.at(0).overflow == 5);
  // A new entry with home 3 takes a freed entry in its home bucket: no new overflow.
  ix.insert(hash_for(3, nb, 9), 100);
  CHECK(ix.at(3).overflow == 16);
  CHECK(ix.find_ref(hash_for(3, nb, 9), [](std::uint32_t r) { return r == 100; }) == 100);
  // Erasing the rest leaves every overflow count at 0.
  REQUIRE(ix.erase(hash_for(3, nb, 9), 100));
  for (std::uint32_t i = 0; i < 30; ++i)
    if (!gone[i]) REQUIRE(ix.erase(h[i], i));
  CHECK(ix.count() == 0);
  for (std::uint32_t b = 0; b < nb; ++b) CHECK(ix.at(b).overflow == 0);
  CHECK(ix.max_probe_distance() == 0);
}

TEST_CASE("bucket_index: saturated overflow counts stay correct (lookups just go on)", "[nat][hash_index]") {
  constexpr std::uint32_t nb = 30;  // 360 entries
  std::vector<bucket_index::bucket> mem(nb);
  bucket_index ix;
  ix.attach(mem.data(), nb);
  std::vector<std::uint64_t> h;
  for (std::uint32_t i = 0; i < 300; ++i) {  // all at home 0: 288 pass over bucket 0
    h.push_back(hash_for(0, nb, static_cast<std::uint8_t>(1 + i % 2), i));
    ix.insert(h.back(), i);
  }
  CHECK(ix.at(0).overflow == 255);  // saturated
  CHECK(ix.at(1).overflow == 255);  // 276 passed over it: saturated too
  for (std::uint32_t i = 0; i < 300; ++i) CHECK(ix.find_ref(h[i], [i](std::uint32_t r) { return r == i; }) == i);
  for (std::uint32_t i = 0; i < 300; i += 2) REQUIRE(ix.erase(h[i], i));
  CHECK(ix.at(0).overflow == 255);  // stuck: never decremented once saturated
  for (std::uint32_t i = 0; i < 300; ++i)
    CHECK((ix.find_ref(h[i], [i](std::uint32_t r) { return r == i; }) == i) == (i % 2 == 1));
  for (std::uint32_t i = 1; i < 300; i += 2) REQUIRE(ix.erase(h[i], i));
  CHECK(ix.count() == 0);
  CHECK(ix.find(h[0], [](std::uint32_t) { return true; }) == bucket_index::npos);  // terminates on an empty index
}
