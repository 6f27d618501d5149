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
