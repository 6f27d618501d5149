#include "sipalg/nat/port_allocator.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <set>

using namespace sipalg::nat;
using sipalg::transport;

namespace {
// ~272 KiB: keep it off the stack.
std::unique_ptr<port_allocator> make(port_range r = {}) { return std::make_unique<port_allocator>(r); }
}  // namespace

TEST_CASE("port_allocator: keeps the wanted port when free", "[nat][ports]") {
  auto a = make();
  CHECK(a->range().first == 1024);
  CHECK(a->range().last == 65535);
  CHECK(a->allocate(transport::udp, 5060) == 5060);
  CHECK_FALSE(a->is_free(transport::udp, 5060));
  CHECK(a->is_free(transport::tcp, 5060));  // per transport
  CHECK(a->allocate(transport::tcp, 5060) == 5060);
  // Taken: the second phone on 5060 gets another port from the range.
  const auto second = a->allocate(transport::udp, 5060);
  REQUIRE(second);
  CHECK(*second != 5060);
  CHECK(*second >= 1024);
  // Outside the range (or 0): allocated from the range.
  const auto low = a->allocate(transport::udp, 123);
  REQUIRE(low);
  CHECK(*low >= 1024);
  CHECK(a->in_use(transport::udp) == 3);
  CHECK(a->in_use(transport::tcp) == 1);
}

TEST_CASE("port_allocator: exhaustion, release and the rotating cursor", "[nat][ports]") {
  auto a = make({5000, 5009});
  std::set<std::uint16_t> got;
  for (int k = 0; k < 10; ++k) {
    const auto p = a->allocate(transport::udp);
    REQUIRE(p);
    CHECK(*p >= 5000);
    CHECK(*p <= 5009);
    got.insert(*p);
  }
  CHECK(got.size() == 10);
  CHECK_FALSE(a->allocate(transport::udp));
  CHECK_FALSE(a->allocate(transport::udp, 5003));
  CHECK_FALSE(a->allocate_pair(transport::udp));
  CHECK(a->release(transport::udp, 5003));
  CHECK_FALSE(a->release(transport::udp, 5003));  // already free
  CHECK(a->allocate(transport::udp) == 5003);
  // The cursor moves on: a port released now is not the next one handed out while others are free.
  auto b = make({6000, 6009});
  REQUIRE(b->allocate(transport::udp) == 6000);
  REQUIRE(b->allocate(transport::udp) == 6001);
  b->release(transport::udp, 6000);
  CHECK(b->allocate(transport::udp) == 6002);
  for (int k = 0; k < 7; ++k) REQUIRE(b->allocate(transport::udp));
  CHECK(b->allocate(transport::udp) == 6000);  // wrapped around to the only free one
}

TEST_CASE("port_allocator: RTP pairs are even with the odd port free", "[nat][ports]") {
  auto a = make({20000, 20011});
  CHECK(a->allocate_pair(transport::udp, 20004) == 20004);
  CHECK_FALSE(a->is_free(transport::udp, 20005));
  // Wanted is odd: a new even pair.
  const auto p = a->allocate_pair(transport::udp, 20007);
  REQUIRE(p);
  CHECK(*p % 2 == 0);
  CHECK(*p != 20004);
  // Block every remaining odd port: no pair is left although even ports are free.
  for (std::uint16_t q = 20001; q <= 20011; q += 2)
    if (a->is_free(transport::udp, q)) REQUIRE(a->reserve(transport::udp, q));
  CHECK_FALSE(a->allocate_pair(transport::udp));
  CHECK_FALSE(a->allocate_pair(transport::udp, 20010));
  CHECK(a->allocate(transport::udp));  // singles still work
  a->release_pair(transport::udp, 20004);
  CHECK(a->is_free(transport::udp, 20004));
  CHECK(a->is_free(transport::udp, 20005));
  CHECK(a->allocate_pair(transport::udp) == 20004);
}

TEST_CASE("port_allocator: pair bounds at odd range ends and word boundaries", "[nat][ports]") {
  auto a = make({5001, 5006});  // pairs: 5002/5003, 5004/5005; 5006 has no partner in range
  CHECK(a->allocate_pair(transport::udp) == 5002);
  CHECK(a->allocate_pair(transport::udp) == 5004);
  CHECK_FALSE(a->allocate_pair(transport::udp));
  CHECK_FALSE(a->allocate_pair(transport::udp, 5006));
  auto b = make({62, 200});  // crosses 64-bit words
  std::set<std::uint16_t> evens;
  while (auto p = b->allocate_pair(transport::tcp)) {
    CHECK(*p % 2 == 0);
    CHECK(*p >= 62);
    CHECK(*p + 1 <= 200);
    evens.insert(*p);
  }
  CHECK(evens.size() == (200 - 62 + 1) / 2);  // 62..199: 69 pairs
  CHECK(b->in_use(transport::tcp) == 138);
  auto c = make({65534, 65535});
  CHECK(c->allocate_pair(transport::udp) == 65534);
  CHECK(c->refcount(transport::udp, 65535) == 1);
  c->release_pair(transport::udp, 65534);
  CHECK(c->in_use(transport::udp) == 0);
}

TEST_CASE("port_allocator: the whole range can be allocated", "[nat][ports]") {
  auto a = make({1, 65535});
  std::uint32_t n = 0;
  while (auto p = a->allocate(transport::udp)) {
    REQUIRE(*p != 0);
    ++n;
  }
  CHECK(n == 65535);
  CHECK(a->in_use(transport::udp) == 65535);
  CHECK_FALSE(a->reserve(transport::udp, 80));
}

TEST_CASE("port_allocator: reference counts and reservations", "[nat][ports]") {
  auto a = make({30000, 30001});
  CHECK(a->reserve(transport::tcp, 443));  // a port forward, outside the range
  CHECK_FALSE(a->reserve(transport::tcp, 443));
  CHECK_FALSE(a->reserve(transport::tcp, 0));
  CHECK(a->allocate(transport::udp, 30000) == 30000);
  CHECK(a->retain(transport::udp, 30000));  // the RTP flow also uses the mapping of its expectation
  CHECK(a->refcount(transport::udp, 30000) == 2);
  CHECK_FALSE(a->retain(transport::udp, 30001));  // free ports cannot be retained
  CHECK(a->release(transport::udp, 30000));
  CHECK_FALSE(a->is_free(transport::udp, 30000));
  CHECK(a->release(transport::udp, 30000));
  CHECK(a->is_free(transport::udp, 30000));
  CHECK(a->in_use(transport::udp) == 0);
}

TEST_CASE("port_allocator: range changes", "[nat][ports]") {
  auto a = make({0, 10});  // invalid: default range
  CHECK(a->range().first == 1024);
  CHECK_FALSE(a->set_range({100, 50}));
  CHECK(a->range().first == 1024);
  CHECK(a->set_range({40000, 40001}));
  CHECK(a->allocate(transport::udp, 5060) == 40000);
}
